/**
 * Open Badges 3.0 skill attestations: a colleague (the issuer) attests that the holder has a skill or an
 * experience. The skill is the Achievement; Musette's own terms (relationship, testimony, experience context)
 * sit on the AchievementSubject, defined by https://musette.dev/ns/v1.
 */
import { z } from 'zod'
import { MUSETTE_V1_CONTEXT, OB_V3P0_CONTEXT, VC_V2_CONTEXT } from './loader.ts'

import { RELATIONSHIPS, type Relationship } from './vocabulary.ts'

export { RELATIONSHIPS, type Relationship }

/** OB 3.0 AchievementType enumeration (the values we may emit). */
export const ACHIEVEMENT_TYPE = { skill: 'Competency', experience: 'Award' } as const

export interface SkillAttestationInput {
  issuer: { did: string; name: string }
  holder: { did: string; name?: string }
  achievement: { name: string; description?: string; kind: 'skill' | 'experience' }
  relationship: Relationship
  context?: { experience?: string; organisation?: string; start?: string; end?: string }
  testimony?: string
  /** XML Schema dateTime, e.g. 2025-01-31T10:00:00Z */
  validFrom: string
  /** urn:uuid:… (default: a random one) */
  id?: string
}

type Json = Record<string, unknown>

function uuidUrn(): string {
  return `urn:uuid:${crypto.randomUUID()}`
}

/** An unsigned OpenBadgeCredential; sign it with issueCredential (as `issuer.did`). */
export function skillAttestation(input: SkillAttestationInput): Json {
  const { issuer, holder, achievement } = input
  const id = input.id ?? uuidUrn()
  const description =
    achievement.description ??
    (achievement.kind === 'skill'
      ? `The skill “${achievement.name}”.`
      : `The experience “${achievement.name}”.`)
  const experienceContext: Json = {}
  if (input.context?.experience !== undefined) experienceContext.experience = input.context.experience
  if (input.context?.organisation !== undefined) experienceContext.organisation = input.context.organisation
  if (input.context?.start !== undefined) experienceContext.startDate = input.context.start
  if (input.context?.end !== undefined) experienceContext.endDate = input.context.end
  const subject: Json = {
    id: holder.did,
    type: ['AchievementSubject'],
    achievement: {
      id: `${id}#achievement`,
      type: ['Achievement'],
      name: achievement.name,
      description,
      criteria: {
        narrative: `${issuer.name} attests, as ${input.relationship}, that ${holder.name ?? 'the holder'} ${
          achievement.kind === 'skill' ? 'has this skill' : 'had this experience'
        }.`
      },
      achievementType: ACHIEVEMENT_TYPE[achievement.kind]
    },
    relationship: input.relationship
  }
  if (holder.name !== undefined) subject.name = holder.name
  if (input.testimony !== undefined) subject.testimony = input.testimony
  if (Object.keys(experienceContext).length > 0) subject.experienceContext = experienceContext
  return {
    '@context': [VC_V2_CONTEXT, OB_V3P0_CONTEXT, MUSETTE_V1_CONTEXT],
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `${achievement.name} — ${holder.name ?? holder.did}`,
    issuer: { id: issuer.did, type: ['Profile'], name: issuer.name },
    validFrom: input.validFrom,
    credentialSubject: subject
  }
}

const dateTime = z.iso.datetime({ offset: true })
const typeList = (required: string) =>
  z.union([
    z.literal(required),
    z.array(z.string()).refine((t) => t.includes(required), `must include ${required}`)
  ])

const uri = z.string().regex(/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/, 'must be a URI')

const profileSchema = z.looseObject({
  id: uri,
  type: typeList('Profile')
})

const achievementSchema = z.looseObject({
  id: uri,
  type: typeList('Achievement'),
  name: z.string().min(1),
  description: z.string().min(1),
  criteria: z
    .looseObject({ id: uri.optional(), narrative: z.string().optional() })
    .refine((c) => c.id !== undefined || c.narrative !== undefined, 'criteria needs an id or a narrative'),
  achievementType: z.string().optional()
})

const subjectSchema = z.looseObject({
  id: uri.optional(),
  type: typeList('AchievementSubject'),
  achievement: achievementSchema
})

const proofSchema = z.looseObject({
  type: z.enum(['DataIntegrityProof', 'Ed25519Signature2020']),
  cryptosuite: z.string().optional(),
  proofPurpose: z.literal('assertionMethod'),
  verificationMethod: z.string().min(1),
  proofValue: z.string().min(1)
})

const openBadgeSchema = z.looseObject({
  '@context': z
    .array(z.string())
    .refine((c) => c[0] === VC_V2_CONTEXT, `the first context must be ${VC_V2_CONTEXT}`)
    .refine(
      (c) =>
        c[1] !== undefined &&
        /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context-3\.0\.\d+\.json$/.test(c[1]),
      'the second context must be the Open Badges 3.0 context'
    ),
  id: uri,
  type: z
    .array(z.string())
    .refine((t) => t.includes('VerifiableCredential'), 'must include VerifiableCredential')
    .refine(
      (t) => t.includes('OpenBadgeCredential') || t.includes('AchievementCredential'),
      'must include OpenBadgeCredential'
    ),
  name: z.string().min(1).optional(),
  issuer: profileSchema,
  validFrom: dateTime,
  validUntil: dateTime.optional(),
  credentialSubject: subjectSchema,
  proof: z.union([proofSchema, z.array(proofSchema).min(1)])
})

/** Checks a (signed) credential against the Open Badges 3.0 required fields. Does not verify the proof. */
export function validateOpenBadge(vc: unknown): { ok: boolean; errors: string[] } {
  const result = openBadgeSchema.safeParse(vc)
  if (result.success) {
    const proofs = Array.isArray(result.data.proof) ? result.data.proof : [result.data.proof]
    const bad = proofs.filter((p) => p.type === 'DataIntegrityProof' && p.cryptosuite === undefined)
    if (bad.length > 0) return { ok: false, errors: ['proof.cryptosuite: required for DataIntegrityProof'] }
    return { ok: true, errors: [] }
  }
  const errors = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.')
    return `${path || '(root)'}: ${issue.message}`
  })
  return { ok: false, errors }
}

export interface SelfDeclarationInput {
  holder: { did: string; name: string }
  achievement: { name: string; description?: string; kind: 'skill' | 'experience' }
  context?: { experience?: string; organisation?: string; start?: string; end?: string }
  validFrom: string
  /** When a self-declared item stops being vouched for (the presentation's lifetime). */
  validUntil?: string
  id?: string
}

/**
 * A self-declared item as an Open Badge issued by the holder to themself: honest about its origin (the
 * issuer is the holder), and readable by any Open Badges verifier. Sign it as `holder.did`.
 */
export function selfDeclaration(input: SelfDeclarationInput): Json {
  const vc = skillAttestation({
    issuer: input.holder,
    holder: input.holder,
    achievement: input.achievement,
    relationship: 'other',
    ...(input.context ? { context: input.context } : {}),
    validFrom: input.validFrom,
    ...(input.id ? { id: input.id } : {})
  })
  const subject = vc.credentialSubject as Json
  delete subject.relationship
  ;((subject.achievement as Json).criteria as Json).narrative = `Declared by ${input.holder.name} themself.`
  if (input.validUntil) vc.validUntil = input.validUntil
  return vc
}
