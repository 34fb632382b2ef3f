/** The logic of `/musette/contact/1.0.0` (see index.ts for the exchange). */
import { setMaxListeners } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { deadline, messageStream, readMessage, translate, writeMessage } from '../codec.ts'
import { InvalidMessageError, TimeoutError } from '../errors.ts'
import { openStream } from '../host.ts'
import { RateLimiter } from '../rate-limit.ts'
import { didOfPeerId } from '../peer.ts'
import {
  CONTACT_PROTOCOL,
  INVITATION_TTL_MS,
  MAX_INBOUND_STREAMS,
  MAX_INVITATION_ADDRS,
  MAX_MESSAGE_SIZE,
  MAX_MULTIADDR_LENGTH,
  MAX_OUTBOUND_STREAMS,
  TIMEOUT_MS
} from './constants.ts'
import { InvalidInvitationError, InvitationRejectedError } from './errors.ts'
import { createInvitation, parseInvitation, type CreatedInvitation } from './invitation.ts'
import { Accept, Answer, type Card, type RejectReason } from './schema.ts'
import type { ContactComponents, ContactInit, ContactService, CreateInvitationOptions } from './index.ts'
import type { AbortOptions, Connection, Logger, Stream } from '@libp2p/interface'
import { didKeyFromPublicKey } from '../../credentials/did-key.ts'

export class ContactProtocol implements ContactService {
  readonly protocol = CONTACT_PROTOCOL
  private readonly did: string
  private readonly log: Logger
  private readonly timeoutMs: number
  private readonly maxMessageSize: number
  private readonly maxInboundStreams: number
  private readonly maxOutboundStreams: number
  private readonly runOnLimitedConnection: boolean
  private readonly invitationTtlMs: number
  private readonly now: () => number
  private started = false
  /** Accepts are cheap to send and cost a signature check: a few per peer, then one a minute. */
  private readonly limiter: RateLimiter

  constructor(
    private readonly components: ContactComponents,
    init: ContactInit = {}
  ) {
    this.did = didKeyFromPublicKey(components.privateKey.publicKey.raw)
    if (didOfPeerId(components.libp2p.peerId) !== this.did) {
      throw new RangeError('privateKey is not the libp2p node’s key')
    }
    this.log = components.libp2p.logger.forComponent('musette:contact')
    this.timeoutMs = init.timeoutMs ?? TIMEOUT_MS
    this.maxMessageSize = init.maxMessageSize ?? MAX_MESSAGE_SIZE
    this.maxInboundStreams = init.maxInboundStreams ?? MAX_INBOUND_STREAMS
    this.maxOutboundStreams = init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS
    this.runOnLimitedConnection = init.runOnLimitedConnection ?? true
    this.invitationTtlMs = init.invitationTtlMs ?? INVITATION_TTL_MS
    this.now = components.now ?? Date.now
    this.limiter = new RateLimiter({ capacity: 5, refillPerSecond: 1 / 60, now: components.now })
    this.handleStream = this.handleStream.bind(this)
  }

  readonly [Symbol.toStringTag] = '@musette/contact'

  async start(): Promise<void> {
    await this.components.libp2p.handle(this.protocol, this.handleStream, {
      maxInboundStreams: this.maxInboundStreams,
      maxOutboundStreams: this.maxOutboundStreams,
      runOnLimitedConnection: this.runOnLimitedConnection
    })
    this.started = true
  }

  async stop(): Promise<void> {
    await this.components.libp2p.unhandle(this.protocol)
    this.started = false
  }

  isStarted(): boolean {
    return this.started
  }

  async createInvitation(options: CreateInvitationOptions = {}): Promise<CreatedInvitation> {
    const name = options.name ?? (await this.components.profile()).name
    const created = await createInvitation({
      privateKey: this.components.privateKey,
      addrs: options.addrs ?? this.components.libp2p.getMultiaddrs(),
      name,
      ttlMs: options.ttlMs ?? this.invitationTtlMs,
      now: this.now()
    })
    await this.components.nonceStore.issue(created.nonce, created.exp * 1000)
    return created
  }

  /** Our direct listen addresses, for the card an invitee sends (relayed ones change too often to keep). */
  private listenAddrs(): string[] {
    return this.components.libp2p
      .getMultiaddrs()
      .map((ma) => ma.toString())
      .filter((a) => !a.includes('/p2p-circuit') && a.length <= MAX_MULTIADDR_LENGTH)
      .slice(0, MAX_INVITATION_ADDRS)
  }

  async acceptInvitation(text: string, options: AbortOptions = {}): Promise<Card> {
    const parsed = await parseInvitation(text, { now: this.now() })
    if (!parsed.ok) throw new InvalidInvitationError(parsed.message, parsed.reason)
    const invitation = parsed.invitation
    if (invitation.did === this.did)
      throw new InvalidInvitationError('this is our own invitation', 'OWN_INVITATION')

    const { signal, timer } = deadline({ signal: options.signal, timeoutMs: this.timeoutMs })
    const stream = await openStream(this.components.libp2p, invitation.addrs, this.protocol, {
      signal,
      timer,
      callerSignal: options.signal,
      runOnLimitedConnection: this.runOnLimitedConnection
    })
    try {
      const lp = messageStream(stream, { maxDataLength: this.maxMessageSize })
      const { name } = await this.components.profile()
      await writeMessage(
        lp,
        {
          type: 'accept',
          invitation: invitation.token,
          card: { did: this.did, name, addrs: this.listenAddrs() }
        } satisfies Accept,
        { signal, timeoutMs: this.timeoutMs }
      )
      const answer = await readMessage(lp, Answer, { signal, timeoutMs: this.timeoutMs })
      if (answer.type === 'reject') throw new InvitationRejectedError(answer.reason)
      if (answer.card.did !== invitation.did) {
        throw new InvalidMessageError('card.did: the welcome card is not the inviter’s', ['card', 'did'])
      }
      await this.components.onContact(
        {
          did: answer.card.did,
          name: answer.card.name,
          via: 'invitation',
          role: 'invitee',
          addrs: invitation.addrs
        },
        { signal }
      )
      await stream.close({ signal })
      return answer.card
    } catch (err) {
      const error = translate(err, timer, options.signal)
      stream.abort(error)
      throw error
    }
  }

  /** Inviter side: one accept, one answer, then close. */
  private async handleStream(stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs)
    setMaxListeners(Infinity, signal)
    const onTimeout = (): void => stream.abort(new TimeoutError('contact exchange timed out'))
    signal.addEventListener('abort', onTimeout, { once: true })
    const lp = messageStream(stream, { maxDataLength: this.maxMessageSize })
    try {
      let answer: Answer
      try {
        const accept = await readMessage(lp, Accept, { signal, timeoutMs: this.timeoutMs })
        answer = await this.answer(accept, connection, signal)
      } catch (err) {
        if (!(err instanceof InvalidMessageError)) throw err
        this.log('invalid accept from %p: %s', connection.remotePeer, err.message)
        answer = { type: 'reject', reason: 'INVALID_INVITATION' }
      }
      await writeMessage(lp, answer, { signal, timeoutMs: this.timeoutMs })
      await stream.close({ signal })
    } catch (err) {
      this.log.error('contact exchange with %p failed - %e', connection.remotePeer, err)
      stream.abort(translate(err, signal))
    } finally {
      signal.removeEventListener('abort', onTimeout)
    }
  }

  private async answer(accept: Accept, connection: Connection, signal: AbortSignal): Promise<Answer> {
    const reject = (reason: RejectReason): Answer => {
      this.log('rejecting the accept of %p: %s', connection.remotePeer, reason)
      return { type: 'reject', reason }
    }
    if (!this.limiter.take(connection.remotePeer.toString())) return reject('RATE_LIMITED')
    const parsed = await parseInvitation(accept.invitation, { now: this.now() })
    if (!parsed.ok) return reject(parsed.reason === 'EXPIRED' ? 'EXPIRED' : 'INVALID_INVITATION')
    if (parsed.invitation.did !== this.did) return reject('NOT_OUR_INVITATION')
    // the Noise handshake authenticated connection.remotePeer: the card must claim that key and no other
    const remoteDid = didOfPeerId(connection.remotePeer)
    if (remoteDid == null || accept.card.did !== remoteDid) return reject('CARD_MISMATCH')
    // last, so a refused accept does not burn the invitation
    if (!(await this.components.nonceStore.take(parsed.invitation.nonce))) return reject('INVITATION_USED')
    try {
      // the invitee's own addresses only, each ending in its PeerId: a card cannot point the inviter at some
      // other host (whoever answers there must then hold the invitee's key, which Noise checks)
      const own = `/p2p/${connection.remotePeer.toString()}`
      const addrs = (accept.card.addrs ?? []).filter((a) => {
        try {
          const ma = multiaddr(a).toString()
          return ma.endsWith(own) && !ma.includes('/p2p-circuit')
        } catch {
          return false
        }
      })
      await this.components.onContact(
        {
          did: remoteDid,
          name: accept.card.name,
          via: 'invitation',
          role: 'inviter',
          ...(addrs.length ? { addrs } : {})
        },
        { signal }
      )
      const { name } = await this.components.profile()
      return { type: 'welcome', card: { did: this.did, name } }
    } catch (err) {
      this.log.error('recording the contact %s failed - %e', remoteDid, err)
      return reject('INTERNAL')
    }
  }
}
