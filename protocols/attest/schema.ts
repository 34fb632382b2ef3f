/** Messages of `/musette/attest/1.0.0`. */
import { z } from 'zod'
import { encodeMessage } from '../codec.ts'
import { didKey, text } from '../schema.ts'
import {
  MAX_CREDENTIAL_SIZE,
  MAX_DATE_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PERSONAL_MESSAGE_LENGTH,
  MAX_REASON_LENGTH
} from './constants.ts'

const id = z.uuid()
const date = z.string().min(1).max(MAX_DATE_LENGTH)
/** ms since the epoch */
const timestamp = z.number().int().nonnegative()

export const Claim = z.strictObject({
  kind: z.enum(['skill', 'experience']),
  name: text(MAX_NAME_LENGTH),
  description: z.string().max(MAX_DESCRIPTION_LENGTH).optional()
})
export type Claim = z.infer<typeof Claim>

/** The part of the holder's experience shared with the attester, as context. */
export const Excerpt = z.strictObject({
  title: text(MAX_NAME_LENGTH),
  organisation: z.string().max(MAX_NAME_LENGTH).optional(),
  start: date.optional(),
  end: date.optional(),
  description: z.string().max(MAX_DESCRIPTION_LENGTH).optional()
})
export type Excerpt = z.infer<typeof Excerpt>

export const AttestRequest = z.strictObject({
  type: z.literal('attest-request'),
  id,
  from: didKey,
  to: didKey,
  claim: Claim,
  excerpt: Excerpt.optional(),
  message: z.string().max(MAX_PERSONAL_MESSAGE_LENGTH).optional(),
  sentAt: timestamp
})
export type AttestRequest = z.infer<typeof AttestRequest>

/** A credential (JSON-LD object), capped by its dag-cbor size. */
export const Credential = z.record(z.string(), z.unknown()).refine(
  (value) => {
    try {
      return encodeMessage(value).byteLength <= MAX_CREDENTIAL_SIZE
    } catch {
      return false
    }
  },
  { message: `a credential is ${MAX_CREDENTIAL_SIZE} bytes at most` }
)

const responseBase = {
  type: z.literal('attest-response'),
  id,
  requestId: id,
  from: didKey,
  to: didKey,
  sentAt: timestamp
}
export const AttestAccepted = z.strictObject({
  ...responseBase,
  status: z.literal('accepted'),
  credential: Credential
})
export const AttestDeclined = z.strictObject({
  ...responseBase,
  status: z.literal('declined'),
  reason: z.string().max(MAX_REASON_LENGTH).optional()
})
export const AttestResponse = z.discriminatedUnion('status', [AttestAccepted, AttestDeclined])
export type AttestResponse = z.infer<typeof AttestResponse>

/** What travels on a stream, sender to receiver. */
export const AttestMessage = z.discriminatedUnion('type', [AttestRequest, AttestResponse])
export type AttestMessage = z.infer<typeof AttestMessage>

/** Nack codes the protocol itself sends; the inbox may send its own (`NOT_A_CONTACT`, …) in the same form. */
export const NACK_CODES = [
  'INVALID_MESSAGE',
  'MESSAGE_TOO_LARGE',
  /** `from` is not the DID of the connection's remote peer. */
  'WRONG_SENDER',
  /** `to` is not our DID. */
  'WRONG_RECIPIENT',
  'RATE_LIMITED',
  'INTERNAL'
] as const
export type NackCode = (typeof NACK_CODES)[number]
export { Ack, Nack, Receipt, TRANSIENT_NACK_CODES } from '../acked.ts'
