/**
 * Encrypted backups (issue 7, item 2): the whole vault as one CAR file — every encrypted block as a raw
 * block, plus a manifest block (dag-cbor, the CAR's root) holding the wrapped keyring (the data key sealed by
 * the passphrase, the identity sealed by the data key) and the sealed index entries. Nothing in it is in
 * clear: only the number and sizes of blocks show, as on disk.
 *
 * Restoring checks everything before writing anything: every block's hash against its CID (a tampered
 * archive is refused), the manifest's shape, then the passphrase and every record, by unlocking the archive
 * in memory and reading each record through the real vault code. Only then are the blocks and index entries
 * written in one LevelDB batch, and the keyring last (its presence is what makes a profile exist).
 */
import { CarReader, CarWriter } from '@ipld/car'
import * as dagCbor from '@ipld/dag-cbor'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { z } from 'zod'
import { nativeAead } from './vault/native-aead.ts'
import { nodeScrypt } from './vault/node-files.ts'
import { Vault, VaultError } from './vault/vault.ts'
import type { OpenStores } from './vault/node-stores.ts'

/** The largest archive restored (a vault with many images; raise it if a real vault needs more). */
export const MAX_BACKUP_BYTES = 512 * 1024 * 1024
export const BACKUP_KIND = 'musette-backup'

export class BackupError extends Error {
  constructor(
    readonly code:
      | 'MALFORMED'
      | 'TAMPERED'
      | 'NOT_A_BACKUP'
      | 'TOO_LARGE'
      | 'WRONG_PASSPHRASE'
      | 'NOT_EMPTY'
      | 'NO_RECOVERY',
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'BackupError'
  }
}

const Manifest = z
  .object({
    v: z.literal(1),
    kind: z.literal(BACKUP_KIND),
    created: z.string().max(40),
    keyring: z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.byteLength <= 64 * 1024),
    index: z
      .array(z.tuple([z.string().max(200), z.custom<Uint8Array>((v) => v instanceof Uint8Array)]))
      .max(1_000_000)
  })
  .strict()
type Manifest = z.infer<typeof Manifest>

export interface BackupContents {
  manifest: Manifest
  blocks: Array<{ cid: CID; bytes: Uint8Array }>
}

/** The archive, as a stream of CAR bytes. */
export async function* backupChunks(stores: OpenStores, now = new Date()): AsyncGenerator<Uint8Array> {
  const { index, blocks } = await stores.dump()
  const keyring = await stores.keyring.read()
  if (!keyring) throw new VaultError('NOT_INITIALIZED', 'there is no vault to back up')
  const manifest: Manifest = { v: 1, kind: BACKUP_KIND, created: now.toISOString(), keyring, index }
  const manifestBytes = dagCbor.encode(manifest)
  const root = CID.createV1(dagCbor.code, await sha256.digest(manifestBytes))
  const { writer, out } = CarWriter.create([root])
  const writing = (async () => {
    await writer.put({ cid: root, bytes: manifestBytes })
    for (const bytes of blocks) {
      await writer.put({ cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes })
    }
    await writer.close()
  })()
  for await (const chunk of out) yield chunk
  await writing
}

/** Parse and check an archive's structure and every block's hash. Throws BackupError. */
export async function readBackup(bytes: Uint8Array): Promise<BackupContents> {
  if (bytes.byteLength > MAX_BACKUP_BYTES) throw new BackupError('TOO_LARGE', 'the archive is too large')
  let reader: CarReader
  try {
    reader = await CarReader.fromBytes(bytes)
  } catch (err) {
    throw new BackupError('MALFORMED', 'not a CAR file, or a truncated one', { cause: err })
  }
  const roots = await reader.getRoots()
  if (roots.length !== 1 || roots[0]?.code !== dagCbor.code)
    throw new BackupError('NOT_A_BACKUP', 'not a Musette backup (no manifest root)')
  const root = roots[0]
  let manifest: Manifest | undefined
  const blocks: BackupContents['blocks'] = []
  try {
    for await (const block of reader.blocks()) {
      if (block.cid.multihash.code !== sha256.code)
        throw new BackupError('TAMPERED', `block ${block.cid.toString()} is not a SHA-256 block`)
      const digest = await sha256.digest(block.bytes)
      if (!equal(digest.digest, block.cid.multihash.digest))
        throw new BackupError('TAMPERED', `block ${block.cid.toString()} does not match its hash`)
      if (block.cid.equals(root)) {
        const parsed = Manifest.safeParse(dagCbor.decode(block.bytes))
        if (!parsed.success) throw new BackupError('NOT_A_BACKUP', 'the manifest is not a Musette backup’s')
        manifest = parsed.data
      } else if (block.cid.code === raw.code) {
        blocks.push({ cid: block.cid, bytes: block.bytes })
      } else {
        throw new BackupError('NOT_A_BACKUP', `unexpected block ${block.cid.toString()}`)
      }
    }
  } catch (err) {
    if (err instanceof BackupError) throw err
    throw new BackupError('MALFORMED', 'the archive is truncated or damaged', { cause: err })
  }
  if (!manifest) throw new BackupError('NOT_A_BACKUP', 'the archive has no manifest')
  return { manifest, blocks }
}

/**
 * Unlock the archive in memory with the passphrase and read every record (throws BackupError
 * WRONG_PASSPHRASE, or TAMPERED when a record is missing or does not decrypt). Returns the DID seed holder.
 */
export async function verifyBackup(
  contents: BackupContents,
  passphrase: string
): Promise<{ records: number; vault: Vault }> {
  const blocks = new MemoryBlockstore()
  for (const b of contents.blocks) await blocks.put(b.cid, b.bytes)
  const index = new MemoryDatastore()
  for (const [key, value] of contents.manifest.index) await index.put(new Key(key), value)
  const keyring = contents.manifest.keyring
  const stores = {
    blocks,
    index,
    keyring: { read: async () => keyring, write: async () => undefined }
  }
  let vault: Vault
  try {
    vault = await Vault.unlock(stores, nodeScrypt, passphrase, { aead: nativeAead })
  } catch (err) {
    if (err instanceof VaultError && err.code === 'WRONG_PASSPHRASE')
      throw new BackupError('WRONG_PASSPHRASE', 'wrong passphrase: nothing was restored')
    throw new BackupError('TAMPERED', 'the archive’s keys cannot be read', { cause: err })
  }
  const records = await vault.list()
  for (const r of records) {
    try {
      await vault.versions(r.id)
      if (r.type === 'media' && !(await vault.getMediaBlob(r.id))) throw new Error('missing image')
    } catch (err) {
      vault.lock()
      throw new BackupError('TAMPERED', `record ${r.id} cannot be read back`, { cause: err })
    }
  }
  return { records: records.length, vault }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
