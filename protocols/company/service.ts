/**
 * Project companies on a libp2p node: the gossipsub topic of each company joined (validation, storage,
 * scoring) and `/musette/company-sync/1.0.0`, the paged history a late joiner pulls from members.
 *
 * Gossip validation of every announcement on `/musette/company/<id>`, before gossipsub forwards it:
 * a per-peer token bucket sized for what a peer relays (RELAY_RATE: a flooding peer's messages are
 * Rejected), the local mute list, then `verifyAnnouncement` (caps, schema, signature, membership in an
 * invite-only company), then the version against what we hold (an older one is a replay: Rejected; the same
 * one: Ignored), then a token bucket per author key (GOSSIP_RATE: one author's flood is Rejected; a relay
 * forwards only what its own bucket let through). Rejections count against the forwarding peer's gossipsub
 * score on that topic (P4, invalid deliveries, heavily weighted), so a peer that keeps sending bad
 * announcements loses its mesh place and is then ignored.
 *
 * Sync: `{ company, cursor, limit, membership? }` → `{ items: bytes[], next? }`, pages of at most
 * SYNC_PAGE announcements, at most SYNC_MAX_ITEMS in all; every item goes through the same checks.
 */
import { setMaxListeners } from '@libp2p/interface'
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { createTopicScoreParams } from '@libp2p/gossipsub/score'
import { z } from 'zod'
import { deadline, messageStream, readMessage, translate, validate, writeMessage } from '../codec.ts'
import { openStream, type PeerTarget, type ProtocolHost } from '../host.ts'
import { didOfPeerId } from '../peer.ts'
import { RateLimiter } from '../rate-limit.ts'
import { publicKeyFromDidKey } from '../../credentials/did-key.ts'
import {
  authorId,
  checkMembership,
  CompanyError,
  decodeAnnouncement,
  encode,
  slotOf,
  verifyAnnouncement
} from './company.ts'
import {
  companyId,
  MAX_ANNOUNCEMENT_BYTES,
  signedMembership,
  type CompanyBody,
  type SignedAnnouncement,
  type SignedMembership
} from './schema.ts'
import { MAX_MAIL_BYTES, recipientOf } from './mail.ts'
import type { Connection, PeerId, Stream } from '@libp2p/interface'

export const SYNC_PROTOCOL = '/musette/company-sync/1.0.0'
export const SYNC_PAGE = 32
export const SYNC_MAX_ITEMS = 10_000
export const SYNC_TIMEOUT_MS = 15_000
/** A page of 32 of the largest announcements. */
export const SYNC_MAX_MESSAGE = SYNC_PAGE * MAX_ANNOUNCEMENT_BYTES + 4096
/**
 * Per author key (DID or pseudonym) and company: a burst of 40 announcements, then 2 a second (the mailbox
 * applies it per forwarding peer).
 */
export const GOSSIP_RATE = { capacity: 40, refillPerSecond: 2 }
/**
 * Per forwarding peer and company: a peer relays everyone's announcements (a mesh peer first-delivers a share
 * of all of them, up to all of a burst), so its bucket is ten authors' worth.
 */
export const RELAY_RATE = { capacity: 400, refillPerSecond: 20 }

export function topicOf(company: string): string {
  return `/musette/company/${company}`
}

/** The company's mailbox topic (protocols/company/mail.ts): sealed messages to one author key. */
export function mailTopicOf(company: string): string {
  return `/musette/company/${company}/mail`
}

export interface HeldAnnouncement {
  slot: string
  version: number
  bytes: Uint8Array
}

/** Where announcements live (the node: its vault; the scale test: memory). */
export interface CompanyStore {
  get(slot: string): Promise<HeldAnnouncement | undefined> | HeldAnnouncement | undefined
  put(slot: string, signed: SignedAnnouncement, bytes: Uint8Array): Promise<void> | void
  list(company: string): Promise<HeldAnnouncement[]> | HeldAnnouncement[]
}

export class MemoryCompanyStore implements CompanyStore {
  readonly #held = new Map<string, HeldAnnouncement & { company: string }>()
  get(slot: string) {
    return this.#held.get(slot)
  }
  put(slot: string, signed: SignedAnnouncement, bytes: Uint8Array) {
    this.#held.set(slot, { slot, version: signed.body.version, bytes, company: signed.body.company })
  }
  list(company: string) {
    return [...this.#held.values()].filter((h) => h.company === company)
  }
}

export interface JoinedCompany {
  id: string
  body: CompanyBody
  /** Ours, for the sync of an invite-only company (a membership for our DID key). */
  membership?: SignedMembership
}

export interface CompanyComponents {
  libp2p: ProtocolHost & { services: { pubsub?: unknown } }
  store: CompanyStore
  /** A new or newer announcement was taken (from gossip, sync, or our own publish). */
  onAnnouncement?(signed: SignedAnnouncement, source: 'gossip' | 'sync' | 'self'): void | Promise<void>
  /** A sealed mail was published in the company's mailbox (for us or not: the node tries its keys). */
  onMail?(company: string, bytes: Uint8Array): void | Promise<void>
  /** A message was refused at validation (for logs and tests). */
  onReject?(info: { company: string; code: string; peer?: string }): void
  /** Authors (`authorId`) and peers (PeerId strings) this person muted or blocked. */
  isMuted?(who: { author?: string; peer?: string }): boolean
  now?(): Date
}

const SyncRequest = z.strictObject({
  company: companyId,
  cursor: z.number().int().min(0).max(SYNC_MAX_ITEMS),
  limit: z.number().int().min(1).max(SYNC_PAGE),
  membership: signedMembership.optional()
})
const SyncReply = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('page'),
    items: z
      .array(
        z.custom<Uint8Array>(
          (v) => v instanceof Uint8Array && v.byteLength <= MAX_ANNOUNCEMENT_BYTES,
          'an announcement'
        )
      )
      .max(SYNC_PAGE),
    next: z.number().int().min(1).max(SYNC_MAX_ITEMS).optional()
  }),
  z.strictObject({ type: z.literal('nack'), code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/) })
])
type SyncReply = z.infer<typeof SyncReply>

export class CompanyService {
  readonly #c: CompanyComponents
  readonly #joined = new Map<string, JoinedCompany>()
  readonly #limiter: RateLimiter
  readonly #relayLimiter: RateLimiter
  readonly #now: () => Date

  constructor(components: CompanyComponents) {
    this.#c = components
    this.#now = components.now ?? (() => new Date())
    this.#limiter = new RateLimiter(GOSSIP_RATE)
    this.#relayLimiter = new RateLimiter(RELAY_RATE)
  }

  get #pubsub(): GossipSub {
    const p = this.#c.libp2p.services.pubsub
    if (!p) throw new Error('the libp2p node has no pubsub service')
    return p as GossipSub
  }

  async start(): Promise<void> {
    await this.#c.libp2p.handle(SYNC_PROTOCOL, this.#serve, {
      maxInboundStreams: 4,
      runOnLimitedConnection: true
    })
  }

  async stop(): Promise<void> {
    for (const id of [...this.#joined.keys()]) this.leave(id)
    await this.#c.libp2p.unhandle(SYNC_PROTOCOL)
    this.#limiter.clear()
    this.#relayLimiter.clear()
  }

  joined(): JoinedCompany[] {
    return [...this.#joined.values()]
  }

  /** Subscribe to a company's topic, with its validator and its score parameters. */
  join(company: JoinedCompany): void {
    this.#joined.set(company.id, company)
    const pubsub = this.#pubsub
    const topic = topicOf(company.id)
    pubsub.topicValidators.set(topic, (peer, msg) => this.#validate(company.id, peer, msg.data))
    // P4 (invalid deliveries) weighs heavily: a few rejected announcements and the peer leaves the mesh;
    // no penalty for quiet peers (P3 off): most members publish rarely
    const score = (pubsub as unknown as { score?: { params: { topics: Record<string, unknown> } } }).score
    if (score) {
      score.params.topics[topic] = createTopicScoreParams({
        topicWeight: 1,
        timeInMeshWeight: 0.01,
        timeInMeshQuantum: 1000,
        timeInMeshCap: 100,
        firstMessageDeliveriesWeight: 1,
        firstMessageDeliveriesDecay: 0.9,
        firstMessageDeliveriesCap: 50,
        meshMessageDeliveriesWeight: 0,
        meshFailurePenaltyWeight: 0,
        invalidMessageDeliveriesWeight: -50,
        invalidMessageDeliveriesDecay: 0.5
      })
    }
    if (!pubsub.getTopics().includes(topic)) pubsub.subscribe(topic)
    const mailTopic = mailTopicOf(company.id)
    pubsub.topicValidators.set(mailTopic, async (peer, msg) => {
      const from = peer.toString()
      if (this.#c.isMuted?.({ peer: from })) return TopicValidatorResult.Ignore
      if (!this.#limiter.take(`${company.id} mail ${from}`)) {
        this.#c.onReject?.({ company: company.id, code: 'RATE_LIMITED', peer: from })
        return TopicValidatorResult.Reject
      }
      if (msg.data.byteLength > MAX_MAIL_BYTES + 256 || recipientOf(msg.data) === null) {
        this.#c.onReject?.({ company: company.id, code: 'MALFORMED', peer: from })
        return TopicValidatorResult.Reject
      }
      await this.#c.onMail?.(company.id, msg.data)
      return TopicValidatorResult.Accept
    })
    if (!pubsub.getTopics().includes(mailTopic)) pubsub.subscribe(mailTopic)
  }

  /** Publish a sealed mail (protocols/company/mail.ts) in a company's mailbox. */
  async sendMail(company: string, bytes: Uint8Array): Promise<void> {
    if (!this.#joined.has(company)) throw new CompanyError('UNKNOWN_COMPANY', 'join the company first')
    const publish = this.#pubsub.publish.bind(this.#pubsub) as (
      topic: string,
      data: Uint8Array,
      opts: { allowPublishToZeroTopicPeers: boolean }
    ) => Promise<unknown>
    await publish(mailTopicOf(company), bytes, { allowPublishToZeroTopicPeers: true })
  }

  leave(id: string): void {
    const pubsub = this.#pubsub
    const topic = topicOf(id)
    this.#joined.delete(id)
    pubsub.topicValidators.delete(topic)
    pubsub.unsubscribe(topic)
    pubsub.topicValidators.delete(mailTopicOf(id))
    pubsub.unsubscribe(mailTopicOf(id))
  }

  /** Check, keep and publish one of our own announcements. */
  async publish(signed: SignedAnnouncement): Promise<void> {
    const company = this.#joined.get(signed.body.company)
    if (!company) throw new CompanyError('UNKNOWN_COMPANY', 'join the company first')
    const bytes = encode(signed)
    const checked = verifyAnnouncement(decodeAnnouncement(bytes), company, this.#now(), bytes.length)
    const held = await this.#c.store.get(slotOf(checked.body))
    if (held && held.version >= checked.body.version)
      throw new CompanyError('STALE', `version ${checked.body.version} is not newer than ${held.version}`)
    await this.#c.store.put(slotOf(checked.body), checked, bytes)
    await this.#c.onAnnouncement?.(checked, 'self')
    const publish = this.#pubsub.publish.bind(this.#pubsub) as (
      topic: string,
      data: Uint8Array,
      opts: { allowPublishToZeroTopicPeers: boolean }
    ) => Promise<unknown>
    await publish(topicOf(company.id), bytes, { allowPublishToZeroTopicPeers: true })
  }

  /** Check an announcement and keep it if it is new; returns its verdict. */
  async #take(
    company: JoinedCompany,
    bytes: Uint8Array,
    source: 'gossip' | 'sync',
    peer?: string
  ): Promise<'ACCEPTED' | 'DUPLICATE' | CompanyError['code']> {
    try {
      const signed = verifyAnnouncement(decodeAnnouncement(bytes), company, this.#now(), bytes.length)
      const author = authorId(signed.body.author)
      if (this.#c.isMuted?.({ author, peer })) return 'MUTED'
      const slot = slotOf(signed.body)
      const held = await this.#c.store.get(slot)
      if (held && held.version === signed.body.version) return 'DUPLICATE'
      if (held && held.version > signed.body.version) return 'STALE'
      if (source === 'gossip' && !this.#limiter.take(`${company.id} author ${author}`)) return 'RATE_LIMITED'
      await this.#c.store.put(slot, signed, bytes)
      await this.#c.onAnnouncement?.(signed, source)
      return 'ACCEPTED'
    } catch (err) {
      if (err instanceof CompanyError) return err.code
      throw err
    }
  }

  async #validate(id: string, peer: PeerId, data: Uint8Array): Promise<TopicValidatorResult> {
    const company = this.#joined.get(id)
    if (!company) return TopicValidatorResult.Ignore
    const from = peer.toString()
    const reject = (code: string): TopicValidatorResult => {
      this.#c.onReject?.({ company: id, code, peer: from })
      return TopicValidatorResult.Reject
    }
    if (this.#c.isMuted?.({ peer: from })) return TopicValidatorResult.Ignore
    if (!this.#relayLimiter.take(`${id} ${from}`)) return reject('RATE_LIMITED')
    const verdict = await this.#take(company, data, 'gossip', from)
    if (verdict === 'ACCEPTED') return TopicValidatorResult.Accept
    if (verdict === 'DUPLICATE' || verdict === 'MUTED') return TopicValidatorResult.Ignore
    return reject(verdict)
  }

  // ——— sync ———

  readonly #serve = async (stream: Stream, connection: Connection): Promise<void> => {
    const signal = AbortSignal.timeout(SYNC_TIMEOUT_MS)
    setMaxListeners(Infinity, signal)
    const lp = messageStream(stream, { maxDataLength: SYNC_MAX_MESSAGE })
    const answer = async (): Promise<SyncReply> => {
      let req: z.infer<typeof SyncRequest>
      try {
        req = await readMessage(lp, SyncRequest, { signal, timeoutMs: SYNC_TIMEOUT_MS })
      } catch (err) {
        const name = err instanceof Error ? err.name : ''
        if (name === 'InvalidMessageError' || name === 'MessageTooLargeError')
          return { type: 'nack', code: 'INVALID_MESSAGE' }
        throw err
      }
      const company = this.#joined.get(req.company)
      if (!company) return { type: 'nack', code: 'UNKNOWN_COMPANY' }
      if (company.body.mode === 'invite') {
        // the history of an invite-only company goes to members only: a membership for the peer's DID key
        const did = didOfPeerId(connection.remotePeer)
        if (!did || !req.membership) return { type: 'nack', code: 'NOT_A_MEMBER' }
        try {
          checkMembership(req.membership, company, publicKeyFromDidKey(did), this.#now())
        } catch {
          return { type: 'nack', code: 'NOT_A_MEMBER' }
        }
      }
      const held = [...(await this.#c.store.list(req.company))].sort((a, b) => a.slot.localeCompare(b.slot))
      const page = held.slice(req.cursor, req.cursor + req.limit)
      const next = req.cursor + page.length
      return {
        type: 'page',
        items: page.map((h) => h.bytes),
        ...(next < held.length && next <= SYNC_MAX_ITEMS ? { next } : {})
      }
    }
    try {
      await writeMessage(lp, await answer(), { signal, timeoutMs: SYNC_TIMEOUT_MS })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(translate(err, signal))
    }
  }

  /**
   * Pull a company's history from a peer, page by page; every announcement is checked like a gossiped one.
   * Returns how many were new, and how many were refused (with their codes).
   */
  async sync(
    id: string,
    peer: PeerTarget,
    options: { signal?: AbortSignal } = {}
  ): Promise<{ accepted: number; refused: Record<string, number>; pages: number }> {
    const company = this.#joined.get(id)
    if (!company) throw new CompanyError('UNKNOWN_COMPANY', 'join the company first')
    let cursor = 0
    let accepted = 0
    let pages = 0
    const refused: Record<string, number> = {}
    for (;;) {
      const reply = await this.#page(
        peer,
        {
          company: id,
          cursor,
          limit: SYNC_PAGE,
          ...(company.membership ? { membership: company.membership } : {})
        },
        options.signal
      )
      if (reply.type === 'nack') throw new CompanyError('NOT_A_MEMBER', `the peer refused: ${reply.code}`)
      pages++
      for (const bytes of reply.items) {
        const verdict = await this.#take(company, bytes, 'sync')
        if (verdict === 'ACCEPTED') accepted++
        else if (verdict !== 'DUPLICATE') refused[verdict] = (refused[verdict] ?? 0) + 1
      }
      if (reply.next === undefined || reply.next <= cursor || reply.items.length === 0) break
      cursor = reply.next
    }
    return { accepted, refused, pages }
  }

  async #page(
    peer: PeerTarget,
    req: z.infer<typeof SyncRequest>,
    callerSignal?: AbortSignal
  ): Promise<SyncReply> {
    const { signal, timer } = deadline({ signal: callerSignal, timeoutMs: SYNC_TIMEOUT_MS })
    const stream = await openStream(this.#c.libp2p, peer, SYNC_PROTOCOL, {
      signal,
      timer,
      callerSignal,
      runOnLimitedConnection: true
    })
    try {
      const lp = messageStream(stream, { maxDataLength: SYNC_MAX_MESSAGE })
      await writeMessage(lp, validate(req, SyncRequest), { signal, timeoutMs: SYNC_TIMEOUT_MS })
      const reply = await readMessage(lp, SyncReply, { signal, timeoutMs: SYNC_TIMEOUT_MS })
      await stream.close({ signal })
      return reply
    } catch (err) {
      const error = translate(err, timer, callerSignal)
      stream.abort(error)
      throw error
    }
  }
}
