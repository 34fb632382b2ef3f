/** The logic of `/musette/attest/1.0.0` (see index.ts): acknowledged messages (protocols/acked.ts). */
import { AckedProtocol, sendAcked, type AckedSpec, type Delivery, type SendAckedOptions } from '../acked.ts'
import {
  ATTEST_PROTOCOL,
  MAX_INBOUND_STREAMS,
  MAX_MESSAGE_SIZE,
  MAX_OUTBOUND_STREAMS,
  RATE_LIMIT_CAPACITY,
  RATE_LIMIT_REFILL_PER_SECOND,
  TIMEOUT_MS
} from './constants.ts'
import { AttestMessage } from './schema.ts'
import type { AttestComponents, AttestInit, AttestService } from './index.ts'
import type { PeerTarget } from '../host.ts'
import type { Libp2p } from '@libp2p/interface'

export type { Delivery } from '../acked.ts'

export interface SendAttestOptions extends SendAckedOptions {
  /** @default TIMEOUT_MS */
  timeoutMs?: number
  /** @default MAX_MESSAGE_SIZE */
  maxMessageSize?: number
}

export const ATTEST_SPEC: AckedSpec<AttestMessage> = {
  protocol: ATTEST_PROTOCOL,
  schema: AttestMessage,
  component: 'musette:attest',
  timeoutMs: TIMEOUT_MS,
  maxMessageSize: MAX_MESSAGE_SIZE,
  maxInboundStreams: MAX_INBOUND_STREAMS,
  maxOutboundStreams: MAX_OUTBOUND_STREAMS,
  rateLimit: { capacity: RATE_LIMIT_CAPACITY, refillPerSecond: RATE_LIMIT_REFILL_PER_SECOND }
}

/**
 * Send one message on its own stream and wait for the receiver's ack. Throws InvalidMessageError or
 * MessageTooLargeError (nothing sent), PeerUnreachableError, MessageRejectedError (a nack), TimeoutError,
 * AbortError or StreamClosedError.
 */
export function sendAttestMessage(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  target: PeerTarget,
  message: AttestMessage,
  options: SendAttestOptions = {}
): Promise<Delivery> {
  return sendAcked(libp2p, target, ATTEST_SPEC, message, options)
}

export class AttestProtocol extends AckedProtocol<AttestMessage> implements AttestService {
  constructor(components: AttestComponents, init: AttestInit = {}) {
    super(ATTEST_SPEC, components, init)
  }

  readonly [Symbol.toStringTag] = '@musette/attest'
}
