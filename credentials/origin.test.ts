import { describe, expect, it } from 'vitest'
import { credentialOrigin } from './origin.ts'

const alice = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
const bob = 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG'
const badge = ['VerifiableCredential', 'OpenBadgeCredential']

describe('credentialOrigin', () => {
  it('reads the holder as its own issuer as self-declared', () => {
    const vc = { type: badge, issuer: { id: alice }, credentialSubject: { id: alice } }
    expect(credentialOrigin(vc, alice)).toBe('self-declared')
    expect(credentialOrigin(vc)).toBe('self-declared')
  })

  it('reads a badge from another person’s did:key as peer-attested', () => {
    const vc = { type: badge, issuer: { id: bob, type: ['Profile'] }, credentialSubject: { id: alice } }
    expect(credentialOrigin(vc, alice)).toBe('peer-attested')
  })

  it('reads an issuer profile typed Organization as an organisation, even on a did:key', () => {
    const vc = {
      type: badge,
      issuer: { id: bob, type: ['Profile', 'Organization'] },
      credentialSubject: { id: alice }
    }
    expect(credentialOrigin(vc, alice)).toBe('organisation')
    const vc2 = { ...vc, issuer: { id: bob, type: 'https://schema.org/Organization' } }
    expect(credentialOrigin(vc2, alice)).toBe('organisation')
  })

  it('reads other DID methods and non-badge credentials as organisations', () => {
    expect(
      credentialOrigin(
        { type: badge, issuer: 'did:web:univ.example', credentialSubject: { id: alice } },
        alice
      )
    ).toBe('organisation')
    expect(
      credentialOrigin(
        { type: ['VerifiableCredential'], issuer: bob, credentialSubject: { id: alice } },
        alice
      )
    ).toBe('organisation')
  })

  it('does not take a credential the holder merely shares a subject with as its own', () => {
    const vc = { type: badge, issuer: bob, credentialSubject: { id: alice } }
    expect(credentialOrigin(vc, 'did:key:z6MkotherHolderxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')).toBe(
      'peer-attested'
    )
    expect(credentialOrigin(null)).toBe('organisation')
  })
})
