/** `/musette/attest/1.0.0`: attestation requests and responses, one stream per message, acknowledged. */
export const PROTOCOL_NAME = 'attest'
export const PROTOCOL_VERSION = '1.0.0'
export const ATTEST_PROTOCOL = `/musette/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`

/** A signed credential in a response: an Open Badges 3.0 credential with a testimony is a few KiB. */
export const MAX_CREDENTIAL_SIZE = 64 * 1024
/** Largest frame: a response with the largest credential, plus its envelope. */
export const MAX_MESSAGE_SIZE = MAX_CREDENTIAL_SIZE + 32 * 1024
/** Send (or receive) one message and its ack within this deadline (ms). */
export const TIMEOUT_MS = 15_000
/** Messages are small and independent; a few in parallel per connection is enough. */
export const MAX_INBOUND_STREAMS = 8
export const MAX_OUTBOUND_STREAMS = 8

export const MAX_NAME_LENGTH = 200
export const MAX_DESCRIPTION_LENGTH = 4000
export const MAX_PERSONAL_MESSAGE_LENGTH = 2000
export const MAX_REASON_LENGTH = 1000
/** ISO 8601 dates (`2024`, `2024-03`, `2024-03-01`, or a full date-time). */
export const MAX_DATE_LENGTH = 40

/** Default inbound rate limit per remote DID: a burst of 20 messages, then one every 5 s. */
export const RATE_LIMIT_CAPACITY = 20
export const RATE_LIMIT_REFILL_PER_SECOND = 0.2
