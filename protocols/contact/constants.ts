/** `/musette/contact/1.0.0`: accept an invitation and exchange profile cards. */
export const PROTOCOL_NAME = 'contact'
export const PROTOCOL_VERSION = '1.0.0'
export const CONTACT_PROTOCOL = `/musette/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`

/**
 * Largest frame: an accept carries the invitation token (≤ MAX_INVITATION_TOKEN_LENGTH) and a card
 * (a DID and a name), so 8 KiB leaves room and nothing more.
 */
export const MAX_MESSAGE_SIZE = 8 * 1024
/** The whole exchange (read the accept, check, answer) must finish within this deadline (ms). */
export const TIMEOUT_MS = 10_000
/** Accepting an invitation is a one-off: two concurrent streams per connection are plenty. */
export const MAX_INBOUND_STREAMS = 2
export const MAX_OUTBOUND_STREAMS = 2

/** An invitation token is meant for a link or a QR code: 4 KiB at most (a QR code holds ~3 KB). */
export const MAX_INVITATION_TOKEN_LENGTH = 4096
/** The text handed to `parseInvitation` (a link around the token) is refused beyond this length. */
export const MAX_INVITATION_TEXT_LENGTH = MAX_INVITATION_TOKEN_LENGTH + 1024
/** Addresses in an invitation (TCP, WebSockets, a relay or two). */
export const MAX_INVITATION_ADDRS = 8
export const MAX_MULTIADDR_LENGTH = 512
/** A display name on a card or an invitation. */
export const MAX_NAME_LENGTH = 200
/** Default lifetime of an invitation (ms): one week. */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000
/** Explicit typing of invitation JWTs (RFC 8725 §3.11), so no other JWT of the same key passes for one. */
export const INVITATION_JWT_TYP = 'musette-invite+jwt'
/** The link scheme: `musette:invite?t=<jwt>`; web links carry the token in the fragment: `…#invite=<jwt>`. */
export const INVITATION_LINK_PREFIX = 'musette:invite?'
