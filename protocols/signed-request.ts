/**
 * Signed requests in a link: a compact EdDSA JWT by a node's did:key, with the addresses where that node
 * listens, carried as `<prefix>t=<jwt>` or a QR code — a verifier's presentation request
 * (`musette:present?`), a recovering node's request for recovery shares (`musette:recover?`).
 *
 * `readRequest` checks size, form, media type, claims (zod), that the issuer is the request's DID, that every
 * address ends in that DID's PeerId (whoever answers there must then hold the key: Noise proves it), the
 * signature and the expiry, and never throws: a bad request is `{ ok: false, reason, message }`.
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createJWT, decodeJWT, EdDSASigner, verifyJWT } from 'did-jwt'
import { didKeyFromPublicKey } from '../credentials/did-key.ts'
import { COMPACT_JWT, didKeyResolver } from './jwt.ts'
import { peerIdOfDid } from './peer.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import type { z } from 'zod'

export type RequestFailure = 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'TOO_LARGE' | 'WRONG_ISSUER'

/** What every signed request claims. */
export interface RequestClaims {
  iss: string
  did: string
  addrs: string[]
  exp: number
}

export interface RequestSpec<C extends RequestClaims> {
  /** The JWT's `typ` (a media type of ours, as RFC 8725 asks). */
  typ: string
  /** The link's prefix, e.g. `musette:present?`. */
  prefix: string
  maxTokenLength: number
  maxAddrs: number
  claims: z.ZodType<C>
  /** "a presentation request": for the messages. */
  what: string
}

export type ReadResult<C> =
  | { ok: true; token: string; claims: C; peerId: string }
  | { ok: false; reason: RequestFailure; message: string }

/** Sign a request: `claims` plus `did`, `iat`, `exp` and the signer's addresses ending in its PeerId. */
export async function signRequest<C extends RequestClaims>(
  spec: RequestSpec<C>,
  init: {
    privateKey: Ed25519PrivateKey
    addrs: Array<string | Multiaddr>
    claims: Omit<C, keyof RequestClaims | 'iat'>
    ttlMs: number
    now?: number
  }
): Promise<{ token: string; link: string; did: string; exp: number }> {
  const did = didKeyFromPublicKey(init.privateKey.publicKey.raw)
  const peerId = peerIdOfDid(did).toString()
  const addrs = [
    ...new Set(
      init.addrs.map((a) => {
        const s = a.toString()
        return s.endsWith(`/p2p/${peerId}`) ? s : `${s}/p2p/${peerId}`
      })
    )
  ].slice(0, spec.maxAddrs)
  if (addrs.length === 0) throw new RangeError(`${spec.what} needs at least one address`)
  const now = Math.floor((init.now ?? Date.now()) / 1000)
  const exp = now + Math.ceil(init.ttlMs / 1000)
  const token = await createJWT(
    { ...init.claims, iat: now, exp, did, addrs },
    { issuer: did, signer: EdDSASigner(init.privateKey.raw) },
    { alg: 'EdDSA', typ: spec.typ as 'JWT' }
  )
  if (token.length > spec.maxTokenLength) throw new RangeError(`${spec.what} is too large`)
  return { token, link: `${spec.prefix}t=${token}`, did, exp }
}

/** Check a request (its link or its bare token). Never throws. */
export async function readRequest<C extends RequestClaims>(
  spec: RequestSpec<C>,
  text: unknown,
  options: { now?: number } = {}
): Promise<ReadResult<C>> {
  const fail = (reason: RequestFailure, message: string): ReadResult<C> => ({ ok: false, reason, message })
  if (typeof text !== 'string') return fail('MALFORMED', `${spec.what} is a string`)
  if (text.length > spec.maxTokenLength + 64)
    return fail('TOO_LARGE', `${spec.what} over ${spec.maxTokenLength} characters`)
  const t = text.trim()
  const token = t.startsWith(spec.prefix) ? new URLSearchParams(t.slice(spec.prefix.length)).get('t') : t
  if (!token || !COMPACT_JWT.test(token)) return fail('MALFORMED', `no ${spec.what} found in this text`)
  let decoded: ReturnType<typeof decodeJWT>
  try {
    decoded = decodeJWT(token, false)
  } catch (err) {
    return fail('MALFORMED', `cannot decode the JWT: ${err instanceof Error ? err.message : String(err)}`)
  }
  if ((decoded.header as { typ?: unknown }).typ !== spec.typ || decoded.header.alg !== 'EdDSA')
    return fail('MALFORMED', `not ${spec.what} (typ ${spec.typ}, alg EdDSA)`)
  const claims = spec.claims.safeParse(decoded.payload)
  if (!claims.success) {
    const issue = claims.error.issues[0]
    return fail('MALFORMED', `${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  const c = claims.data
  if (c.iss !== c.did) return fail('WRONG_ISSUER', `the issuer is not the DID of ${spec.what}`)
  const peerId = peerIdOfDid(c.did).toString()
  for (const a of c.addrs) {
    let ok = false
    try {
      ok = multiaddr(a).toString().endsWith(`/p2p/${peerId}`)
    } catch {
      ok = false
    }
    // whoever answers at these addresses must hold the request's key (Noise proves it)
    if (!ok) return fail('MALFORMED', 'an address is not the requesting node’s')
  }
  const now = Math.floor((options.now ?? Date.now()) / 1000)
  try {
    await verifyJWT(token, {
      resolver: didKeyResolver,
      // the validity period is checked below, against the injected clock and without skew
      policies: { now, nbf: false, iat: false, exp: false, aud: false }
    })
  } catch (err) {
    return fail('BAD_SIGNATURE', err instanceof Error ? err.message : String(err))
  }
  if (c.exp <= now) return fail('EXPIRED', `expired at ${new Date(c.exp * 1000).toISOString()}`)
  return { ok: true, token, claims: c, peerId }
}
