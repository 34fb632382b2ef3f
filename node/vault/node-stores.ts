/**
 * The vault's stores on a Node.js disk: one LevelDB database (`vault/db`) with two sublevels — `b`, the
 * blockstore (blockstore-level, handed to Helia) and `i`, the index (datastore-level) — so that a record's
 * block(s) and its index entry are written in one atomic LevelDB batch. The keyring is a file beside it.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { LevelBlockstore } from 'blockstore-level'
import { LevelDatastore } from 'datastore-level'
import { Level } from 'level'
import { base32upper } from 'multiformats/bases/base32'
import { fileKeyring } from './node-files.ts'
import type { StoreOp, VaultStores } from './vault.ts'
import type { CID } from 'multiformats/cid'

export interface OpenStores extends VaultStores {
  /** Every sealed index entry and every encrypted block, as stored (for a backup). */
  dump(): Promise<{ index: Array<[string, Uint8Array]>; blocks: Uint8Array[] }>
  /** Whether the database holds nothing yet. */
  isEmpty(): Promise<boolean>
  /** Write index entries and blocks in one batch (a restore into an empty database). */
  load(index: Array<[string, Uint8Array]>, blocks: Array<{ cid: CID; bytes: Uint8Array }>): Promise<void>
  purge(): Promise<void>
  close(): Promise<void>
}

/** The key blockstore-level gives a block: `/` + base32upper(multihash). Tested against it. */
export function blockKey(cid: CID): string {
  return `/${base32upper.encoder.encode(cid.multihash.bytes)}`
}

/** Open the vault's stores under `dir` (`db/`, `keyring.json`). */
export async function openNodeStores(dir: string): Promise<OpenStores> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const db = new Level<string, Uint8Array>(join(dir, 'db'), { keyEncoding: 'utf8', valueEncoding: 'view' })
  // ciphertext does not compress: spare LevelDB the attempt (blockstore-level's default too)
  await db.open({ createIfMissing: true, compression: false })
  const blocksDb = db.sublevel<string, Uint8Array>('b', { keyEncoding: 'utf8', valueEncoding: 'view' })
  const indexDb = db.sublevel<string, Uint8Array>('i', { keyEncoding: 'utf8', valueEncoding: 'view' })
  // blockstore-level and datastore-level take a Level; a sublevel has the same interface.
  const blocks = new LevelBlockstore(blocksDb as unknown as Level<string, Uint8Array>)
  const index = new LevelDatastore(indexDb as unknown as Level<string, Uint8Array>)
  await blocks.open()
  await index.open()
  return {
    blocks,
    index,
    keyring: fileKeyring(join(dir, 'keyring.json')),
    async atomic(ops: StoreOp[]) {
      // the array form of batch: about half the cost of a chained batch in classic-level
      await db.batch(
        ops.map((op) =>
          op.kind === 'block'
            ? { type: 'put' as const, sublevel: blocksDb, key: blockKey(op.cid), value: op.bytes }
            : op.kind === 'index'
              ? { type: 'put' as const, sublevel: indexDb, key: op.key, value: op.value }
              : { type: 'del' as const, sublevel: indexDb, key: op.key }
        )
      )
    },
    async dump() {
      const index: Array<[string, Uint8Array]> = []
      for await (const [k, v] of indexDb.iterator()) index.push([k, v])
      const blocksOut: Uint8Array[] = []
      for await (const v of blocksDb.values()) blocksOut.push(v)
      return { index, blocks: blocksOut }
    },
    async isEmpty() {
      for await (const _ of db.keys({ limit: 1 })) return false
      return true
    },
    async load(indexEntries, blockEntries) {
      await db.batch([
        ...blockEntries.map((b) => ({
          type: 'put' as const,
          sublevel: blocksDb,
          key: blockKey(b.cid),
          value: b.bytes
        })),
        ...indexEntries.map(([key, value]) => ({ type: 'put' as const, sublevel: indexDb, key, value }))
      ])
    },
    async purge() {
      // every key is under a sublevel prefix ('!b!', '!i!'): this range covers them all
      // (`level` is classic-level on Node: its compactRange is not in the browser-level types)
      await (db as unknown as { compactRange(start: string, end: string): Promise<void> }).compactRange(
        '\u0000',
        '\uffff'
      )
    },
    async close() {
      await db.close()
    }
  }
}
