/**
 * Typed errors of the Musette protocols: one class per condition, each with a stable `name` (what tests and
 * callers match, as in `@libp2p/interface`'s errors) and a machine-readable `code`.
 */

/** A frame's announced length is over the protocol's cap (or the peer sent more than the read buffer holds). */
export class MessageTooLargeError extends Error {
  readonly name = 'MessageTooLargeError'
  readonly code = 'MESSAGE_TOO_LARGE'
  constructor(
    message = 'Message too large',
    /** The size announced or measured, when known. */
    readonly size?: number,
    readonly limit?: number,
    options?: ErrorOptions
  ) {
    super(message, options)
  }
}

/** A frame is not valid dag-cbor, or does not match the protocol's schema (`path` says where). */
export class InvalidMessageError extends Error {
  readonly name = 'InvalidMessageError'
  readonly code = 'INVALID_MESSAGE'
  constructor(
    message = 'Invalid message',
    /** The path of the first offending field (from zod), empty for a decoding failure. */
    readonly path: ReadonlyArray<PropertyKey> = [],
    options?: ErrorOptions
  ) {
    super(message, options)
  }
}

/** A read, a write or a whole exchange did not finish within its deadline. */
export class TimeoutError extends Error {
  readonly name = 'TimeoutError'
  readonly code = 'TIMEOUT'
  constructor(message = 'Timed out', options?: ErrorOptions) {
    super(message, options)
  }
}

/** The caller aborted the operation through its signal. */
export class AbortError extends Error {
  readonly name = 'AbortError'
  readonly code = 'ABORTED'
  constructor(message = 'The operation was aborted', options?: ErrorOptions) {
    super(message, options)
  }
}

/** The remote closed (or reset) the stream before a whole message arrived. */
export class StreamClosedError extends Error {
  readonly name = 'StreamClosedError'
  readonly code = 'STREAM_CLOSED'
  constructor(message = 'The stream closed before a whole message arrived', options?: ErrorOptions) {
    super(message, options)
  }
}

/** The remote peer's key is not Ed25519, so it has no did:key and cannot speak Musette protocols. */
export class UnsupportedPeerError extends Error {
  readonly name = 'UnsupportedPeerError'
  readonly code = 'UNSUPPORTED_PEER'
  constructor(message = 'The remote peer has no Ed25519 key (no did:key)', options?: ErrorOptions) {
    super(message, options)
  }
}

/** No connection to the peer could be made (dial failed, no known address, or the protocol is unsupported). */
export class PeerUnreachableError extends Error {
  readonly name = 'PeerUnreachableError'
  readonly code = 'PEER_UNREACHABLE'
  constructor(message = 'The peer could not be reached', options?: ErrorOptions) {
    super(message, options)
  }
}
