/**
 * `/musette/attest/1.0.0`: an attestation request (claim, context excerpt, personal message), and later the
 * response (accepted with a credential, or declined with a reason).
 *
 * One stream per message: the sender writes the message; the receiver checks its size and schema, that
 * `from` is the DID of the connection's (Noise-authenticated) remote peer and `to` its own DID, applies a
 * per-DID rate limit, and hands it to `onMessage` (the node's inbox: contacts-only policy, duplicates…);
 * then it answers `{ type: 'ack', id, duplicate? }` or `{ type: 'nack', id?, code }` and closes.
 * Redelivery is idempotent: the inbox answers `duplicate` for an id it already holds.
 */
import { AttestProtocol } from './attest.ts'
import type { Delivery, SendAttestOptions } from './attest.ts'
import type { AttestMessage } from './schema.ts'
import type { PeerTarget } from '../host.ts'
import type { AckedComponents } from '../acked.ts'

export interface AttestInit {
  /** Deadline of one message and its ack, in ms. @default TIMEOUT_MS (15 s) */
  timeoutMs?: number
  /** Largest frame read or written. @default MAX_MESSAGE_SIZE (96 KiB) */
  maxMessageSize?: number
  /** Concurrent inbound streams per connection. @default MAX_INBOUND_STREAMS (8) */
  maxInboundStreams?: number
  /** Concurrent outbound streams per connection. @default MAX_OUTBOUND_STREAMS (8) */
  maxOutboundStreams?: number
  /** Run over relayed (limited) connections. @default true */
  runOnLimitedConnection?: boolean
  /**
   * Inbound messages per remote DID (token bucket), or false for none.
   * @default { capacity: RATE_LIMIT_CAPACITY (20), refillPerSecond: RATE_LIMIT_REFILL_PER_SECOND (0.2) }
   */
  rateLimit?: { capacity: number; refillPerSecond: number } | false
}

export type { InboxVerdict } from '../acked.ts'

export type AttestComponents = AckedComponents<AttestMessage>

export interface AttestService {
  readonly protocol: string
  start(): Promise<void>
  stop(): Promise<void>
  isStarted(): boolean
  /** {@link sendAttestMessage} with this service's limits. */
  send(target: PeerTarget, message: AttestMessage, options?: SendAttestOptions): Promise<Delivery>
}

export function attest(init: AttestInit = {}): (components: AttestComponents) => AttestService {
  return (components) => new AttestProtocol(components, init)
}

export { sendAttestMessage, type Delivery, type SendAttestOptions } from './attest.ts'
export { ATTEST_PROTOCOL, MAX_CREDENTIAL_SIZE, MAX_MESSAGE_SIZE, TIMEOUT_MS } from './constants.ts'
export { MessageRejectedError } from './errors.ts'
export {
  AttestMessage,
  AttestRequest,
  AttestResponse,
  NACK_CODES,
  TRANSIENT_NACK_CODES,
  type NackCode,
  type Receipt
} from './schema.ts'
