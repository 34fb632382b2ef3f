import { describe, expect, it } from 'vitest'
import * as rdfCanonize from 'rdf-canonize'
import { canonize, canonizeReference, Sha256Digest, toDataset } from './canonize.ts'
import { didKeyDocument, documentLoader, knownContexts, resolveDocument } from './loader.ts'
import { clearTemplates, templateCount } from './template.ts'
import {
  alice,
  attestation,
  bob,
  legacyCredential,
  signedAttestation
} from '../tests/fixtures/credentials/helpers.ts'

type Json = Record<string, unknown>

function termNames(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) termNames(v, out)
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.add(k)
      termNames(v, out)
    }
  }
}

describe('static loader', () => {
  it('bundles every context and resolves did:key locally', async () => {
    expect(knownContexts()).toHaveLength(8)
    for (const url of knownContexts()) expect((await documentLoader(url)).document).toBeTruthy()
    const doc = (await documentLoader(alice.did)).document as Json
    expect(doc).toEqual(didKeyDocument(alice.did))
    const vm = resolveDocument(`${alice.did}#${alice.did.slice(8)}`, 'Ed25519VerificationKey2020').document
    expect(vm).toMatchObject({ type: 'Ed25519VerificationKey2020', controller: alice.did })
    await expect(documentLoader(`${alice.did}#other`)).rejects.toMatchObject({ code: 'UNKNOWN_CONTEXT' })
    await expect(documentLoader('did:key:zNotAKey')).rejects.toMatchObject({ code: 'UNKNOWN_CONTEXT' })
  })

  it('no bundled context defines did, urn, http or https as a term (the template fast path relies on it)', async () => {
    const names = new Set<string>()
    for (const url of knownContexts()) termNames((await documentLoader(url)).document, names)
    for (const scheme of ['did', 'urn', 'http', 'https']) expect(names.has(scheme)).toBe(false)
    for (const name of names) expect(/^(did|urn|https?):/.test(name)).toBe(false)
  })
})

describe('templated canonicalization = reference canonicalization', () => {
  const variants: ((doc: Json) => void)[] = [
    () => undefined,
    (d) => ((d.credentialSubject as Json).testimony = 'Quotes " and \\ and\nnew lines\tand é 漢字 😀'),
    (d) => ((d.credentialSubject as Json).id = alice.did), // subject = issuer: nodes merge
    (d) => (((d.credentialSubject as Json).achievement as Json).id = bob.did),
    (d) => ((d.credentialSubject as Json).id = 'relative/iri'), // not a safe IRI: reference path
    (d) => ((d.credentialSubject as Json).id = '_:b0'),
    (d) => (d.id = 'https://example.com/credentials/1?x=1#frag'),
    (d) => (d.validFrom = '2020-01-01T00:00:00.123+02:00'),
    (d) => (((d.credentialSubject as Json).achievement as Json).name = 'urn:x-musette-ph:0'),
    (d) => ((d.issuer as Json).name = ''),
    (d) => ((d.credentialSubject as Json).relationship = 'https://musette.dev/ns/v1#colleague')
  ]

  it('gives the same N-Quads on many variants of one shape', async () => {
    clearTemplates()
    for (const [i, change] of variants.entries()) {
      const doc = attestation(alice, bob)
      change(doc)
      const reference = await canonizeReference(doc).catch((e: unknown) => `error: ${String(e)}`)
      const fast = await canonize(doc).catch((e: unknown) => `error: ${String(e)}`)
      expect(fast, `variant ${i}`).toBe(reference)
    }
    expect(templateCount()).toBeGreaterThan(0)
  })

  it('never shares a template between documents whose numbers differ only in where they split', async () => {
    clearTemplates()
    for (const numbers of [[1, 23], [12, 3], [123], [1, 2, 3], [true, 1], [1, true]]) {
      const doc = attestation(alice, bob)
      ;(doc.credentialSubject as Json).relationship = numbers
      expect(await canonize(doc), JSON.stringify(numbers)).toBe(await canonizeReference(doc))
    }
  })

  it('gives the same N-Quads for proofs, presentations and VC 1.1', async () => {
    const signed = await signedAttestation()
    const proof: Json = { '@context': signed['@context'], ...(signed.proof as Json) }
    delete proof.proofValue
    expect(await canonize(proof)).toBe(await canonizeReference(proof))
    const vp = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      holder: bob.did,
      verifiableCredential: [signed, await signedAttestation(alice, bob, 'Ed25519Signature2020')]
    }
    expect(await canonize(vp)).toBe(await canonizeReference(vp))
    expect(await canonize(vp)).toBe(await canonizeReference(vp))
    // the same credential twice: alike named graphs, told apart by Hash N-Degree Quads, from a template
    const twice = { ...vp, verifiableCredential: [signed, signed] }
    expect(await canonize(twice)).toBe(await canonizeReference(twice))
    expect(await canonize(twice)).toBe(await canonizeReference(twice))
    const legacy = await legacyCredential()
    expect(await canonize(legacy)).toBe(await canonizeReference(legacy))
    expect(await canonize(legacy)).toBe(await canonizeReference(legacy))
  })

  it('the browser digest (noble SHA-256, synchronous) gives the same N-Quads as node:crypto', async () => {
    const vp = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      holder: bob.did,
      verifiableCredential: [await signedAttestation(), await signedAttestation(alice, bob)]
    }
    const dataset = await toDataset(vp)
    const options = { algorithm: 'RDFC-1.0', format: 'application/n-quads' } as const
    const noble = rdfCanonize._canonizeSync(dataset, {
      ...options,
      createMessageDigest: () => new Sha256Digest()
    })
    expect(noble).toBe(rdfCanonize._canonizeSync(dataset, options))
    expect(noble).toContain('_:c14n')
  })

  it('rejects the same documents as the reference path', async () => {
    const legacy = await legacyCredential()
    ;(legacy.credentialSubject as Json).notATerm = 'x'
    await expect(canonizeReference(legacy)).rejects.toThrow()
    await expect(canonize(legacy)).rejects.toThrow()
  })
})
