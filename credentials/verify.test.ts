import { afterEach, describe, expect, it, vi } from 'vitest'
import * as vc from '@digitalbazaar/vc'
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020'
import { createPresentation, issueCredential, signPresentation } from './issue.ts'
import { createSigner } from './keys.ts'
import { setNativeEd25519Verifier } from './ed25519.ts'
import { ed25519 } from '@noble/curves/ed25519.js'
import { createDocumentLoader, documentLoader } from './loader.ts'
import { verifyCredential, verifyPresentation, type VerifyResult } from './verify.ts'
import {
  alice,
  attestation,
  bob,
  carol,
  ISSUED_AT,
  legacyCredential,
  NOW,
  signedAttestation
} from '../tests/fixtures/credentials/helpers.ts'

type Json = Record<string, unknown>

function failed(result: VerifyResult): string[] {
  return result.checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.reason?.code ?? '?'}`)
}

function clone<T>(value: T): T {
  return structuredClone(value)
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('issue and verify a credential', () => {
  it('round-trips an OB3 attestation (eddsa-rdfc-2022)', async () => {
    const signed = await signedAttestation()
    const proof = signed.proof as Json
    expect(proof.type).toBe('DataIntegrityProof')
    expect(proof.cryptosuite).toBe('eddsa-rdfc-2022')
    expect(proof.proofPurpose).toBe('assertionMethod')
    expect(proof.verificationMethod).toBe(`${alice.did}#${alice.did.slice(8)}`)
    const result = await verifyCredential(signed, { now: NOW })
    expect(failed(result)).toEqual([])
    expect(result.verified).toBe(true)
    expect(result.issuer).toBe(alice.did)
    expect(result.checks.map((c) => c.name)).toEqual([
      'shape',
      'context',
      'proof',
      'issuer',
      'validFrom',
      'validUntil'
    ])
  })

  it('agrees with @digitalbazaar/vc on our credentials (both ways)', async () => {
    const signed = await signedAttestation()
    const suite = new DataIntegrityProof({ cryptosuite })
    const theirs = await vc.verifyCredential({ credential: signed, suite, documentLoader, now: NOW })
    expect(theirs.verified).toBe(true)
    const tampered = clone(signed)
    ;(tampered.credentialSubject as Json).relationship = 'manager'
    const theirs2 = await vc.verifyCredential({ credential: tampered, suite, documentLoader, now: NOW })
    expect(theirs2.verified).toBe(false)
  })

  it('is deterministic (Ed25519 and RDFC-1.0): same input, same proof', async () => {
    const a = await signedAttestation()
    const b = await signedAttestation()
    expect(a).toEqual(b)
  })

  it('does not modify its input', async () => {
    const unsigned = attestation()
    const copy = clone(unsigned)
    await issueCredential(unsigned, { seed: alice.seed, did: alice.did, now: ISSUED_AT })
    expect(unsigned).toEqual(copy)
  })

  it('refuses to issue for another issuer', async () => {
    await expect(issueCredential(attestation(bob), { seed: alice.seed, did: alice.did })).rejects.toThrow(
      /issuer/
    )
    await expect(issueCredential(attestation(), { seed: bob.seed, did: alice.did })).rejects.toThrow(/seed/)
  })
})

describe('negative cases, each with its reason code', () => {
  it('one claim changed → TAMPERED', async () => {
    const signed = await signedAttestation()
    const achievement = (signed.credentialSubject as Json).achievement as Json
    achievement.name = 'Rust'
    const result = await verifyCredential(signed, { now: NOW })
    expect(result.verified).toBe(false)
    expect(failed(result)).toEqual(['proof:TAMPERED'])
  })

  it('the issuer name changed → TAMPERED', async () => {
    const signed = await signedAttestation()
    ;(signed.issuer as Json).name = 'Mallory'
    expect(failed(await verifyCredential(signed, { now: NOW }))).toEqual(['proof:TAMPERED'])
  })

  it('proof value flipped → TAMPERED', async () => {
    const signed = await signedAttestation()
    const proof = signed.proof as Json
    const value = proof.proofValue as string
    const i = 20
    proof.proofValue = value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1)
    expect(failed(await verifyCredential(signed, { now: NOW }))).toEqual(['proof:TAMPERED'])
  })

  it('proof created changed → TAMPERED', async () => {
    const signed = await signedAttestation()
    ;(signed.proof as Json).created = '2025-03-01T10:00:01Z'
    expect(failed(await verifyCredential(signed, { now: NOW }))).toEqual(['proof:TAMPERED'])
  })

  it('signed by another key than the issuer DID → WRONG_ISSUER', async () => {
    // Carol signs a credential that claims Alice as its issuer
    const { signer } = await createSigner(carol)
    const suite = new DataIntegrityProof({ signer, date: ISSUED_AT, cryptosuite })
    const forged = await vc.issue({ credential: attestation(alice), suite, documentLoader, now: ISSUED_AT })
    const result = await verifyCredential(forged, { now: NOW })
    expect(result.verified).toBe(false)
    expect(failed(result)).toEqual(['issuer:WRONG_ISSUER'])
  })

  it('a verification method that is not the did:key key → UNRESOLVABLE_KEY', async () => {
    const signed = await signedAttestation()
    ;(signed.proof as Json).verificationMethod = `${alice.did}#key-1`
    expect(failed(await verifyCredential(signed, { now: NOW }))).toEqual(['proof:UNRESOLVABLE_KEY'])
    ;(signed.proof as Json).verificationMethod = 'https://example.com/keys/1'
    expect(failed(await verifyCredential(signed, { now: NOW }))).toEqual(['proof:UNRESOLVABLE_KEY'])
  })

  it('wrong proof purpose → WRONG_PURPOSE', async () => {
    const signed = await signedAttestation()
    ;(signed.proof as Json).proofPurpose = 'authentication'
    expect(failed(await verifyCredential(signed, { now: NOW }))).toEqual(['proof:WRONG_PURPOSE'])
  })

  it('expired → EXPIRED; not yet valid → NOT_YET_VALID (clock injected)', async () => {
    const unsigned = { ...attestation(), validUntil: '2025-04-01T00:00:00Z' }
    const signed = await issueCredential(unsigned, { seed: alice.seed, did: alice.did, now: ISSUED_AT })
    expect(failed(await verifyCredential(signed, { now: NOW }))).toEqual(['validUntil:EXPIRED'])
    expect((await verifyCredential(signed, { now: '2025-03-15T00:00:00Z' })).verified).toBe(true)
    expect(failed(await verifyCredential(signed, { now: new Date('2025-02-01T00:00:00Z') }))).toEqual([
      'validFrom:NOT_YET_VALID'
    ])
    // the clock skew tolerance (default 5 min) is configurable
    const justBefore = Date.parse(ISSUED_AT) - 60_000
    expect((await verifyCredential(signed, { now: justBefore })).verified).toBe(true)
    const strict = await verifyCredential(signed, { now: justBefore, maxClockSkewSeconds: 0 })
    expect(failed(strict)).toEqual(['validFrom:NOT_YET_VALID'])
  })

  it('uses the real clock by default', async () => {
    const signed = await signedAttestation()
    vi.useFakeTimers({ now: new Date('2020-01-01T00:00:00Z'), toFake: ['Date'] })
    try {
      expect(failed(await verifyCredential(signed))).toEqual(['validFrom:NOT_YET_VALID'])
    } finally {
      vi.useRealTimers()
    }
    expect((await verifyCredential(signed)).verified).toBe(true)
  })

  it('unknown context → UNKNOWN_CONTEXT, and nothing is fetched', async () => {
    const fetchSpy = vi.fn(() => {
      throw new Error('no network in credentials/')
    })
    vi.stubGlobal('fetch', fetchSpy)
    const signed = await signedAttestation()
    ;(signed['@context'] as string[]).push('https://example.com/evil-context.jsonld')
    const result = await verifyCredential(signed, { now: NOW })
    expect(failed(result)).toEqual(['context:UNKNOWN_CONTEXT'])
    // nested contexts count too
    const nested = await signedAttestation()
    ;(nested.credentialSubject as Json)['@context'] = 'https://example.com/nested'
    expect(failed(await verifyCredential(nested, { now: NOW }))).toEqual(['context:UNKNOWN_CONTEXT'])
    // and the loader itself refuses
    await expect(documentLoader('https://example.com/x')).rejects.toMatchObject({ code: 'UNKNOWN_CONTEXT' })
    expect(fetchSpy).not.toHaveBeenCalled()
  })

  it('unsupported proof type or cryptosuite → UNSUPPORTED_SUITE', async () => {
    const signed = await signedAttestation()
    ;(signed.proof as Json).type = 'RsaSignature2018'
    expect(failed(await verifyCredential(signed, { now: NOW }))).toEqual(['proof:UNSUPPORTED_SUITE'])
    const other = await signedAttestation()
    ;(other.proof as Json).cryptosuite = 'ecdsa-rdfc-2019'
    expect(failed(await verifyCredential(other, { now: NOW }))).toEqual(['proof:UNSUPPORTED_SUITE'])
  })

  it('oversized input → TOO_LARGE, before any JSON-LD work', async () => {
    const signed = await signedAttestation()
    ;(signed.credentialSubject as Json).testimony = 'x'.repeat(300 * 1024)
    const result = await verifyCredential(signed, { now: NOW })
    expect(failed(result)).toEqual(['shape:TOO_LARGE'])
    // multi-byte characters count as bytes
    const wide = await signedAttestation()
    ;(wide.credentialSubject as Json).testimony = 'é'.repeat(130 * 1024)
    expect(failed(await verifyCredential(wide, { now: NOW }))).toEqual(['shape:TOO_LARGE'])
  })

  it('the size limit counts UTF-8 bytes exactly', async () => {
    const signed = await signedAttestation()
    ;(signed.credentialSubject as Json).testimony = 'é 漢字 😀 ' + 'x'.repeat(100)
    const bytes = Buffer.byteLength(JSON.stringify(signed))
    const at = await verifyCredential(signed, { now: NOW, maxBytes: bytes })
    expect(failed(at)).toEqual(['proof:TAMPERED']) // the testimony changed after signing: past the size check
    const over = await verifyCredential(signed, { now: NOW, maxBytes: bytes - 1 })
    expect(failed(over)).toEqual(['shape:TOO_LARGE'])
  })

  it('garbage → MALFORMED, never a throw', async () => {
    const cyclic: Json = {}
    cyclic.self = cyclic
    let deep: Json = {}
    const root = deep
    for (let i = 0; i < 100; i++) {
      const next: Json = {}
      deep.x = next
      deep = next
    }
    const inputs: unknown[] = [
      null,
      undefined,
      'a string',
      42,
      [],
      {},
      { '@context': 'https://www.w3.org/ns/credentials/v2' },
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'VerifiableCredential' },
      cyclic,
      { ...root, '@context': ['https://www.w3.org/ns/credentials/v2'] }
    ]
    for (const input of inputs) {
      const result = await verifyCredential(input, { now: NOW })
      expect(result.verified).toBe(false)
      expect(failed(result)).toEqual(['shape:MALFORMED'])
    }
    const noProof = attestation()
    expect(failed(await verifyCredential(noProof, { now: NOW }))).toEqual(['shape:MALFORMED'])
    const badDate = { ...(await signedAttestation()), validFrom: 'yesterday' }
    expect(failed(await verifyCredential(badDate, { now: NOW }))).toEqual(['shape:MALFORMED'])
  })

  it('JSON-LD that does not expand (undefined term in VC 1.1, safe mode) → INVALID_JSONLD', async () => {
    const legacy = await legacyCredential()
    ;(legacy.credentialSubject as Json).undefinedTerm = 'x'
    expect(failed(await verifyCredential(legacy, { now: NOW }))).toEqual(['proof:INVALID_JSONLD'])
  })
})

describe('legacy formats', () => {
  it('verifies Ed25519Signature2020 proofs on VC 2.0 credentials', async () => {
    const signed = await signedAttestation(alice, bob, 'Ed25519Signature2020')
    expect((signed.proof as Json).type).toBe('Ed25519Signature2020')
    const result = await verifyCredential(signed, { now: NOW })
    expect(failed(result)).toEqual([])
    const suite = new Ed25519Signature2020()
    const loader = createDocumentLoader('Ed25519VerificationKey2020')
    const theirs = await vc.verifyCredential({ credential: signed, suite, documentLoader: loader, now: NOW })
    expect(theirs.verified).toBe(true)
    ;((signed.credentialSubject as Json).achievement as Json).name = 'COBOL'
    expect(failed(await verifyCredential(signed, { now: NOW }))).toEqual(['proof:TAMPERED'])
  })

  it('verifies VC Data Model 1.1 credentials (issuanceDate / expirationDate)', async () => {
    const legacy = await legacyCredential()
    expect((await verifyCredential(legacy, { now: NOW })).verified).toBe(true)
    expect(failed(await verifyCredential(legacy, { now: '2027-01-01T00:00:00Z' }))).toEqual([
      'validUntil:EXPIRED'
    ])
    expect(failed(await verifyCredential(legacy, { now: '2024-01-01T00:00:00Z' }))).toEqual([
      'validFrom:NOT_YET_VALID'
    ])
    const { issuanceDate: _i, ...noDate } = legacy
    expect(failed(await verifyCredential(noDate, { now: NOW }))).toEqual(['shape:MALFORMED'])
  })
})

describe('presentations', () => {
  const challenge = 'c-4b1d9f'
  const domain = 'verifier.example'

  async function presentation(holder = bob, credentials?: Json[]) {
    const vcs = credentials ?? [await signedAttestation(alice, holder)]
    const vp = createPresentation({ holder: holder.did, verifiableCredential: vcs })
    return signPresentation(vp, { seed: holder.seed, did: holder.did, challenge, domain, now: ISSUED_AT })
  }

  it('round-trips', async () => {
    const vp = await presentation()
    expect((vp.proof as Json).proofPurpose).toBe('authentication')
    const result = await verifyPresentation(vp, { challenge, domain, now: NOW })
    expect(failed(result)).toEqual([])
    expect(result.verified).toBe(true)
    expect(result.holder).toBe(bob.did)
    expect(result.credentials?.map((c) => c.verified)).toEqual([true])
    expect(result.credentials?.[0]?.issuer).toBe(alice.did)
    const theirs = await vc.verify({
      presentation: vp,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader,
      challenge,
      domain,
      now: NOW
    })
    expect(theirs.verified).toBe(true)
  })

  it('wrong challenge → CHALLENGE_MISMATCH; wrong domain → DOMAIN_MISMATCH', async () => {
    const vp = await presentation()
    const wrongChallenge = await verifyPresentation(vp, { challenge: 'other', domain, now: NOW })
    expect(failed(wrongChallenge)).toEqual(['challenge:CHALLENGE_MISMATCH'])
    const wrongDomain = await verifyPresentation(vp, { challenge, domain: 'evil.example', now: NOW })
    expect(failed(wrongDomain)).toEqual(['domain:DOMAIN_MISMATCH'])
    const noDomain = await verifyPresentation(vp, { challenge, now: NOW })
    expect(failed(noDomain)).toEqual(['domain:DOMAIN_MISMATCH'])
    // replaying the proof with another challenge written in fails the signature
    const replay = clone(vp)
    ;(replay.proof as Json).challenge = 'other'
    expect(failed(await verifyPresentation(replay, { challenge: 'other', domain, now: NOW }))).toEqual([
      'proof:TAMPERED'
    ])
  })

  it('a credential swapped in from another holder → HOLDER_MISMATCH', async () => {
    const carolsCredential = await signedAttestation(alice, carol)
    const vp = await presentation(bob, [carolsCredential])
    const result = await verifyPresentation(vp, { challenge, domain, now: NOW })
    expect(result.verified).toBe(false)
    expect(failed(result)).toEqual(['holder:HOLDER_MISMATCH'])
    // and swapping it into a signed presentation breaks the presentation's proof
    const honest = await presentation(bob)
    honest.verifiableCredential = [carolsCredential]
    const swapped = await verifyPresentation(honest, { challenge, domain, now: NOW })
    expect(failed(swapped)).toEqual(['proof:TAMPERED', 'holder:HOLDER_MISMATCH'])
  })

  it('reports each embedded credential', async () => {
    const bad = await signedAttestation(alice, bob)
    ;((bad.credentialSubject as Json).achievement as Json).name = 'Forged'
    const vp = await presentation(bob, [await signedAttestation(alice, bob), bad])
    const result = await verifyPresentation(vp, { challenge, domain, now: NOW })
    expect(result.verified).toBe(false)
    expect(failed(result)).toEqual([])
    expect(result.credentials?.map((c) => c.verified)).toEqual([true, false])
    expect(failed(result.credentials?.[1] as VerifyResult)).toEqual(['proof:TAMPERED'])
  })

  it('the same results with a synchronous (native) verifier, credentials then checked one by one', async () => {
    const bad = await signedAttestation(alice, bob)
    ;((bad.credentialSubject as Json).achievement as Json).name = 'Forged'
    const carols = await signedAttestation(alice, carol)
    const vp = await presentation(bob, [await signedAttestation(alice, bob), bad, carols])
    const tampered = clone(vp)
    ;(tampered.proof as Json).challenge = 'other'
    for (const input of [vp, tampered]) {
      const concurrent = await verifyPresentation(input, { challenge, domain, now: NOW })
      setNativeEd25519Verifier((publicKey, data, signature) => ed25519.verify(signature, data, publicKey))
      try {
        expect(await verifyPresentation(input, { challenge, domain, now: NOW })).toEqual(concurrent)
      } finally {
        setNativeEd25519Verifier(undefined)
      }
      expect(concurrent.credentials?.map((c) => c.verified)).toEqual([true, false, true])
    }
  })

  it('an embedded credential is held to the credential size limit', async () => {
    const big = await signedAttestation(alice, bob)
    ;(big.credentialSubject as Json).testimony = 'x'.repeat(300 * 1024) // over 256 KiB, under 1 MiB
    const vp = await presentation(bob, [await signedAttestation(alice, bob), big])
    const result = await verifyPresentation(vp, { challenge, domain, now: NOW })
    expect(failed(result)).toEqual([])
    expect(result.credentials?.map((c) => failed(c))).toEqual([[], ['shape:TOO_LARGE']])
    const small = await verifyPresentation(vp, { challenge, domain, now: NOW, maxBytes: 2048 })
    expect(failed(small)).toEqual(['shape:TOO_LARGE'])
  })

  it('garbage presentations → MALFORMED', async () => {
    for (const input of [null, 'vp', {}, { '@context': ['https://www.w3.org/ns/credentials/v2'] }]) {
      const result = await verifyPresentation(input, { challenge, domain })
      expect(failed(result)).toEqual(['shape:MALFORMED'])
    }
  })

  it('refuses to sign for another holder', async () => {
    const vp = createPresentation({ holder: carol.did, verifiableCredential: [] })
    await expect(signPresentation(vp, { seed: bob.seed, did: bob.did, challenge })).rejects.toThrow(/holder/)
  })
})
