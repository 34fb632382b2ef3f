/**
 * The outbox: messages to a contact who may be offline wait here, in a store the node persists (its vault),
 * and are sent when the contact's peer connects, on a timer with exponential backoff, and at once on enqueue.
 *
 * Delivery is at-least-once on the wire and exactly-once in effect: every message has an id, and the
 * receiver's inbox answers `duplicate` for an id it already holds, which the outbox counts as delivered.
 * A final nack (`WRONG_RECIPIENT`, `NOT_A_CONTACT`…) or a message older than `maxAgeMs` drops the entry
 * with a `failed` event; anything else (offline, timeout, `RATE_LIMITED`) is retried.
 */
import { sendAttestMessage, type Delivery } from './attest/attest.ts'
import { MessageRejectedError } from './attest/errors.ts'
import { InvalidMessageError, MessageTooLargeError } from './errors.ts'
import { didOfPeerId, peerIdOfDid } from './peer.ts'
import type { AttestMessage } from './attest/schema.ts'
import type { AbortOptions, Libp2p, PeerId } from '@libp2p/interface'

export interface Pending<M = AttestMessage> {
  /** The message's id (one entry per message). */
  id: string
  toDid: string
  message: M
  attempts: number
  /** ms since the epoch */
  createdAt: number
  nextAttemptAt: number
  lastError?: { name: string; message: string }
}

/** Where pending messages live between attempts and across restarts (the node: its encrypted vault). */
export interface OutboxStore<M = AttestMessage> {
  list(): Promise<Array<Pending<M>>>
  put(pending: Pending<M>): Promise<void>
  delete(id: string): Promise<void>
}

export class MemoryOutboxStore<M = AttestMessage> implements OutboxStore<M> {
  private readonly entries = new Map<string, Pending<M>>()
  async list(): Promise<Array<Pending<M>>> {
    return [...this.entries.values()].map((p) => structuredClone(p))
  }
  async put(pending: Pending<M>): Promise<void> {
    this.entries.set(pending.id, structuredClone(pending))
  }
  async delete(id: string): Promise<void> {
    this.entries.delete(id)
  }
}

/** Sends one message to a peer and resolves on its ack (`sendAttestMessage` for attest messages). */
export type OutboxSend<M> = (peer: PeerId, message: M, options: AbortOptions) => Promise<Delivery>

export interface OutboxInit {
  /** First retry delay (ms); doubles at each failed attempt. @default 5_000 */
  baseDelayMs?: number
  /** Longest delay between attempts (ms). @default 3_600_000 (1 h) */
  maxDelayMs?: number
  /** A message still undelivered after this long (ms) is dropped with a `failed` event. @default 30 days */
  maxAgeMs?: number
  /** Random spread of each delay, as a fraction (0.2 = ±20 %). @default 0.2 */
  jitter?: number
}

export interface OutboxComponents<M> {
  libp2p: Pick<Libp2p, 'addEventListener' | 'removeEventListener'>
  store: OutboxStore<M>
  send: OutboxSend<M>
  /** The current time in ms. @default Date.now */
  now?(): number
}

export interface DeliveredEvent {
  id: string
  toDid: string
  status: Delivery['status']
  attempts: number
}
export interface AttemptFailedEvent {
  id: string
  toDid: string
  attempts: number
  error: { name: string; message: string }
  nextAttemptAt: number
}
export interface FailedEvent {
  id: string
  toDid: string
  attempts: number
  error: { name: string; message: string }
}
export interface OutboxEvents {
  delivered: DeliveredEvent
  'attempt-failed': AttemptFailedEvent
  /** Given up: a final rejection, or too old. The entry is gone from the store. */
  failed: FailedEvent
}

/** The outbox for attest messages over a libp2p node. */
export function attestOutbox(
  libp2p: Pick<Libp2p, 'addEventListener' | 'removeEventListener' | 'dialProtocol'>,
  store: OutboxStore<AttestMessage>,
  init: OutboxInit & { now?: () => number } = {}
): Outbox<AttestMessage> {
  return new Outbox(
    {
      libp2p,
      store,
      now: init.now,
      send: async (peer, message, options) => sendAttestMessage(libp2p, peer, message, options)
    },
    init
  )
}

export class Outbox<M extends { id: string } = AttestMessage> extends EventTarget {
  private readonly baseDelayMs: number
  private readonly maxDelayMs: number
  private readonly maxAgeMs: number
  private readonly jitter: number
  private readonly now: () => number
  private readonly inflight = new Map<string, Promise<void>>()
  /** Entries to try again as soon as their attempt in flight ends (their peer connected meanwhile). */
  private readonly again = new Set<string>()
  /** Entries withdrawn while an attempt was in flight: a failure of that attempt must not store them again. */
  private readonly cancelled = new Set<string>()
  private controller = new AbortController()
  private timer: ReturnType<typeof setTimeout> | undefined
  private started = false

  constructor(
    private readonly components: OutboxComponents<M>,
    init: OutboxInit = {}
  ) {
    super()
    this.baseDelayMs = init.baseDelayMs ?? 5_000
    this.maxDelayMs = init.maxDelayMs ?? 3_600_000
    this.maxAgeMs = init.maxAgeMs ?? 30 * 24 * 3600 * 1000
    this.jitter = init.jitter ?? 0.2
    this.now = components.now ?? Date.now
    this.onPeerConnect = this.onPeerConnect.bind(this)
  }

  /** Listen for peer connections and retry what is due (entries left by a previous run included). */
  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    this.controller = new AbortController()
    this.components.libp2p.addEventListener('peer:connect', this.onPeerConnect)
    await this.flush()
  }

  /** Stop listening and retrying; attempts in flight are aborted (their entries stay in the store). */
  async stop(): Promise<void> {
    this.started = false
    this.components.libp2p.removeEventListener('peer:connect', this.onPeerConnect)
    clearTimeout(this.timer)
    this.timer = undefined
    this.controller.abort()
    await Promise.allSettled(this.inflight.values())
  }

  /** Store a message for `toDid` and try it at once. Enqueuing an id already pending returns that entry. */
  async enqueue(message: M, toDid: string): Promise<Pending<M>> {
    peerIdOfDid(toDid) // throws InvalidDidError for anything but an Ed25519 did:key
    const existing = (await this.components.store.list()).find((p) => p.id === message.id)
    if (existing != null) return existing
    const now = this.now()
    const pending: Pending<M> = {
      id: message.id,
      toDid,
      message,
      attempts: 0,
      createdAt: now,
      nextAttemptAt: now
    }
    await this.components.store.put(pending)
    if (this.started) this.attempt(pending)
    return pending
  }

  /**
   * Withdraw a message: it is deleted from the store, and an attempt in flight that fails does not put it
   * back. Resolves true when the message had not been delivered — or false when its attempt in flight
   * delivered it meanwhile (the caller may then have to undo it: a revocation after a withdrawn share).
   */
  async cancel(id: string): Promise<boolean> {
    const inflight = this.inflight.get(id)
    this.cancelled.add(id)
    this.again.delete(id)
    await this.components.store.delete(id)
    if (!inflight) {
      this.cancelled.delete(id)
      return true
    }
    await inflight
    // deliver() consumes the mark when the attempt failed; still there means it was delivered
    const delivered = this.cancelled.delete(id)
    return !delivered
  }

  async pending(): Promise<Array<Pending<M>>> {
    return this.components.store.list()
  }

  /**
   * Attempt now: every entry for `toDid` (due or not), or with no argument every entry that is due.
   * Resolves when those attempts are over.
   */
  async flush(toDid?: string): Promise<void> {
    const now = this.now()
    const entries = (await this.components.store.list()).filter((p) =>
      toDid == null ? p.nextAttemptAt <= now : p.toDid === toDid
    )
    for (const p of entries) this.attempt(p, toDid != null)
    await Promise.allSettled(entries.map((p) => this.inflight.get(p.id)))
    await this.schedule()
  }

  on<K extends keyof OutboxEvents>(type: K, listener: (detail: OutboxEvents[K]) => void): () => void {
    const wrapped = (evt: Event): void => listener((evt as CustomEvent<OutboxEvents[K]>).detail)
    this.addEventListener(type, wrapped)
    return () => this.removeEventListener(type, wrapped)
  }

  private emit<K extends keyof OutboxEvents>(type: K, detail: OutboxEvents[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }

  private onPeerConnect(evt: CustomEvent<PeerId>): void {
    const did = didOfPeerId(evt.detail)
    if (did == null) return
    this.flush(did).catch(() => {}) // attempts report through events; a store failure waits for the timer
  }

  /**
   * One attempt per entry at a time; never rejects. With `retryIfBusy` (the peer just connected), an entry
   * whose attempt is still in flight — a dial to where the peer was, which may take seconds to fail — is
   * tried again as soon as that attempt ends, rather than after its backoff.
   */
  private attempt(pending: Pending<M>, retryIfBusy = false): void {
    if (!this.started) return
    if (this.inflight.has(pending.id)) {
      if (retryIfBusy) this.again.add(pending.id)
      return
    }
    const run = this.deliver(pending).finally(() => {
      this.inflight.delete(pending.id)
      if (!this.again.delete(pending.id) || !this.started) return
      void this.components.store
        .list()
        .then((entries) => {
          const current = entries.find((p) => p.id === pending.id)
          if (current) this.attempt(current)
        })
        .catch(() => {})
    })
    this.inflight.set(pending.id, run)
  }

  private async deliver(pending: Pending<M>): Promise<void> {
    const attempts = pending.attempts + 1
    try {
      const delivery = await this.components.send(peerIdOfDid(pending.toDid), pending.message, {
        signal: this.controller.signal
      })
      await this.components.store.delete(pending.id)
      this.emit('delivered', { id: pending.id, toDid: pending.toDid, status: delivery.status, attempts })
    } catch (err) {
      if (this.cancelled.delete(pending.id)) return // withdrawn meanwhile: it stays deleted
      if (!this.started) return // stopping: the entry stays as it was
      const error = { name: errorName(err), message: err instanceof Error ? err.message : String(err) }
      const now = this.now()
      if (isFinal(err) || now - pending.createdAt >= this.maxAgeMs) {
        await this.components.store.delete(pending.id).catch(() => {})
        this.emit('failed', { id: pending.id, toDid: pending.toDid, attempts, error })
        return
      }
      // a peer that just came online may not handle the protocol yet (its services start after it listens):
      // the first few such refusals are tried again within seconds rather than after the full backoff
      const early = attempts <= SOON_RETRIES && notYetHandled(err)
      const nextAttemptAt =
        now + (early ? Math.min(this.delay(attempts), SOON_MS * attempts) : this.delay(attempts))
      await this.components.store
        .put({ ...pending, attempts, nextAttemptAt, lastError: error })
        .catch(() => {})
      this.emit('attempt-failed', { id: pending.id, toDid: pending.toDid, attempts, error, nextAttemptAt })
      await this.schedule().catch(() => {})
    }
  }

  private delay(attempts: number): number {
    const raw = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(attempts - 1, 30))
    return Math.max(0, Math.round(raw * (1 + this.jitter * (2 * Math.random() - 1))))
  }

  /** Arm the timer for the earliest entry (one in flight is awaited by the flush the timer starts). */
  private async schedule(): Promise<void> {
    if (!this.started) return
    const entries = await this.components.store.list()
    if (entries.length === 0) return
    const next = Math.min(...entries.map((p) => p.nextAttemptAt))
    clearTimeout(this.timer)
    this.timer = setTimeout(
      () => {
        this.timer = undefined
        this.flush().catch(() => {})
      },
      Math.max(0, Math.min(next - this.now(), 2 ** 31 - 1))
    )
    ;(this.timer as { unref?: () => void }).unref?.()
  }
}

/** A final outcome: the receiver refused for good, or the message cannot be sent at all. */
/** How many "protocol not handled (yet)" refusals are retried soon, and how soon (× the attempt number). */
const SOON_RETRIES = 3
const SOON_MS = 1000

/** The peer answered but could not negotiate the protocol: it is starting, or runs an older version. */
function notYetHandled(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.name === 'UnsupportedProtocolError' || /could not negotiate/i.test(e.message)) return true
  }
  return false
}

function isFinal(err: unknown): boolean {
  if (err instanceof MessageRejectedError) return !err.transient
  return err instanceof InvalidMessageError || err instanceof MessageTooLargeError
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'Error'
}
