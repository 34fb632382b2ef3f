/**
 * What the Vérifier page shows, computed from a presentation (or a lone credential) and the structured result
 * of credentials/verify.ts. Pure: no JSON-LD here (that code loads only when something is verified).
 *
 * Origin of each credential, as the verifier should read it:
 * - `self`: issued by the holder themselves (a self-declared claim);
 * - `peer`: an Open Badges credential from another person's did:key (a colleague's attestation);
 * - `organisation`: anything else (an issuer typed `Organization`, a non-did:key issuer, another kind of VC).
 */
import type { Check, CheckName, ReasonCode, VerifyResult } from '../../../credentials/verify.ts'
import { credentialOrigin, type CredentialOrigin } from '../../../credentials/origin.ts'

export type { Check, CheckName, ReasonCode, VerifyResult }

export type Origin = 'self' | 'peer' | 'organisation'
export const ORIGINS: readonly Origin[] = ['self', 'peer', 'organisation']

export const REASON_CODES: readonly ReasonCode[] = [
  'TAMPERED',
  'WRONG_ISSUER',
  'EXPIRED',
  'NOT_YET_VALID',
  'UNKNOWN_CONTEXT',
  'UNSUPPORTED_SUITE',
  'WRONG_PURPOSE',
  'UNRESOLVABLE_KEY',
  'MALFORMED',
  'TOO_LARGE',
  'INVALID_JSONLD',
  'REVOKED',
  'STATUS_UNKNOWN',
  'CHALLENGE_MISMATCH',
  'DOMAIN_MISMATCH',
  'HOLDER_MISMATCH',
  'CREDENTIAL_INVALID'
]

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value]
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (isObject(value) && typeof value.id === 'string') return value.id
  return undefined
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim().length > 0 ? value : undefined
}

function types(value: unknown): string[] {
  return asArray(value).filter((t): t is string => typeof t === 'string')
}

/** A simple `key: value` line of a self-declared or organisation claim. */
export interface Claim {
  key: string
  value: string
}

export interface StatusInfo {
  url: string
  /** `https:` lists are fetched; anything else (urn:musette:status:…) only Musette nodes serve */
  fetchable: boolean
}

export interface CredentialView {
  index: number
  id?: string
  origin: Origin
  types: string[]
  title: string
  description?: string
  issuerId?: string
  issuerName?: string
  /** the attester's relationship to the holder (peer attestations) */
  relationship?: string
  testimony?: string
  achievementType?: string
  /** experience, organisation, dates the attestation is about */
  context: Claim[]
  claims: Claim[]
  subjectId?: string
  validFrom?: string
  validUntil?: string
  status: StatusInfo[]
  result: VerifyResult
  /** verified (or failed only because its status list could not be had), and about the holder */
  authentic: boolean
  /** in a presentation: a credential about someone else than the holder */
  otherSubject: boolean
  statusUnknown: boolean
}

export interface SkillSupport {
  name: string
  attesters: { did: string; name?: string }[]
  /** how many peer attestations (a person may attest a skill twice) */
  attestations: number
}

export interface Binding {
  expected?: string
  /** the value(s) in the presentation's proof */
  actual: string[]
  /** undefined: not checked (no expected value) */
  ok?: boolean
}

export interface Failure {
  scope: 'presentation' | 'credential'
  /** the credential's position, for scope credential */
  index?: number
  check: CheckName
  code: ReasonCode
  message: string
}

export interface Report {
  kind: 'presentation' | 'credential'
  verified: boolean
  /** verified, but some status lists could not be had */
  statusUnknown: number
  failure?: Failure
  holder?: string
  holderName?: string
  checks: Check[]
  challenge: Binding
  domain: Binding
  credentials: CredentialView[]
  skills: SkillSupport[]
}

export const MAX_INPUT_BYTES = 1024 * 1024

export type ParseError = { code: 'EMPTY' | 'TOO_LARGE' | 'NOT_JSON' | 'NOT_OBJECT' | 'NOT_VC' }

/** Reads pasted or dropped text: an object that is a presentation or a credential. */
export function parseInput(
  text: string
): { ok: true; doc: Json; kind: 'presentation' | 'credential' } | { ok: false; error: ParseError } {
  if (new TextEncoder().encode(text).length > MAX_INPUT_BYTES) {
    return { ok: false, error: { code: 'TOO_LARGE' } }
  }
  if (text.trim().length === 0) return { ok: false, error: { code: 'EMPTY' } }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return { ok: false, error: { code: 'NOT_JSON' } }
  }
  if (!isObject(doc)) return { ok: false, error: { code: 'NOT_OBJECT' } }
  const t = types(doc.type)
  if (t.includes('VerifiablePresentation')) return { ok: true, doc, kind: 'presentation' }
  if (t.includes('VerifiableCredential')) return { ok: true, doc, kind: 'credential' }
  return { ok: false, error: { code: 'NOT_VC' } }
}

/** The proof's challenge and domain(s), as written in the presentation. */
export function proofBinding(doc: Json): { challenge: string[]; domain: string[] } {
  const proof = asArray(doc.proof)[0]
  if (!isObject(proof)) return { challenge: [], domain: [] }
  const strings = (v: unknown) => asArray(v).filter((x): x is string => typeof x === 'string')
  return { challenge: strings(proof.challenge), domain: strings(proof.domain) }
}

const SHORT: Record<CredentialOrigin, Origin> = {
  'self-declared': 'self',
  'peer-attested': 'peer',
  organisation: 'organisation'
}

export function originOf(vc: Json, holder: string | undefined): Origin {
  return SHORT[credentialOrigin(vc, holder)]
}

function display(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) {
    const parts = value.map(display).filter((v): v is string => v !== undefined)
    return parts.length > 0 ? parts.join(', ') : undefined
  }
  if (isObject(value)) {
    const name = str(value.name) ?? str(value.title)
    if (name) return name
    const text = JSON.stringify(value)
    return text.length > 300 ? `${text.slice(0, 300)}…` : text
  }
  return undefined
}

const HIDDEN_KEYS = new Set(['id', 'type', '@context'])

function claimsOf(subject: Json, skip: string[] = []): Claim[] {
  const out: Claim[] = []
  for (const [key, value] of Object.entries(subject)) {
    if (HIDDEN_KEYS.has(key) || skip.includes(key)) continue
    const v = display(value)
    if (v !== undefined && v.length > 0) out.push({ key, value: v })
  }
  return out
}

function statusOf(vc: Json): StatusInfo[] {
  return asArray(vc.credentialStatus)
    .filter(isObject)
    .map((entry) => {
      const url = typeof entry.statusListCredential === 'string' ? entry.statusListCredential : ''
      return { url, fetchable: /^https:\/\//i.test(url) }
    })
}

function failedChecks(result: VerifyResult): Check[] {
  return result.checks.filter((c) => !c.ok)
}

/** Authentic = every check passes, except a status list that could not be had. */
function authenticity(result: VerifyResult): { authentic: boolean; statusUnknown: boolean } {
  const failed = failedChecks(result)
  const statusUnknown = failed.some((c) => c.name === 'status' && c.reason?.code === 'STATUS_UNKNOWN')
  const others = failed.filter((c) => !(c.name === 'status' && c.reason?.code === 'STATUS_UNKNOWN'))
  return { authentic: others.length === 0 && result.checks.length > 0, statusUnknown }
}

export function credentialView(
  vc: unknown,
  index: number,
  holder: string | undefined,
  result: VerifyResult,
  inPresentation = false
): CredentialView {
  const doc: Json = isObject(vc) ? vc : {}
  const subject = asArray(doc.credentialSubject).find(isObject) ?? {}
  const origin = originOf(doc, holder)
  const achievement = isObject(subject.achievement) ? subject.achievement : undefined
  const context: Claim[] = []
  if (isObject(subject.experienceContext)) {
    for (const [key, value] of Object.entries(subject.experienceContext)) {
      const v = display(value)
      if (v) context.push({ key, value: v })
    }
  }
  const issuerObject = isObject(doc.issuer) ? doc.issuer : undefined
  const subjectIds = asArray(doc.credentialSubject).map(idOf)
  const otherSubject =
    inPresentation && (subjectIds.length === 0 || subjectIds.some((id) => id === undefined || id !== holder))
  const { authentic, statusUnknown } = authenticity(result)
  const view: CredentialView = {
    index,
    origin,
    types: types(doc.type).filter((t) => t !== 'VerifiableCredential'),
    title:
      str(achievement?.name) ??
      str(doc.name) ??
      (origin === 'self' ? str(subject.name) : undefined) ??
      types(doc.type).filter((t) => t !== 'VerifiableCredential')[0] ??
      'VerifiableCredential',
    context,
    claims: achievement ? [] : claimsOf(subject),
    status: statusOf(doc),
    result,
    authentic: authentic && !otherSubject,
    statusUnknown,
    otherSubject
  }
  const optional: Partial<CredentialView> = {
    id: str(doc.id),
    description: str(achievement?.description) ?? str(doc.description),
    issuerId: idOf(doc.issuer),
    issuerName: str(issuerObject?.name),
    relationship: str(subject.relationship),
    testimony: str(subject.testimony),
    achievementType: str(achievement?.achievementType),
    subjectId: idOf(subject),
    validFrom: str(doc.validFrom) ?? str(doc.issuanceDate),
    validUntil: str(doc.validUntil) ?? str(doc.expirationDate)
  }
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) (view as unknown as Json)[k] = v
  }
  return view
}

function normalise(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('fr')
}

/** Distinct attesters behind each skill, among authentic peer attestations. */
export function skillSupport(credentials: CredentialView[]): SkillSupport[] {
  const bySkill = new Map<string, SkillSupport>()
  for (const c of credentials) {
    if (c.origin !== 'peer' || !c.authentic || c.issuerId === undefined) continue
    const key = normalise(c.title)
    let entry = bySkill.get(key)
    if (!entry) {
      entry = { name: c.title, attesters: [], attestations: 0 }
      bySkill.set(key, entry)
    }
    entry.attestations++
    if (!entry.attesters.some((a) => a.did === c.issuerId)) {
      entry.attesters.push(c.issuerName ? { did: c.issuerId, name: c.issuerName } : { did: c.issuerId })
    }
  }
  return [...bySkill.values()].sort(
    (a, b) => b.attesters.length - a.attesters.length || a.name.localeCompare(b.name)
  )
}

/** The holder's name from a self-declared credential about them that carries one. */
function holderNameOf(
  credentials: CredentialView[],
  docs: unknown[],
  holder: string | undefined
): string | undefined {
  if (holder === undefined) return undefined
  for (const c of credentials) {
    if (c.origin !== 'self' || !c.authentic) continue
    const doc = docs[c.index]
    if (!isObject(doc)) continue
    for (const subject of asArray(doc.credentialSubject)) {
      if (isObject(subject) && subject.id === holder && str(subject.name)) return str(subject.name)
    }
  }
  return undefined
}

function firstFailure(result: VerifyResult): Failure | undefined {
  const own = failedChecks(result).find((c) => !(c.name === 'status' && c.reason?.code === 'STATUS_UNKNOWN'))
  if (own?.reason) {
    return { scope: 'presentation', check: own.name, code: own.reason.code, message: own.reason.message }
  }
  for (const [index, r] of (result.credentials ?? []).entries()) {
    const bad = failedChecks(r).find((c) => !(c.name === 'status' && c.reason?.code === 'STATUS_UNKNOWN'))
    if (bad?.reason) {
      return {
        scope: 'credential',
        index,
        check: bad.name,
        code: bad.reason.code,
        message: bad.reason.message
      }
    }
  }
  return undefined
}

export interface BuildOptions {
  expectedChallenge?: string
  expectedDomain?: string
}

/** The page's report of a presentation verified with verifyPresentation. */
export function presentationReport(doc: Json, result: VerifyResult, options: BuildOptions): Report {
  const holder = result.holder ?? idOf(doc.holder)
  const docs = asArray(doc.verifiableCredential)
  const results = result.credentials ?? []
  const credentials = docs.map((vc, i) =>
    credentialView(vc, i, holder, results[i] ?? { verified: false, checks: [] }, true)
  )
  const binding = proofBinding(doc)
  const check = (name: CheckName) => result.checks.find((c) => c.name === name)
  const challengeCheck = check('challenge')
  const domainCheck = check('domain')
  const challenge: Binding = { actual: binding.challenge }
  if (options.expectedChallenge) {
    challenge.expected = options.expectedChallenge
    if (challengeCheck) challenge.ok = challengeCheck.ok
  }
  const domain: Binding = { actual: binding.domain }
  if (options.expectedDomain) {
    domain.expected = options.expectedDomain
    if (domainCheck) domain.ok = domainCheck.ok
  }
  const failure = firstFailure(result)
  const report: Report = {
    kind: 'presentation',
    verified: failure === undefined && result.checks.length > 0 && result.checks[0]?.ok === true,
    statusUnknown: credentials.filter((c) => c.statusUnknown).length,
    checks: result.checks,
    challenge,
    domain,
    credentials,
    skills: skillSupport(credentials)
  }
  if (failure) report.failure = failure
  if (holder !== undefined) report.holder = holder
  const holderName = holderNameOf(credentials, docs, holder)
  if (holderName !== undefined) report.holderName = holderName
  return report
}

/** The page's report of a lone credential verified with verifyCredential (no holder binding). */
export function credentialReport(doc: Json, result: VerifyResult): Report {
  const view = credentialView(doc, 0, undefined, result)
  const failure = firstFailure(result)
  const report: Report = {
    kind: 'credential',
    verified: failure === undefined && view.authentic,
    statusUnknown: view.statusUnknown ? 1 : 0,
    checks: [],
    challenge: { actual: [] },
    domain: { actual: [] },
    credentials: [view],
    skills: skillSupport([view])
  }
  if (failure) report.failure = { ...failure, scope: 'credential', index: 0 }
  if (view.subjectId !== undefined) report.holder = view.subjectId
  return report
}
