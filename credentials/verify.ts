/**
 * Verification of credentials and presentations: a structured result, never an exception.
 *
 * Supported proofs: Data Integrity `eddsa-rdfc-2022` and `Ed25519Signature2020`, by did:key verification
 * methods only (resolved locally). VC Data Model 2.0 (validFrom/validUntil) and 1.1
 * (issuanceDate/expirationDate). Contexts must all be bundled (loader.ts): nothing is ever fetched.
 */
import { base64url } from 'multiformats/bases/base64'
import { decodeBase58btc } from './base58.ts'
import { canonize } from './canonize.ts'
import { isDidKey } from './did-key.ts'
import { hasNativeEd25519Verifier, verifyEd25519 } from './ed25519.ts'
import { sha256Utf8Async } from './hash.ts'
import {
  DATA_INTEGRITY_V2_CONTEXT,
  ED25519_2020_CONTEXT,
  isKnownContext,
  UnknownContextError,
  VC_V1_CONTEXT,
  VC_V2_CONTEXT
} from './loader.ts'
import { readStatusBit } from './status-list.ts'

/** Inputs larger than this (serialized JSON, in bytes) are refused before any JSON-LD work. */
export const MAX_CREDENTIAL_BYTES = 256 * 1024
export const MAX_PRESENTATION_BYTES = 1024 * 1024
const MAX_DEPTH = 32
const DEFAULT_CLOCK_SKEW_SECONDS = 300

export type CheckName =
  | 'shape'
  | 'context'
  | 'proof'
  | 'issuer'
  | 'validFrom'
  | 'validUntil'
  | 'status'
  | 'challenge'
  | 'domain'
  | 'holder'

export type ReasonCode =
  | 'MALFORMED'
  | 'TOO_LARGE'
  | 'UNKNOWN_CONTEXT'
  | 'INVALID_JSONLD'
  | 'UNSUPPORTED_SUITE'
  | 'WRONG_PURPOSE'
  | 'UNRESOLVABLE_KEY'
  | 'TAMPERED'
  | 'WRONG_ISSUER'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'REVOKED'
  | 'STATUS_UNKNOWN'
  | 'CHALLENGE_MISMATCH'
  | 'DOMAIN_MISMATCH'
  | 'HOLDER_MISMATCH'
  | 'CREDENTIAL_INVALID'

export interface Reason {
  code: ReasonCode
  message: string
}

export interface Check {
  name: CheckName
  ok: boolean
  reason?: Reason
}

export interface VerifyResult {
  verified: boolean
  /** the issuer's id (credential) or the holder's (presentation), once the shape is known */
  issuer?: string
  holder?: string
  checks: Check[]
  /** for presentations: one result per embedded credential, in order */
  credentials?: VerifyResult[]
}

/** Fetches a status list credential by URL; undefined (or a throw) means "could not get it". */
export type StatusFetcher = (statusListCredential: string) => Promise<unknown>

export interface VerifyCredentialOptions {
  /** the clock (default: now) */
  now?: Date | string | number
  checkStatus?: StatusFetcher
  /** tolerance on validity dates, in seconds (default 300) */
  maxClockSkewSeconds?: number
  maxBytes?: number
}

export interface VerifyPresentationOptions extends VerifyCredentialOptions {
  challenge: string
  domain?: string
}

type Json = Record<string, unknown>

class Failure extends Error {
  constructor(
    readonly code: ReasonCode,
    message: string
  ) {
    super(message)
  }
}

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

function reason(code: ReasonCode, message: string): Reason {
  return { code, message }
}

function finish(checks: Check[], extra: Partial<VerifyResult> = {}): VerifyResult {
  const credentialsOk = (extra.credentials ?? []).every((c) => c.verified)
  return { verified: checks.every((c) => c.ok) && credentialsOk, ...extra, checks }
}

const NON_ASCII = /[\u0080-\uffff]/g

/** UTF-8 length of a string; the regular expression skips ASCII runs (3× faster than a loop on every char). */
function utf8Length(s: string): number {
  let bytes = s.length
  NON_ASCII.lastIndex = 0
  while (NON_ASCII.exec(s) !== null) {
    const c = s.charCodeAt(NON_ASCII.lastIndex - 1)
    bytes += c >= 0x800 ? (c >= 0xd800 && c <= 0xdfff ? 1 : 2) : 1
  }
  return bytes
}

/** JSON round trip with a size cap: a clean, plain copy of the input and its size in bytes, or a Failure. */
function parseInput(input: unknown, maxBytes: number): { doc: Json; bytes: number } {
  if (input === null || input === undefined || typeof input !== 'object' || Array.isArray(input)) {
    throw new Failure('MALFORMED', 'a credential or presentation is a JSON object')
  }
  let text: string | undefined
  try {
    text = JSON.stringify(input)
  } catch {
    throw new Failure('MALFORMED', 'not serializable as JSON')
  }
  if (text === undefined) throw new Failure('MALFORMED', 'not serializable as JSON')
  const bytes = text.length > maxBytes ? text.length : utf8Length(text)
  if (bytes > maxBytes) throw new Failure('TOO_LARGE', `larger than ${maxBytes} bytes`)
  const copy: unknown = JSON.parse(text)
  if (!isObject(copy)) throw new Failure('MALFORMED', 'a credential or presentation is a JSON object')
  return { doc: copy, bytes }
}

function checkDepth(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new Failure('MALFORMED', `nested deeper than ${MAX_DEPTH} levels`)
  if (Array.isArray(value)) for (const v of value) checkDepth(v, depth + 1)
  else if (isObject(value)) for (const v of Object.values(value)) checkDepth(v, depth + 1)
}

/** Every string context anywhere in the document must be bundled; inline contexts may not import. */
function collectContexts(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectContexts(v, out)
    return
  }
  if (!isObject(value)) return
  for (const [k, v] of Object.entries(value)) {
    if (k === '@context') {
      for (const c of asArray(v)) {
        if (typeof c === 'string') out.add(c)
        else if (isObject(c)) collectContexts(c, out)
      }
    } else if (k === '@import' && typeof v === 'string') {
      out.add(v)
    } else {
      collectContexts(v, out)
    }
  }
}

const XSD_DATETIME =
  /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/

function parseDate(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !XSD_DATETIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new Failure('MALFORMED', `"${field}" must be an XML Schema dateTime with a time zone`)
  }
  return Date.parse(value)
}

function nowMs(now: Date | string | number | undefined): number {
  if (now === undefined) return Date.now()
  const t = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : Date.parse(now)
  return Number.isNaN(t) ? Date.now() : t
}

type Suite = 'eddsa-rdfc-2022' | 'Ed25519Signature2020'

interface ProofInfo {
  proof: Json
  suite: Suite
  controller: string
  verificationMethod: string
  signature: Uint8Array
}

function singleProof(doc: Json): Json {
  const proofs = asArray(doc.proof)
  if (proofs.length === 0) throw new Failure('MALFORMED', 'no proof')
  if (proofs.length > 1)
    throw new Failure('UNSUPPORTED_SUITE', 'several proofs (proof sets) are not supported')
  const proof = proofs[0]
  if (!isObject(proof)) throw new Failure('MALFORMED', 'the proof is not an object')
  return proof
}

/** Reads and checks the proof's parameters (everything but the signature itself). */
function readProof(doc: Json, contexts: string[], purpose: string): ProofInfo {
  const proof = singleProof(doc)
  let suite: Suite
  if (proof.type === 'DataIntegrityProof') {
    if (proof.cryptosuite !== 'eddsa-rdfc-2022') {
      throw new Failure('UNSUPPORTED_SUITE', `unsupported cryptosuite ${JSON.stringify(proof.cryptosuite)}`)
    }
    if (!contexts.includes(VC_V2_CONTEXT) && !contexts.includes(DATA_INTEGRITY_V2_CONTEXT)) {
      throw new Failure('UNSUPPORTED_SUITE', 'DataIntegrityProof needs the VC 2.0 or Data Integrity context')
    }
    suite = 'eddsa-rdfc-2022'
  } else if (proof.type === 'Ed25519Signature2020') {
    if (!contexts.includes(ED25519_2020_CONTEXT)) {
      throw new Failure('UNSUPPORTED_SUITE', 'Ed25519Signature2020 needs its context in the document')
    }
    suite = 'Ed25519Signature2020'
  } else {
    throw new Failure('UNSUPPORTED_SUITE', `unsupported proof type ${JSON.stringify(proof.type)}`)
  }
  if (proof.proofPurpose !== purpose) {
    throw new Failure('WRONG_PURPOSE', `the proof's purpose must be ${purpose}`)
  }
  const vm = idOf(proof.verificationMethod)
  const [controller, fragment] = (vm ?? '').split('#')
  if (
    vm === undefined ||
    controller === undefined ||
    !isDidKey(controller) ||
    fragment !== controller.slice('did:key:'.length)
  ) {
    throw new Failure('UNRESOLVABLE_KEY', 'the verification method must be a did:key key (did:key:z…#z…)')
  }
  parseDate(proof.created, 'proof.created')
  if (proof.expires !== undefined) parseDate(proof.expires, 'proof.expires')
  const value = proof.proofValue
  if (typeof value !== 'string' || value.length < 2 || value.length > 200) {
    throw new Failure('MALFORMED', 'the proof has no proofValue')
  }
  let signature: Uint8Array
  try {
    if (value[0] === 'z') signature = decodeBase58btc(value.slice(1))
    else if (value[0] === 'u' && suite === 'eddsa-rdfc-2022') signature = base64url.decode(value)
    else throw new Error('multibase')
  } catch {
    throw new Failure('TAMPERED', 'the proofValue is not a valid signature encoding')
  }
  return { proof, suite, controller, verificationMethod: vm, signature }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/** The bytes the proof signs: SHA-256(c14n(proof options)) ‖ SHA-256(c14n(document without proof)). */
export async function verifyData(doc: Json, proof: Json): Promise<Uint8Array> {
  const proofOptions: Json = { '@context': doc['@context'], ...proof }
  delete proofOptions.proofValue
  const unsigned: Json = { ...doc }
  delete unsigned.proof
  const [c14nProof, c14nDoc] = await Promise.all([canonize(proofOptions), canonize(unsigned)])
  const [proofHash, docHash] = await Promise.all([sha256Utf8Async(c14nProof), sha256Utf8Async(c14nDoc)])
  return concat(proofHash, docHash)
}

async function checkSignature(doc: Json, info: ProofInfo): Promise<Reason | undefined> {
  let data: Uint8Array
  try {
    data = await verifyData(doc, info.proof)
  } catch (error) {
    if (error instanceof UnknownContextError || hasCode(error, 'UNKNOWN_CONTEXT')) {
      return reason('UNKNOWN_CONTEXT', error instanceof Error ? error.message : 'unknown context')
    }
    const message = error instanceof Error ? error.message : String(error)
    return reason('INVALID_JSONLD', `JSON-LD processing failed: ${message.slice(0, 300)}`)
  }
  const ok = await verifyEd25519(info.controller, data, info.signature)
  return ok ? undefined : reason('TAMPERED', 'the signature does not match the document')
}

function hasCode(error: unknown, code: string): boolean {
  if (!isObject(error)) return false
  if (error.code === code) return true
  const details = error.details
  return isObject(details) && hasCode(details.cause, code)
}

function contextList(doc: Json): string[] {
  const out = new Set<string>()
  collectContexts(doc, out)
  return [...out]
}

function topContexts(doc: Json): unknown[] {
  return asArray(doc['@context'])
}

interface Basics {
  doc: Json
  contexts: string[]
  version: 1 | 2
  /** the document's size in bytes (serialized JSON, UTF-8) */
  bytes: number
}

/**
 * A credential inside a presentation that readBasics has read: a plain copy already (the presentation's),
 * at most `bytes` long (the presentation's size: its JSON contains the credential's), nested at most
 * MAX_DEPTH - 2 deep (it sits two levels down in the presentation, which passed checkDepth).
 */
interface Embedded {
  bytes: number
}

/** size, JSON, depth, @context (first one VC 1.1 or 2.0, all bundled) */
function readBasics(
  input: unknown,
  maxBytes: number,
  checks: Check[],
  embedded?: Embedded
): Basics | undefined {
  let doc: Json
  let bytes: number
  try {
    if (embedded && isObject(input) && embedded.bytes <= maxBytes) {
      // the same answers as below, without a second JSON round trip (see Embedded)
      doc = input
      bytes = embedded.bytes
    } else {
      ;({ doc, bytes } = parseInput(input, maxBytes))
      checkDepth(doc, 0)
    }
  } catch (error) {
    const f = error instanceof Failure ? error : new Failure('MALFORMED', 'unreadable input')
    checks.push({ name: 'shape', ok: false, reason: reason(f.code, f.message) })
    return undefined
  }
  const first = topContexts(doc)[0]
  if (first !== VC_V2_CONTEXT && first !== VC_V1_CONTEXT) {
    checks.push({
      name: 'shape',
      ok: false,
      reason: reason('MALFORMED', `the first @context must be ${VC_V2_CONTEXT} or ${VC_V1_CONTEXT}`)
    })
    return undefined
  }
  return { doc, contexts: contextList(doc), version: first === VC_V2_CONTEXT ? 2 : 1, bytes }
}

function checkContexts(contexts: string[], checks: Check[]): boolean {
  const unknown = contexts.filter((c) => !isKnownContext(c))
  if (unknown.length > 0) {
    checks.push({
      name: 'context',
      ok: false,
      reason: reason('UNKNOWN_CONTEXT', `unknown context(s): ${unknown.join(', ').slice(0, 300)}`)
    })
    return false
  }
  checks.push({ name: 'context', ok: true })
  return true
}

function hasType(doc: Json, type: string): boolean {
  return asArray(doc.type).includes(type)
}

export async function verifyCredential(
  input: unknown,
  options: VerifyCredentialOptions = {}
): Promise<VerifyResult> {
  return verifyCredentialSafely(input, options, undefined)
}

async function verifyCredentialSafely(
  input: unknown,
  options: VerifyCredentialOptions,
  embedded: Embedded | undefined
): Promise<VerifyResult> {
  try {
    return await verifyCredentialInner(input, options, embedded)
  } catch (error) {
    // defensive: nothing above should throw, but a verifier must not
    const message = error instanceof Error ? error.message : String(error)
    return { verified: false, checks: [{ name: 'shape', ok: false, reason: reason('MALFORMED', message) }] }
  }
}

async function verifyCredentialInner(
  input: unknown,
  options: VerifyCredentialOptions,
  embedded: Embedded | undefined
): Promise<VerifyResult> {
  const checks: Check[] = []
  const basics = readBasics(input, options.maxBytes ?? MAX_CREDENTIAL_BYTES, checks, embedded)
  if (!basics) return finish(checks)
  const { doc, contexts, version } = basics
  const now = nowMs(options.now)
  const skew = (options.maxClockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS) * 1000

  // shape
  let issuer: string | undefined
  let validFrom: number | undefined
  let validUntil: number | undefined
  let info: ProofInfo | undefined
  let proofFailure: Reason | undefined
  try {
    if (!hasType(doc, 'VerifiableCredential'))
      throw new Failure('MALFORMED', 'type must include VerifiableCredential')
    issuer = idOf(doc.issuer)
    if (issuer === undefined || issuer.length === 0) throw new Failure('MALFORMED', 'no issuer id')
    const subjects = asArray(doc.credentialSubject)
    if (subjects.length === 0 || !subjects.every(isObject)) {
      throw new Failure('MALFORMED', 'credentialSubject must be an object or a list of objects')
    }
    if (version === 2) {
      validFrom = parseDate(doc.validFrom, 'validFrom')
      validUntil = parseDate(doc.validUntil, 'validUntil')
    } else {
      if (doc.issuanceDate === undefined)
        throw new Failure('MALFORMED', 'a VC 1.1 credential needs issuanceDate')
      validFrom = parseDate(doc.issuanceDate, 'issuanceDate')
      validUntil = parseDate(doc.expirationDate, 'expirationDate')
    }
    try {
      info = readProof(doc, contexts, 'assertionMethod')
    } catch (error) {
      if (!(error instanceof Failure) || error.code === 'MALFORMED') throw error
      proofFailure = reason(error.code, error.message)
    }
    checks.push({ name: 'shape', ok: true })
  } catch (error) {
    const f = error instanceof Failure ? error : new Failure('MALFORMED', String(error))
    checks.push({ name: 'shape', ok: false, reason: reason(f.code, f.message) })
    return finish(checks, issuer === undefined ? {} : { issuer })
  }

  if (!checkContexts(contexts, checks)) return finish(checks, { issuer })

  // proof
  if (!proofFailure && info) proofFailure = await checkSignature(doc, info)
  checks.push(proofFailure ? { name: 'proof', ok: false, reason: proofFailure } : { name: 'proof', ok: true })

  // issuer: the key that signed must be the issuer's
  if (info) {
    checks.push(
      info.controller === issuer
        ? { name: 'issuer', ok: true }
        : {
            name: 'issuer',
            ok: false,
            reason: reason('WRONG_ISSUER', `signed by ${info.controller}, not by the issuer ${issuer}`)
          }
    )
  }

  // validity period
  const fromField = version === 2 ? 'validFrom' : 'issuanceDate'
  const untilField = version === 2 ? 'validUntil' : 'expirationDate'
  checks.push(
    validFrom !== undefined && validFrom > now + skew
      ? {
          name: 'validFrom',
          ok: false,
          reason: reason('NOT_YET_VALID', `not valid before ${String(doc[fromField])}`)
        }
      : { name: 'validFrom', ok: true }
  )
  checks.push(
    validUntil !== undefined && validUntil < now - skew
      ? { name: 'validUntil', ok: false, reason: reason('EXPIRED', `expired at ${String(doc[untilField])}`) }
      : { name: 'validUntil', ok: true }
  )

  // status (only for an authentic credential: no fetch on behalf of a forgery)
  if (doc.credentialStatus !== undefined && options.checkStatus && !proofFailure) {
    checks.push(await checkCredentialStatus(doc, issuer, options))
  }
  return finish(checks, { issuer })
}

async function checkCredentialStatus(
  doc: Json,
  issuer: string,
  options: VerifyCredentialOptions
): Promise<Check> {
  const fetcher = options.checkStatus
  const fail = (code: ReasonCode, message: string): Check => ({
    name: 'status',
    ok: false,
    reason: reason(code, message)
  })
  if (!fetcher) return { name: 'status', ok: true }
  for (const entry of asArray(doc.credentialStatus)) {
    if (!isObject(entry) || entry.type !== 'BitstringStatusListEntry') {
      return fail('STATUS_UNKNOWN', 'unsupported credentialStatus (BitstringStatusListEntry only)')
    }
    const url = entry.statusListCredential
    const purpose = entry.statusPurpose
    const indexText = entry.statusListIndex
    if (typeof url !== 'string' || typeof purpose !== 'string' || typeof indexText !== 'string') {
      return fail('STATUS_UNKNOWN', 'incomplete BitstringStatusListEntry')
    }
    if (!/^\d{1,10}$/.test(indexText)) return fail('STATUS_UNKNOWN', 'statusListIndex is not an integer')
    let list: unknown
    try {
      list = await fetcher(url)
    } catch (error) {
      return fail('STATUS_UNKNOWN', `status list unavailable: ${error instanceof Error ? error.message : ''}`)
    }
    if (list === undefined || list === null) return fail('STATUS_UNKNOWN', 'status list unavailable')
    const listResult = await verifyCredential(list, { ...options, checkStatus: undefined })
    if (!listResult.verified) {
      const codes = listResult.checks.filter((c) => !c.ok).map((c) => c.reason?.code)
      return fail('STATUS_UNKNOWN', `the status list does not verify (${codes.join(', ')})`)
    }
    if (listResult.issuer !== issuer) {
      return fail('STATUS_UNKNOWN', 'the status list is not from the credential issuer')
    }
    const listDoc = list as Json
    if (listDoc.id !== undefined && listDoc.id !== url) {
      return fail('STATUS_UNKNOWN', 'the status list id differs from statusListCredential')
    }
    let bit: boolean
    try {
      bit = await readStatusBit(listDoc, Number(indexText), purpose)
    } catch (error) {
      return fail('STATUS_UNKNOWN', error instanceof Error ? error.message : 'unreadable status list')
    }
    if (bit) {
      return fail('REVOKED', purpose === 'revocation' ? 'revoked by its issuer' : `status ${purpose} is set`)
    }
  }
  return { name: 'status', ok: true }
}

/** One fetch per status list URL for a whole presentation (its credentials may be checked concurrently). */
function onceEach(fetcher: StatusFetcher): StatusFetcher {
  const pending = new Map<string, Promise<unknown>>()
  return (url) => {
    let result = pending.get(url)
    if (result === undefined) {
      result = Promise.resolve().then(() => fetcher(url))
      pending.set(url, result)
    }
    return result
  }
}

export async function verifyPresentation(
  input: unknown,
  options: VerifyPresentationOptions
): Promise<VerifyResult> {
  try {
    return await verifyPresentationInner(input, options)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { verified: false, checks: [{ name: 'shape', ok: false, reason: reason('MALFORMED', message) }] }
  }
}

async function verifyPresentationInner(
  input: unknown,
  options: VerifyPresentationOptions
): Promise<VerifyResult> {
  const checks: Check[] = []
  const basics = readBasics(input, options.maxBytes ?? MAX_PRESENTATION_BYTES, checks)
  if (!basics) return finish(checks)
  const { doc, contexts, bytes } = basics

  let info: ProofInfo | undefined
  let proofFailure: Reason | undefined
  let holder: string | undefined
  let vcs: unknown[] = []
  try {
    if (!hasType(doc, 'VerifiablePresentation')) {
      throw new Failure('MALFORMED', 'type must include VerifiablePresentation')
    }
    if (doc.holder !== undefined) {
      holder = idOf(doc.holder)
      if (holder === undefined) throw new Failure('MALFORMED', 'holder must be an id')
    }
    vcs = asArray(doc.verifiableCredential)
    try {
      info = readProof(doc, contexts, 'authentication')
    } catch (error) {
      if (!(error instanceof Failure) || error.code === 'MALFORMED') throw error
      proofFailure = reason(error.code, error.message)
    }
    checks.push({ name: 'shape', ok: true })
  } catch (error) {
    const f = error instanceof Failure ? error : new Failure('MALFORMED', String(error))
    checks.push({ name: 'shape', ok: false, reason: reason(f.code, f.message) })
    return finish(checks)
  }
  if (!checkContexts(contexts, checks)) return finish(checks)

  // the presentation's signature and every credential's checks
  const { challenge: _c, domain: _d, ...credentialOptions } = options
  if (credentialOptions.checkStatus) credentialOptions.checkStatus = onceEach(credentialOptions.checkStatus)
  const checkCredential = (vc: unknown) => verifyCredentialSafely(vc, credentialOptions, { bytes })
  let credentials: VerifyResult[]
  if (hasNativeEd25519Verifier()) {
    // synchronous signature checks (node:crypto): nothing to overlap, and one at a time keeps less in memory
    if (!proofFailure && info) proofFailure = await checkSignature(doc, info)
    credentials = []
    for (const vc of vcs) credentials.push(await checkCredential(vc))
  } else {
    // WebCrypto: each signature check is an async hop, which overlaps the next canonicalizations
    ;[proofFailure, credentials] = await Promise.all([
      !proofFailure && info ? checkSignature(doc, info) : proofFailure,
      Promise.all(vcs.map(checkCredential))
    ])
  }
  checks.push(proofFailure ? { name: 'proof', ok: false, reason: proofFailure } : { name: 'proof', ok: true })

  if (info) {
    const challenge = info.proof.challenge
    checks.push(
      typeof options.challenge === 'string' && options.challenge.length > 0 && challenge === options.challenge
        ? { name: 'challenge', ok: true }
        : { name: 'challenge', ok: false, reason: reason('CHALLENGE_MISMATCH', 'the challenge is not ours') }
    )
    if (options.domain !== undefined || info.proof.domain !== undefined) {
      const domains = asArray(info.proof.domain)
      checks.push(
        options.domain !== undefined && domains.includes(options.domain)
          ? { name: 'domain', ok: true }
          : { name: 'domain', ok: false, reason: reason('DOMAIN_MISMATCH', 'the domain is not ours') }
      )
    }
  }

  // holder: the presentation's signer, and the subject of every credential in it
  const signer = info?.controller
  const effectiveHolder = holder ?? signer
  const holderProblems: string[] = []
  if (holder !== undefined && signer !== undefined && holder !== signer) {
    holderProblems.push(`signed by ${signer}, not by the holder ${holder}`)
  }
  for (const [i, vc] of vcs.entries()) {
    const subjects = isObject(vc) ? asArray(vc.credentialSubject) : []
    const ids = subjects.map((s) => idOf(s))
    if (ids.length === 0 || ids.some((id) => id !== effectiveHolder)) {
      holderProblems.push(`credential ${i} is not about the holder`)
    }
  }
  checks.push(
    holderProblems.length === 0
      ? { name: 'holder', ok: true }
      : { name: 'holder', ok: false, reason: reason('HOLDER_MISMATCH', holderProblems.join('; ')) }
  )
  const result = finish(checks, { credentials })
  if (effectiveHolder !== undefined) result.holder = effectiveHolder
  return result
}
