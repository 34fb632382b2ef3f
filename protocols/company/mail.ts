/**
 * A company's mailbox: messages to one author key (a DID's key or a pseudonym key), published on
 * `/musette/company/<id>/mail` and readable only by the holder of that key — how someone reaches the author
 * of a project without knowing who (or where) they are: a request to connect, the invitation that answers
 * it, a label ("projet soutenu par …") from an organisation.
 *
 * Sealing: the recipient's Ed25519 key converted to X25519 (RFC 7748 birational map), an ephemeral X25519
 * key, HKDF-SHA256 → key ‖ nonce, XChaCha20-Poly1305 with the company id and recipient key as associated
 * data. The payload is padded to a power of two (from 1 KiB) so sizes say little. Whoever sends a `connect`
 * proves their DID by signing the payload with it; labels are credentials and invitations are signed JWTs.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { z } from 'zod'
import { publicKeyFromDidKey } from '../../credentials/did-key.ts'
import { CompanyError, encode, type Signer } from './company.ts'
import { bytes, didKey, signedMembership } from './schema.ts'

export const MAX_MAIL_BYTES = 48 * 1024
const MAX_PAYLOAD = 40 * 1024
const SALT = new TextEncoder().encode('musette/company/mail/v1')
const CONNECT_DOMAIN = new TextEncoder().encode('musette/company/connect/v1\n')

export const mail = z.strictObject({
  v: z.literal(1),
  /** The recipient's Ed25519 public key (an author key). */
  to: bytes(32),
  /** Ephemeral X25519 public key. */
  enc: bytes(32),
  box: z.custom<Uint8Array>(
    (v) => v instanceof Uint8Array && v.byteLength > 0 && v.byteLength <= MAX_MAIL_BYTES
  )
})
export type Mail = z.infer<typeof mail>

const connectBody = z.strictObject({
  type: z.literal('connect'),
  company: z.string().max(100),
  /** The project the request is about (its slot). */
  slot: z.string().max(300),
  from: didKey,
  name: z.string().trim().min(1).max(120),
  message: z.string().max(2000).optional(),
  /** Where to reach the sender (multiaddrs). */
  addrs: z.array(z.string().max(300)).max(5),
  at: z.iso.datetime()
})
const joinBody = z.strictObject({
  type: z.literal('join'),
  company: z.string().max(100),
  from: didKey,
  name: z.string().trim().min(1).max(120),
  /** The requester's pseudonym key in this company: the membership covers it too. */
  pseudonym: bytes(32),
  at: z.iso.datetime()
})
export const payload = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('connect'), body: connectBody, sig: bytes(64) }),
  z.strictObject({ type: z.literal('join'), body: joinBody, sig: bytes(64) }),
  z.strictObject({
    type: z.literal('membership'),
    company: z.string().max(100),
    did: signedMembership,
    pseudonym: signedMembership
  }),
  z.strictObject({
    type: z.literal('invitation'),
    company: z.string().max(100),
    slot: z.string().max(300),
    link: z.string().min(10).max(4096)
  }),
  z.strictObject({
    type: z.literal('label'),
    company: z.string().max(100),
    slot: z.string().max(300),
    credential: z.record(z.string(), z.unknown())
  })
])
export type Payload = z.infer<typeof payload>
export type ConnectBody = z.infer<typeof connectBody>
export type JoinBody = z.infer<typeof joinBody>

function aad(company: string, to: Uint8Array): Uint8Array {
  const c = new TextEncoder().encode(company)
  const out = new Uint8Array(c.length + to.length)
  out.set(c)
  out.set(to, c.length)
  return out
}

function derive(shared: Uint8Array, enc: Uint8Array, to: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const info = new Uint8Array(64)
  info.set(enc)
  info.set(to, 32)
  const okm = hkdf(sha256, shared, SALT, info, 56)
  return { key: okm.slice(0, 32), nonce: okm.slice(32) }
}

function pad(data: Uint8Array): Uint8Array {
  let n = 1024
  while (n < data.length + 4) n *= 2
  const out = new Uint8Array(n)
  new DataView(out.buffer).setUint32(0, data.length)
  out.set(data, 4)
  return out
}

/** Seal a payload to an author key, for one company. */
export function sealMail(company: string, to: Uint8Array, value: Payload): Uint8Array {
  const valid = payload.parse(value)
  const plain = encode(valid)
  if (plain.length > MAX_PAYLOAD) throw new CompanyError('TOO_LARGE', 'mail too large')
  const eph = x25519.utils.randomSecretKey()
  const enc = x25519.getPublicKey(eph)
  const shared = x25519.getSharedSecret(eph, ed25519.utils.toMontgomery(to))
  const { key, nonce } = derive(shared, enc, to)
  const box = xchacha20poly1305(key, nonce, aad(company, to)).encrypt(pad(plain))
  return encode({ v: 1, to, enc, box })
}

/** The recipient key of a mail, without opening it (null if it is not a mail). */
export function recipientOf(bytesIn: Uint8Array): Uint8Array | null {
  if (bytesIn.length > MAX_MAIL_BYTES + 256) return null
  try {
    const m = mail.safeParse(dagCbor.decode(bytesIn))
    return m.success ? m.data.to : null
  } catch {
    return null
  }
}

/** Open a mail with the recipient's Ed25519 secret (32-byte seed). Throws MALFORMED or TOO_LARGE. */
export function openMail(company: string, secret: Uint8Array, bytesIn: Uint8Array): Payload {
  if (bytesIn.length > MAX_MAIL_BYTES + 256) throw new CompanyError('TOO_LARGE', 'mail too large')
  let m: Mail
  try {
    m = mail.parse(dagCbor.decode(bytesIn))
  } catch (err) {
    throw new CompanyError('MALFORMED', 'not a mail', { cause: err })
  }
  try {
    const shared = x25519.getSharedSecret(ed25519.utils.toMontgomerySecret(secret), m.enc)
    const { key, nonce } = derive(shared, m.enc, m.to)
    const plain = xchacha20poly1305(key, nonce, aad(company, m.to)).decrypt(m.box)
    const length = new DataView(plain.buffer, plain.byteOffset).getUint32(0)
    if (length > plain.length - 4) throw new Error('bad padding')
    return payload.parse(dagCbor.decode(plain.subarray(4, 4 + length)))
  } catch (err) {
    throw new CompanyError('MALFORMED', 'this mail cannot be opened with this key', { cause: err })
  }
}

export async function signConnect(body: ConnectBody, sign: Signer): Promise<Payload> {
  const valid = connectBody.parse(body)
  const message = new Uint8Array([...CONNECT_DOMAIN, ...encode(valid)])
  return { type: 'connect', body: valid, sig: await sign(message) }
}

export async function signJoin(body: JoinBody, sign: Signer): Promise<Payload> {
  const valid = joinBody.parse(body)
  const message = new Uint8Array([...CONNECT_DOMAIN, ...encode(valid)])
  return { type: 'join', body: valid, sig: await sign(message) }
}

/** A connect or join request is signed by the DID it names. */
export function verifyConnect(p: Extract<Payload, { type: 'connect' | 'join' }>): boolean {
  try {
    const message = new Uint8Array([...CONNECT_DOMAIN, ...encode(p.body)])
    return ed25519.verify(p.sig, message, publicKeyFromDidKey(p.body.from), { zip215: false })
  } catch {
    return false
  }
}
