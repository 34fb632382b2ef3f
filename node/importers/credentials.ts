/**
 * Credentials earned elsewhere (issue 7, item 1): Open Badges 3.0 and other W3C verifiable credentials, as
 * JSON (one credential, an array, or a presentation holding them) or as VC-JWTs (one per line), verified on
 * import, offline:
 *
 * - Data Integrity proofs with the bundled contexts and did:key issuers (credentials/verify.ts);
 * - JWTs signed by a did:key issuer (did-jwt with our local resolver, protocols/jwt.ts).
 *
 * A credential whose signature is checked and fails (altered, signed by someone else) refuses the whole file,
 * naming the credential; a malformed one too. One that cannot be checked here — an issuer on did:web or
 * another method (resolving it would need the network), a context we do not bundle, a suite we do not
 * implement — is importable, marked `unverifiable` with the reason; an expired one is marked `expired`. The
 * revocation status of a foreign credential is not checked (no network): said in the reason. See
 * docs/IMPORT.md.
 */
import { decodeJWT, verifyJWT } from 'did-jwt'
import { verifyCredential, type ReasonCode } from '../../credentials/verify.ts'
import { COMPACT_JWT, didKeyResolver } from '../../protocols/jwt.ts'
import type { StoredDataMap, VaultRecord } from '../model/records.ts'
import { ImportFormatError } from './linkedin.ts'

export const MAX_CREDENTIALS_FILE_BYTES = 1024 * 1024
export const MAX_CREDENTIALS_PER_FILE = 100

type Json = Record<string, unknown>
type CredentialData = StoredDataMap['credential']

export interface CredentialItem {
  key: string
  type: 'credential'
  data: CredentialData
  label: string
  duplicateOf?: string
}

/** Failures that mean "this is not the credential its issuer signed", or not a credential at all. */
const REFUSE: ReadonlySet<ReasonCode> = new Set([
  'TAMPERED',
  'WRONG_ISSUER',
  'WRONG_PURPOSE',
  'MALFORMED',
  'INVALID_JSONLD',
  'TOO_LARGE',
  'CREDENTIAL_INVALID'
])

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const types = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []

/** The credentials a file holds, as JSON objects or JWT strings. */
function entries(text: string, file: string): Array<Json | string> {
  const trimmed = text.trim()
  if (trimmed === '') throw new ImportFormatError(file, 'the file is empty')
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let value: unknown
    try {
      value = JSON.parse(trimmed)
    } catch (err) {
      throw new ImportFormatError(file, `not valid JSON (${(err as Error).message})`)
    }
    const list = Array.isArray(value)
      ? value
      : isObject(value) && types(value.type).includes('VerifiablePresentation')
        ? Array.isArray(value.verifiableCredential)
          ? value.verifiableCredential
          : [value.verifiableCredential]
        : [value]
    return list.map((v, i) => {
      if (typeof v === 'string' && COMPACT_JWT.test(v)) return v
      if (!isObject(v)) throw new ImportFormatError(`${file}, credential ${i + 1}`, 'not a credential')
      // a VC 2.0 "enveloped" credential: the JWT in a data: URL
      const id = typeof v.id === 'string' ? v.id : ''
      const m = /^data:application\/vc\+jwt,(.+)$/.exec(id)
      if (types(v.type).includes('EnvelopedVerifiableCredential') && m?.[1]) return m[1]
      if (!types(v.type).includes('VerifiableCredential'))
        throw new ImportFormatError(
          `${file}, credential ${i + 1}`,
          'not a verifiable credential (no type VerifiableCredential)'
        )
      return v
    })
  }
  const lines = trimmed.split(/\r?\n/).map((l) => l.trim())
  return lines
    .filter((l) => l !== '')
    .map((l, i) => {
      if (!COMPACT_JWT.test(l))
        throw new ImportFormatError(
          `${file}, line ${i + 1}`,
          'neither JSON nor a JWT: this is not a credentials file',
          'NOT_THIS_KIND'
        )
      return l
    })
}

function iso(v: unknown): string | undefined {
  if (typeof v === 'number') return new Date(v * 1000).toISOString()
  if (typeof v !== 'string') return undefined
  const d = new Date(v)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}

/** Who, what and when, as the credential says it (Open Badges 3.0 first, then plain VC fields). */
function describe(vc: Json): Omit<CredentialData, 'role' | 'credential' | 'status' | 'validFrom'> & {
  validFrom?: string
} {
  const issuer = isObject(vc.issuer) ? vc.issuer : { id: vc.issuer }
  const subjects = Array.isArray(vc.credentialSubject) ? vc.credentialSubject : [vc.credentialSubject]
  const subject = isObject(subjects[0]) ? subjects[0] : {}
  const achievement = isObject(subject.achievement) ? subject.achievement : undefined
  const name =
    (typeof achievement?.name === 'string' && achievement.name) ||
    (typeof vc.name === 'string' && vc.name) ||
    types(vc.type).filter((t) => t !== 'VerifiableCredential')[0] ||
    'Credential'
  const kindHint = `${String(achievement?.achievementType ?? '')} ${types(achievement?.type).join(' ')}`
  const issuerName = typeof issuer.name === 'string' ? issuer.name.trim().slice(0, 200) : undefined
  return {
    issuer: typeof issuer.id === 'string' ? issuer.id.slice(0, 2048) : 'unknown',
    ...(typeof subject.id === 'string' && subject.id ? { subject: subject.id.slice(0, 2048) } : {}),
    kind: /competency|skill/i.test(kindHint) ? 'skill' : 'experience',
    name: name.trim().slice(0, 200) || 'Credential',
    ...(issuerName ? { issuerName } : {}),
    ...((iso(vc.validFrom) ?? iso(vc.issuanceDate))
      ? { validFrom: iso(vc.validFrom) ?? iso(vc.issuanceDate) }
      : {})
  }
}

async function checkObject(vc: Json, where: string, now: Date): Promise<CredentialData['status'] & object> {
  const r = await verifyCredential(vc, { now })
  const checkedAt = now.toISOString()
  const failed = r.checks.filter((c) => !c.ok && c.reason)
  const refuse = failed.find((c) => REFUSE.has(c.reason!.code))
  if (refuse) throw new ImportFormatError(where, `${refuse.reason!.message} (${refuse.name})`)
  const notes = ['revocation status not checked (offline)']
  if (r.verified || failed.every((c) => c.reason!.code === 'STATUS_UNKNOWN'))
    return { state: 'verified', reason: notes.join('; '), checkedAt }
  const code = (c: ReasonCode) => failed.find((f) => f.reason!.code === c)
  const other = failed.filter((c) => c.reason!.code !== 'STATUS_UNKNOWN')
  const reason = other
    .map((c) => c.reason!.message)
    .join('; ')
    .slice(0, 500)
  if (other.every((c) => c.reason!.code === 'EXPIRED') && code('EXPIRED'))
    return { state: 'expired', reason, checkedAt }
  if (other.every((c) => c.reason!.code === 'NOT_YET_VALID'))
    return { state: 'not-yet-valid', reason, checkedAt }
  return { state: 'unverifiable', reason, checkedAt }
}

async function checkJwt(
  jwt: string,
  where: string,
  now: Date
): Promise<{ vc: Json; status: CredentialData['status'] & object; iat?: number }> {
  let payload: Json
  try {
    payload = decodeJWT(jwt).payload as Json
  } catch (err) {
    throw new ImportFormatError(where, `not a readable JWT (${(err as Error).message})`)
  }
  // VC-JWT (VC Data Model 1.1, `vc` claim) or a JOSE-secured VC 2.0 (the credential is the payload)
  const vc = isObject(payload.vc)
    ? payload.vc
    : isObject(payload) && payload['@context']
      ? payload
      : undefined
  if (!vc) throw new ImportFormatError(where, 'a JWT, but not a verifiable credential (no vc claim)')
  const issuer = typeof payload.iss === 'string' ? payload.iss : describe(vc).issuer
  const checkedAt = now.toISOString()
  if (!issuer.startsWith('did:key:'))
    return {
      vc,
      iat:
        typeof payload.nbf === 'number'
          ? payload.nbf
          : typeof payload.iat === 'number'
            ? payload.iat
            : undefined,
      status: {
        state: 'unverifiable',
        reason: `the issuer ${issuer.slice(0, 100)} is not a did:key: its key cannot be found without the network`,
        checkedAt
      }
    }
  try {
    await verifyJWT(jwt, {
      resolver: didKeyResolver,
      policies: { now: Math.floor(now.getTime() / 1000), aud: false, exp: false, nbf: false, iat: false }
    })
  } catch (err) {
    const msg = (err as Error).message
    if (/unsupported|not supported|no supported/i.test(msg))
      return { vc, status: { state: 'unverifiable', reason: msg.slice(0, 500), checkedAt } }
    throw new ImportFormatError(where, `the signature does not check out (${msg.slice(0, 200)})`)
  }
  const exp = typeof payload.exp === 'number' ? payload.exp : undefined
  const nbf = typeof payload.nbf === 'number' ? payload.nbf : undefined
  const t = now.getTime() / 1000
  const status: CredentialData['status'] & object =
    exp !== undefined && exp < t
      ? {
          state: 'expired',
          reason: `expired on ${new Date(exp * 1000).toISOString().slice(0, 10)}`,
          checkedAt
        }
      : nbf !== undefined && nbf > t + 300
        ? {
            state: 'not-yet-valid',
            reason: `valid from ${new Date(nbf * 1000).toISOString().slice(0, 10)}`,
            checkedAt
          }
        : { state: 'verified', reason: 'revocation status not checked (offline)', checkedAt }
  return {
    vc,
    status,
    // when it became valid, else when it was issued
    iat: nbf ?? (typeof payload.iat === 'number' ? payload.iat : undefined)
  }
}

/** What a credentials file would import: every credential checked; the file refused if one is forged. */
export async function planCredentials(
  bytes: Uint8Array,
  existing: readonly VaultRecord<'credential'>[],
  opts: { file?: string; now?: Date } = {}
): Promise<{ items: CredentialItem[]; warnings: string[] }> {
  const file = opts.file ?? 'the file'
  const now = opts.now ?? new Date()
  if (bytes.length > MAX_CREDENTIALS_FILE_BYTES)
    throw new ImportFormatError(
      file,
      `${bytes.length} bytes, over ${MAX_CREDENTIALS_FILE_BYTES}`,
      'TOO_LARGE'
    )
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ImportFormatError(file, 'not a text file (JSON or JWT expected)', 'NOT_THIS_KIND')
  }
  const list = entries(text, file)
  if (list.length > MAX_CREDENTIALS_PER_FILE)
    throw new ImportFormatError(
      file,
      `${list.length} credentials, over ${MAX_CREDENTIALS_PER_FILE}`,
      'TOO_LARGE'
    )
  const held = new Map<string, string>()
  for (const r of existing) {
    const c = r.data.credential
    if (typeof c.id === 'string') held.set(`id ${c.id}`, r.id)
    const proof = isObject(c.proof) ? c.proof.proofValue : undefined
    if (typeof proof === 'string') held.set(`proof ${proof}`, r.id)
    if (r.data.jwt) held.set(`jwt ${r.data.jwt}`, r.id)
  }
  const items: CredentialItem[] = []
  for (const [i, entry] of list.entries()) {
    const where = `${file}, credential ${i + 1}`
    let vc: Json
    let status: CredentialData['status'] & object
    let jwt: string | undefined
    let iat: number | undefined
    if (typeof entry === 'string') {
      ;({ vc, status, iat } = await checkJwt(entry, where, now))
      jwt = entry
    } else {
      vc = entry
      status = await checkObject(entry, where, now)
    }
    const d = describe(vc)
    const data: CredentialData = {
      role: 'imported',
      credential: vc,
      ...d,
      validFrom: d.validFrom ?? (iat !== undefined ? new Date(iat * 1000).toISOString() : now.toISOString()),
      status,
      ...(jwt ? { jwt } : {})
    }
    const proof = isObject(vc.proof) ? vc.proof.proofValue : undefined
    const duplicateOf =
      (typeof vc.id === 'string' ? held.get(`id ${vc.id}`) : undefined) ??
      (typeof proof === 'string' ? held.get(`proof ${proof}`) : undefined) ??
      (jwt ? held.get(`jwt ${jwt}`) : undefined)
    items.push({
      key: `credential.${i}`,
      type: 'credential',
      data,
      label: `${data.name} — ${data.issuerName ?? data.issuer}`,
      ...(duplicateOf ? { duplicateOf } : {})
    })
  }
  return { items, warnings: [] }
}
