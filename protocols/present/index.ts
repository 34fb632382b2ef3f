/**
 * Presentation requests and `/musette/present/1.0.0`.
 *
 * 1. A verifier signs a request (an EdDSA JWT from its did:key, `typ: musette-present+jwt`):
 *    `{ did, addrs, name, asks, challenge, domain, exp }`, shown as a link `musette:present?t=…` or a QR code.
 * 2. The holder's node checks it (`parseRequest`), the person consents, and the node dials the verifier's
 *    addresses (the Noise handshake proves it reaches the request's DID) and sends
 *    `{ type: 'presentation', request: <jwt>, presentation }`.
 * 3. The verifier checks the request is its own, unexpired and not answered yet (its challenge is single
 *    use), that the presentation's holder is the connection's peer, verifies it against its challenge and
 *    domain (injected `onPresentation`), and acks or nacks with a code.
 */
import { setMaxListeners } from '@libp2p/interface'
import { base64url } from 'multiformats/bases/base64'
import { z } from 'zod'
import { deadline, messageStream, readMessage, translate, validate, writeMessage } from '../codec.ts'
import { openStream, type PeerTarget, type ProtocolHost } from '../host.ts'
import { didOfPeerId } from '../peer.ts'
import { readRequest, signRequest, type RequestFailure, type RequestSpec } from '../signed-request.ts'
import { didKey, text } from '../schema.ts'
import type { Connection, Ed25519PrivateKey, Libp2p, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export const PRESENT_PROTOCOL = '/musette/present/1.0.0'
export const REQUEST_JWT_TYP = 'musette-present+jwt'
export const REQUEST_LINK_PREFIX = 'musette:present?'
/** A presentation of a few dozen credentials is tens of KiB; this leaves room without inviting floods. */
export const MAX_MESSAGE_SIZE = 1024 * 1024
export const MAX_REQUEST_TOKEN_LENGTH = 4096
export const TIMEOUT_MS = 20_000
export const MAX_INBOUND_STREAMS = 4
export const DEFAULT_REQUEST_TTL_MS = 24 * 3600_000

const RequestClaims = z.object({
  iss: didKey,
  did: didKey,
  name: text(200),
  asks: text(2000),
  challenge: z.string().min(16).max(200),
  domain: text(500),
  addrs: z.array(z.string().min(1).max(500)).min(1).max(10),
  exp: z.number().int().positive(),
  iat: z.number().int().positive().optional()
})

export interface PresentationRequest {
  token: string
  did: string
  peerId: string
  name: string
  asks: string
  challenge: string
  domain: string
  addrs: string[]
  exp: number
}

export type { RequestFailure }
export type RequestResult =
  { ok: true; request: PresentationRequest } | { ok: false; reason: RequestFailure; message: string }

export const PresentMessage = z.strictObject({
  type: z.literal('presentation'),
  request: z.string().min(1).max(MAX_REQUEST_TOKEN_LENGTH),
  presentation: z.record(z.string(), z.unknown())
})
export type PresentMessage = z.infer<typeof PresentMessage>
export const PresentReceipt = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ack') }),
  z.strictObject({ type: z.literal('nack'), code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/) })
])
export type PresentReceipt = z.infer<typeof PresentReceipt>

export class PresentationRefusedError extends Error {
  readonly name = 'PresentationRefusedError'
  readonly code = 'PRESENTATION_REFUSED'
  constructor(readonly reason: string) {
    super(`the verifier refused the presentation: ${reason}`)
  }
}

const SPEC: RequestSpec<z.infer<typeof RequestClaims>> = {
  typ: REQUEST_JWT_TYP,
  prefix: REQUEST_LINK_PREFIX,
  maxTokenLength: MAX_REQUEST_TOKEN_LENGTH,
  maxAddrs: 10,
  claims: RequestClaims,
  what: 'a presentation request'
}

/** Sign a presentation request with the verifier's key. */
export async function createRequest(init: {
  privateKey: Ed25519PrivateKey
  addrs: Array<string | Multiaddr>
  name: string
  asks: string
  domain: string
  ttlMs?: number
  now?: number
}): Promise<{ token: string; link: string; challenge: string; exp: number }> {
  const challenge = base64url.baseEncode(crypto.getRandomValues(new Uint8Array(24)))
  const { token, link, exp } = await signRequest(SPEC, {
    privateKey: init.privateKey,
    addrs: init.addrs,
    claims: { name: init.name, asks: init.asks, challenge, domain: init.domain },
    ttlMs: init.ttlMs ?? DEFAULT_REQUEST_TTL_MS,
    now: init.now
  })
  return { token, link, challenge, exp }
}

/** Check a presentation request (link or token). Never throws. */
export async function parseRequest(text: string, options: { now?: number } = {}): Promise<RequestResult> {
  const r = await readRequest(SPEC, text, options)
  if (!r.ok) return r
  const c = r.claims
  return {
    ok: true,
    request: {
      token: r.token,
      did: c.did,
      peerId: r.peerId,
      name: c.name,
      asks: c.asks,
      challenge: c.challenge,
      domain: c.domain,
      addrs: c.addrs,
      exp: c.exp
    }
  }
}

/** Holder side: send the signed presentation to the verifier named in the request. */
export async function sendPresentation(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  request: PresentationRequest,
  presentation: Record<string, unknown>,
  options: { signal?: AbortSignal; timeoutMs?: number } = {}
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS
  const { signal, timer } = deadline({ signal: options.signal, timeoutMs })
  const target: PeerTarget = request.addrs
  const stream = await openStream(libp2p, target, PRESENT_PROTOCOL, {
    signal,
    timer,
    callerSignal: options.signal,
    runOnLimitedConnection: true
  })
  try {
    const lp = messageStream(stream, { maxDataLength: MAX_MESSAGE_SIZE })
    const message = validate({ type: 'presentation', request: request.token, presentation }, PresentMessage)
    await writeMessage(lp, message, { signal, timeoutMs })
    const receipt = await readMessage(lp, PresentReceipt, { signal, timeoutMs })
    await stream.close({ signal })
    if (receipt.type === 'nack') throw new PresentationRefusedError(receipt.code)
  } catch (err) {
    if (err instanceof PresentationRefusedError) throw err
    const error = translate(err, timer, options.signal)
    stream.abort(error)
    throw error
  }
}

export interface PresentComponents {
  libp2p: ProtocolHost
  /**
   * Verifier side: a presentation arrived for one of our requests (already checked: our own, unexpired).
   * Returns 'accepted', or a refusal code (UPPER_SNAKE_CASE) sent back to the holder.
   */
  onPresentation(
    input: { request: PresentationRequest; presentation: Record<string, unknown>; remoteDid: string },
    signal: AbortSignal
  ): Promise<'accepted' | { reject: string }>
  now?(): number
}

export interface PresentService {
  readonly protocol: string
  start(): Promise<void>
  stop(): Promise<void>
}

export function present(): (components: PresentComponents) => PresentService {
  return (components) => {
    const ownDid = didOfPeerId(components.libp2p.peerId)
    const handle = async (stream: Stream, connection: Connection): Promise<void> => {
      const signal = AbortSignal.timeout(TIMEOUT_MS)
      setMaxListeners(Infinity, signal)
      const lp = messageStream(stream, { maxDataLength: MAX_MESSAGE_SIZE })
      const answer = async (): Promise<PresentReceipt> => {
        let message: PresentMessage
        try {
          message = await readMessage(lp, PresentMessage, { signal, timeoutMs: TIMEOUT_MS })
        } catch (err) {
          const name = err instanceof Error ? err.name : ''
          if (name === 'InvalidMessageError') return { type: 'nack', code: 'INVALID_MESSAGE' }
          if (name === 'MessageTooLargeError') return { type: 'nack', code: 'MESSAGE_TOO_LARGE' }
          throw err
        }
        const parsed = await parseRequest(message.request, { now: (components.now ?? Date.now)() })
        if (!parsed.ok)
          return { type: 'nack', code: parsed.reason === 'EXPIRED' ? 'REQUEST_EXPIRED' : 'INVALID_REQUEST' }
        if (parsed.request.did !== ownDid) return { type: 'nack', code: 'NOT_OUR_REQUEST' }
        const remoteDid = didOfPeerId(connection.remotePeer)
        // the Noise handshake authenticated the peer: it must be the presentation's holder
        if (remoteDid == null || message.presentation.holder !== remoteDid)
          return { type: 'nack', code: 'WRONG_SENDER' }
        const verdict = await components.onPresentation(
          { request: parsed.request, presentation: message.presentation, remoteDid },
          signal
        )
        return verdict === 'accepted' ? { type: 'ack' } : { type: 'nack', code: verdict.reject }
      }
      try {
        await writeMessage(lp, await answer(), { signal, timeoutMs: TIMEOUT_MS })
        await stream.close({ signal })
      } catch (err) {
        stream.abort(translate(err, signal))
      }
    }
    return {
      protocol: PRESENT_PROTOCOL,
      async start() {
        await components.libp2p.handle(PRESENT_PROTOCOL, handle, {
          maxInboundStreams: MAX_INBOUND_STREAMS,
          runOnLimitedConnection: true
        })
      },
      async stop() {
        await components.libp2p.unhandle(PRESENT_PROTOCOL)
      }
    }
  }
}
