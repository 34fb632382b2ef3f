/** Messages of `/musette/contact/1.0.0` and the claims of an invitation JWT. */
import { z } from 'zod'
import { didKey, text } from '../schema.ts'
import {
  MAX_INVITATION_ADDRS,
  MAX_INVITATION_TOKEN_LENGTH,
  MAX_MULTIADDR_LENGTH,
  MAX_NAME_LENGTH
} from './constants.ts'

export const Card = z.strictObject({
  did: didKey,
  name: text(MAX_NAME_LENGTH),
  /** Where the sender listens, so the other side can reach it later (the inviter knows none otherwise). */
  addrs: z.array(z.string().min(1).max(MAX_MULTIADDR_LENGTH)).max(MAX_INVITATION_ADDRS).optional()
})
export type Card = z.infer<typeof Card>

/** The invitee's first (and only) message. */
export const Accept = z.strictObject({
  type: z.literal('accept'),
  invitation: z.string().min(1).max(MAX_INVITATION_TOKEN_LENGTH),
  card: Card
})
export type Accept = z.infer<typeof Accept>

/** Why an inviter refused an accept; sent back to the invitee. */
export const REJECT_REASONS = [
  /** The token is malformed, badly signed, or not an invitation. */
  'INVALID_INVITATION',
  'EXPIRED',
  /** A valid invitation, but from someone else. */
  'NOT_OUR_INVITATION',
  /** The nonce was already used (invitations are single-use) or never issued by this node. */
  'INVITATION_USED',
  /** The card's DID is not the DID of the peer on the connection. */
  'CARD_MISMATCH',
  /** Too many accepts from this peer lately. */
  'RATE_LIMITED',
  'INTERNAL'
] as const
export type RejectReason = (typeof REJECT_REASONS)[number]

export const Welcome = z.strictObject({ type: z.literal('welcome'), card: Card })
export type Welcome = z.infer<typeof Welcome>
export const Reject = z.strictObject({ type: z.literal('reject'), reason: z.enum(REJECT_REASONS) })
export type Reject = z.infer<typeof Reject>
/** The inviter's answer. */
export const Answer = z.discriminatedUnion('type', [Welcome, Reject])
export type Answer = z.infer<typeof Answer>

export const JwtHeader = z.object({ alg: z.literal('EdDSA'), typ: z.string() })

/** The claims of an invitation JWT (`iss` must equal `did`). */
export const InvitationClaims = z.object({
  iss: z.string().max(2048),
  did: didKey,
  name: text(MAX_NAME_LENGTH),
  addrs: z.array(z.string().min(1).max(MAX_MULTIADDR_LENGTH)).min(1).max(MAX_INVITATION_ADDRS),
  /** 128 random bits, base64url without padding. */
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a nonce is 128 bits in base64url'),
  exp: z.number().int().positive(),
  iat: z.number().int().positive().optional()
})
export type InvitationClaims = z.infer<typeof InvitationClaims>
