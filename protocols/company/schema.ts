/**
 * Project companies ("compagnie des projets", issue 6): what travels, with its caps. Browser-safe.
 *
 * - A **company** is a descriptor signed by its creator; its id is 'c' + base32(SHA-256(dag-cbor(body))).
 * - A **membership** (invite-only companies) is signed by the creator for one member key (the member's DID
 *   key, or its pseudonym key in this company).
 * - An **announcement** is one version of one project, signed by its author key: the DID's key (named) or a
 *   per-company pseudonym key (pseudonymous — then it carries no DID and no PeerId). A higher `version` of the
 *   same (author, project) replaces the lower; `withdrawn` tombstones it.
 */
import { z } from 'zod'

export const COMPANY_ID_PATTERN = /^c[a-z2-7]{52}$/
export const MAX_NAME = 120
export const MAX_DESCRIPTION = 2000
export const MAX_TAGS = 12
export const MAX_TAG = 40
export const MAX_TITLE = 200
export const MAX_TEXT = 2000
export const MAX_SKILLS = 30
export const MAX_SKILL = 80
export const MAX_IMAGES = 3
export const MAX_IMAGE_BYTES = 48 * 1024
export const MAX_LABELS = 5
export const MAX_LABEL_BYTES = 16 * 1024
/** The largest signed announcement (three small images and five labels fit). */
export const MAX_ANNOUNCEMENT_BYTES = 256 * 1024
export const MAX_COMPANY_BYTES = 8 * 1024
export const MAX_VERSION = 1_000_000

/** A Uint8Array of exactly n bytes, or of 1..max bytes. */
export const bytes = (n: number) =>
  z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.byteLength === n, `${n} bytes`)
const someBytes = (max: number) =>
  z.custom<Uint8Array>(
    (v) => v instanceof Uint8Array && v.byteLength > 0 && v.byteLength <= max,
    `1 to ${max} bytes`
  )

const didKey = z
  .string()
  .max(200)
  .regex(/^did:key:z[1-9A-HJ-NP-Za-km-z]+$/, 'a did:key')
const iso = z.iso.datetime()
const text = (max: number) => z.string().trim().min(1).max(max)
/** `2024`, `2024-03`, `2024-03-15` */
const partialDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date like 2024, 2024-03 or 2024-03-15')

export const companyId = z.string().regex(COMPANY_ID_PATTERN, 'not a company id')

export const companyBody = z.strictObject({
  v: z.literal(1),
  name: text(MAX_NAME),
  description: z.string().max(MAX_DESCRIPTION).optional(),
  tags: z.array(text(MAX_TAG)).max(MAX_TAGS),
  mode: z.enum(['open', 'invite']),
  creator: didKey,
  creatorName: z.string().max(MAX_NAME).optional(),
  created: iso
})
export type CompanyBody = z.infer<typeof companyBody>

export const signedCompany = z.strictObject({ body: companyBody, sig: bytes(64) })
export type SignedCompany = z.infer<typeof signedCompany>

export const membershipBody = z.strictObject({
  v: z.literal(1),
  company: companyId,
  /** The member's Ed25519 public key: its DID's, or its pseudonym's in this company. */
  member: bytes(32),
  issued: iso,
  expires: iso.optional()
})
export type MembershipBody = z.infer<typeof membershipBody>
export const signedMembership = z.strictObject({ body: membershipBody, sig: bytes(64) })
export type SignedMembership = z.infer<typeof signedMembership>

export const DISCLOSURES = ['named', 'pseudonymous', 'hidden'] as const
export type Disclosure = (typeof DISCLOSURES)[number]
export const PROJECT_FIELDS = ['summary', 'period', 'role', 'skills', 'outcomes', 'images'] as const
export type ProjectField = (typeof PROJECT_FIELDS)[number]

export const image = z.strictObject({
  mime: z.enum(['image/png', 'image/jpeg', 'image/webp']),
  data: someBytes(MAX_IMAGE_BYTES),
  alt: z.string().max(300).optional()
})

/** What a project announcement shows (the fields the author disclosed for this publication). */
export const projectContent = z.strictObject({
  title: text(MAX_TITLE),
  summary: z.string().max(MAX_TEXT).optional(),
  period: z
    .strictObject({
      start: partialDate.optional(),
      end: partialDate.optional(),
      ongoing: z.boolean().optional()
    })
    .optional(),
  role: z.string().max(MAX_TITLE).optional(),
  skills: z.array(text(MAX_SKILL)).max(MAX_SKILLS).optional(),
  outcomes: z.string().max(MAX_TEXT).optional(),
  images: z.array(image).max(MAX_IMAGES).optional()
})
export type ProjectContent = z.infer<typeof projectContent>

export const announcementBody = z
  .strictObject({
    v: z.literal(1),
    company: companyId,
    project: z.uuid(),
    version: z.number().int().min(1).max(MAX_VERSION),
    /** The signing key: the DID's (named) or this company's pseudonym key (pseudonymous). */
    author: bytes(32),
    /** Named only: the author's DID (its key must be `author`). */
    did: didKey.optional(),
    name: z.string().max(MAX_NAME).optional(),
    membership: signedMembership.optional(),
    published: iso,
    withdrawn: z.literal(true).optional(),
    content: projectContent.optional(),
    /** Labels ("projet soutenu par …"): Open Badges 3.0 endorsement credentials, as issued. */
    labels: z.array(z.record(z.string(), z.unknown())).max(MAX_LABELS).optional()
  })
  .refine((a) => (a.withdrawn === true) === (a.content === undefined), {
    message: 'an announcement has content unless it is withdrawn'
  })
  .refine((a) => a.did !== undefined || a.name === undefined, {
    message: 'a pseudonymous announcement carries no name'
  })
export type AnnouncementBody = z.infer<typeof announcementBody>

export const signedAnnouncement = z.strictObject({ body: announcementBody, sig: bytes(64) })
export type SignedAnnouncement = z.infer<typeof signedAnnouncement>

export { didKey }
