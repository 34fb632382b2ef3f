/**
 * The cryptography of social key recovery (docs/RECOVERY.md), browser-safe and pure.
 *
 * - A random 256-bit recovery key R wraps the vault's data key (node/vault: HKDF-SHA256(R) as the key of an
 *   XChaCha20-Poly1305 seal beside the passphrase's wrap). The keyring — and so every backup — keeps, in
 *   clear but secret-free: the set's id, k, n, `commitment = SHA-256(domain ‖ setId ‖ R)` and
 *   `ownerTag = SHA-256(domain ‖ setId ‖ owner DID)` (the DID itself stays off the disk).
 * - R is split with Shamir's secret sharing (`shamir-secret-sharing`, audited): any k of the n shares give
 *   R back; k − 1 of them reveal nothing about it.
 * - Each share travels as a signed share `{ body: { v, owner, setId, index, k, n, commitment, share, at },
 *   sig }`, signed by the owner's Ed25519 key over `domain ‖ dag-cbor(body)`.
 *
 * A requester checks every share it receives against the backup's recovery block (`verifyShare`): a share of
 * another set, for other parameters, signed by another key than the owner's, or altered, is refused with its
 * reason; `combineShares` then rebuilds R and refuses it unless it matches the commitment.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { ed25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { base32 } from 'multiformats/bases/base32'
import { combine, split } from 'shamir-secret-sharing'
import { z } from 'zod'
import { nativeEd25519Verifier } from '../../credentials/ed25519.ts'
import { publicKeyFromDidKey } from '../../credentials/did-key.ts'
import { didKey } from '../schema.ts'
import { MAX_HOLDERS, MIN_HOLDERS, SECRET_LENGTH, SHARE_LENGTH } from './constants.ts'

const utf8 = new TextEncoder()
const SHARE_DOMAIN = utf8.encode('musette/recovery/v1/share\n')
const COMMITMENT_DOMAIN = utf8.encode('musette/recovery/v1/commitment\n')
const OWNER_DOMAIN = utf8.encode('musette/recovery/v1/owner\n')
const KEK_INFO = utf8.encode('musette/recovery/v1/kek')

export type Signer = (message: Uint8Array) => Uint8Array | Promise<Uint8Array>

export class RecoveryError extends Error {
  constructor(
    readonly code:
      'INVALID_SET' | 'NOT_ENOUGH_SHARES' | 'DUPLICATE_SHARE' | 'COMMITMENT_MISMATCH' | 'MALFORMED',
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'RecoveryError'
  }
}

const bytes = (n: number) =>
  z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.byteLength === n, `${n} bytes`)

/** A set's id: `s` + 26 base32 characters (128 random bits). */
export const SetId = z.string().regex(/^s[a-z2-7]{26}$/, 'not a recovery set id')
const holders = z.number().int().min(MIN_HOLDERS).max(MAX_HOLDERS)

export const ShareBody = z
  .strictObject({
    v: z.literal(1),
    owner: didKey,
    setId: SetId,
    /** The holder's place in the set, 1 to n (the Shamir x coordinate is the share's last byte). */
    index: z.number().int().min(1).max(MAX_HOLDERS),
    k: holders,
    n: holders,
    commitment: bytes(32),
    share: bytes(SHARE_LENGTH),
    /** When the set was made (ms since the epoch). */
    at: z.number().int().nonnegative()
  })
  .refine((b) => b.k <= b.n && b.index <= b.n, 'k ≤ n and index ≤ n')
export type ShareBody = z.infer<typeof ShareBody>

export const SignedShare = z.strictObject({ body: ShareBody, sig: bytes(64) })
export type SignedShare = z.infer<typeof SignedShare>

/** What a backup's keyring says of its recovery set (plaintext, secret-free). */
export interface RecoveryBlock {
  setId: string
  k: number
  n: number
  commitment: Uint8Array
  ownerTag: Uint8Array
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

export function commitmentOf(setId: string, secret: Uint8Array): Uint8Array {
  return sha256(concat(COMMITMENT_DOMAIN, utf8.encode(setId), secret))
}

export function ownerTagOf(setId: string, ownerDid: string): Uint8Array {
  return sha256(concat(OWNER_DOMAIN, utf8.encode(`${setId}\n${ownerDid}`)))
}

/** The key that wraps the data key under R (HKDF-SHA256, salted with the set's id). */
export function recoveryKek(secret: Uint8Array, setId: string): Uint8Array {
  return hkdf(sha256, secret, utf8.encode(setId), KEK_INFO, 32)
}

export function newSetId(): string {
  return 's' + base32.baseEncode(crypto.getRandomValues(new Uint8Array(16)))
}

function signedBytes(body: ShareBody): Uint8Array {
  return concat(SHARE_DOMAIN, dagCbor.encode(body))
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return d === 0
}

export interface RecoverySet {
  block: RecoveryBlock
  /** R itself: the caller wraps the data key under `recoveryKek(secret, setId)`, then forgets it. */
  secret: Uint8Array
  /** One signed share per holder, in the holders' order (index 1 to n). */
  shares: SignedShare[]
}

/** Make a new set: R, its split into n shares with threshold k, each signed by the owner. */
export async function createRecoverySet(init: {
  owner: string
  sign: Signer
  k: number
  n: number
  now?: number
}): Promise<RecoverySet> {
  const { k, n } = init
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < MIN_HOLDERS || n > MAX_HOLDERS || k > n)
    throw new RecoveryError('INVALID_SET', `a set needs ${MIN_HOLDERS} ≤ k ≤ n ≤ ${MAX_HOLDERS}`)
  didKey.parse(init.owner)
  const setId = newSetId()
  const secret = crypto.getRandomValues(new Uint8Array(SECRET_LENGTH))
  const commitment = commitmentOf(setId, secret)
  const raw = await split(secret, n, k)
  const at = init.now ?? Date.now()
  const shares: SignedShare[] = []
  for (const [i, share] of raw.entries()) {
    const body: ShareBody = { v: 1, owner: init.owner, setId, index: i + 1, k, n, commitment, share, at }
    shares.push({ body, sig: await init.sign(signedBytes(body)) })
  }
  return { block: { setId, k, n, commitment, ownerTag: ownerTagOf(setId, init.owner) }, secret, shares }
}

export type ShareFailure = 'MALFORMED' | 'WRONG_SET' | 'WRONG_PARAMETERS' | 'WRONG_OWNER' | 'BAD_SIGNATURE'

export type ShareCheck =
  { ok: true; share: SignedShare } | { ok: false; reason: ShareFailure; message: string }

function verifySignature(share: SignedShare): boolean {
  try {
    const publicKey = publicKeyFromDidKey(share.body.owner)
    const message = signedBytes(share.body)
    const native = nativeEd25519Verifier()
    if (native) return native(publicKey, message, share.sig)
    return ed25519.verify(share.sig, message, publicKey, { zip215: false })
  } catch {
    return false
  }
}

/** Check a share someone released against the backup's recovery block. Never throws. */
export function verifyShare(value: unknown, block: RecoveryBlock): ShareCheck {
  const fail = (reason: ShareFailure, message: string): ShareCheck => ({ ok: false, reason, message })
  const parsed = SignedShare.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return fail('MALFORMED', `${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? ''}`)
  }
  const share = parsed.data
  const b = share.body
  if (b.setId !== block.setId) return fail('WRONG_SET', 'a share of another recovery set')
  if (b.k !== block.k || b.n !== block.n || !equal(b.commitment, block.commitment))
    return fail('WRONG_PARAMETERS', 'the share does not describe this backup’s set')
  if (!equal(ownerTagOf(b.setId, b.owner), block.ownerTag))
    return fail('WRONG_OWNER', 'the share is signed by another key than the backup owner’s')
  if (!verifySignature(share))
    return fail('BAD_SIGNATURE', 'the share’s signature does not match: it was altered or forged')
  return { ok: true, share }
}

/** Sign a share body (the owner's node, or a test that plays a forger holding the owner's key). */
export async function signShare(body: ShareBody, sign: Signer): Promise<SignedShare> {
  const valid = ShareBody.parse(body)
  return { body: valid, sig: await sign(signedBytes(valid)) }
}

/**
 * Rebuild R from verified shares (k or more, distinct) and check it against the commitment. Throws
 * RecoveryError NOT_ENOUGH_SHARES, DUPLICATE_SHARE or COMMITMENT_MISMATCH (the shares do not fit together:
 * one is forged or belongs elsewhere, though it passed the other checks).
 */
export async function combineShares(shares: SignedShare[], block: RecoveryBlock): Promise<Uint8Array> {
  if (shares.length < block.k)
    throw new RecoveryError(
      'NOT_ENOUGH_SHARES',
      `${shares.length} share(s) of the ${block.k} needed: ask more of your contacts`
    )
  const xs = new Set(shares.map((s) => s.body.share[SECRET_LENGTH]))
  const indexes = new Set(shares.map((s) => s.body.index))
  if (xs.size !== shares.length || indexes.size !== shares.length)
    throw new RecoveryError('DUPLICATE_SHARE', 'the same share was given twice')
  let secret: Uint8Array
  try {
    secret = await combine(shares.map((s) => s.body.share))
  } catch (err) {
    throw new RecoveryError('MALFORMED', 'the shares cannot be combined', { cause: err })
  }
  if (!equal(commitmentOf(block.setId, secret), block.commitment)) {
    secret.fill(0)
    throw new RecoveryError(
      'COMMITMENT_MISMATCH',
      'the shares do not fit together: at least one is forged or belongs to another set'
    )
  }
  return secret
}
