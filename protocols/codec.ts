/**
 * Length-prefixed dag-cbor messages over a libp2p 3 stream.
 *
 * - Every frame is an unsigned-varint length then that many bytes of dag-cbor (`lpStream` from @libp2p/utils).
 * - Reads are bounded: a frame announced over `maxDataLength` is refused before its body is read, and the
 *   stream's read buffer is capped too, so a peer cannot make us hold more than about two frames.
 * - Reads and writes are timed: each one gets a deadline (`timeoutMs`, default {@link DEFAULT_TIMEOUT_MS}),
 *   combined with the caller's `signal`.
 * - A decoded value goes through a zod schema once, at the boundary; its inferred type is what callers see.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { setMaxListeners } from '@libp2p/interface'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import {
  AbortError,
  InvalidMessageError,
  MessageTooLargeError,
  StreamClosedError,
  TimeoutError
} from './errors.ts'
import type { AbortOptions, MessageStream } from '@libp2p/interface'
import type { z } from 'zod'

/** Deadline of one read or write when the caller gives none (ms). */
export const DEFAULT_TIMEOUT_MS = 10_000

export type MessageChannel<S extends MessageStream = MessageStream> = LengthPrefixedStream<S>

export interface MessageStreamInit {
  /** The largest frame (dag-cbor bytes, without the length prefix) read or written on this stream. */
  maxDataLength: number
}

export interface MessageIoOptions extends AbortOptions {
  /** Deadline of this read or write, in ms. @default DEFAULT_TIMEOUT_MS */
  timeoutMs?: number
}

/** The cap of each channel made by {@link messageStream}, so writes can refuse oversized values up front. */
const limits = new WeakMap<object, number>()

/** Wrap a stream into a length-prefixed message channel whose reads and writes are capped at `maxDataLength`. */
export function messageStream<S extends MessageStream>(
  stream: S,
  init: MessageStreamInit
): MessageChannel<S> {
  const { maxDataLength } = init
  if (!Number.isSafeInteger(maxDataLength) || maxDataLength <= 0) {
    throw new RangeError('maxDataLength must be a positive integer')
  }
  // the read buffer holds what the peer sent and we have not read yet: two frames and their prefixes at most
  const lp = lpStream(stream, { maxDataLength, maxBufferSize: 2 * maxDataLength + 32 })
  limits.set(lp, maxDataLength)
  return lp
}

/** dag-cbor bytes of a value; `undefined` object properties are dropped (dag-cbor has no `undefined`). */
export function encodeMessage(value: unknown): Uint8Array {
  try {
    return dagCbor.encode(prune(value))
  } catch (err) {
    throw new InvalidMessageError(`cannot encode as dag-cbor: ${errorMessage(err)}`, [], { cause: err })
  }
}

/** Decode dag-cbor bytes and validate them against `schema`, throwing {@link InvalidMessageError}. */
export function decodeMessage<S extends z.ZodType>(bytes: Uint8Array, schema: S): z.output<S> {
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch (err) {
    // garbage, trailing bytes, non-canonical encodings, and absurd nesting (a RangeError) all end here
    throw new InvalidMessageError(`not valid dag-cbor: ${errorMessage(err)}`, [], { cause: err })
  }
  return validate(value, schema)
}

/** Validate an already decoded value against `schema`, throwing {@link InvalidMessageError} with the zod path. */
export function validate<S extends z.ZodType>(value: unknown, schema: S): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = issue?.path ?? []
  const where = path.length > 0 ? path.map(String).join('.') : '(root)'
  throw new InvalidMessageError(`${where}: ${issue?.message ?? 'invalid'}`, path, { cause: result.error })
}

/**
 * Read one frame and return it decoded and validated. Throws {@link MessageTooLargeError},
 * {@link InvalidMessageError}, {@link TimeoutError}, {@link AbortError} or {@link StreamClosedError}.
 */
export async function readMessage<S extends z.ZodType>(
  lp: MessageChannel,
  schema: S,
  options: MessageIoOptions = {}
): Promise<z.output<S>> {
  const { signal, timer } = deadline(options)
  let bytes: Uint8Array
  try {
    bytes = (await lp.read({ signal })).subarray()
  } catch (err) {
    throw translate(err, timer, options.signal, limits.get(lp))
  }
  return decodeMessage(bytes, schema)
}

/**
 * Encode `value` as dag-cbor and write it as one frame. Throws {@link MessageTooLargeError} (before writing
 * anything) when it exceeds the channel's cap, {@link TimeoutError}, {@link AbortError} or
 * {@link StreamClosedError}.
 */
export async function writeMessage(
  lp: MessageChannel,
  value: unknown,
  options: MessageIoOptions = {}
): Promise<void> {
  const bytes = encodeMessage(value)
  const limit = limits.get(lp)
  if (limit != null && bytes.byteLength > limit) {
    throw new MessageTooLargeError(
      `message is ${bytes.byteLength} bytes, over ${limit}`,
      bytes.byteLength,
      limit
    )
  }
  const { signal, timer } = deadline(options)
  try {
    await lp.write(bytes, { signal })
  } catch (err) {
    throw translate(err, timer, options.signal, limit)
  }
}

/** A signal that fires at the caller's abort or at the deadline, whichever comes first. */
export function deadline(options: MessageIoOptions = {}): { signal: AbortSignal; timer: AbortSignal } {
  const timer = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  const signal = options.signal == null ? timer : AbortSignal.any([timer, options.signal])
  setMaxListeners(Infinity, signal)
  return { signal, timer }
}

const CLOSED = new Set([
  'UnexpectedEOFError',
  'StreamClosedError',
  'StreamResetError',
  'StreamAbortedError',
  'StreamStateError',
  'ConnectionClosedError',
  'ConnectionClosingError',
  'MuxerClosedError'
])
const TOO_LARGE = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'StreamBufferError'])

/** Map the errors of @libp2p/utils, the muxer and abort signals onto ours (the original is the `cause`). */
export function translate(
  err: unknown,
  timer?: AbortSignal,
  callerSignal?: AbortSignal,
  limit?: number
): Error {
  if (
    err instanceof MessageTooLargeError ||
    err instanceof InvalidMessageError ||
    err instanceof TimeoutError ||
    err instanceof AbortError ||
    err instanceof StreamClosedError
  ) {
    return err
  }
  if (callerSignal?.aborted === true) {
    return isTimeoutReason(callerSignal.reason)
      ? new TimeoutError('the operation timed out', { cause: err })
      : new AbortError('the operation was aborted', { cause: err })
  }
  if (timer?.aborted === true) return new TimeoutError('no message within the deadline', { cause: err })
  const name = err instanceof Error ? err.name : ''
  if (TOO_LARGE.has(name))
    return new MessageTooLargeError(errorMessage(err), undefined, limit, { cause: err })
  if (CLOSED.has(name)) return new StreamClosedError(errorMessage(err), { cause: err })
  if (name === 'TimeoutError') return new TimeoutError(errorMessage(err), { cause: err })
  if (name === 'AbortError') return new AbortError(errorMessage(err), { cause: err })
  return err instanceof Error ? err : new Error(String(err))
}

function isTimeoutReason(reason: unknown): boolean {
  return (
    typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError'
  )
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Drop `undefined` properties of plain objects, recursively; other values are kept as they are. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune)
  if (value == null || typeof value !== 'object') return value
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = prune(v)
  return out
}
