/**
 * `/musette/recovery/1.0.0` (docs/RECOVERY.md): acknowledged messages, one per stream (protocols/acked.ts).
 *
 * | message   | from → to                   | what                                              |
 * | --------- | --------------------------- | ------------------------------------------------- |
 * | `share`   | owner → trusted contact     | a signed share to keep                            |
 * | `revoke`  | owner → trusted contact     | forget the shares of a set (replaced or turned off)|
 * | `release` | contact → recovering node   | the signed share, after the contact's confirmation |
 *
 * The receiver checks size, schema, `from` = the Noise-authenticated peer, `to` = itself and a per-DID rate
 * limit before its inbox (`onMessage`) sees anything; the inbox checks the rest (a contact's share, our own
 * request, a share that fits the backup) and answers with a code.
 */
import { z } from 'zod'
import { AckedProtocol, sendAcked, type AckedComponents, type AckedInit, type AckedSpec } from '../acked.ts'
import { didKey, text } from '../schema.ts'
import {
  MAX_INBOUND_STREAMS,
  MAX_MESSAGE_SIZE,
  MAX_OUTBOUND_STREAMS,
  MAX_REQUEST_TOKEN_LENGTH,
  RATE_LIMIT_CAPACITY,
  RATE_LIMIT_REFILL_PER_SECOND,
  RECOVERY_PROTOCOL,
  TIMEOUT_MS
} from './constants.ts'
import { SetId, SignedShare } from './shares.ts'
import type { PeerTarget } from '../host.ts'
import type { Delivery, SendAckedOptions } from '../acked.ts'
import type { Libp2p } from '@libp2p/interface'

const base = {
  id: z.uuid(),
  from: didKey,
  to: didKey,
  /** ms since the epoch */
  sentAt: z.number().int().nonnegative()
}

export const ShareMessage = z.strictObject({
  type: z.literal('share'),
  ...base,
  /** The owner's name as they give it, for the holder's list ("a share of Émilie's"). */
  ownerName: text(200),
  share: SignedShare
})
export const RevokeMessage = z.strictObject({ type: z.literal('revoke'), ...base, setId: SetId })
export const ReleaseMessage = z.strictObject({
  type: z.literal('release'),
  ...base,
  /** The recovery request this answers (its JWT): the recovering node checks it is its own and unexpired. */
  request: z.string().min(1).max(MAX_REQUEST_TOKEN_LENGTH),
  holderName: text(200),
  share: SignedShare
})
export const RecoveryMessage = z.discriminatedUnion('type', [ShareMessage, RevokeMessage, ReleaseMessage])
export type RecoveryMessage = z.infer<typeof RecoveryMessage>
export type ShareMessage = z.infer<typeof ShareMessage>
export type ReleaseMessage = z.infer<typeof ReleaseMessage>

export const RECOVERY_SPEC: AckedSpec<RecoveryMessage> = {
  protocol: RECOVERY_PROTOCOL,
  schema: RecoveryMessage,
  component: 'musette:recovery',
  timeoutMs: TIMEOUT_MS,
  maxMessageSize: MAX_MESSAGE_SIZE,
  maxInboundStreams: MAX_INBOUND_STREAMS,
  maxOutboundStreams: MAX_OUTBOUND_STREAMS,
  rateLimit: { capacity: RATE_LIMIT_CAPACITY, refillPerSecond: RATE_LIMIT_REFILL_PER_SECOND }
}

export type RecoveryComponents = AckedComponents<RecoveryMessage>

export interface RecoveryService {
  readonly protocol: string
  start(): Promise<void>
  stop(): Promise<void>
  send(target: PeerTarget, message: RecoveryMessage, options?: SendAckedOptions): Promise<Delivery>
}

export function recovery(init: AckedInit = {}): (components: RecoveryComponents) => RecoveryService {
  return (components) => new AckedProtocol(RECOVERY_SPEC, components, init)
}

export function sendRecoveryMessage(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  target: PeerTarget,
  message: RecoveryMessage,
  options: SendAckedOptions = {}
): Promise<Delivery> {
  return sendAcked(libp2p, target, RECOVERY_SPEC, message, options)
}

export * from './constants.ts'
export * from './shares.ts'
export * from './request.ts'
