/**
 * One person's running node: the profile directory, the vault (locked or unlocked) and, while unlocked,
 * the network. The HTTP API and the CLI drive it; it emits events the API streams to the UI.
 */
import { EventEmitter } from 'node:events'
import { createIdentity, identityFromSeed, seedOf, type Identity } from './identity.ts'
import { paths, type Config } from './home.ts'
import { nativeAead } from './vault/native-aead.ts'
import { fileKeyring, nodeScrypt } from './vault/node-files.ts'
import type { OpenStores } from './vault/node-stores.ts'
import { Vault, VaultError } from './vault/vault.ts'
import type { KdfParams } from './vault/crypto.ts'
import type { Network } from './network/p2p.ts'
import type { Social } from './social.ts'
import type { Questionnaires } from './questionnaires.ts'
import type { Companies } from './companies.ts'
import type { Recovery } from './recovery.ts'
import type { RecoveryRequestSession } from './recovery-request.ts'
import type { BackupContents } from './backup.ts'

export const VERSION = '0.1.0'
/** After this many wrong passphrases in a row, unlock attempts are delayed (doubling, up to a minute). */
export const FREE_UNLOCK_ATTEMPTS = 5

export type NodeState = 'uninitialized' | 'locked' | 'unlocked'

export interface NodeEvents {
  /** One record written or deleted; a bulk write of more than 100 says so once (`id: '*'`, with `count`). */
  record: [{ op: 'put' | 'delete'; id: string; type: string; count?: number }]
  lock: [Record<string, never>]
  unlock: [Record<string, never>]
  peer: [{ op: 'connect' | 'disconnect'; peerId: string }]
  'import.progress': [{ done: number; total: number }]
  contact: [Record<string, unknown>]
  attestation: [Record<string, unknown>]
  credential: [Record<string, unknown>]
  questionnaire: [Record<string, unknown>]
  company: [Record<string, unknown>]
  recovery: [Record<string, unknown>]
}

export interface MusetteNodeInit {
  home: string
  config: Config
  /** Start libp2p on unlock. Tests of the API alone turn it off. @default true */
  network?: boolean
  /** The clock of time-bound work (questionnaires' closing dates); tests move it. @default the system's */
  now?: () => Date
  /** Lower scrypt cost, for tests only. */
  kdfParams?: Omit<KdfParams, 'salt'>
}

export class MusetteNode extends EventEmitter<NodeEvents> {
  readonly home: string
  config: Config
  #stores: OpenStores | undefined
  #vault: Vault | undefined
  #identity: Identity | undefined
  #network: Network | undefined
  #social: Social | undefined
  #questionnaires: Questionnaires | undefined
  #companies: Companies | undefined
  #recovery: Recovery | undefined
  #recoveryRequest: RecoveryRequestSession | undefined
  #initialized = false
  #failures = 0
  #nextAttemptAt = 0
  #busy: Promise<unknown> = Promise.resolve()
  readonly #init: MusetteNodeInit

  constructor(init: MusetteNodeInit) {
    super()
    this.home = init.home
    this.config = init.config
    this.#init = init
  }

  /** Look at the disk: is there a vault yet? Cheap; opens nothing. */
  async load(): Promise<void> {
    this.#initialized = (await fileKeyring(`${paths(this.home).vault}/keyring.json`).read()) !== undefined
  }

  get state(): NodeState {
    if (this.#vault && !this.#vault.locked) return 'unlocked'
    return this.#initialized ? 'locked' : 'uninitialized'
  }

  get identity(): Identity | undefined {
    return this.#identity
  }

  get network(): Network | undefined {
    return this.#network
  }

  /** Contacts and attestations; there while unlocked and online. */
  get social(): Social | undefined {
    return this.#social
  }

  /** Anonymous questionnaires; there while unlocked and online. */
  get questionnaires(): Questionnaires | undefined {
    return this.#questionnaires
  }

  /** Project companies; there while unlocked and online. */
  get companies(): Companies | undefined {
    return this.#companies
  }

  /** Social key recovery, the owner's and the trusted contacts' side; there while unlocked and online. */
  get recovery(): Recovery | undefined {
    return this.#recovery
  }

  /** A recovery through trusted contacts under way on this profile-less node (recovery-request.ts). */
  get recoveryRequest(): RecoveryRequestSession | undefined {
    return this.#recoveryRequest
  }

  /** The unlocked vault; throws VaultError LOCKED otherwise. */
  get vault(): Vault {
    if (!this.#vault || this.#vault.locked) {
      throw new VaultError(this.#initialized ? 'LOCKED' : 'NOT_INITIALIZED', 'the vault is locked')
    }
    return this.#vault
  }

  /** Throws VaultError LOCKED (or NOT_INITIALIZED) unless the vault is open. */
  requireUnlocked(): void {
    void this.vault
  }

  get name(): string | undefined {
    return this.#vault && !this.#vault.locked ? this.#vault.secrets.name : undefined
  }

  /** One state change at a time (create, unlock, lock, stop). */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(fn, fn)
    this.#busy = run.catch(() => undefined)
    return run
  }

  async #openStores(): Promise<OpenStores> {
    const { openNodeStores } = await import('./vault/node-stores.ts')
    this.#stores ??= await openNodeStores(paths(this.home).vault)
    return this.#stores
  }

  /** Create the identity and the vault (first run). */
  createIdentity(name: string, passphrase: string): Promise<Identity> {
    return this.#serial(async () => {
      if (this.#initialized)
        throw new VaultError('ALREADY_INITIALIZED', 'this profile already has an identity')
      const identity = await createIdentity()
      await this.#endRecoveryRequest()
      const stores = await this.#openStores()
      const vault = await Vault.create(
        stores,
        nodeScrypt,
        passphrase,
        { identitySeed: seedOf(identity), name, createdAt: new Date().toISOString() },
        { kdfParams: this.#init.kdfParams, aead: nativeAead }
      )
      await vault.put({
        type: 'facet',
        data: { kind: 'name', value: name },
        source: { kind: 'manual', at: new Date().toISOString() }
      })
      this.#initialized = true
      await this.#opened(vault, identity)
      return identity
    })
  }

  /** Unlock with the passphrase; wrong passphrases are throttled. */
  unlock(passphrase: string): Promise<Identity> {
    return this.#serial(async () => {
      if (this.state === 'unlocked' && this.#identity) return this.#identity
      const wait = this.#nextAttemptAt - Date.now()
      if (wait > 0) throw new UnlockThrottledError(wait)
      let vault: Vault
      try {
        vault = await Vault.unlock(await this.#openStores(), nodeScrypt, passphrase, { aead: nativeAead })
      } catch (err) {
        if (err instanceof VaultError && err.code === 'WRONG_PASSPHRASE') {
          this.#failures++
          if (this.#failures >= FREE_UNLOCK_ATTEMPTS) {
            const delay = Math.min(60_000, 1000 * 2 ** (this.#failures - FREE_UNLOCK_ATTEMPTS))
            this.#nextAttemptAt = Date.now() + delay
          }
        }
        throw err
      }
      this.#failures = 0
      this.#nextAttemptAt = 0
      // remembered after all: a recovery under way gives its port back to the network
      await this.#endRecoveryRequest()
      const identity = await identityFromSeed(vault.secrets.identitySeed)
      await this.#opened(vault, identity)
      return identity
    })
  }

  async #opened(vault: Vault, identity: Identity): Promise<void> {
    this.#vault = vault
    this.#identity = identity
    if (this.#init.network !== false) {
      try {
        await this.#startNetwork(identity)
      } catch (err) {
        // A node whose ports are taken still gives access to its vault; the status says why it is offline.
        this.networkError = (err instanceof Error ? err.message : String(err)).split('\n')[0]
      }
    }
    this.scheduleBackups()
    this.emit('unlock', {})
  }

  /** Why the network did not start, if it did not. */
  networkError: string | undefined

  async #startNetwork(identity: Identity): Promise<void> {
    const { Network } = await import('./network/p2p.ts')
    const stores = await this.#openStores()
    const network = await Network.start({
      privateKey: identity.privateKey,
      blockstore: stores.blocks,
      host: this.config.p2pHost,
      port: this.config.p2pPort,
      mdns: this.config.mdns
    })
    network.libp2p.addEventListener('peer:connect', (e) =>
      this.emit('peer', { op: 'connect', peerId: e.detail.toString() })
    )
    network.libp2p.addEventListener('peer:disconnect', (e) =>
      this.emit('peer', { op: 'disconnect', peerId: e.detail.toString() })
    )
    this.#network = network
    this.networkError = undefined
    const { Social } = await import('./social.ts')
    const social = new Social({
      vault: this.vault,
      identity,
      libp2p: network.libp2p,
      settings: () => this.config.attestations,
      events: { emit: (name, data) => this.emit(name, data) }
    })
    await social.start()
    this.#social = social
    const { Questionnaires } = await import('./questionnaires.ts')
    const questionnaires = new Questionnaires({
      vault: this.vault,
      identity,
      libp2p: network.libp2p,
      settings: () => ({
        batchSeconds: this.config.questionnaires.batchSeconds,
        policy: this.config.attestations.policy
      }),
      events: { emit: (name, data) => this.emit(name, data) },
      now: this.#init.now
    })
    await questionnaires.start()
    this.#questionnaires = questionnaires
    const { Companies } = await import('./companies.ts')
    const companies = new Companies({
      vault: this.vault,
      identity,
      libp2p: network.libp2p,
      social,
      events: { emit: (name, data) => this.emit(name, data) },
      now: this.#init.now
    })
    await companies.start()
    this.#companies = companies
    const { Recovery } = await import('./recovery.ts')
    const recovery = new Recovery({
      vault: this.vault,
      identity,
      libp2p: network.libp2p,
      events: { emit: (name, data) => this.emit(name, data) },
      now: this.#init.now
    })
    await recovery.start()
    this.#recovery = recovery
    social.reconnect()
  }

  /** Forget every key, stop the network, close the stores. */
  lock(): Promise<void> {
    return this.#serial(async () => {
      await this.#shutdown()
      this.emit('lock', {})
    })
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#backupTimer)
    this.#backupTimer = undefined
    await this.#endRecoveryRequest()
    const recovery = this.#recovery
    this.#recovery = undefined
    if (recovery) await recovery.stop().catch(() => undefined)
    const companies = this.#companies
    this.#companies = undefined
    if (companies) await companies.stop().catch(() => undefined)
    const questionnaires = this.#questionnaires
    this.#questionnaires = undefined
    if (questionnaires) await questionnaires.stop().catch(() => undefined)
    const social = this.#social
    this.#social = undefined
    if (social) await social.stop().catch(() => undefined)
    const network = this.#network
    this.#network = undefined
    if (network) await network.stop().catch(() => undefined)
    this.#vault?.lock()
    this.#vault = undefined
    this.#identity = undefined
    const stores = this.#stores
    this.#stores = undefined
    if (stores) await stores.close()
  }

  /**
   * Delete the profile's identity and every record ("droit à l'oubli"): the passphrase is checked again,
   * the node stops, and the vault directory (keyring, database) is removed. The settings and the API token
   * stay, so the same node can start over with a new identity.
   */
  deleteEverything(passphrase: string): Promise<void> {
    return this.#serial(async () => {
      if (!this.#initialized) throw new VaultError('NOT_INITIALIZED', 'there is no profile to delete')
      // the passphrase again: a stolen API token alone must not be able to erase a person's data
      const check = await Vault.unlock(await this.#openStores(), nodeScrypt, passphrase, { aead: nativeAead })
      check.lock()
      await this.#shutdown()
      const { rm } = await import('node:fs/promises')
      await rm(paths(this.home).vault, { recursive: true, force: true })
      this.#initialized = false
      this.emit('lock', {})
    })
  }

  /**
   * Restore an encrypted backup into this empty profile (node/backup.ts): everything is checked — hashes,
   * passphrase, every record — before anything is written; then the node is unlocked with it.
   */
  restoreBackup(bytes: Uint8Array, passphrase: string): Promise<{ records: number }> {
    return this.#serial(async () => {
      if (this.#initialized)
        throw new VaultError('ALREADY_INITIALIZED', 'this profile already has an identity')
      const { readBackup } = await import('./backup.ts')
      const contents = await readBackup(bytes)
      await this.#endRecoveryRequest()
      return this.#restoreContents(contents, passphrase)
    }).then(async (r) => {
      await this.unlock(passphrase)
      return r
    })
  }

  /** Check a backup's every record with the passphrase, then write it into the empty stores (keyring last). */
  async #restoreContents(contents: BackupContents, passphrase: string): Promise<{ records: number }> {
    const { verifyBackup, BackupError } = await import('./backup.ts')
    const { records, vault } = await verifyBackup(contents, passphrase)
    vault.lock()
    const stores = await this.#openStores()
    if (!(await stores.isEmpty())) throw new BackupError('NOT_EMPTY', 'this profile’s database is not empty')
    await stores.load(contents.manifest.index, contents.blocks)
    await stores.keyring.write(contents.manifest.keyring)
    this.#initialized = true
    return { records }
  }

  /**
   * Passphrase lost: start a recovery through trusted contacts from a backup (recovery-request.ts). Replaces
   * a recovery already under way. Throws BackupError (NO_RECOVERY when the backup has no recovery set).
   */
  beginRecovery(
    bytes: Uint8Array | undefined,
    options: { ttlMs?: number } = {}
  ): Promise<RecoveryRequestSession> {
    return this.#serial(async () => {
      // a backup goes into an empty profile; without one, it is this profile's own locked vault
      if (bytes && this.#initialized)
        throw new VaultError('ALREADY_INITIALIZED', 'this profile already has an identity')
      if (!bytes && this.state !== 'locked')
        throw new VaultError(
          this.#initialized ? 'CONFLICT' : 'NOT_INITIALIZED',
          this.#initialized ? 'the vault is open: nothing to recover' : 'give the backup to recover'
        )
      await this.#endRecoveryRequest()
      const keyring = bytes ? undefined : await fileKeyring(`${paths(this.home).vault}/keyring.json`).read()
      const { RecoveryRequestSession } = await import('./recovery-request.ts')
      const session = await RecoveryRequestSession.begin({
        ...(bytes ? { bytes } : { keyring }),
        host: this.config.p2pHost,
        port: this.config.p2pPort,
        ttlMs: options.ttlMs,
        now: this.#init.now,
        onChange: () => this.emit('recovery', { op: 'request' })
      })
      this.#recoveryRequest = session
      return session
    })
  }

  /**
   * With enough shares: rebuild the key, re-wrap the keyring under the new passphrase, restore the backup
   * (every record checked first; nothing written on any refusal), stop the one-time node and unlock.
   */
  completeRecovery(passphrase: string): Promise<{ records: number }> {
    return this.#serial(async () => {
      const session = this.#recoveryRequest
      if (!session) throw new VaultError('NOT_FOUND', 'no recovery under way')
      if (session.local) {
        if (this.state !== 'locked') throw new VaultError('CONFLICT', 'the vault is not locked')
        const keyring = await session.completeKeyring(passphrase)
        // the new keyring must open this vault before it replaces the old one on disk
        const stores = await this.#openStores()
        const check = await Vault.unlock(
          { ...stores, keyring: { read: async () => keyring, write: async () => undefined } },
          nodeScrypt,
          passphrase,
          { aead: nativeAead }
        )
        const records = check.size
        check.lock()
        await stores.keyring.write(keyring)
        this.#recoveryRequest = undefined
        await session.stop()
        // k contacts vouched for this: earlier wrong passphrases no longer delay the unlock
        this.#failures = 0
        this.#nextAttemptAt = 0
        return { records }
      }
      if (this.#initialized)
        throw new VaultError('ALREADY_INITIALIZED', 'this profile already has an identity')
      const contents = await session.complete(passphrase)
      const r = await this.#restoreContents(contents, passphrase)
      this.#recoveryRequest = undefined
      await session.stop()
      return r
    }).then(async (r) => {
      await this.unlock(passphrase)
      this.emit('recovery', { op: 'recovered' })
      return r
    })
  }

  cancelRecovery(): Promise<void> {
    return this.#serial(() => this.#endRecoveryRequest())
  }

  /** Stop the one-time node of a recovery under way (its port is the network's). */
  async #endRecoveryRequest(): Promise<void> {
    const session = this.#recoveryRequest
    this.#recoveryRequest = undefined
    if (session) await session.stop().catch(() => undefined)
  }

  /** The vault as an encrypted CAR archive, streamed (node/backup.ts). */
  async *backupChunks(): AsyncGenerator<Uint8Array> {
    this.requireUnlocked()
    const { backupChunks } = await import('./backup.ts')
    yield* backupChunks(await this.#openStores())
  }

  /** Write an encrypted backup into the configured folder now; keeps the newest `keep`. */
  async backupNow(): Promise<{ file: string; bytes: number }> {
    const folder = this.config.backup.folder
    if (!folder) throw new VaultError('NOT_INITIALIZED', 'no backup folder is set')
    this.requireUnlocked()
    const { mkdir, open, readdir, rename, rm } = await import('node:fs/promises')
    const { join } = await import('node:path')
    await mkdir(folder, { recursive: true, mode: 0o700 })
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    const file = join(folder, `musette-backup-${stamp}.car`)
    const tmp = `${file}.tmp`
    const fh = await open(tmp, 'w', 0o600)
    let bytes = 0
    try {
      for await (const chunk of this.backupChunks()) {
        await fh.write(chunk)
        bytes += chunk.byteLength
      }
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, file)
    const old = (await readdir(folder)).filter((f) => /^musette-backup-.*\.car$/.test(f)).sort()
    for (const f of old.slice(0, Math.max(0, old.length - this.config.backup.keep)))
      await rm(join(folder, f), { force: true })
    return { file, bytes }
  }

  #backupTimer: ReturnType<typeof setInterval> | undefined

  /** (Re)arm the automatic backup from the configuration: one now if the last is older than the period. */
  scheduleBackups(): void {
    clearInterval(this.#backupTimer)
    this.#backupTimer = undefined
    if (!this.config.backup.folder) return
    const every = this.config.backup.everyHours * 3600_000
    this.#backupTimer = setInterval(() => {
      if (this.state === 'unlocked') void this.backupNow().catch(() => undefined)
    }, every)
    this.#backupTimer.unref?.()
  }

  /**
   * `import.progress` events for a long write, at most one every 100 ms or whole per cent (and always the
   * last): a 26,000-row import would otherwise send 26,000 events to every open page.
   */
  progressReporter(): (done: number, total: number) => void {
    let lastAt = 0
    let lastPercent = -1
    return (done, total) => {
      const now = Date.now()
      const percent = Math.floor((done * 100) / Math.max(1, total))
      if (done < total && percent === lastPercent && now - lastAt < 100) return
      lastAt = now
      lastPercent = percent
      this.emit('import.progress', { done, total })
    }
  }

  /** `record` events for records written at once: one each, or past 100 a single one for all. */
  announceRecords(records: ReadonlyArray<{ id: string; type: string }>): void {
    if (records.length > 100) {
      this.emit('record', { op: 'put', id: '*', type: '*', count: records.length })
      return
    }
    for (const r of records) this.emit('record', { op: 'put', id: r.id, type: r.type })
  }

  /** Stop everything (process exit). */
  stop(): Promise<void> {
    return this.#serial(() => this.#shutdown())
  }
}

export class UnlockThrottledError extends Error {
  readonly code = 'TOO_MANY_ATTEMPTS'
  constructor(readonly retryAfterMs: number) {
    super(`too many wrong passphrases: try again in ${Math.ceil(retryAfterMs / 1000)} s`)
    this.name = 'UnlockThrottledError'
  }
}
