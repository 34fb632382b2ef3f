/**
 * `/musette/contact/1.0.0`: contacts join by invitation.
 *
 * 1. The inviter signs an invitation (`createInvitation`) and shows it as a link or a QR code.
 * 2. The invitee (`acceptInvitation`) dials the addresses in it and sends
 *    `{ type: 'accept', invitation: <jwt>, card: { did, name } }`.
 * 3. The inviter checks that the JWT is its own, validly signed and unexpired, that its nonce was issued here
 *    and never used, and that the card's DID is the connection's remote peer (Noise-authenticated); then it
 *    records the contact and answers `{ type: 'welcome', card }`, or `{ type: 'reject', reason }`.
 * 4. The invitee checks that the welcome card is the inviter's DID and records the contact too.
 *
 * @example
 * ```ts
 * const contacts = contact()({ libp2p, privateKey, nonceStore, onContact, profile })
 * await contacts.start()
 * const { link } = await contacts.createInvitation()
 * ```
 */
import { ContactProtocol } from './contact.ts'
import type { CreatedInvitation } from './invitation.ts'
import type { NonceStore } from './nonce-store.ts'
import type { Card } from './schema.ts'
import type { ProtocolHost } from '../host.ts'
import type { AbortOptions, Ed25519PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface ContactInit {
  /** Deadline of the whole exchange, in ms, on either side. @default TIMEOUT_MS (10 s) */
  timeoutMs?: number
  /** Largest frame read or written. @default MAX_MESSAGE_SIZE (8 KiB) */
  maxMessageSize?: number
  /** Concurrent inbound streams per connection. @default MAX_INBOUND_STREAMS (2) */
  maxInboundStreams?: number
  /** Concurrent outbound streams per connection. @default MAX_OUTBOUND_STREAMS (2) */
  maxOutboundStreams?: number
  /** Run over relayed (limited) connections: a browser node is only reachable that way. @default true */
  runOnLimitedConnection?: boolean
  /** Lifetime of the invitations created. @default INVITATION_TTL_MS (7 days) */
  invitationTtlMs?: number
}

/** A contact just made, handed to `onContact` on both sides. */
export interface NewContact {
  did: string
  name: string
  via: 'invitation'
  /** `inviter`: we issued the invitation; `invitee`: we accepted it. */
  role: 'inviter' | 'invitee'
  /** The inviter's addresses (known to the invitee only). */
  addrs?: string[]
}

export interface ContactComponents {
  libp2p: ProtocolHost
  /** The node's key: signs invitations; it must be the libp2p node's key. */
  privateKey: Ed25519PrivateKey
  nonceStore: NonceStore
  /** Record the new contact (the node's vault). A throw makes the inviter answer `INTERNAL`. */
  onContact(contact: NewContact, options: AbortOptions): Promise<void> | void
  /** Our card's name, read at each exchange (it may change). */
  profile(): { name: string } | Promise<{ name: string }>
  /** The current time in ms. @default Date.now */
  now?(): number
}

export interface CreateInvitationOptions {
  /** @default the profile's name */
  name?: string
  /** @default the `invitationTtlMs` init option */
  ttlMs?: number
  /** @default the node's listen addresses (`libp2p.getMultiaddrs()`) */
  addrs?: Array<string | Multiaddr>
}

export interface ContactService {
  readonly protocol: string
  start(): Promise<void>
  stop(): Promise<void>
  isStarted(): boolean
  /** Sign a single-use invitation and record its nonce. */
  createInvitation(options?: CreateInvitationOptions): Promise<CreatedInvitation>
  /**
   * Accept an invitation (link or token): dial the inviter, exchange cards, return the inviter's card.
   * Throws InvalidInvitationError, InvitationRejectedError, PeerUnreachableError, InvalidMessageError,
   * MessageTooLargeError, StreamClosedError, TimeoutError or AbortError.
   */
  acceptInvitation(text: string, options?: AbortOptions): Promise<Card>
}

export function contact(init: ContactInit = {}): (components: ContactComponents) => ContactService {
  return (components) => new ContactProtocol(components, init)
}

export { CONTACT_PROTOCOL, MAX_MESSAGE_SIZE, TIMEOUT_MS, MAX_INBOUND_STREAMS } from './constants.ts'
export { InvalidInvitationError, InvitationRejectedError } from './errors.ts'
export {
  createInvitation,
  invitationLink,
  parseInvitation,
  type CreatedInvitation,
  type Invitation,
  type InvitationFailure,
  type InvitationResult
} from './invitation.ts'
export { MemoryNonceStore, type NonceStore } from './nonce-store.ts'
export { REJECT_REASONS, type Card, type RejectReason } from './schema.ts'
