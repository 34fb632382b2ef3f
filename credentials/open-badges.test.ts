import { describe, expect, it } from 'vitest'
import { skillAttestation, validateOpenBadge } from './open-badges.ts'
import { alice, attestation, bob, signedAttestation } from '../tests/fixtures/credentials/helpers.ts'

type Json = Record<string, unknown>

describe('Open Badges 3.0 skill attestations', () => {
  it('builds an OpenBadgeCredential with a Profile issuer and an AchievementSubject', () => {
    const u = attestation()
    expect(u['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://musette.dev/ns/v1'
    ])
    expect(u.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential'])
    expect(u.issuer).toEqual({ id: alice.did, type: ['Profile'], name: 'Alice Martin' })
    const subject = u.credentialSubject as Json
    expect(subject.id).toBe(bob.did)
    expect(subject.type).toEqual(['AchievementSubject'])
    expect(subject.relationship).toBe('colleague')
    expect(subject.testimony).toMatch(/strict TypeScript/)
    expect(subject.experienceContext).toEqual({
      experience: 'Backend rewrite',
      organisation: 'Acme',
      startDate: '2022-01',
      endDate: '2024-06'
    })
    const achievement = subject.achievement as Json
    expect(achievement.type).toEqual(['Achievement'])
    expect(achievement.achievementType).toBe('Competency')
    expect((achievement.criteria as Json).narrative).toMatch(/Alice Martin attests, as colleague/)
  })

  it('an experience is an Award; ids default to a fresh urn:uuid', () => {
    const u = skillAttestation({
      issuer: { did: alice.did, name: 'Alice' },
      holder: { did: bob.did },
      achievement: { name: 'Volunteer at the food bank', kind: 'experience' },
      relationship: 'fellow-volunteer',
      validFrom: '2025-01-01T00:00:00Z'
    })
    expect(((u.credentialSubject as Json).achievement as Json).achievementType).toBe('Award')
    expect(u.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/)
    expect(((u.credentialSubject as Json).achievement as Json).id).toBe(`${String(u.id)}#achievement`)
  })

  it('validates ours once signed (and not before: a proof is required)', async () => {
    expect(validateOpenBadge(await signedAttestation())).toEqual({ ok: true, errors: [] })
    expect(validateOpenBadge(await signedAttestation(alice, bob, 'Ed25519Signature2020')).ok).toBe(true)
    const unsigned = validateOpenBadge(attestation())
    expect(unsigned.ok).toBe(false)
    expect(unsigned.errors.join('\n')).toMatch(/^proof/m)
  })

  it('fails with messages for a missing achievement, criteria or Profile', async () => {
    const noAchievement = await signedAttestation()
    delete (noAchievement.credentialSubject as Json).achievement
    const r1 = validateOpenBadge(noAchievement)
    expect(r1.ok).toBe(false)
    expect(r1.errors.some((e) => e.startsWith('credentialSubject.achievement'))).toBe(true)

    const noCriteria = await signedAttestation()
    delete ((noCriteria.credentialSubject as Json).achievement as Json).criteria
    const r2 = validateOpenBadge(noCriteria)
    expect(r2.errors.some((e) => e.startsWith('credentialSubject.achievement.criteria'))).toBe(true)

    const emptyCriteria = await signedAttestation()
    ;((emptyCriteria.credentialSubject as Json).achievement as Json).criteria = {}
    expect(validateOpenBadge(emptyCriteria).errors.join()).toMatch(/criteria needs an id or a narrative/)

    const noProfile = await signedAttestation()
    noProfile.issuer = alice.did
    const r3 = validateOpenBadge(noProfile)
    expect(r3.errors.some((e) => e.startsWith('issuer'))).toBe(true)

    const noProfileType = await signedAttestation()
    noProfileType.issuer = { id: alice.did, name: 'Alice' }
    expect(validateOpenBadge(noProfileType).errors.join()).toMatch(/issuer\.type/)
  })

  it('checks contexts order, types and validFrom', async () => {
    const swapped = await signedAttestation()
    swapped['@context'] = [...(swapped['@context'] as string[])].reverse()
    expect(validateOpenBadge(swapped).errors.join()).toMatch(/@context/)
    const notABadge = await signedAttestation()
    notABadge.type = ['VerifiableCredential']
    expect(validateOpenBadge(notABadge).errors.join()).toMatch(/OpenBadgeCredential/)
    const noDate = await signedAttestation()
    delete noDate.validFrom
    expect(validateOpenBadge(noDate).errors.join()).toMatch(/validFrom/)
    expect(validateOpenBadge(null).ok).toBe(false)
  })
})
