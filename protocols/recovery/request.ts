/**
 * Recovery requests: the recovering node (a fresh node with a one-time key, no profile yet) signs an EdDSA
 * JWT (`typ: musette-recover+jwt`) `{ did, setId, k, n, addrs, nonce, exp }` and shows it as a link
 * `musette:recover?t=…` or a QR code (protocols/signed-request.ts). The person sends it to the contacts who
 * hold their shares; each contact's node checks it here, and after the contact's confirmation dials the
 * addresses (the Noise handshake proves it reaches the request's key) and releases its share.
 *
 * `parseRecoveryRequest` never throws for a bad request: it returns `{ ok: false, reason }`.
 */
import { base64url } from 'multiformats/bases/base64'
import { z } from 'zod'
import { didKey } from '../schema.ts'
import { readRequest, signRequest, type RequestFailure, type RequestSpec } from '../signed-request.ts'
import {
  DEFAULT_REQUEST_TTL_MS,
  MAX_CLOCK_SKEW_MS,
  MAX_HOLDERS,
  MAX_REQUEST_TTL_MS,
  MAX_REQUEST_ADDRS,
  MAX_REQUEST_TOKEN_LENGTH,
  MIN_HOLDERS,
  REQUEST_JWT_TYP,
  REQUEST_LINK_PREFIX
} from './constants.ts'
import { SetId } from './shares.ts'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const Claims = z
  .object({
    iss: didKey,
    did: didKey,
    setId: SetId,
    /** The backup's owner tag (base64url): the holder gives the share of this owner, no one else's. */
    ownerTag: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not an owner tag'),
    k: z.number().int().min(MIN_HOLDERS).max(MAX_HOLDERS),
    n: z.number().int().min(MIN_HOLDERS).max(MAX_HOLDERS),
    nonce: z.string().min(16).max(64),
    addrs: z.array(z.string().min(1).max(500)).min(1).max(MAX_REQUEST_ADDRS),
    exp: z.number().int().positive(),
    iat: z.number().int().positive()
  })
  .refine((c) => c.k <= c.n, 'k is larger than n')
  .refine((c) => (c.exp - c.iat) * 1000 <= MAX_REQUEST_TTL_MS, 'a request lives two hours at most')

const SPEC: RequestSpec<z.infer<typeof Claims>> = {
  typ: REQUEST_JWT_TYP,
  prefix: REQUEST_LINK_PREFIX,
  maxTokenLength: MAX_REQUEST_TOKEN_LENGTH,
  maxAddrs: MAX_REQUEST_ADDRS,
  claims: Claims,
  what: 'a recovery request'
}

export interface RecoveryRequest {
  token: string
  /** The recovering node's one-time DID (its PeerId's key). */
  did: string
  peerId: string
  setId: string
  ownerTag: Uint8Array
  k: number
  n: number
  nonce: string
  addrs: string[]
  /** Expiry, seconds since the epoch. */
  exp: number
}

export type { RequestFailure }
export type RequestResult =
  { ok: true; request: RecoveryRequest } | { ok: false; reason: RequestFailure; message: string }

export async function createRecoveryRequest(init: {
  privateKey: Ed25519PrivateKey
  addrs: Array<string | Multiaddr>
  setId: string
  ownerTag: Uint8Array
  k: number
  n: number
  ttlMs?: number
  now?: number
}): Promise<{ token: string; link: string; nonce: string; exp: number; did: string }> {
  const nonce = base64url.baseEncode(crypto.getRandomValues(new Uint8Array(16)))
  const made = await signRequest(SPEC, {
    privateKey: init.privateKey,
    addrs: init.addrs,
    claims: {
      setId: init.setId,
      ownerTag: base64url.baseEncode(init.ownerTag),
      k: init.k,
      n: init.n,
      nonce
    },
    ttlMs: init.ttlMs ?? DEFAULT_REQUEST_TTL_MS,
    now: init.now
  })
  return { ...made, nonce }
}

/** Check a recovery request (a link or its token). Never throws. */
export async function parseRecoveryRequest(
  text: unknown,
  options: { now?: number } = {}
): Promise<RequestResult> {
  const r = await readRequest(SPEC, text, options)
  if (!r.ok) return r
  const c = r.claims
  const now = options.now ?? Date.now()
  if (c.iat * 1000 > now + MAX_CLOCK_SKEW_MS)
    return { ok: false, reason: 'MALFORMED', message: 'the request was made in the future' }
  return {
    ok: true,
    request: {
      token: r.token,
      did: c.did,
      peerId: r.peerId,
      setId: c.setId,
      ownerTag: base64url.baseDecode(c.ownerTag),
      k: c.k,
      n: c.n,
      nonce: c.nonce,
      addrs: c.addrs,
      exp: c.exp
    }
  }
}
