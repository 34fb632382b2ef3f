/**
 * Signed invitations: a compact JWT (EdDSA, by the inviter's did:key) with the inviter's DID, addresses,
 * name, expiry and a single-use 128-bit nonce, carried in a link `musette:invite?t=<jwt>` (or a web link
 * `https://…#invite=<jwt>`, the token in the fragment so no server ever sees it) or a QR code.
 *
 * `parseInvitation` never throws for a bad invitation: it returns `{ ok: false, reason }`.
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createJWT, decodeJWT, EdDSASigner, verifyJWT } from 'did-jwt'
import { base64url } from 'multiformats/bases/base64'
import { didKeyFromPublicKey } from '../../credentials/did-key.ts'
import { COMPACT_JWT, didKeyResolver } from '../jwt.ts'
import { peerIdOfDid } from '../peer.ts'
import {
  INVITATION_JWT_TYP,
  INVITATION_LINK_PREFIX,
  INVITATION_TTL_MS,
  MAX_INVITATION_ADDRS,
  MAX_INVITATION_TEXT_LENGTH,
  MAX_INVITATION_TOKEN_LENGTH
} from './constants.ts'
import { InvitationClaims, JwtHeader } from './schema.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

export interface Invitation {
  /** The compact JWT itself (what the invitee sends back). */
  token: string
  did: string
  /** The inviter's PeerId (the same key as its DID). */
  peerId: string
  /** Multiaddrs, each ending in `/p2p/<peerId>`. */
  addrs: string[]
  name: string
  /** Expiry, in seconds since the epoch (the JWT's `exp`). */
  exp: number
  nonce: string
}

export type InvitationFailure = 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'TOO_LARGE' | 'WRONG_ISSUER'

export type InvitationResult =
  { ok: true; invitation: Invitation } | { ok: false; reason: InvitationFailure; message: string }

export interface CreateInvitationInit {
  /** The inviter's key (libp2p's Ed25519 key: its `raw` is seed ‖ public key). */
  privateKey: Ed25519PrivateKey
  /** Where the invitee can dial; `/p2p/<peerId>` is appended where it is missing. */
  addrs: Array<string | Multiaddr>
  name: string
  /** Lifetime of the invitation. @default INVITATION_TTL_MS (7 days) */
  ttlMs?: number
  /** The current time in ms. @default Date.now() */
  now?: number
}

export interface CreatedInvitation {
  token: string
  /** `musette:invite?t=<token>` */
  link: string
  nonce: string
  /** Expiry in seconds since the epoch. */
  exp: number
}

/** A fresh 128-bit nonce, base64url without padding (22 characters). */
export function createNonce(): string {
  return base64url.baseEncode(crypto.getRandomValues(new Uint8Array(16)))
}

/** Sign an invitation. The caller records `nonce` (until `exp`) so the invitation can be used once. */
export async function createInvitation(init: CreateInvitationInit): Promise<CreatedInvitation> {
  const did = didKeyFromPublicKey(init.privateKey.publicKey.raw)
  const peerId = peerIdOfDid(did).toString()
  const addrs = [...new Set(init.addrs.map((a) => withPeerId(a.toString(), peerId)))].slice(
    0,
    MAX_INVITATION_ADDRS
  )
  if (addrs.length === 0) throw new RangeError('an invitation needs at least one address')
  const nowSeconds = Math.floor((init.now ?? Date.now()) / 1000)
  const exp = nowSeconds + Math.ceil((init.ttlMs ?? INVITATION_TTL_MS) / 1000)
  const nonce = createNonce()
  const token = await createJWT(
    { iat: nowSeconds, exp, did, name: init.name, addrs, nonce },
    { issuer: did, signer: EdDSASigner(init.privateKey.raw) },
    // did-jwt types `typ` as 'JWT'; explicit typing with our own media type is what RFC 8725 asks for
    { alg: 'EdDSA', typ: INVITATION_JWT_TYP as 'JWT' }
  )
  if (token.length > MAX_INVITATION_TOKEN_LENGTH) {
    throw new RangeError(`invitation is ${token.length} characters, over ${MAX_INVITATION_TOKEN_LENGTH}`)
  }
  return { token, link: invitationLink(token), nonce, exp }
}

/** `musette:invite?t=<token>`, or `<base>#invite=<token>` for a web page that hands it to the app. */
export function invitationLink(token: string, base?: string): string {
  if (base != null) return `${base.split('#')[0]}#invite=${token}`
  return `${INVITATION_LINK_PREFIX}t=${token}`
}

/** The token inside a link, a web link, or the bare token; null when none is found. */
export function extractInvitationToken(text: string): string | null {
  const t = text.trim()
  if (t.startsWith(INVITATION_LINK_PREFIX)) {
    return new URLSearchParams(t.slice(INVITATION_LINK_PREFIX.length)).get('t')
  }
  if (/^https?:\/\//i.test(t)) {
    const hash = t.indexOf('#')
    return hash < 0 ? null : new URLSearchParams(t.slice(hash + 1)).get('invite')
  }
  return COMPACT_JWT.test(t) ? t : null
}

/** Check an invitation (link or token): size, form, issuer, signature, expiry. Never throws. */
export async function parseInvitation(
  text: string,
  options: { now?: number } = {}
): Promise<InvitationResult> {
  if (typeof text !== 'string') return fail('MALFORMED', 'an invitation is a string')
  if (text.length > MAX_INVITATION_TEXT_LENGTH) {
    return fail('TOO_LARGE', `invitation text over ${MAX_INVITATION_TEXT_LENGTH} characters`)
  }
  const token = extractInvitationToken(text)
  if (token == null) return fail('MALFORMED', 'no invitation token found')
  if (token.length > MAX_INVITATION_TOKEN_LENGTH) {
    return fail('TOO_LARGE', `invitation token over ${MAX_INVITATION_TOKEN_LENGTH} characters`)
  }
  if (!COMPACT_JWT.test(token)) return fail('MALFORMED', 'not a compact JWT')

  let decoded: ReturnType<typeof decodeJWT>
  try {
    decoded = decodeJWT(token, false)
  } catch (err) {
    return fail('MALFORMED', `cannot decode the JWT: ${err instanceof Error ? err.message : String(err)}`)
  }
  const header = JwtHeader.safeParse(decoded.header)
  if (!header.success || header.data.typ !== INVITATION_JWT_TYP) {
    return fail('MALFORMED', `not an invitation (typ ${INVITATION_JWT_TYP}, alg EdDSA)`)
  }
  const claims = InvitationClaims.safeParse(decoded.payload)
  if (!claims.success) {
    const issue = claims.error.issues[0]
    return fail('MALFORMED', `${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  const c = claims.data
  if (c.iss !== c.did) return fail('WRONG_ISSUER', 'the issuer is not the invitation’s DID')

  const peerId = peerIdOfDid(c.did).toString()
  for (const addr of c.addrs) {
    let target: string | undefined
    try {
      target = lastPeerId(multiaddr(addr))
    } catch {
      return fail('MALFORMED', `not a multiaddr: ${addr.slice(0, 64)}`)
    }
    // the Noise handshake then proves that whoever answers at these addresses holds the inviter's key
    if (target !== peerId) return fail('MALFORMED', 'an address does not end in the inviter’s /p2p/ id')
  }

  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000)
  try {
    await verifyJWT(token, {
      resolver: didKeyResolver,
      // the validity period is checked below, against the injected clock and without skew
      policies: { now: nowSeconds, nbf: false, iat: false, exp: false, aud: false }
    })
  } catch (err) {
    return fail('BAD_SIGNATURE', err instanceof Error ? err.message : String(err))
  }
  if (c.exp <= nowSeconds) return fail('EXPIRED', `expired at ${new Date(c.exp * 1000).toISOString()}`)

  return {
    ok: true,
    invitation: { token, did: c.did, peerId, addrs: c.addrs, name: c.name, exp: c.exp, nonce: c.nonce }
  }
}

function fail(reason: InvitationFailure, message: string): InvitationResult {
  return { ok: false, reason, message }
}

function lastPeerId(ma: Multiaddr): string | undefined {
  const p2p = ma.getComponents().filter((c) => c.name === 'p2p')
  return p2p[p2p.length - 1]?.value
}

function withPeerId(addr: string, peerId: string): string {
  const ma = multiaddr(addr)
  const last = lastPeerId(ma)
  if (last === peerId) return ma.toString()
  if (last != null && !ma.toString().endsWith('/p2p-circuit')) {
    throw new RangeError(`address ${addr} is another peer’s`)
  }
  return ma.encapsulate(`/p2p/${peerId}`).toString()
}
