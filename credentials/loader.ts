/**
 * A static JSON-LD document loader: every context Musette understands is bundled, did:key URLs are resolved
 * locally, and anything else is refused with an UnknownContextError. It never touches the network.
 */
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context'
import dataIntegrityContext from '@digitalbazaar/data-integrity-context'
import multikeyContext from '@digitalbazaar/multikey-context'
import didContext from 'did-context'
import ed25519Context from 'ed25519-signature-2020-context'
import obContext from './contexts/ob-v3p0-3.0.3.json' with { type: 'json' }
import musetteContext from './contexts/musette-v1.json' with { type: 'json' }
import { InvalidDidError, MAX_DID_LENGTH, publicKeyFromDidKey } from './did-key.ts'

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2'
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1'
export const DATA_INTEGRITY_V2_CONTEXT = 'https://w3id.org/security/data-integrity/v2'
export const MULTIKEY_V1_CONTEXT = 'https://w3id.org/security/multikey/v1'
export const DID_V1_CONTEXT = 'https://www.w3.org/ns/did/v1'
export const ED25519_2020_CONTEXT = 'https://w3id.org/security/suites/ed25519-2020/v1'
export const OB_V3P0_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
export const MUSETTE_V1_CONTEXT = 'https://musette.dev/ns/v1'

export class UnknownContextError extends Error {
  readonly code = 'UNKNOWN_CONTEXT'
  constructor(readonly url: string) {
    super(`unknown JSON-LD document or context: ${url.slice(0, 200)} (Musette never fetches contexts)`)
    this.name = 'UnknownContextError'
  }
}

export interface RemoteDocument {
  contextUrl: string | null
  documentUrl: string
  document: unknown
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>

function pick(map: Map<string, unknown>, url: string): unknown {
  const value = map.get(url)
  if (value === undefined) throw new Error(`bundled context missing: ${url}`)
  return value
}

/** url → context document (shared with jsonld: never mutate them) */
const CONTEXTS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  [VC_V2_CONTEXT, pick(credentialsContexts, VC_V2_CONTEXT)],
  [VC_V1_CONTEXT, pick(credentialsContexts, VC_V1_CONTEXT)],
  [DATA_INTEGRITY_V2_CONTEXT, pick(dataIntegrityContext.contexts, DATA_INTEGRITY_V2_CONTEXT)],
  [MULTIKEY_V1_CONTEXT, pick(multikeyContext.contexts, MULTIKEY_V1_CONTEXT)],
  [DID_V1_CONTEXT, pick(didContext.contexts, DID_V1_CONTEXT)],
  [ED25519_2020_CONTEXT, pick(ed25519Context.contexts, ED25519_2020_CONTEXT)],
  [OB_V3P0_CONTEXT, obContext],
  [MUSETTE_V1_CONTEXT, musetteContext]
])

export function isKnownContext(url: unknown): boolean {
  return typeof url === 'string' && CONTEXTS.has(url)
}

export function knownContexts(): string[] {
  return [...CONTEXTS.keys()]
}

export type DidKeyFormat = 'Multikey' | 'Ed25519VerificationKey2020'

/** The fingerprint of a did:key (the part after `did:key:`), also the fragment of its only key. */
export function didKeyFingerprint(did: string): string {
  publicKeyFromDidKey(did)
  return did.slice('did:key:'.length).split('#')[0] ?? ''
}

/** The verification method of a did:key, in the Multikey or the Ed25519VerificationKey2020 form. */
export function didKeyVerificationMethod(
  did: string,
  format: DidKeyFormat = 'Multikey'
): Record<string, string> {
  const bare = did.split('#')[0] ?? ''
  const fingerprint = didKeyFingerprint(bare)
  return {
    id: `${bare}#${fingerprint}`,
    type: format,
    controller: bare,
    publicKeyMultibase: fingerprint
  }
}

/** The DID document of a did:key (https://w3c-ccg.github.io/did-method-key/), computed locally. */
export function didKeyDocument(did: string, format: DidKeyFormat = 'Multikey'): Record<string, unknown> {
  const vm = didKeyVerificationMethod(did, format)
  const suiteContext = format === 'Multikey' ? MULTIKEY_V1_CONTEXT : ED25519_2020_CONTEXT
  const vmId = vm.id
  return {
    '@context': [DID_V1_CONTEXT, suiteContext],
    id: vm.controller,
    verificationMethod: [vm],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityDelegation: [vmId],
    capabilityInvocation: [vmId]
  }
}

/** Resolves a URL synchronously: a bundled context or a did:key (document or verification method). */
export function resolveDocument(url: string, format: DidKeyFormat = 'Multikey'): RemoteDocument {
  const context = CONTEXTS.get(url)
  if (context !== undefined) return { contextUrl: null, documentUrl: url, document: context }
  if (typeof url === 'string' && url.startsWith('did:key:') && url.length <= MAX_DID_LENGTH) {
    try {
      const [did, fragment] = url.split('#') as [string, string | undefined]
      const doc = didKeyDocument(did, format)
      if (fragment === undefined) return { contextUrl: null, documentUrl: url, document: doc }
      const vm = didKeyVerificationMethod(did, format)
      if (vm.id !== url) throw new UnknownContextError(url)
      const suiteContext = format === 'Multikey' ? MULTIKEY_V1_CONTEXT : ED25519_2020_CONTEXT
      return { contextUrl: null, documentUrl: url, document: { '@context': suiteContext, ...vm } }
    } catch (error) {
      if (error instanceof InvalidDidError || error instanceof UnknownContextError) {
        throw new UnknownContextError(url)
      }
      throw error
    }
  }
  throw new UnknownContextError(String(url))
}

/** A document loader for jsonld / @digitalbazaar/vc: bundled contexts and did:key only, never the network. */
export function createDocumentLoader(format: DidKeyFormat = 'Multikey'): DocumentLoader {
  return (url: string) => {
    try {
      return Promise.resolve(resolveDocument(url, format))
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }
}

export const documentLoader: DocumentLoader = createDocumentLoader('Multikey')
