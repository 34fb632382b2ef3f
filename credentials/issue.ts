/**
 * Issuing credentials and signing presentations with a person's Ed25519 seed (their did:key), through
 * @digitalbazaar/vc: Data Integrity `eddsa-rdfc-2022` by default, `Ed25519Signature2020` on request.
 */
import * as vc from '@digitalbazaar/vc'
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020'
import { createEd25519VerificationKey2020, createSigner } from './keys.ts'
import { documentLoader, isKnownContext, UnknownContextError, VC_V2_CONTEXT } from './loader.ts'

export type ProofSuite = 'eddsa-rdfc-2022' | 'Ed25519Signature2020'

export interface SigningOptions {
  /** the 32-byte Ed25519 seed of `did` */
  seed: Uint8Array
  did: string
  /** the proof's `created` time (default: now) */
  now?: Date | string
  suite?: ProofSuite
}

export interface PresentationSigningOptions extends SigningOptions {
  challenge: string
  domain?: string
}

export class IssueError extends Error {
  constructor(
    readonly code: 'ISSUER_MISMATCH' | 'MALFORMED' | 'UNKNOWN_CONTEXT',
    message: string
  ) {
    super(message)
    this.name = 'IssueError'
  }
}

type Json = Record<string, unknown>

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null && typeof (value as Json).id === 'string') {
    return (value as Json).id as string
  }
  return undefined
}

function assertContexts(doc: Json): void {
  const contexts = Array.isArray(doc['@context']) ? doc['@context'] : [doc['@context']]
  for (const c of contexts) {
    if (typeof c === 'string' && !isKnownContext(c)) {
      throw new IssueError('UNKNOWN_CONTEXT', new UnknownContextError(c).message)
    }
  }
}

async function suiteFor(options: SigningOptions): Promise<unknown> {
  const date = options.now === undefined ? new Date() : new Date(options.now)
  if (options.suite === 'Ed25519Signature2020') {
    const key = await createEd25519VerificationKey2020(options)
    return new Ed25519Signature2020({ key, date })
  }
  const { signer } = await createSigner(options)
  return new DataIntegrityProof({ signer, date, cryptosuite: eddsaRdfc2022 })
}

/** Signs `unsigned` as its issuer; `unsigned.issuer` (or its id) must be `did`. The input is not modified. */
export async function issueCredential(unsigned: Json, options: SigningOptions): Promise<Json> {
  const credential = structuredClone(unsigned)
  if (idOf(credential.issuer) !== options.did) {
    throw new IssueError('ISSUER_MISMATCH', 'the credential issuer must be the signing DID')
  }
  delete credential.proof
  assertContexts(credential)
  const suite = await suiteFor(options)
  return vc.issue({ credential, suite, documentLoader, now: options.now ?? new Date() })
}

/** An unsigned VC 2.0 presentation of `credentials` by `holder`. */
export function createPresentation({
  holder,
  verifiableCredential,
  id
}: {
  holder: string
  verifiableCredential: Json[]
  id?: string
}): Json {
  return {
    '@context': [VC_V2_CONTEXT],
    ...(id === undefined ? {} : { id }),
    type: ['VerifiablePresentation'],
    holder,
    verifiableCredential
  }
}

/** Signs a presentation (proofPurpose authentication), bound to the verifier's challenge and domain. */
export async function signPresentation(vp: Json, options: PresentationSigningOptions): Promise<Json> {
  const presentation = structuredClone(vp)
  const holder = idOf(presentation.holder)
  if (holder !== undefined && holder !== options.did) {
    throw new IssueError('ISSUER_MISMATCH', 'the presentation holder must be the signing DID')
  }
  if (typeof options.challenge !== 'string' || options.challenge.length === 0) {
    throw new IssueError('MALFORMED', 'a presentation is signed for a challenge')
  }
  delete presentation.proof
  assertContexts(presentation)
  const suite = await suiteFor(options)
  return vc.signPresentation({
    presentation,
    suite,
    documentLoader,
    challenge: options.challenge,
    ...(options.domain === undefined ? {} : { domain: options.domain })
  })
}
