/** `/musette/recovery/1.0.0`: recovery shares to trusted contacts, their revocation, and their release. */
export const RECOVERY_PROTOCOL = '/musette/recovery/1.0.0'

/** A share message is ~400 bytes; a release carries the share and the request's JWT (≤ 4 KiB). */
export const MAX_MESSAGE_SIZE = 16 * 1024
/** One message and its ack (ms). */
export const TIMEOUT_MS = 10_000
export const MAX_INBOUND_STREAMS = 4
export const MAX_OUTBOUND_STREAMS = 4
/** Per remote DID: a burst of 12 messages (a set of 10 shares, a revoke), then one every 10 s. */
export const RATE_LIMIT_CAPACITY = 12
export const RATE_LIMIT_REFILL_PER_SECOND = 0.1

/** How many trusted contacts a set has, and the threshold: 2 ≤ k ≤ n ≤ 10. */
export const MIN_HOLDERS = 2
export const MAX_HOLDERS = 10
/** The recovery key R is 256 bits; a Shamir share is R's length plus its x coordinate. */
export const SECRET_LENGTH = 32
export const SHARE_LENGTH = SECRET_LENGTH + 1

/** Recovery requests: an EdDSA JWT by the recovering node's one-time key, in a link or a QR code. */
export const REQUEST_JWT_TYP = 'musette-recover+jwt'
export const REQUEST_LINK_PREFIX = 'musette:recover?'
export const MAX_REQUEST_TOKEN_LENGTH = 4096
/** A request lives one hour by default: long enough to reach a few people by phone, short enough to age. */
export const DEFAULT_REQUEST_TTL_MS = 60 * 60_000
/** A request that claims to live longer than this (plus clock skew) is refused: it cannot age. */
export const MAX_REQUEST_TTL_MS = 2 * 60 * 60_000
export const MAX_CLOCK_SKEW_MS = 5 * 60_000
export const MAX_REQUEST_ADDRS = 10
