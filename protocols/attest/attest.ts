/** The logic of `/musette/attest/1.0.0` (see index.ts). */
import { setMaxListeners } from '@libp2p/interface'
import { deadline, messageStream, readMessage, translate, validate, writeMessage } from '../codec.ts'
import { InvalidMessageError, MessageTooLargeError, TimeoutError } from '../errors.ts'
import { openStream, type PeerTarget } from '../host.ts'
import { didOfPeerId } from '../peer.ts'
import { RateLimiter } from '../rate-limit.ts'
import {
  ATTEST_PROTOCOL,
  MAX_INBOUND_STREAMS,
  MAX_MESSAGE_SIZE,
  MAX_OUTBOUND_STREAMS,
  RATE_LIMIT_CAPACITY,
  RATE_LIMIT_REFILL_PER_SECOND,
  TIMEOUT_MS
} from './constants.ts'
import { MessageRejectedError } from './errors.ts'
import { AttestMessage, Receipt } from './schema.ts'
import type { AttestComponents, AttestInit, AttestService } from './index.ts'
import type { MessageChannel } from '../codec.ts'
import type { AbortOptions, Connection, Libp2p, Logger, Stream } from '@libp2p/interface'

export interface SendAttestOptions extends AbortOptions {
  /** @default TIMEOUT_MS */
  timeoutMs?: number
  /** @default MAX_MESSAGE_SIZE */
  maxMessageSize?: number
  /** @default true */
  runOnLimitedConnection?: boolean
}

export interface Delivery {
  id: string
  /** `duplicate`: the receiver already had it (an earlier attempt got through). */
  status: 'accepted' | 'duplicate'
}

/**
 * Send one message on its own stream and wait for the receiver's ack. Throws InvalidMessageError or
 * MessageTooLargeError (nothing sent), PeerUnreachableError, MessageRejectedError (a nack), TimeoutError,
 * AbortError or StreamClosedError.
 */
export async function sendAttestMessage(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  target: PeerTarget,
  message: AttestMessage,
  options: SendAttestOptions = {}
): Promise<Delivery> {
  const valid = validate(message, AttestMessage)
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS
  const { signal, timer } = deadline({ signal: options.signal, timeoutMs })
  const stream = await openStream(libp2p, target, ATTEST_PROTOCOL, {
    signal,
    timer,
    callerSignal: options.signal,
    runOnLimitedConnection: options.runOnLimitedConnection ?? true
  })
  try {
    const lp = messageStream(stream, { maxDataLength: options.maxMessageSize ?? MAX_MESSAGE_SIZE })
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

export class AttestProtocol implements AttestService {
  readonly protocol = ATTEST_PROTOCOL
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
    private readonly components: AttestComponents,
    init: AttestInit = {}
  ) {
    const did = didOfPeerId(components.libp2p.peerId)
    if (did == null) throw new RangeError('the libp2p node needs an Ed25519 key')
    this.did = did
    this.log = components.libp2p.logger.forComponent('musette:attest')
    this.timeoutMs = init.timeoutMs ?? TIMEOUT_MS
    this.maxMessageSize = init.maxMessageSize ?? MAX_MESSAGE_SIZE
    this.maxInboundStreams = init.maxInboundStreams ?? MAX_INBOUND_STREAMS
    this.maxOutboundStreams = init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS
    this.runOnLimitedConnection = init.runOnLimitedConnection ?? true
    const rate = init.rateLimit ?? {
      capacity: RATE_LIMIT_CAPACITY,
      refillPerSecond: RATE_LIMIT_REFILL_PER_SECOND
    }
    this.limiter = rate === false ? null : new RateLimiter({ ...rate, now: components.now })
    this.handleStream = this.handleStream.bind(this)
  }

  readonly [Symbol.toStringTag] = '@musette/attest'

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

  async send(target: PeerTarget, message: AttestMessage, options: SendAttestOptions = {}): Promise<Delivery> {
    return sendAttestMessage(this.components.libp2p, target, message, {
      timeoutMs: this.timeoutMs,
      maxMessageSize: this.maxMessageSize,
      runOnLimitedConnection: this.runOnLimitedConnection,
      ...options
    })
  }

  private async handleStream(stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs)
    setMaxListeners(Infinity, signal)
    const onTimeout = (): void => stream.abort(new TimeoutError('attest exchange timed out'))
    signal.addEventListener('abort', onTimeout, { once: true })
    const lp = messageStream(stream, { maxDataLength: this.maxMessageSize })
    try {
      const receipt = await this.receive(lp, connection, signal)
      await writeMessage(lp, receipt, { signal, timeoutMs: this.timeoutMs })
      await stream.close({ signal })
    } catch (err) {
      this.log.error('attest message from %p failed - %e', connection.remotePeer, err)
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
    let message: AttestMessage
    try {
      message = await readMessage(lp, AttestMessage, { signal, timeoutMs: this.timeoutMs })
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
