/**
 * Social key recovery, the recovering side (docs/RECOVERY.md): on a node with no profile yet, the person
 * opens a backup whose passphrase they lost. Its keyring names the recovery set (id, k, n, commitment, owner
 * tag); a one-time libp2p node listens, and a signed request (link and QR code) asks the set's holders for
 * their shares. Each released share is checked against the backup's set — refused with its reason
 * otherwise — and once k are in, the recovery key is rebuilt, checked against the commitment and used to
 * re-wrap the data key under a new passphrase. The caller (MusetteNode) then restores the backup with it,
 * exactly as a passphrase restore does; nothing is written before every check has passed.
 */
import QRCode from 'qrcode'
import { AckedProtocol, type InboxVerdict } from '../protocols/acked.ts'
import { recoveryProtocol } from '../protocols/index.ts'
import { BackupError, readBackup, type BackupContents } from './backup.ts'
import { startEphemeralHost, type EphemeralHost } from './network/ephemeral.ts'
import { nativeAead } from './vault/native-aead.ts'
import { nodeScrypt } from './vault/node-files.ts'
import { Vault, type KeyringRecovery } from './vault/vault.ts'
import type { RecoveryMessage } from '../protocols/recovery/index.ts'

/** Refused releases kept for the person to see (and a bound on what a flood can make us hold). */
const MAX_REFUSED = 50

export interface ReceivedShare {
  index: number
  holder: string
  holderName: string
  at: string
}

export interface RefusedShare {
  holder: string
  holderName: string
  reason: string
  message: string
  at: string
}

export interface RecoveryRequestView {
  setId: string
  k: number
  n: number
  link: string
  qrSvg: string
  expiresAt: string
  expired: boolean
  received: ReceivedShare[]
  refused: RefusedShare[]
  ready: boolean
}

export class RecoveryRequestSession {
  /** A backup to reopen, or only the keyring of this profile (a locked vault whose passphrase is lost). */
  readonly #contents: BackupContents | { manifest: { keyring: Uint8Array } }
  readonly #block: KeyringRecovery
  readonly #host: EphemeralHost
  readonly #protocol: AckedProtocol<RecoveryMessage>
  readonly #token: string
  readonly #link: string
  readonly #qrSvg: string
  readonly #exp: number
  readonly #shares = new Map<string, { share: recoveryProtocol.SignedShare; view: ReceivedShare }>()
  readonly #refused: RefusedShare[] = []
  readonly #onChange: () => void
  readonly #now: () => Date

  private constructor(init: {
    contents: BackupContents | { manifest: { keyring: Uint8Array } }
    block: KeyringRecovery
    host: EphemeralHost
    token: string
    link: string
    qrSvg: string
    exp: number
    onChange: () => void
    now: () => Date
  }) {
    this.#contents = init.contents
    this.#block = init.block
    this.#host = init.host
    this.#token = init.token
    this.#link = init.link
    this.#qrSvg = init.qrSvg
    this.#exp = init.exp
    this.#onChange = init.onChange
    this.#now = init.now
    this.#protocol = new AckedProtocol(recoveryProtocol.RECOVERY_SPEC, {
      libp2p: init.host.libp2p,
      onMessage: (m, { remoteDid }) => this.#onMessage(m, remoteDid)
    })
  }

  /**
   * Read the backup (every block's hash is checked), find its recovery set, start the one-time node and sign
   * the request. Throws BackupError (not a backup, tampered; NO_RECOVERY when it has no set).
   */
  static async begin(init: {
    /** A backup (CAR bytes), or the keyring of this profile's own locked vault. */
    bytes?: Uint8Array
    keyring?: Uint8Array
    host?: string
    port?: number
    ttlMs?: number
    onChange?: () => void
    now?: () => Date
  }): Promise<RecoveryRequestSession> {
    const contents = init.bytes
      ? await readBackup(init.bytes)
      : { manifest: { keyring: init.keyring ?? new Uint8Array() } }
    let block: KeyringRecovery | undefined
    try {
      block = Vault.recoveryOf(contents.manifest.keyring)
    } catch (err) {
      throw new BackupError('TAMPERED', 'the archive’s keys cannot be read', { cause: err })
    }
    if (!block)
      throw new BackupError(
        'NO_RECOVERY',
        init.bytes
          ? 'this backup was made before recovery through your contacts was set up: only its passphrase opens it'
          : 'recovery through your contacts was not set up for this vault: only its passphrase opens it'
      )
    const now = init.now ?? (() => new Date())
    const host = await startEphemeralHost({ host: init.host, port: init.port })
    try {
      const addrs = host.libp2p.getMultiaddrs().filter((a) => !a.toString().includes('/p2p-circuit'))
      const made = await recoveryProtocol.createRecoveryRequest({
        privateKey: host.privateKey,
        addrs,
        setId: block.setId,
        ownerTag: block.ownerTag,
        k: block.k,
        n: block.n,
        ttlMs: init.ttlMs,
        now: now().getTime()
      })
      const qrSvg = await QRCode.toString(made.link, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 })
      const session = new RecoveryRequestSession({
        contents,
        block,
        host,
        token: made.token,
        link: made.link,
        qrSvg,
        exp: made.exp,
        onChange: init.onChange ?? (() => undefined),
        now
      })
      await session.#protocol.start()
      return session
    } catch (err) {
      await host.stop()
      throw err
    }
  }

  get #expired(): boolean {
    return this.#exp * 1000 <= this.#now().getTime()
  }

  view(): RecoveryRequestView {
    return {
      setId: this.#block.setId,
      k: this.#block.k,
      n: this.#block.n,
      link: this.#link,
      qrSvg: this.#qrSvg,
      expiresAt: new Date(this.#exp * 1000).toISOString(),
      expired: this.#expired,
      received: [...this.#shares.values()].map((s) => s.view).sort((a, b) => a.at.localeCompare(b.at)),
      refused: [...this.#refused],
      ready: this.#shares.size >= this.#block.k
    }
  }

  #refuse(holder: string, holderName: string, reason: string, message: string): InboxVerdict {
    if (this.#refused.length < MAX_REFUSED) {
      this.#refused.push({ holder, holderName, reason, message, at: this.#now().toISOString() })
      this.#onChange()
    }
    return { reject: reason }
  }

  async #onMessage(m: RecoveryMessage, remoteDid: string): Promise<InboxVerdict> {
    if (m.type !== 'release') return { reject: 'NOT_EXPECTED' }
    if (m.request !== this.#token) return { reject: 'NOT_OUR_REQUEST' }
    if (this.#expired) return { reject: 'REQUEST_EXPIRED' }
    if (this.#shares.has(remoteDid)) return 'duplicate'
    // a valid share is always taken: a flood of bad ones only fills the list of refusals, which is capped
    const check = recoveryProtocol.verifyShare(m.share, this.#block)
    if (!check.ok) return this.#refuse(remoteDid, m.holderName, check.reason, check.message)
    const share = check.share
    const x = share.body.share[recoveryProtocol.SECRET_LENGTH]
    for (const s of this.#shares.values()) {
      if (s.share.body.index === share.body.index || s.share.body.share[recoveryProtocol.SECRET_LENGTH] === x)
        return this.#refuse(
          remoteDid,
          m.holderName,
          'DUPLICATE_SHARE',
          `${s.view.holderName} already gave this share`
        )
    }
    this.#shares.set(remoteDid, {
      share,
      view: {
        index: share.body.index,
        holder: remoteDid,
        holderName: m.holderName,
        at: this.#now().toISOString()
      }
    })
    this.#onChange()
    return 'accepted'
  }

  /**
   * With k valid shares: rebuild the recovery key, check it, and return the backup with its keyring
   * re-wrapped under the new passphrase. Throws RecoveryError (NOT_ENOUGH_SHARES, COMMITMENT_MISMATCH…) or
   * BackupError TAMPERED (the key does not open the archive); nothing is written here.
   */
  /** Whether this recovery reopens the profile's own vault (no backup given). */
  get local(): boolean {
    return !('blocks' in this.#contents)
  }

  /** {@link complete} for the profile's own vault: its keyring re-wrapped under the new passphrase. */
  async completeKeyring(passphrase: string): Promise<Uint8Array> {
    return this.#rewrap(passphrase)
  }

  async complete(passphrase: string): Promise<BackupContents> {
    if (!('blocks' in this.#contents)) throw new RangeError('no backup in this recovery')
    const keyring = await this.#rewrap(passphrase)
    return { ...this.#contents, manifest: { ...this.#contents.manifest, keyring } }
  }

  async #rewrap(passphrase: string): Promise<Uint8Array> {
    const shares = [...this.#shares.values()].map((s) => s.share)
    const secret = await recoveryProtocol.combineShares(shares, this.#block)
    const kek = recoveryProtocol.recoveryKek(secret, this.#block.setId)
    secret.fill(0)
    let keyring: Uint8Array
    try {
      keyring = await Vault.rewrapWithRecovery(this.#contents.manifest.keyring, kek, passphrase, nodeScrypt, {
        aead: nativeAead
      })
    } catch (err) {
      throw new BackupError('TAMPERED', 'the recovered key does not open this archive', { cause: err })
    } finally {
      kek.fill(0)
    }
    return keyring
  }

  async stop(): Promise<void> {
    await this.#protocol.stop().catch(() => undefined)
    await this.#host.stop()
  }
}
