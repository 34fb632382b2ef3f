/**
 * Signing and checking companies, memberships and project announcements (issue 6). Browser-safe.
 *
 * - company id = 'c' ‖ base32(SHA-256(dag-cbor(body))); the creator signs utf8('musette/company/v1\n' ‖ id).
 * - membership: the creator signs utf8('musette/company/member/v1\n') ‖ dag-cbor(body).
 * - announcement: the author key signs utf8('musette/company/announcement/v1\n') ‖ dag-cbor(body).
 * - pseudonym key of a person in a company: Ed25519 seed = HKDF-SHA256(identity seed,
 *   salt 'musette/company/pseudonym/v1', info = company id) — stable across restarts, unlinkable to the DID
 *   and to the same person's pseudonyms in other companies without the identity seed.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { ed25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { base32 } from 'multiformats/bases/base32'
import { base64url } from 'multiformats/bases/base64'
import { publicKeyFromDidKey } from '../../credentials/did-key.ts'
import { nativeEd25519Verifier } from '../../credentials/ed25519.ts'
import {
  announcementBody,
  companyBody,
  MAX_ANNOUNCEMENT_BYTES,
  MAX_COMPANY_BYTES,
  MAX_LABEL_BYTES,
  signedAnnouncement,
  signedCompany,
  signedMembership,
  type AnnouncementBody,
  type CompanyBody,
  type MembershipBody,
  type SignedAnnouncement,
  type SignedCompany,
  type SignedMembership
} from './schema.ts'
import type { z } from 'zod'

export const COMPANY_DOMAIN = 'musette/company/v1\n'
export const MEMBERSHIP_DOMAIN = 'musette/company/member/v1\n'
export const ANNOUNCEMENT_DOMAIN = 'musette/company/announcement/v1\n'
export const PSEUDONYM_SALT = 'musette/company/pseudonym/v1'

export const COMPANY_ERROR_CODES = [
  'MALFORMED',
  'TOO_LARGE',
  'BAD_SIGNATURE',
  'WRONG_COMPANY',
  'NOT_A_MEMBER',
  'STALE',
  'RATE_LIMITED',
  'MUTED',
  'UNKNOWN_COMPANY'
] as const
export type CompanyErrorCode = (typeof COMPANY_ERROR_CODES)[number]

export class CompanyError extends Error {
  constructor(
    readonly code: CompanyErrorCode,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'CompanyError'
  }
}

const utf8 = new TextEncoder()

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune)
  if (value == null || typeof value !== 'object' || value instanceof Uint8Array) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = prune(v)
  return out
}

/** dag-cbor bytes, `undefined` properties dropped. */
export function encode(value: unknown): Uint8Array {
  return dagCbor.encode(prune(value))
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value)
  if (!r.success) {
    const issue = r.error.issues[0]
    const path = issue?.path.map(String).join('.') ?? ''
    throw new CompanyError('MALFORMED', `${what}: ${path ? path + ': ' : ''}${issue?.message ?? 'invalid'}`)
  }
  return r.data
}

/** node:crypto's Ed25519 when the node registered it (node/native-verify.ts: ~10× faster), else @noble/curves. */
function verifySig(sig: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    const native = nativeEd25519Verifier()
    if (native && sig.length === 64 && publicKey.length === 32) return native(publicKey, message, sig)
    return ed25519.verify(sig, message, publicKey, { zip215: false })
  } catch {
    return false
  }
}

export type Signer = (message: Uint8Array) => Uint8Array | Promise<Uint8Array>

// ——— companies ———

export function companyIdOf(body: CompanyBody): string {
  return 'c' + base32.baseEncode(sha256(encode(body)))
}

export async function signCompany(
  body: CompanyBody,
  sign: Signer
): Promise<{ id: string; signed: SignedCompany }> {
  const valid = parse(companyBody, body, 'company')
  const id = companyIdOf(valid)
  const signed = { body: valid, sig: await sign(utf8.encode(COMPANY_DOMAIN + id)) }
  if (encode(signed).length > MAX_COMPANY_BYTES)
    throw new CompanyError('TOO_LARGE', 'company descriptor too large')
  return { id, signed }
}

export function verifyCompany(value: unknown): { id: string; body: CompanyBody; signed: SignedCompany } {
  const signed = parse(signedCompany, value, 'company')
  if (encode(signed).length > MAX_COMPANY_BYTES)
    throw new CompanyError('TOO_LARGE', 'company descriptor too large')
  const id = companyIdOf(signed.body)
  if (!verifySig(signed.sig, utf8.encode(COMPANY_DOMAIN + id), publicKeyFromDidKey(signed.body.creator))) {
    throw new CompanyError('BAD_SIGNATURE', 'the company is not signed by its creator')
  }
  return { id, body: signed.body, signed }
}

/** A company as a link: `musette:company?c=<base64url(dag-cbor(signed))>&a=<addr>…` (addresses to sync from). */
export function companyLink(signed: SignedCompany, addrs: string[] = []): string {
  const params = new URLSearchParams({ c: base64url.baseEncode(encode(signed)) })
  for (const a of addrs.slice(0, 5)) params.append('a', a)
  return `musette:company?${params.toString()}`
}

export function parseCompanyLink(link: string): {
  id: string
  body: CompanyBody
  signed: SignedCompany
  addrs: string[]
} {
  if (typeof link !== 'string' || link.length > 16_384) throw new CompanyError('TOO_LARGE', 'link too long')
  const t = link.trim()
  if (!t.startsWith('musette:company?')) throw new CompanyError('MALFORMED', 'not a company link')
  const params = new URLSearchParams(t.slice('musette:company?'.length))
  const c = params.get('c')
  if (!c) throw new CompanyError('MALFORMED', 'the link holds no company')
  let decoded: unknown
  try {
    decoded = dagCbor.decode(base64url.baseDecode(c))
  } catch (err) {
    throw new CompanyError('MALFORMED', 'the link’s company cannot be decoded', { cause: err })
  }
  const addrs = params
    .getAll('a')
    .filter((a) => a.length <= 300)
    .slice(0, 5)
  return { ...verifyCompany(decoded), addrs }
}

// ——— memberships ———

export async function issueMembership(
  company: string,
  member: Uint8Array,
  sign: Signer,
  options: { now?: Date; expires?: Date } = {}
): Promise<SignedMembership> {
  const body: MembershipBody = {
    v: 1,
    company,
    member,
    issued: (options.now ?? new Date()).toISOString(),
    ...(options.expires ? { expires: options.expires.toISOString() } : {})
  }
  return { body, sig: await sign(concat(utf8.encode(MEMBERSHIP_DOMAIN), encode(body))) }
}

/** Throws NOT_A_MEMBER unless `m` is the creator's signature on `member` for this company, unexpired. */
export function checkMembership(
  m: unknown,
  company: { id: string; body: CompanyBody },
  member: Uint8Array,
  now = new Date()
): SignedMembership {
  const signed = parse(signedMembership, m, 'membership')
  const b = signed.body
  if (b.company !== company.id)
    throw new CompanyError('NOT_A_MEMBER', 'the membership is for another company')
  if (!sameBytes(b.member, member))
    throw new CompanyError('NOT_A_MEMBER', 'the membership is for another key')
  if (b.expires && Date.parse(b.expires) <= now.getTime())
    throw new CompanyError('NOT_A_MEMBER', 'the membership has expired')
  const creatorKey = publicKeyFromDidKey(company.body.creator)
  if (!verifySig(signed.sig, concat(utf8.encode(MEMBERSHIP_DOMAIN), encode(b)), creatorKey)) {
    throw new CompanyError('NOT_A_MEMBER', 'the membership is not signed by the company’s creator')
  }
  return signed
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number)
  return d === 0
}

// ——— pseudonyms ———

/** This person's pseudonym key pair in a company, derived from their identity seed (32 bytes). */
export function pseudonymFor(
  identitySeed: Uint8Array,
  company: string
): { secret: Uint8Array; key: Uint8Array } {
  const secret = hkdf(sha256, identitySeed, utf8.encode(PSEUDONYM_SALT), utf8.encode(company), 32)
  return { secret, key: ed25519.getPublicKey(secret) }
}

// ——— announcements ———

export function announcementMessage(body: AnnouncementBody): Uint8Array {
  return concat(utf8.encode(ANNOUNCEMENT_DOMAIN), encode(body))
}

/** Sign with the author's secret key (raw 32-byte Ed25519 seed) or a signer (the node's DID key). */
export async function signAnnouncement(body: AnnouncementBody, sign: Signer): Promise<SignedAnnouncement> {
  const valid = parse(announcementBody, body, 'announcement')
  const signed = { body: valid, sig: await sign(announcementMessage(valid)) }
  if (encode(signed).length > MAX_ANNOUNCEMENT_BYTES)
    throw new CompanyError('TOO_LARGE', `announcement over ${MAX_ANNOUNCEMENT_BYTES} bytes`)
  return signed
}

export function keySigner(secret: Uint8Array): Signer {
  return (m) => ed25519.sign(m, secret)
}

export function decodeAnnouncement(bytes: Uint8Array): unknown {
  if (!(bytes instanceof Uint8Array)) throw new CompanyError('MALFORMED', 'expected bytes')
  if (bytes.length > MAX_ANNOUNCEMENT_BYTES)
    throw new CompanyError(
      'TOO_LARGE',
      `announcement of ${bytes.length} bytes, over ${MAX_ANNOUNCEMENT_BYTES}`
    )
  try {
    return dagCbor.decode(bytes)
  } catch (err) {
    throw new CompanyError('MALFORMED', 'not valid dag-cbor', { cause: err })
  }
}

/**
 * Check one announcement for a company: schema and caps (MALFORMED, TOO_LARGE), the company (WRONG_COMPANY),
 * the author's signature and, when named, that the DID is the author key's (BAD_SIGNATURE), and in an
 * invite-only company the creator's membership for the author key (NOT_A_MEMBER). The labels' own
 * signatures are the caller's to check (they are W3C credentials: see credentials/verify.ts).
 */
export function verifyAnnouncement(
  value: unknown,
  company: { id: string; body: CompanyBody },
  now = new Date(),
  /** The size of the bytes `value` was decoded from, when it was (saves encoding it again to measure it). */
  encodedLength?: number
): SignedAnnouncement {
  const signed = parse(signedAnnouncement, value, 'announcement')
  const b = signed.body
  if ((encodedLength ?? encode(signed).length) > MAX_ANNOUNCEMENT_BYTES)
    throw new CompanyError('TOO_LARGE', `announcement over ${MAX_ANNOUNCEMENT_BYTES} bytes`)
  for (const label of b.labels ?? []) {
    if (encode(label).length > MAX_LABEL_BYTES) throw new CompanyError('TOO_LARGE', 'a label is too large')
  }
  if (b.company !== company.id)
    throw new CompanyError('WRONG_COMPANY', 'the announcement is for another company')
  if (b.did !== undefined) {
    let didKey: Uint8Array
    try {
      didKey = publicKeyFromDidKey(b.did)
    } catch (err) {
      throw new CompanyError('MALFORMED', 'the author’s DID is not an Ed25519 did:key', { cause: err })
    }
    if (!sameBytes(didKey, b.author))
      throw new CompanyError('BAD_SIGNATURE', 'the DID is not the author key’s')
  }
  if (!verifySig(signed.sig, announcementMessage(b), b.author)) {
    throw new CompanyError('BAD_SIGNATURE', 'the announcement is not signed by its author key')
  }
  if (company.body.mode === 'invite') {
    if (!b.membership) throw new CompanyError('NOT_A_MEMBER', 'an invite-only company needs a membership')
    checkMembership(b.membership, company, b.author, now)
  }
  return signed
}

/** One project of one author in one company: versions of it replace each other. */
export function slotOf(b: Pick<AnnouncementBody, 'company' | 'author' | 'project'>): string {
  return `${b.company}/${base64url.baseEncode(b.author)}/${b.project}`
}

export function authorId(author: Uint8Array): string {
  return base64url.baseEncode(author)
}
