/** Small HTTP helpers for the local API: typed errors, bounded body reading, JSON answers. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import { fieldErrors } from '../model/records.ts'

export const MAX_JSON_BODY = 1024 * 1024
export const BODY_TIMEOUT_MS = 30_000

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'WRONG_PASSPHRASE'
  | 'FORBIDDEN_ORIGIN'
  | 'MISDIRECTED_HOST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'LOCKED'
  | 'NOT_INITIALIZED'
  | 'ALREADY_INITIALIZED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_ATTEMPTS'
  | 'INVALID_RESUME'
  | 'NOT_A_RESUME'
  | 'NETWORK_OFFLINE'
  | 'DIAL_FAILED'
  | 'INVALID_INVITATION'
  | 'NOT_A_CONTACT'
  | 'INVALID_STATE'
  | 'INVALID_REQUEST'
  | 'CORRUPT'
  | 'INTERNAL'

export const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  INVALID_RESUME: 400,
  NOT_A_RESUME: 400,
  INVALID_INVITATION: 400,
  NOT_A_CONTACT: 409,
  INVALID_STATE: 409,
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  WRONG_PASSPHRASE: 401,
  FORBIDDEN_ORIGIN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  NOT_INITIALIZED: 409,
  ALREADY_INITIALIZED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MISDIRECTED_HOST: 421,
  LOCKED: 423,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL: 500,
  CORRUPT: 500,
  NETWORK_OFFLINE: 503,
  DIAL_FAILED: 502
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string[]>,
    readonly headers?: Record<string, string>
  ) {
    super(message)
    this.name = 'ApiError'
  }
  get status(): number {
    return STATUS[this.code]
  }
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin'
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    ...headers
  })
  res.end(text)
}

/**
 * A JSON object with one large array (an import's preview of 26,000 items is ~10 MB of JSON), written in
 * slices as the socket takes them, so the answer is never held whole in memory as a string and a buffer.
 */
export async function sendJsonWithArray(
  res: ServerResponse,
  status: number,
  head: Record<string, unknown>,
  key: string,
  items: readonly unknown[],
  slice = 500
): Promise<void> {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store'
  })
  const { [key]: _ignored, ...rest } = head
  // `{"…":…,"items":[]}`: written up to the array's opening bracket, the items, then `]}`
  const open = JSON.stringify({ ...rest, [key]: [] }).slice(0, -2)
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done)
        res.off('close', done)
        resolve()
      }
      res.on('drain', done)
      res.on('close', done)
    })
  if (!res.write(open)) await drained()
  for (let i = 0; i < items.length && !res.destroyed; i += slice) {
    const part = items
      .slice(i, i + slice)
      .map((x) => JSON.stringify(x))
      .join(',')
    if (!res.write(i === 0 ? part : `,${part}`)) await drained()
  }
  res.end(']}')
}

export function sendError(res: ServerResponse, err: ApiError) {
  const body: { error: { code: string; message: string; fields?: Record<string, string[]> } } = {
    error: { code: err.code, message: err.message }
  }
  if (err.fields) body.error.fields = err.fields
  if (res.headersSent) {
    res.destroy()
    return
  }
  sendJson(res, err.status, body, err.headers)
}

export function sendBytes(res: ServerResponse, status: number, bytes: Uint8Array, type: string, extra = {}) {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': bytes.length,
    ...extra
  })
  res.end(bytes)
}

export { SECURITY_HEADERS }

/** Read a request body up to `max` bytes, within a deadline; 413 past the cap, without reading the rest. */
export async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(declared) && declared > max) {
    throw new ApiError('PAYLOAD_TOO_LARGE', `the body is over ${max} bytes`)
  }
  const chunks: Buffer[] = []
  let size = 0
  const timer = setTimeout(() => req.destroy(new Error('body timeout')), BODY_TIMEOUT_MS)
  try {
    for await (const chunk of req) {
      const buf = chunk as Buffer
      size += buf.length
      if (size > max) throw new ApiError('PAYLOAD_TOO_LARGE', `the body is over ${max} bytes`)
      chunks.push(buf)
    }
  } catch (err) {
    if (err instanceof ApiError) throw err
    throw new ApiError('BAD_REQUEST', 'the request body could not be read')
  } finally {
    clearTimeout(timer)
  }
  return new Uint8Array(Buffer.concat(chunks, size))
}

/** Read a JSON body (Content-Type application/json, capped) and validate it with a zod schema. */
export async function readJson<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  max = MAX_JSON_BODY
): Promise<z.infer<S>> {
  const type = String(req.headers['content-type'] ?? '')
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send JSON with Content-Type: application/json')
  }
  const bytes = await readBody(req, max)
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new ApiError('BAD_REQUEST', 'the body is not valid JSON')
  }
  return validate(schema, json)
}

export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error)
    const first = Object.entries(fields)[0]
    throw new ApiError(
      'VALIDATION_FAILED',
      first ? `invalid input: ${first[0]}: ${first[1][0] ?? ''}` : 'invalid input',
      fields
    )
  }
  return parsed.data
}
