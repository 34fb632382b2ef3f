/**
 * Social key recovery on a running node (docs/RECOVERY.md): the owner's side — choose n trusted contacts and
 * a threshold k, wrap the data key under a new recovery key, split it, send each contact a signed share
 * through the outbox, replace or turn off the set (revoking the old shares) — and a trusted contact's side —
 * keep the shares others sent, forget one, and release one to a recovery request after the person confirms.
 * The recovering node's side (a fresh node with no profile) is in recovery-request.ts.
 */
import { randomUUID } from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import { Outbox, PeerUnreachableError, recoveryProtocol, TimeoutError } from '../protocols/index.ts'
import { MessageRejectedError, type InboxVerdict } from '../protocols/acked.ts'
import { vaultOutboxStore } from './outbox-store.ts'
import type { RecoveryMessage } from '../protocols/recovery/index.ts'
import type { StoredDataMap } from './model/records.ts'
import type { Identity } from './identity.ts'
import type { MusetteLibp2p } from './network/p2p.ts'
import type { AnyRecord, Vault } from './vault/vault.ts'

const { MAX_HOLDERS, MIN_HOLDERS } = recoveryProtocol
/** Inbound messages waiting for the inbox at most; past it they are refused (`RATE_LIMITED`, retried). */
const MAX_WAITING = 32

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

export class RecoveryNodeError extends Error {
  constructor(
    readonly code:
      | 'VALIDATION_FAILED'
      | 'NOT_A_CONTACT'
      | 'NOT_FOUND'
      | 'INVALID_REQUEST'
      | 'NO_SHARE'
      | 'DIAL_FAILED'
      | 'REFUSED',
    message: string,
    readonly reason?: string
  ) {
    super(message)
    this.name = 'RecoveryNodeError'
  }
}

export interface RecoveryEvents {
  emit(name: 'recovery', data: Record<string, unknown>): void
}

export interface RecoveryInit {
  vault: Vault
  identity: Identity
  libp2p: MusetteLibp2p
  events: RecoveryEvents
  now?: () => Date
}

export interface RecoverySetView {
  id: string
  setId: string
  k: number
  n: number
  createdAt: string
  holders: StoredDataMap['recoveryset']['holders']
  /** Whether the keyring (and so each backup made from now on) carries this set. */
  inKeyring: boolean
}

export interface HeldShareView {
  id: string
  owner: string
  ownerName: string
  setId: string
  k: number
  n: number
  receivedAt: string
  releases: Array<{ to: string; at: string }>
}

export interface ReleasePreview {
  share: HeldShareView
  request: { peerId: string; did: string; addrs: string[]; expiresAt: string; k: number; n: number }
}

function heldView(r: AnyRecord): HeldShareView {
  const d = r.data as StoredDataMap['recoveryshare']
  return {
    id: r.id,
    owner: d.owner,
    ownerName: d.ownerName,
    setId: d.setId,
    k: d.k,
    n: d.n,
    receivedAt: d.receivedAt,
    releases: d.releases
  }
}

export class Recovery {
  readonly #vault: Vault
  readonly #identity: Identity
  readonly #libp2p: MusetteLibp2p
  readonly #events: RecoveryEvents
  readonly #now: () => Date
  readonly #protocol: recoveryProtocol.RecoveryService
  readonly #outbox: Outbox<RecoveryMessage>
  /** One state change of the set at a time (set up, replace, turn off, a delivery's outcome). */
  #busy: Promise<unknown> = Promise.resolve()
  /** Inbound messages, one at a time, and how many wait (a flood is refused, not queued without end). */
  #inbox: Promise<unknown> = Promise.resolve()
  #waiting = 0

  constructor(init: RecoveryInit) {
    this.#vault = init.vault
    this.#identity = init.identity
    this.#libp2p = init.libp2p
    this.#events = init.events
    this.#now = init.now ?? (() => new Date())
    this.#protocol = recoveryProtocol.recovery()({
      libp2p: init.libp2p,
      onMessage: (message, { remoteDid, signal }) => this.#receive(message, remoteDid, signal)
    })
    this.#outbox = new Outbox<RecoveryMessage>({
      libp2p: init.libp2p,
      store: vaultOutboxStore<RecoveryMessage>(init.vault, 'recoveryout', this.#now),
      send: (peer, message, options) =>
        recoveryProtocol.sendRecoveryMessage(init.libp2p, peer, message, options)
    })
    this.#outbox.on('delivered', (e) => void this.#delivery(e.id, 'delivered'))
    this.#outbox.on('failed', (e) => void this.#delivery(e.id, 'failed', e.error.message))
  }

  async start(): Promise<void> {
    await this.#reconcile()
    await this.#protocol.start()
    await this.#outbox.start()
  }

  /**
   * A set up that did not reach its commit point (the keyring) — the node stopped in between — is undone:
   * its shares, still waiting in the outbox, are withdrawn and its record deleted; the keyring's set stays.
   */
  async #reconcile(): Promise<void> {
    const inKeyring = (await this.#vault.recovery())?.setId
    const store = vaultOutboxStore<RecoveryMessage>(this.#vault, 'recoveryout', this.#now)
    for (const rec of await this.#vault.list('recoveryset')) {
      const d = rec.data as StoredDataMap['recoveryset']
      if (d.setId === inKeyring) continue
      for (const h of d.holders) await store.delete(h.messageId)
      await this.#vault.delete(rec.id)
    }
  }

  async stop(): Promise<void> {
    await this.#outbox.stop()
    await this.#protocol.stop()
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(fn, fn)
    this.#busy = run.catch(() => undefined)
    return run
  }

  // ——— the owner's side ———

  async #setRecord(): Promise<AnyRecord | undefined> {
    return (await this.#vault.list('recoveryset'))[0]
  }

  async status(): Promise<{ set: RecoverySetView | null }> {
    const rec = await this.#setRecord()
    if (!rec) return { set: null }
    const d = rec.data as StoredDataMap['recoveryset']
    const keyring = await this.#vault.recovery()
    return {
      set: {
        id: rec.id,
        setId: d.setId,
        k: d.k,
        n: d.n,
        createdAt: d.createdAt,
        holders: d.holders,
        inKeyring: keyring?.setId === d.setId
      }
    }
  }

  /**
   * Set up (or replace) the set: a new recovery key wraps the data key in the keyring, its n shares go to
   * the chosen contacts through the outbox, and the holders of a previous set are asked to forget theirs.
   */
  setup(input: { contactIds: string[]; k: number }): Promise<{ set: RecoverySetView | null }> {
    return this.#serial(async () => {
      const ids = [...new Set(input.contactIds)]
      const n = ids.length
      const k = input.k
      if (n < MIN_HOLDERS || n > MAX_HOLDERS)
        throw new RecoveryNodeError(
          'VALIDATION_FAILED',
          `choose ${MIN_HOLDERS} to ${MAX_HOLDERS} contacts (${n} chosen)`,
          'HOLDERS'
        )
      if (!Number.isInteger(k) || k < MIN_HOLDERS || k > n)
        throw new RecoveryNodeError('VALIDATION_FAILED', `the threshold must be 2 to ${n}`, 'THRESHOLD')
      const holders: Array<{ did: string; name: string; contactId: string }> = []
      for (const id of ids) {
        const c = await this.#vault.get(id)
        if (!c || c.type !== 'contact') throw new RecoveryNodeError('NOT_FOUND', `no contact ${id}`)
        const d = c.data as StoredDataMap['contact']
        if (!d.did)
          throw new RecoveryNodeError(
            'NOT_A_CONTACT',
            `${d.name} has no Musette identity yet: invite them first`,
            'NO_DID'
          )
        if (d.did === this.#identity.did)
          throw new RecoveryNodeError('VALIDATION_FAILED', 'you cannot hold your own share', 'SELF')
        if (holders.some((h) => h.did === d.did))
          throw new RecoveryNodeError('VALIDATION_FAILED', `${d.name} is chosen twice`, 'DUPLICATE')
        holders.push({ did: d.did, name: d.name.slice(0, 200), contactId: id })
      }
      const made = await recoveryProtocol.createRecoverySet({
        owner: this.#identity.did,
        sign: (m) => this.#identity.privateKey.sign(m),
        k,
        n,
        now: this.#now().getTime()
      })
      const kek = recoveryProtocol.recoveryKek(made.secret, made.block.setId)
      made.secret.fill(0)
      const previous = await this.#setRecord()
      const at = this.#now()
      const messages = made.shares.map((share, i) => ({
        type: 'share' as const,
        id: randomUUID(),
        from: this.#identity.did,
        to: holders[i]!.did,
        ownerName: this.#vault.secrets.name.slice(0, 200) || 'Musette',
        share,
        sentAt: at.getTime()
      }))
      await this.#vault.put({
        type: 'recoveryset',
        data: {
          setId: made.block.setId,
          k,
          n,
          createdAt: at.toISOString(),
          holders: holders.map((h, i) => ({
            ...h,
            index: i + 1,
            messageId: messages[i]!.id,
            state: 'pending' as const
          }))
        },
        source: { kind: 'manual', at: at.toISOString() }
      })
      // the shares wait in the outbox, held back until the keyring names their set
      const store = vaultOutboxStore<RecoveryMessage>(this.#vault, 'recoveryout', this.#now)
      for (const m of messages)
        await store.put({
          id: m.id,
          toDid: m.to,
          message: m,
          attempts: 0,
          createdAt: at.getTime(),
          nextAttemptAt: at.getTime() + 3600_000
        })
      // the commit point: from here on, backups carry the new set (a node stopped before it undoes the set at
      // its next start, see #reconcile)
      try {
        await this.#vault.setRecovery({ ...made.block, kek })
      } finally {
        kek.fill(0)
      }
      if (previous) await this.#retire(previous)
      await Promise.all(holders.map((h) => this.#outbox.flush(h.did)))
      this.#events.emit('recovery', { op: 'set', setId: made.block.setId })
      return this.status()
    })
  }

  /** Turn recovery off: the keyring forgets the recovery wrap, and the holders are asked to forget theirs. */
  disable(): Promise<{ set: null }> {
    return this.#serial(async () => {
      const previous = await this.#setRecord()
      await this.#vault.setRecovery(null)
      if (previous) await this.#retire(previous)
      this.#events.emit('recovery', { op: 'off' })
      return { set: null }
    })
  }

  /** Drop a set's undelivered shares from the outbox, ask its holders to forget it, delete its record. */
  async #retire(rec: AnyRecord): Promise<void> {
    const d = rec.data as StoredDataMap['recoveryset']
    // an attempt in flight is awaited, so the revocation below cannot overtake the share it revokes
    for (const h of d.holders) if (h.state === 'pending') await this.#outbox.cancel(h.messageId)
    await this.#vault.delete(rec.id)
    const at = this.#now().getTime()
    for (const h of d.holders) {
      await this.#outbox.enqueue(
        { type: 'revoke', id: randomUUID(), from: this.#identity.did, to: h.did, setId: d.setId, sentAt: at },
        h.did
      )
    }
  }

  #delivery(messageId: string, state: 'delivered' | 'failed', error?: string): Promise<void> {
    return this.#serial(async () => {
      const rec = await this.#setRecord()
      if (!rec) return
      const d = rec.data as StoredDataMap['recoveryset']
      if (!d.holders.some((h) => h.messageId === messageId)) return
      const holders = d.holders.map((h) =>
        h.messageId === messageId
          ? {
              ...h,
              state,
              at: this.#now().toISOString(),
              ...(error ? { error: error.slice(0, 500) } : {})
            }
          : h
      )
      await this.#vault.update(rec.id, { ...d, holders })
      this.#events.emit('recovery', { op: 'holder', state })
    }).catch(() => undefined)
  }

  /** Try the waiting shares now (tests; a contact that just came online is tried at once anyway). */
  flush(toDid?: string): Promise<void> {
    return this.#outbox.flush(toDid)
  }

  // ——— a trusted contact's side ———

  async held(): Promise<HeldShareView[]> {
    return (await this.#vault.list('recoveryshare')).map(heldView)
  }

  async forget(id: string): Promise<void> {
    const rec = await this.#vault.get(id)
    if (!rec || rec.type !== 'recoveryshare') throw new RecoveryNodeError('NOT_FOUND', `no share ${id}`)
    await this.#vault.delete(id)
    this.#events.emit('recovery', { op: 'forget' })
  }

  /** Read a recovery request and say whose share it asks for (nothing is sent). */
  async inspect(text: string): Promise<ReleasePreview> {
    const { share, request } = await this.#inspect(text)
    return { share, request }
  }

  async #inspect(text: string): Promise<ReleasePreview & { record: AnyRecord; token: string }> {
    const parsed = await recoveryProtocol.parseRecoveryRequest(text, { now: this.#now().getTime() })
    if (!parsed.ok)
      throw new RecoveryNodeError(
        'INVALID_REQUEST',
        `invalid recovery request: ${parsed.message}`,
        parsed.reason
      )
    const r = parsed.request
    // the share of this set and of this owner (a set id alone could be claimed by someone else's share)
    const record = (await this.#vault.list('recoveryshare')).find((s) => {
      const d = s.data as StoredDataMap['recoveryshare']
      return d.setId === r.setId && sameBytes(recoveryProtocol.ownerTagOf(d.setId, d.owner), r.ownerTag)
    })
    if (!record)
      throw new RecoveryNodeError(
        'NO_SHARE',
        'you hold no share of this set: the request is not for you, or the set was replaced',
        'NO_SHARE'
      )
    return {
      record,
      token: r.token,
      share: heldView(record),
      request: {
        peerId: r.peerId,
        did: r.did,
        addrs: r.addrs,
        expiresAt: new Date(r.exp * 1000).toISOString(),
        k: r.k,
        n: r.n
      }
    }
  }

  /**
   * After the person's confirmation of the preview of `shareId`: dial the recovering node and give it that
   * share (and no other: the request must still point at it); the release is logged.
   */
  async release(text: string, shareId: string): Promise<{ released: true; share: HeldShareView }> {
    const { record, request, token } = await this.#inspect(text)
    if (record.id !== shareId)
      throw new RecoveryNodeError(
        'NO_SHARE',
        'this request no longer asks for the share you confirmed: read it again',
        'CHANGED'
      )
    const d = record.data as StoredDataMap['recoveryshare']
    let share: unknown
    try {
      share = dagCbor.decode(d.signed)
    } catch {
      throw new RecoveryNodeError('NOT_FOUND', 'this share cannot be read back')
    }
    try {
      await recoveryProtocol.sendRecoveryMessage(this.#libp2p, request.addrs, {
        type: 'release',
        id: randomUUID(),
        from: this.#identity.did,
        to: request.did,
        request: token,
        holderName: this.#vault.secrets.name.slice(0, 200) || 'Musette',
        share: share as recoveryProtocol.SignedShare,
        sentAt: this.#now().getTime()
      })
    } catch (err) {
      if (err instanceof MessageRejectedError)
        throw new RecoveryNodeError(
          'REFUSED',
          `the recovering node refused the share: ${err.reason}`,
          err.reason
        )
      if (err instanceof PeerUnreachableError || err instanceof TimeoutError)
        throw new RecoveryNodeError(
          'DIAL_FAILED',
          `could not reach the recovering node: ${err.message}`,
          'UNREACHABLE'
        )
      throw err
    }
    const releases = [...d.releases, { to: request.peerId, at: this.#now().toISOString() }].slice(-50)
    const updated = await this.#vault.update(record.id, { ...d, releases })
    this.#events.emit('recovery', { op: 'released' })
    return { released: true, share: heldView(updated) }
  }

  // ——— the inbox ———

  /** Checks that need no queue first (what it is, who sends it), then one message at a time. */
  async #receive(message: RecoveryMessage, remoteDid: string, signal: AbortSignal): Promise<InboxVerdict> {
    if (message.type === 'release') return { reject: 'NOT_RECOVERING' }
    const contact = (await this.#vault.list('contact')).find(
      (c) => (c.data as StoredDataMap['contact']).did === remoteDid
    )
    if (!contact) return { reject: 'NOT_A_CONTACT' }
    if (this.#waiting >= MAX_WAITING) return { reject: 'RATE_LIMITED' }
    this.#waiting++
    // one message at a time: a revocation and the next set's share often arrive together
    const run = this.#inbox.then(() =>
      signal.aborted ? { reject: 'RATE_LIMITED' } : this.#onMessage(message, remoteDid, contact)
    )
    this.#inbox = run.catch(() => undefined).finally(() => this.#waiting--)
    return run
  }

  async #onMessage(
    message: Exclude<RecoveryMessage, { type: 'release' }>,
    remoteDid: string,
    contact: AnyRecord
  ): Promise<InboxVerdict> {
    const all = await this.#vault.list('recoveryshare')
    const shares = all.filter((s) => (s.data as StoredDataMap['recoveryshare']).owner === remoteDid)
    if (message.type === 'revoke') {
      const gone = shares.filter(
        (s) => (s.data as StoredDataMap['recoveryshare']).setId === message.setId && this.#vault.has(s.id)
      )
      if (gone.length) {
        await this.#vault.deleteMany(gone.map((s) => s.id))
        this.#events.emit('recovery', { op: 'revoked' })
      }
      return 'accepted'
    }
    const body = message.share.body
    if (body.owner !== remoteDid) return { reject: 'WRONG_OWNER' }
    // the share must be the sender's, signed by it, and consistent with itself
    const check = recoveryProtocol.verifyShare(message.share, {
      setId: body.setId,
      k: body.k,
      n: body.n,
      commitment: body.commitment,
      ownerTag: recoveryProtocol.ownerTagOf(body.setId, remoteDid)
    })
    if (!check.ok) return { reject: check.reason }
    if (shares.some((s) => (s.data as StoredDataMap['recoveryshare']).setId === body.setId))
      return 'duplicate'
    // a set id is someone's: another owner claiming it is refused
    if (all.some((s) => (s.data as StoredDataMap['recoveryshare']).setId === body.setId))
      return { reject: 'SET_TAKEN' }
    // a share of an older set than the one kept (a late delivery) is not kept
    const newest = Math.max(
      0,
      ...shares.map((s) => {
        const d = s.data as StoredDataMap['recoveryshare']
        return (dagCbor.decode(d.signed) as { body: { at: number } }).body.at
      })
    )
    if (body.at < newest) return { reject: 'STALE' }
    const at = this.#now().toISOString()
    await this.#vault.put({
      type: 'recoveryshare',
      data: {
        owner: remoteDid,
        ownerName: message.ownerName.trim().slice(0, 200) || remoteDid.slice(0, 24),
        setId: body.setId,
        k: body.k,
        n: body.n,
        index: body.index,
        signed: dagCbor.encode(check.share),
        receivedAt: at,
        releases: []
      },
      source: { kind: 'peer', at, name: (contact.data as StoredDataMap['contact']).name.slice(0, 200) }
    })
    // one set per owner: a newer set replaces the shares of older ones (whose revoke may come later)
    const older = shares.map((s) => s.id).filter((id) => this.#vault.has(id))
    if (older.length) await this.#vault.deleteMany(older)
    this.#events.emit('recovery', { op: 'received' })
    return 'accepted'
  }
}
