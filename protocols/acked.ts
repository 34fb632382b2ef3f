/**
 * One message per stream, acknowledged: the pattern of `/musette/attest/1.0.0` and
 * `/musette/recovery/1.0.0`.
 *
 * The sender opens a stream, writes one length-prefixed dag-cbor message `{ id, from, to, … }` and waits for
 * the receiver's receipt. The receiver checks the frame's size and schema, that `from` is the DID of the
 * connection's (Noise-authenticated) remote peer and `to` its own DID, takes a token from the sender's rate
 * limit, and hands the message to `onMessage` (the node's inbox); it answers `{ type: 'ack', id, duplicate? }`
 * or `{ type: 'nack', id?, code }` and closes. Redelivery is idempotent: the inbox answers `duplicate` for an
 * id it already holds.
 */
import { setMaxListeners } from '@libp2p/interface'
import { z } from 'zod'
import { deadline, messageStream, readMessage, translate, validate, writeMessage } from './codec.ts'
import { InvalidMessageError, MessageTooLargeError, TimeoutError } from './errors.ts'
import { openStream, type PeerTarget, type ProtocolHost } from './host.ts'
import { didOfPeerId } from './peer.ts'
import { RateLimiter } from './rate-limit.ts'
import type { MessageChannel } from './codec.ts'
import type { AbortOptions, Connection, Libp2p, Logger, Stream } from '@libp2p/interface'

/** What every acknowledged message carries. */
export interface AckedMessage {
  id: string
  from: string
  to: string
}

/** Nack codes worth retrying later; any other nack is final. */
export const TRANSIENT_NACK_CODES: ReadonlySet<string> = new Set(['RATE_LIMITED', 'INTERNAL'])

const code = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'a code is UPPER_SNAKE_CASE')

export const Ack = z.strictObject({
  type: z.literal('ack'),
  id: z.uuid(),
  /** The receiver already had this message (a redelivery): nothing new happened. */
  duplicate: z.boolean().optional()
})
export const Nack = z.strictObject({ type: z.literal('nack'), id: z.uuid().optional(), code })
/** Receiver to sender, one per message. */
export const Receipt = z.discriminatedUnion('type', [Ack, Nack])
export type Receipt = z.infer<typeof Receipt>

/** The receiver answered with a nack: `reason` is its code (`WRONG_SENDER`, `RATE_LIMITED`, `NOT_A_CONTACT`…). */
export class MessageRejectedError extends Error {
  readonly name = 'MessageRejectedError'
  readonly code = 'MESSAGE_REJECTED'
  /** True when sending again later may succeed (rate limit, receiver-side failure). */
  readonly transient: boolean
  constructor(
    readonly reason: string,
    options?: ErrorOptions
  ) {
    super(`the receiver rejected the message: ${reason}`, options)
    this.transient = TRANSIENT_NACK_CODES.has(reason)
  }
}

/** The inbox's verdict on a valid message: kept, already had, or refused with a code (UPPER_SNAKE_CASE). */
export type InboxVerdict = 'accepted' | 'duplicate' | { reject: string }

export interface Delivery {
  id: string
  /** `duplicate`: the receiver already had it (an earlier attempt got through). */
  status: 'accepted' | 'duplicate'
}

export interface SendAckedOptions extends AbortOptions {
  timeoutMs?: number
  maxMessageSize?: number
  /** @default true */
  runOnLimitedConnection?: boolean
}

/** A protocol of acknowledged messages: its id, its messages' schema and its limits. */
export interface AckedSpec<M extends AckedMessage> {
  protocol: string
  schema: z.ZodType<M>
  /** Logger component name, e.g. `musette:attest`. */
  component: string
  timeoutMs: number
  maxMessageSize: number
  maxInboundStreams: number
  maxOutboundStreams: number
  rateLimit: { capacity: number; refillPerSecond: number }
}

/**
 * Send one message on its own stream and wait for the receiver's ack. Throws InvalidMessageError or
 * MessageTooLargeError (nothing sent), PeerUnreachableError, MessageRejectedError (a nack), TimeoutError,
 * AbortError or StreamClosedError.
 */
export async function sendAcked<M extends AckedMessage>(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  target: PeerTarget,
  spec: Pick<AckedSpec<M>, 'protocol' | 'schema' | 'timeoutMs' | 'maxMessageSize'>,
  message: M,
  options: SendAckedOptions = {}
): Promise<Delivery> {
  const valid = validate(message, spec.schema)
  const timeoutMs = options.timeoutMs ?? spec.timeoutMs
  const { signal, timer } = deadline({ signal: options.signal, timeoutMs })
  const stream = await openStream(libp2p, target, spec.protocol, {
    signal,
    timer,
    callerSignal: options.signal,
    runOnLimitedConnection: options.runOnLimitedConnection ?? true
  })
  try {
    const lp = messageStream(stream, { maxDataLength: options.maxMessageSize ?? spec.maxMessageSize })
    await writeMessage(lp, valid, { signal, timeoutMs })
    const receipt = await readMessage(lp, Receipt, { signal, timeoutMs })
    if (receipt.type === 'nack') throw new MessageRejectedError(receipt.code)
    if (receipt.id !== valid.id) throw new InvalidMessageError('id: the ack is for another message', ['id'])
    await stream.close({ signal })
    return { id: valid.id, status: receipt.duplicate === true ? 'duplicate' : 'accepted' }
  } catch (err) {
    const error = translate(err, timer, options.signal)
    stream.abort(error)
    throw error
  }
}

export interface AckedInit {
  /** Deadline of one message and its ack, in ms. */
  timeoutMs?: number
  /** Largest frame read or written. */
  maxMessageSize?: number
  /** Concurrent inbound streams per connection. */
  maxInboundStreams?: number
  /** Concurrent outbound streams per connection. */
  maxOutboundStreams?: number
  /** Run over relayed (limited) connections. @default true */
  runOnLimitedConnection?: boolean
  /** Inbound messages per remote DID (token bucket), or false for none. */
  rateLimit?: { capacity: number; refillPerSecond: number } | false
}

export interface AckedComponents<M> {
  libp2p: ProtocolHost
  /** The node's inbox. A throw is answered `INTERNAL` (the sender will retry). */
  onMessage(
    message: M,
    context: { remoteDid: string; signal: AbortSignal }
  ): Promise<InboxVerdict> | InboxVerdict
  /** The current time in ms (rate limiting). @default Date.now */
  now?(): number
}

export class AckedProtocol<M extends AckedMessage> {
  readonly protocol: string
  private readonly did: string
  private readonly log: Logger
  private readonly timeoutMs: number
  private readonly maxMessageSize: number
  private readonly maxInboundStreams: number
  private readonly maxOutboundStreams: number
  private readonly runOnLimitedConnection: boolean
  private readonly limiter: RateLimiter | null
  private started = false

  constructor(
    private readonly spec: AckedSpec<M>,
    private readonly components: AckedComponents<M>,
    init: AckedInit = {}
  ) {
    const did = didOfPeerId(components.libp2p.peerId)
    if (did == null) throw new RangeError('the libp2p node needs an Ed25519 key')
    this.did = did
    this.protocol = spec.protocol
    this.log = components.libp2p.logger.forComponent(spec.component)
    this.timeoutMs = init.timeoutMs ?? spec.timeoutMs
    this.maxMessageSize = init.maxMessageSize ?? spec.maxMessageSize
    this.maxInboundStreams = init.maxInboundStreams ?? spec.maxInboundStreams
    this.maxOutboundStreams = init.maxOutboundStreams ?? spec.maxOutboundStreams
    this.runOnLimitedConnection = init.runOnLimitedConnection ?? true
    const rate = init.rateLimit ?? spec.rateLimit
    this.limiter = rate === false ? null : new RateLimiter({ ...rate, now: components.now })
    this.handleStream = this.handleStream.bind(this)
  }

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
    this.limiter?.clear()
    this.started = false
  }

  isStarted(): boolean {
    return this.started
  }

  async send(target: PeerTarget, message: M, options: SendAckedOptions = {}): Promise<Delivery> {
    return sendAcked(this.components.libp2p, target, this.spec, message, {
      timeoutMs: this.timeoutMs,
      maxMessageSize: this.maxMessageSize,
      runOnLimitedConnection: this.runOnLimitedConnection,
      ...options
    })
  }

  private async handleStream(stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs)
    setMaxListeners(Infinity, signal)
    const onTimeout = (): void => stream.abort(new TimeoutError(`${this.protocol} exchange timed out`))
    signal.addEventListener('abort', onTimeout, { once: true })
    const lp = messageStream(stream, { maxDataLength: this.maxMessageSize })
    try {
      const receipt = await this.receive(lp, connection, signal)
      await writeMessage(lp, receipt, { signal, timeoutMs: this.timeoutMs })
      await stream.close({ signal })
    } catch (err) {
      this.log.error('message from %p failed - %e', connection.remotePeer, err)
      stream.abort(translate(err, signal))
    } finally {
      signal.removeEventListener('abort', onTimeout)
    }
  }

  private async receive(lp: MessageChannel, connection: Connection, signal: AbortSignal): Promise<Receipt> {
    const remoteDid = didOfPeerId(connection.remotePeer)
    // every stream costs a token, valid or not, before anything is parsed
    const limited = remoteDid != null && this.limiter != null && !this.limiter.take(remoteDid)
    const nack = (code: string, id?: string): Receipt => {
      this.log('nack %s to %p (%s)', code, connection.remotePeer, id ?? 'no id')
      return id == null ? { type: 'nack', code } : { type: 'nack', id, code }
    }
    let message: M
    try {
      message = await readMessage(lp, this.spec.schema, { signal, timeoutMs: this.timeoutMs })
    } catch (err) {
      if (err instanceof InvalidMessageError) return nack('INVALID_MESSAGE')
      if (err instanceof MessageTooLargeError) return nack('MESSAGE_TOO_LARGE')
      throw err
    }
    // the Noise handshake authenticated connection.remotePeer: `from` must be that key's DID
    if (remoteDid == null || message.from !== remoteDid) return nack('WRONG_SENDER', message.id)
    if (limited) return nack('RATE_LIMITED', message.id)
    if (message.to !== this.did) return nack('WRONG_RECIPIENT', message.id)
    let verdict
    try {
      verdict = await this.components.onMessage(message, { remoteDid, signal })
    } catch (err) {
      this.log.error('the inbox failed on %s - %e', message.id, err)
      return nack('INTERNAL', message.id)
    }
    if (verdict === 'accepted') return { type: 'ack', id: message.id }
    if (verdict === 'duplicate') return { type: 'ack', id: message.id, duplicate: true }
    return nack(/^[A-Z][A-Z0-9_]{0,63}$/.test(verdict.reject) ? verdict.reject : 'REJECTED', message.id)
  }
}
