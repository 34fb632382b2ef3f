/**
 * The encrypted vault.
 *
 * - Every record version is dag-cbor, sealed with XChaCha20-Poly1305 under a per-record random key, and
 *   stored as a raw block in the (Helia) blockstore; its CID is the hash of the ciphertext.
 * - The index (a datastore, LevelDB on disk) maps an opaque random id to a sealed entry holding the record's
 *   key, its head CID and a small summary; the entry is sealed under the data key.
 * - The data key is wrapped by a key derived from the passphrase (scrypt), in the keyring beside them; the
 *   identity seed and display name are sealed under the data key in the same keyring.
 * - Deleting a record deletes its index entry, so its key is forgotten (crypto-shredding), and its blocks.
 * - A write puts the blocks first and the index entry last: the index entry is the commit point.
 *
 * The module does no I/O of its own: stores and the keyring file are injected (Node: LevelDB and a file;
 * browser later: IndexedDB).
 */
import * as dagCbor from '@ipld/dag-cbor'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { base32 } from 'multiformats/bases/base32'
import { base64 } from 'multiformats/bases/base64'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import { z } from 'zod'
import {
  MAX_MEDIA_BYTES,
  Source,
  STORED_SCHEMAS,
  StoredType,
  type StoredDataMap,
  type VaultRecord
} from '../model/records.ts'

/** A record of any stored type (the person's and the node's own). */
export type AnyRecord = VaultRecord<StoredType>
import { summarize, type Summary } from '../model/timeline.ts'
import {
  aadOf,
  DecryptError,
  DEFAULT_KDF,
  KEY_LENGTH,
  MAX_KDF_N,
  nobleAead,
  randomBytes,
  type Aead,
  type Kdf,
  type KdfParams
} from './crypto.ts'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'

/** The largest block the vault writes or reads: a 5 MiB image plus its envelope. */
export const MAX_BLOCK_BYTES = MAX_MEDIA_BYTES + 64 * 1024
/** The largest sealed record (its data is capped by the schemas far below this). */
export const MAX_RECORD_BYTES = 1024 * 1024
export const MAX_KEYRING_BYTES = 64 * 1024
const INDEX_PREFIX = '/r/'
/** How many decrypted records stay in memory (the index, with every summary, always does). */
export const CACHE_SIZE = 2000
const RAW_CODE = raw.code

export class VaultError extends Error {
  constructor(
    readonly code:
      | 'WRONG_PASSPHRASE'
      | 'NOT_FOUND'
      | 'CONFLICT'
      | 'CORRUPT'
      | 'LOCKED'
      | 'ALREADY_INITIALIZED'
      | 'NOT_INITIALIZED'
      | 'VALIDATION_FAILED'
      | 'TOO_LARGE',
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'VaultError'
  }
}

/** Reads and atomically replaces the keyring (a small JSON file on disk). */
export interface KeyringStore {
  read(): Promise<Uint8Array | undefined>
  write(bytes: Uint8Array): Promise<void>
}

/** One write of an atomic batch. */
export type StoreOp =
  | { kind: 'block'; cid: CID; bytes: Uint8Array }
  | { kind: 'index'; key: string; value: Uint8Array }
  | { kind: 'index-del'; key: string }

export interface VaultStores {
  blocks: Blockstore
  index: Datastore
  keyring: KeyringStore
  /**
   * Write blocks and index entries all at once, or not at all. Without it, the vault writes blocks first and
   * the index entries last (in one datastore batch), which is crash-safe too but leaves orphan blocks.
   */
  atomic?: (ops: StoreOp[]) => Promise<void>
  /**
   * Rewrite the stores' files so that nothing deleted remains in them (LevelDB: a full compaction, which
   * drops deleted entries and removes the old log and table files). Called after every deletion.
   */
  purge?: () => Promise<void>
}

export interface VaultSecrets {
  /** The 32-byte Ed25519 seed of the person's identity. */
  identitySeed: Uint8Array
  name: string
  createdAt: string
}

const Keyring = z
  .object({
    format: z.literal('musette-keyring'),
    version: z.literal(1),
    kdf: z
      .object({
        alg: z.literal('scrypt'),
        N: z
          .number()
          .int()
          .min(2 ** 10)
          .max(MAX_KDF_N)
          .refine((n) => (n & (n - 1)) === 0, 'N must be a power of two'),
        r: z.number().int().min(1).max(32),
        p: z.number().int().min(1).max(16),
        salt: z.string().min(16).max(200)
      })
      .strict(),
    wrappedKey: z.string().max(200),
    secrets: z.string().max(MAX_KEYRING_BYTES),
    /**
     * Social key recovery (docs/RECOVERY.md): the data key wrapped a second time, under a key derived from a
     * recovery key split among trusted contacts; what identifies the set is in clear but secret-free.
     */
    recovery: z
      .object({
        setId: z.string().regex(/^s[a-z2-7]{26}$/),
        k: z.number().int().min(2).max(10),
        n: z.number().int().min(2).max(10),
        commitment: z.string().max(100),
        ownerTag: z.string().max(100),
        wrappedKey: z.string().max(200)
      })
      .strict()
      .optional()
  })
  .strict()
type KeyringFile = z.infer<typeof Keyring>

/** A keyring's recovery set, as a backup shows it before anything is unlocked. */
export interface KeyringRecovery {
  setId: string
  k: number
  n: number
  commitment: Uint8Array
  ownerTag: Uint8Array
}

function parseKeyring(bytes: Uint8Array | undefined): KeyringFile {
  if (bytes === undefined) throw new VaultError('NOT_INITIALIZED', 'no vault here yet')
  if (bytes.length > MAX_KEYRING_BYTES) throw new VaultError('CORRUPT', 'the keyring is too large')
  try {
    return Keyring.parse(JSON.parse(new TextDecoder().decode(bytes)))
  } catch (err) {
    throw new VaultError('CORRUPT', 'the keyring is unreadable', { cause: err })
  }
}

const encodeKeyring = (k: KeyringFile): Uint8Array => new TextEncoder().encode(JSON.stringify(k, null, 2))

interface IndexEntry {
  /** The record's key. */
  k: Uint8Array
  /** CID of the head (newest) version's block. */
  h: CID
  t: StoredType
  v: number
  c: string
  /** Summary for the time-line and lists (see model/timeline.ts). */
  s: Record<string, unknown>
}

const TYPES = new Set<string>(StoredType.options)

/** Check a decoded index entry (already authenticated; this guards against our own bugs and old formats). */
function asIndexEntry(value: unknown): IndexEntry {
  const e = value as Partial<IndexEntry> | null
  if (
    e === null ||
    typeof e !== 'object' ||
    !(e.k instanceof Uint8Array) ||
    e.k.length !== KEY_LENGTH ||
    !(e.h instanceof CID) ||
    typeof e.t !== 'string' ||
    !TYPES.has(e.t) ||
    typeof e.v !== 'number' ||
    !Number.isInteger(e.v) ||
    e.v < 1 ||
    typeof e.c !== 'string' ||
    e.s === null ||
    typeof e.s !== 'object'
  ) {
    throw new Error('malformed index entry')
  }
  return e as IndexEntry
}

const StoredRecord = z.object({
  id: z.string(),
  type: StoredType,
  version: z.number().int().min(1),
  prev: z.instanceof(CID).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  source: Source,
  data: z.record(z.string(), z.unknown())
})

const AAD_DATA_KEY = aadOf('musette/vault/v1/data-key')
const AAD_SECRETS = aadOf('musette/vault/v1/secrets')
const aadRecovery = (setId: string) => aadOf(`musette/vault/v1/recovery-key/${setId}`)
const aadIndex = (id: string) => aadOf(`musette/vault/v1/index/${id}`)
const aadRecord = (id: string) => aadOf(`musette/vault/v1/record/${id}`)
const aadBlob = (id: string) => aadOf(`musette/vault/v1/blob/${id}`)

const b64 = (bytes: Uint8Array) => base64.baseEncode(bytes)
const unb64 = (s: string) => base64.baseDecode(s)

/** A new opaque record id: 128 random bits, base32 (26 chars). */
export function newRecordId(): string {
  return base32.baseEncode(randomBytes(16))
}

/** dag-cbor refuses `undefined`: drop such keys (zod leaves them for absent optional fields). */
function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plain) as T
  if (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Uint8Array) &&
    !(value instanceof CID)
  ) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v)
    return out as T
  }
  return value
}

async function readBlock(blocks: Blockstore, cid: CID): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for await (const chunk of blocks.get(cid)) {
      size += chunk.length
      if (size > MAX_BLOCK_BYTES) throw new VaultError('CORRUPT', `block ${cid.toString()} is too large`)
      chunks.push(chunk)
    }
  } catch (err) {
    if (err instanceof VaultError) throw err
    throw new VaultError('CORRUPT', `block ${cid.toString()} is missing or unreadable`, { cause: err })
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0]
  const out = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}

async function cidOf(bytes: Uint8Array): Promise<CID> {
  return CID.createV1(RAW_CODE, await sha256.digest(bytes))
}

/** Blocks written per batch during a large `putMany`. */
const BLOCKS_PER_WRITE = 1000

interface Prepared {
  id: string
  record: AnyRecord
  entry: IndexEntry
  sealedEntry: Uint8Array
  blocks: { cid: CID; bytes: Uint8Array }[]
}

async function readIndex(index: Datastore): Promise<[string, Uint8Array][]> {
  const out: [string, Uint8Array][] = []
  for await (const { key, value } of index.query({ prefix: INDEX_PREFIX })) {
    out.push([key.toString().slice(INDEX_PREFIX.length), value])
  }
  return out
}

export interface VaultOptions {
  /** The clock (tests). */
  now?: () => Date
  /** The cipher: @noble/ciphers by default; Node passes its native twin (same bytes). */
  aead?: Aead
}

export interface PutInput<T extends StoredType = StoredType> {
  type: T
  data: unknown
  source: Source
}

export class Vault {
  readonly #stores: VaultStores
  #dataKey: Uint8Array | undefined
  readonly #secrets: VaultSecrets
  /** Decrypted index, in memory while unlocked. */
  readonly #entries = new Map<string, IndexEntry>()
  /** Recently used decrypted records (least recently used evicted past CACHE_SIZE). */
  readonly #cache = new Map<string, AnyRecord>()
  #queue: Promise<unknown> = Promise.resolve()
  readonly #now: () => Date
  readonly #aead: Aead

  private constructor(
    stores: VaultStores,
    dataKey: Uint8Array,
    secrets: VaultSecrets,
    options: VaultOptions
  ) {
    this.#stores = stores
    this.#dataKey = dataKey
    this.#secrets = secrets
    this.#now = options.now ?? (() => new Date())
    this.#aead = options.aead ?? nobleAead
  }

  /** Whether a keyring exists in these stores. */
  static async exists(stores: Pick<VaultStores, 'keyring'>): Promise<boolean> {
    return (await stores.keyring.read()) !== undefined
  }

  /** Create a new vault; fails if one exists. */
  static async create(
    stores: VaultStores,
    kdf: Kdf,
    passphrase: string,
    secrets: VaultSecrets,
    options: VaultOptions & { kdfParams?: Omit<KdfParams, 'salt'> } = {}
  ): Promise<Vault> {
    if (await Vault.exists(stores)) throw new VaultError('ALREADY_INITIALIZED', 'a vault already exists here')
    const aead = options.aead ?? nobleAead
    const params: KdfParams = { ...(options.kdfParams ?? DEFAULT_KDF), salt: randomBytes(16) }
    const kek = await kdf(passphrase, params)
    const dataKey = randomBytes(KEY_LENGTH)
    const keyring = {
      format: 'musette-keyring',
      version: 1,
      kdf: { alg: params.alg, N: params.N, r: params.r, p: params.p, salt: b64(params.salt) },
      wrappedKey: b64(aead.seal(kek, dataKey, AAD_DATA_KEY)),
      secrets: b64(aead.seal(dataKey, dagCbor.encode(plain(secrets)), AAD_SECRETS))
    }
    kek.fill(0)
    await stores.keyring.write(encodeKeyring(keyring as KeyringFile))
    return new Vault(stores, dataKey, secrets, options)
  }

  /** The recovery set a keyring names (read without any key), or undefined. Throws CORRUPT. */
  static recoveryOf(keyringBytes: Uint8Array): KeyringRecovery | undefined {
    const r = parseKeyring(keyringBytes).recovery
    if (!r) return undefined
    return { setId: r.setId, k: r.k, n: r.n, commitment: unb64(r.commitment), ownerTag: unb64(r.ownerTag) }
  }

  /**
   * A keyring reopened with its recovery key instead of the forgotten passphrase: the data key is unwrapped
   * with `kek` (derived from the recovered key) and wrapped again under `passphrase`, with a new salt; the
   * sealed secrets and the recovery set are kept as they are. Throws CORRUPT when `kek` does not open it.
   */
  static async rewrapWithRecovery(
    keyringBytes: Uint8Array,
    kek: Uint8Array,
    passphrase: string,
    kdf: Kdf,
    options: { aead?: Aead } = {}
  ): Promise<Uint8Array> {
    const aead = options.aead ?? nobleAead
    const keyring = parseKeyring(keyringBytes)
    const r = keyring.recovery
    if (!r) throw new VaultError('NOT_FOUND', 'this keyring has no recovery set')
    let dataKey: Uint8Array
    try {
      dataKey = aead.open(kek, unb64(r.wrappedKey), aadRecovery(r.setId))
    } catch (err) {
      throw new VaultError('CORRUPT', 'the recovered key does not open this keyring', { cause: err })
    }
    const salt = randomBytes(16)
    const newKek = await kdf(passphrase, { ...keyring.kdf, salt })
    const out: KeyringFile = {
      ...keyring,
      kdf: { ...keyring.kdf, salt: b64(salt) },
      wrappedKey: b64(aead.seal(newKek, dataKey, AAD_DATA_KEY))
    }
    newKek.fill(0)
    dataKey.fill(0)
    return encodeKeyring(out)
  }

  /**
   * Set (or, with null, remove) the keyring's recovery set: the data key wrapped under `kek` (derived from the
   * recovery key by the caller, who then forgets both). Written atomically; every later backup carries it.
   */
  async setRecovery(set: (KeyringRecovery & { kek: Uint8Array }) | null): Promise<void> {
    this.#key()
    await this.#exclusive(async () => {
      const keyring = parseKeyring(await this.#stores.keyring.read())
      const dataKey = this.#key()
      if (set === null) {
        delete keyring.recovery
      } else {
        keyring.recovery = {
          setId: set.setId,
          k: set.k,
          n: set.n,
          commitment: b64(set.commitment),
          ownerTag: b64(set.ownerTag),
          wrappedKey: b64(this.#aead.seal(set.kek, dataKey, aadRecovery(set.setId)))
        }
      }
      await this.#stores.keyring.write(encodeKeyring(keyring))
    })
  }

  /** The recovery set of this vault's keyring, if any. */
  async recovery(): Promise<KeyringRecovery | undefined> {
    this.#key()
    const bytes = await this.#stores.keyring.read()
    return bytes ? Vault.recoveryOf(bytes) : undefined
  }

  /** Open an existing vault with its passphrase; loads the index into memory. */
  static async unlock(
    stores: VaultStores,
    kdf: Kdf,
    passphrase: string,
    options: VaultOptions = {}
  ): Promise<Vault> {
    const aead = options.aead ?? nobleAead
    const keyring = parseKeyring(await stores.keyring.read())
    // Read the sealed index while scrypt runs on libuv's thread pool.
    const [kek, sealedEntries] = await Promise.all([
      kdf(passphrase, { ...keyring.kdf, salt: unb64(keyring.kdf.salt) }),
      readIndex(stores.index)
    ])
    let dataKey: Uint8Array
    try {
      dataKey = aead.open(kek, unb64(keyring.wrappedKey), AAD_DATA_KEY)
    } catch (err) {
      if (err instanceof DecryptError) throw new VaultError('WRONG_PASSPHRASE', 'wrong passphrase')
      throw err
    } finally {
      kek.fill(0)
    }
    const secrets = dagCbor.decode<VaultSecrets>(aead.open(dataKey, unb64(keyring.secrets), AAD_SECRETS))
    const vault = new Vault(stores, dataKey, secrets, options)
    vault.#loadIndex(sealedEntries)
    return vault
  }

  get secrets(): VaultSecrets {
    this.#key()
    return this.#secrets
  }

  get locked(): boolean {
    return this.#dataKey === undefined
  }

  /** Forget every key and every decrypted record. */
  lock(): void {
    this.#dataKey?.fill(0)
    this.#dataKey = undefined
    for (const e of this.#entries.values()) e.k.fill(0)
    this.#entries.clear()
    this.#cache.clear()
    this.#secrets.identitySeed.fill(0)
  }

  #key(): Uint8Array {
    if (this.#dataKey === undefined) throw new VaultError('LOCKED', 'the vault is locked')
    return this.#dataKey
  }

  #loadIndex(sealed: [string, Uint8Array][]): void {
    const key = this.#key()
    for (const [id, value] of sealed) {
      let entry: IndexEntry
      try {
        entry = asIndexEntry(dagCbor.decode(this.#aead.open(key, value, aadIndex(id))))
      } catch (err) {
        throw new VaultError('CORRUPT', `index entry ${id} is unreadable`, { cause: err })
      }
      this.#entries.set(id, entry)
    }
  }

  #remember(record: AnyRecord): void {
    this.#cache.delete(record.id)
    this.#cache.set(record.id, record)
    if (this.#cache.size > CACHE_SIZE) {
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) this.#cache.delete(oldest)
    }
  }

  /** Serialize writes: one at a time, in order. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn)
    this.#queue = run.catch(() => undefined)
    return run
  }

  get size(): number {
    return this.#entries.size
  }

  countByType(): Partial<Record<StoredType, number>> {
    const out: Partial<Record<StoredType, number>> = {}
    for (const e of this.#entries.values()) out[e.t] = (out[e.t] ?? 0) + 1
    return out
  }

  /** Summaries of every record (what the time-line needs), from memory. */
  *summaries(): Iterable<Summary> {
    this.#key()
    for (const e of this.#entries.values()) yield e.s as unknown as Summary
  }

  has(id: string): boolean {
    return this.#entries.has(id)
  }

  async get(id: string): Promise<AnyRecord | undefined> {
    this.#key()
    const cached = this.#cache.get(id)
    if (cached) {
      // refresh its place in the LRU order
      this.#cache.delete(id)
      this.#cache.set(id, cached)
      return cached
    }
    const entry = this.#entries.get(id)
    if (!entry) return undefined
    const record = await this.#readVersion(id, entry.k, entry.h)
    this.#remember(record.record)
    return record.record
  }

  /** Every record, or those of one type, newest first. */
  async list(type?: StoredType): Promise<AnyRecord[]> {
    const ids = [...this.#entries.entries()].filter(([, e]) => !type || e.t === type).map(([id]) => id)
    const out: AnyRecord[] = []
    for (const id of ids) {
      const r = await this.get(id)
      if (r) out.push(r)
    }
    return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
  }

  async #readVersion(
    id: string,
    recordKey: Uint8Array,
    cid: CID
  ): Promise<{ record: AnyRecord; prev: CID | null }> {
    const sealed = await readBlock(this.#stores.blocks, cid)
    let stored: z.infer<typeof StoredRecord>
    try {
      stored = StoredRecord.parse(dagCbor.decode(this.#aead.open(recordKey, sealed, aadRecord(id))))
    } catch (err) {
      throw new VaultError('CORRUPT', `record ${id} (${cid.toString()}) is unreadable`, { cause: err })
    }
    if (stored.id !== id) throw new VaultError('CORRUPT', `block ${cid.toString()} belongs to another record`)
    const { prev, ...record } = stored
    return { record: record as AnyRecord, prev }
  }

  /** Every version of a record, newest first. */
  async versions(id: string): Promise<AnyRecord[]> {
    this.#key()
    const entry = this.#entries.get(id)
    if (!entry) throw new VaultError('NOT_FOUND', `no record ${id}`)
    const out: AnyRecord[] = []
    let cid: CID | null = entry.h
    while (cid) {
      const { record, prev }: { record: AnyRecord; prev: CID | null } = await this.#readVersion(
        id,
        entry.k,
        cid
      )
      out.push(record)
      cid = prev
    }
    return out
  }

  #validate(type: StoredType, data: unknown): StoredDataMap[StoredType] {
    const parsed = STORED_SCHEMAS[type].safeParse(data)
    if (!parsed.success) {
      throw new VaultError('VALIDATION_FAILED', `invalid ${type}: ${parsed.error.issues[0]?.message ?? ''}`, {
        cause: parsed.error
      })
    }
    return parsed.data as StoredDataMap[StoredType]
  }

  /** Seal a record version into a block and its index entry (not yet written). */
  async #prepare(
    id: string,
    recordKey: Uint8Array,
    record: AnyRecord,
    prev: CID | null,
    extraBlocks: { cid: CID; bytes: Uint8Array }[] = []
  ): Promise<Prepared> {
    const body = dagCbor.encode(plain({ ...record, prev }))
    if (body.length > MAX_RECORD_BYTES) throw new VaultError('TOO_LARGE', 'record too large')
    const bytes = this.#aead.seal(recordKey, body, aadRecord(id))
    const cid = await cidOf(bytes)
    const entry: IndexEntry = {
      k: recordKey,
      h: cid,
      t: record.type,
      v: record.version,
      c: record.createdAt,
      s: plain(summarize(id, record.type, record.data, record.updatedAt)) as unknown as Record<
        string,
        unknown
      >
    }
    const sealedEntry = this.#aead.seal(this.#key(), dagCbor.encode(entry), aadIndex(id))
    return { id, record, entry, sealedEntry, blocks: [...extraBlocks, { cid, bytes }] }
  }

  /** Create a record. */
  async put<T extends StoredType>(input: PutInput<T>): Promise<VaultRecord<T>> {
    const [record] = await this.putMany([input])
    return record as VaultRecord<T>
  }

  /**
   * Create several records atomically: their blocks are written as they are sealed, a thousand at a time (so
   * that a large import does not hold every block in memory twice), then all their index entries in one
   * batch — the commit point. Either every record is there afterwards, or none is: an import cut short
   * leaves only unreferenced blocks, sealed under keys that were never written anywhere.
   */
  async putMany(
    inputs: PutInput[],
    onProgress?: (done: number, total: number) => void
  ): Promise<AnyRecord[]> {
    this.#key()
    // Validate everything before writing anything.
    const validated = inputs.map((i) => ({ ...i, data: this.#validate(i.type, i.data) }))
    return this.#exclusive(async () => {
      const now = this.#now().toISOString()
      const prepared: Prepared[] = []
      const blocks: Prepared['blocks'] = []
      let done = 0
      for (const input of validated) {
        const id = newRecordId()
        const record: AnyRecord = {
          id,
          type: input.type,
          version: 1,
          createdAt: now,
          updatedAt: now,
          source: input.source,
          data: input.data
        }
        const p = await this.#prepare(id, randomBytes(KEY_LENGTH), record, null)
        blocks.push(...p.blocks)
        p.blocks = []
        prepared.push(p)
        if (blocks.length >= BLOCKS_PER_WRITE) await this.#writeBlocks(blocks.splice(0))
        onProgress?.(++done, validated.length)
      }
      await this.#writeBlocks(blocks)
      await this.#commit(prepared)
      return prepared.map((p) => p.record)
    })
  }

  /** Write blocks ahead of their index entries (content-addressed: rewriting one is harmless). */
  async #writeBlocks(blocks: Prepared['blocks']): Promise<void> {
    if (blocks.length === 0) return
    if (this.#stores.atomic) {
      await this.#stores.atomic(blocks.map((b) => ({ kind: 'block' as const, cid: b.cid, bytes: b.bytes })))
    } else {
      for (const b of blocks) await this.#stores.blocks.put(b.cid, b.bytes)
    }
  }

  /**
   * Write prepared versions: in one atomic batch when the stores can, else blocks first and the index
   * entries last, in one datastore batch (the commit point).
   */
  async #commit(items: Prepared[]): Promise<void> {
    if (this.#stores.atomic) {
      const ops: StoreOp[] = []
      for (const item of items) {
        for (const b of item.blocks) ops.push({ kind: 'block', cid: b.cid, bytes: b.bytes })
        ops.push({ kind: 'index', key: INDEX_PREFIX + item.id, value: item.sealedEntry })
      }
      await this.#stores.atomic(ops)
    } else {
      for (const item of items) for (const b of item.blocks) await this.#stores.blocks.put(b.cid, b.bytes)
      if (items.length === 1 && items[0]) {
        await this.#stores.index.put(new Key(INDEX_PREFIX + items[0].id), items[0].sealedEntry)
      } else {
        const batch = this.#stores.index.batch()
        for (const item of items) batch.put(new Key(INDEX_PREFIX + item.id), item.sealedEntry)
        await batch.commit()
      }
    }
    for (const item of items) {
      this.#entries.set(item.id, item.entry)
      this.#remember(item.record)
    }
  }

  /** Replace a record's data with a new version; `expectedVersion` guards against lost updates. */
  async update(id: string, data: unknown, expectedVersion?: number): Promise<AnyRecord> {
    this.#key()
    return this.#exclusive(async () => {
      const entry = this.#entries.get(id)
      if (!entry) throw new VaultError('NOT_FOUND', `no record ${id}`)
      if (expectedVersion !== undefined && expectedVersion !== entry.v) {
        throw new VaultError('CONFLICT', `record ${id} is at version ${entry.v}, not ${expectedVersion}`)
      }
      const current = await this.get(id)
      if (!current) throw new VaultError('NOT_FOUND', `no record ${id}`)
      if (entry.t === 'media' && data !== null && typeof data === 'object') {
        // The blob is the node's business: a client may change the name, caption or date, never the bytes.
        const cur = current.data as StoredDataMap['media']
        data = { ...data, blob: cur.blob, mime: cur.mime, size: cur.size }
      }
      const valid = this.#validate(entry.t, data)
      const record: AnyRecord = {
        ...current,
        version: entry.v + 1,
        updatedAt: this.#now().toISOString(),
        data: valid
      }
      await this.#commit([await this.#prepare(id, entry.k, record, entry.h)])
      return record
    })
  }

  /** Delete a record: forget its key (every version becomes unreadable) and drop its blocks. */
  async delete(id: string): Promise<void> {
    await this.deleteMany([id])
  }

  /**
   * Delete records for real: their keys are forgotten (one atomic removal of their index entries — the
   * commit point), their blocks removed, every version and media blob included; then the stores are purged
   * so no deleted entry lingers in the database's files. Throws NOT_FOUND (nothing deleted) if one is unknown.
   */
  async deleteMany(ids: string[]): Promise<number> {
    this.#key()
    const done = await this.#exclusive(async () => {
      const entries = ids.map((id) => {
        const entry = this.#entries.get(id)
        if (!entry) throw new VaultError('NOT_FOUND', `no record ${id}`)
        return [id, entry] as const
      })
      const cids: CID[] = []
      for (const [id, entry] of entries) {
        let cid: CID | null = entry.h
        while (cid) {
          cids.push(cid)
          try {
            const v: { record: AnyRecord; prev: CID | null } = await this.#readVersion(id, entry.k, cid)
            if (v.record.type === 'media') {
              const blob = (v.record.data as StoredDataMap['media']).blob
              cids.push(CID.parse(blob))
            }
            cid = v.prev
          } catch {
            cid = null
          }
        }
      }
      // The commit point: once the index entries are gone, so are the keys.
      if (this.#stores.atomic) {
        await this.#stores.atomic(
          entries.map(([id]) => ({ kind: 'index-del' as const, key: INDEX_PREFIX + id }))
        )
      } else {
        for (const [id] of entries) await this.#stores.index.delete(new Key(INDEX_PREFIX + id))
      }
      for (const [id, entry] of entries) {
        entry.k.fill(0)
        this.#entries.delete(id)
        this.#cache.delete(id)
      }
      for (const c of cids) {
        try {
          await this.#stores.blocks.delete(c)
        } catch {
          // an orphan ciphertext block without its key is harmless
        }
      }
      return entries.length
    })
    await this.#stores.purge?.()
    return done
  }

  /** Store an image: its bytes in their own sealed block, its metadata as a `media` record. */
  async putMedia(
    bytes: Uint8Array,
    meta: { name: string; mime: string; caption?: string; date?: string; place?: string },
    source: Source
  ): Promise<VaultRecord<'media'>> {
    const [record] = await this.putMediaMany([{ bytes, meta, source }])
    return record!
  }

  /** Several images in one atomic write (an import): every image checked before anything is written. */
  async putMediaMany(
    inputs: Array<{
      bytes: Uint8Array
      meta: { name: string; mime: string; caption?: string; date?: string; place?: string }
      source: Source
    }>,
    onProgress?: (done: number, total: number) => void
  ): Promise<Array<VaultRecord<'media'>>> {
    this.#key()
    for (const { bytes } of inputs) {
      if (bytes.length === 0 || bytes.length > MAX_MEDIA_BYTES) {
        throw new VaultError('TOO_LARGE', `an image must be 1 byte to ${MAX_MEDIA_BYTES} bytes`)
      }
    }
    return this.#exclusive(async () => {
      const prepared: Prepared[] = []
      const records: AnyRecord[] = []
      for (const { bytes, meta, source } of inputs) {
        const id = newRecordId()
        const recordKey = randomBytes(KEY_LENGTH)
        const blob = this.#aead.seal(recordKey, bytes, aadBlob(id))
        const blobCid = await cidOf(blob)
        const data = this.#validate('media', { ...meta, size: bytes.length, blob: blobCid.toString() })
        const now = this.#now().toISOString()
        const record: AnyRecord = {
          id,
          type: 'media',
          version: 1,
          createdAt: now,
          updatedAt: now,
          source,
          data
        }
        prepared.push(await this.#prepare(id, recordKey, record, null, [{ cid: blobCid, bytes: blob }]))
        records.push(record)
        onProgress?.(records.length, inputs.length)
      }
      await this.#commit(prepared)
      return records as Array<VaultRecord<'media'>>
    })
  }

  async getMediaBlob(id: string): Promise<{ bytes: Uint8Array; mime: string } | undefined> {
    const record = await this.get(id)
    const entry = this.#entries.get(id)
    if (!record || !entry || record.type !== 'media') return undefined
    const data = record.data as StoredDataMap['media']
    const sealed = await readBlock(this.#stores.blocks, CID.parse(data.blob))
    return { bytes: this.#aead.open(entry.k, sealed, aadBlob(id)), mime: data.mime }
  }
}
