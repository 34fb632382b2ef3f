/**
 * did-jwt over our did:key: a resolver that builds the DID document of an Ed25519 did:key locally (no
 * network), for `verifyJWT`. Signing uses did-jwt's `EdDSASigner`, which takes a 32-byte seed or a 64-byte
 * seed ‖ public key (it signs with the first 32 bytes), so libp2p's `privateKey.raw` works as it is.
 */
import { publicKeyFromDidKey } from '../credentials/did-key.ts'
import type { JWTVerifyOptions } from 'did-jwt'

type Resolvable = NonNullable<JWTVerifyOptions['resolver']>
type DIDResolutionResult = Awaited<ReturnType<Resolvable['resolve']>>

/** Resolves `did:key:z6Mk…` (Ed25519 only) to its DID document, offline. */
export const didKeyResolver: Resolvable = {
  async resolve(didUrl: string): Promise<DIDResolutionResult> {
    const did = didUrl.split('#')[0] ?? ''
    try {
      publicKeyFromDidKey(did)
    } catch (err) {
      return {
        didResolutionMetadata: { error: 'invalidDid', message: err instanceof Error ? err.message : '' },
        didDocument: null,
        didDocumentMetadata: {}
      }
    }
    const multibase = did.slice('did:key:'.length)
    const id = `${did}#${multibase}`
    return {
      didResolutionMetadata: { contentType: 'application/did+json' },
      didDocumentMetadata: {},
      didDocument: {
        '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/ed25519-2020/v1'],
        id: did,
        verificationMethod: [
          { id, type: 'Ed25519VerificationKey2020', controller: did, publicKeyMultibase: multibase }
        ],
        authentication: [id],
        assertionMethod: [id]
      }
    }
  }
}

/** A JWS compact serialization: three base64url parts. */
export const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
