/**
 * The vault's data model: every record kind, as zod schemas. Types are inferred from the schemas.
 *
 * Pure module (no `node:` imports): the SvelteKit app imports it for inline validation, the node for
 * validating every API input and every record read back from disk.
 */
import { z } from 'zod'
import { ATTESTATION_KINDS, RELATIONSHIPS } from '../../credentials/vocabulary.ts'

/** Caps on free text, so that one record stays well under the vault's block cap. */
export const MAX_SHORT = 200
export const MAX_TEXT = 20_000
export const MAX_LIST = 100
/** Images up to 5 MiB (media blobs are stored as one encrypted block). */
export const MAX_MEDIA_BYTES = 5 * 1024 * 1024
export const MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const

const short = (max = MAX_SHORT) => z.string().trim().min(1).max(max)
const optShort = (max = MAX_SHORT) => z.string().trim().max(max).optional()

/** A partial date as people remember it: a year, a month or a day (ISO 8601 prefix). */
export const PartialDate = z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, {
  message: 'expected a date as YYYY, YYYY-MM or YYYY-MM-DD'
})
export type PartialDate = z.infer<typeof PartialDate>

/** The four spheres of life the seed report sorts experiences into. */
export const SPHERES = ['pro', 'perso', 'associative', 'militant'] as const
export const Sphere = z.enum(SPHERES)
export type Sphere = z.infer<typeof Sphere>

export const EXPERIENCE_KINDS = [
  'job',
  'mission',
  'volunteering',
  'training',
  'diploma',
  'award',
  'event',
  'contribution'
] as const
export const ExperienceKind = z.enum(EXPERIENCE_KINDS)

export const FACET_KINDS = ['name', 'email', 'phone', 'address', 'website', 'avatar'] as const
export const FacetKind = z.enum(FACET_KINDS)

export const SKILL_CATEGORIES = ['savoir', 'savoir-faire', 'savoir-etre'] as const

export const CIRCLES = ['pro', 'asso', 'perso', 'famille', 'militant', 'formation'] as const

/** An id of a vault record: 26 lowercase base32 characters (128 random bits), opaque. */
export const RecordId = z.string().regex(/^[a-z2-7]{26}$/, { message: 'not a record id' })
export type RecordId = z.infer<typeof RecordId>

/** Profile facet: one piece of "infos générales" (a name, an email, a phone, an address, an avatar…). */
export const FacetData = z
  .object({
    kind: FacetKind,
    value: short(500),
    label: optShort(80),
    sphere: Sphere.optional(),
    /** For an avatar: the media record holding the image. */
    mediaId: RecordId.optional()
  })
  .strict()

/** An experience: a job, a freelance mission, volunteering, a training, a diploma, an award… */
export const ExperienceData = z
  .object({
    kind: ExperienceKind,
    title: short(),
    organisation: optShort(),
    place: optShort(),
    start: PartialDate.optional(),
    end: PartialDate.optional(),
    ongoing: z.boolean().optional(),
    sphere: Sphere,
    skills: z.array(short(100)).max(MAX_LIST).default([]),
    description: z.string().max(MAX_TEXT).optional(),
    url: z.url().max(2000).optional()
  })
  .strict()
  .refine((d) => !d.start || !d.end || d.start <= d.end, {
    message: 'the end comes before the start',
    path: ['end']
  })

/** A skill, an aptitude or a trait ("aptitudes et traits"). */
export const SkillData = z
  .object({
    name: short(100),
    category: z.enum(SKILL_CATEGORIES).optional(),
    level: z.number().int().min(1).max(5).optional(),
    keywords: z.array(short(60)).max(MAX_LIST).default([]),
    description: z.string().max(MAX_TEXT).optional()
  })
  .strict()

/** A contact of the "répertoire augmenté". */
export const ContactData = z
  .object({
    name: short(),
    organisation: optShort(),
    role: optShort(),
    email: z.email().max(320).optional(),
    phone: optShort(40),
    circles: z.array(z.enum(CIRCLES)).max(CIRCLES.length).default([]),
    howWeMet: z.string().max(2000).optional(),
    notes: z.string().max(MAX_TEXT).optional(),
    did: z.string().startsWith('did:').max(2048).optional(),
    /** Where the contact's node was last reachable (multiaddrs); set by the node. */
    addrs: z.array(z.string().min(1).max(500)).max(20).optional()
  })
  .strict()

/** A place that counts in one's life: where one lived, worked, studied. */
export const PlaceData = z
  .object({
    name: short(),
    address: optShort(500),
    city: optShort(),
    country: optShort(100),
    from: PartialDate.optional(),
    to: PartialDate.optional(),
    note: z.string().max(2000).optional()
  })
  .strict()

/** An image. The bytes live in their own encrypted block; the record holds its metadata. */
export const MediaData = z
  .object({
    name: short(),
    mime: z.enum(MEDIA_TYPES),
    size: z.number().int().min(1).max(MAX_MEDIA_BYTES),
    /** CID (string) of the encrypted blob block. Set by the node, never by a client. */
    blob: z.string().min(1).max(200),
    caption: z.string().max(2000).optional(),
    date: PartialDate.optional(),
    /** Where it was taken (from the image's EXIF GPS, as "latitude, longitude"; or typed). */
    place: optShort()
  })
  .strict()

/** A note of the "On going": something to keep from the day, not yet classified. */
export const NoteData = z
  .object({
    text: z.string().trim().min(1).max(MAX_TEXT),
    date: PartialDate,
    tags: z.array(short(60)).max(MAX_LIST).default([])
  })
  .strict()

export const RECORD_TYPES = ['facet', 'experience', 'skill', 'contact', 'place', 'media', 'note'] as const
export const RecordType = z.enum(RECORD_TYPES)
export type RecordType = z.infer<typeof RecordType>

export const DATA_SCHEMAS = {
  facet: FacetData,
  experience: ExperienceData,
  skill: SkillData,
  contact: ContactData,
  place: PlaceData,
  media: MediaData,
  note: NoteData
} as const

/*
 * Internal record types: written by the node itself (credentials received and issued, attestation requests,
 * invitations, the outbox), never through POST /api/records, and not listed with the person's own records.
 */
const Did = z.string().startsWith('did:').max(2048)
const Id = z.string().min(1).max(100)
export { ATTESTATION_KINDS, RELATIONSHIPS }

/** What an imported credential's checks said (verified on import: issue 7). */
export const ImportedStatus = z
  .object({
    state: z.enum(['verified', 'unverifiable', 'expired', 'not-yet-valid']),
    /** Why it is not `verified`, in words. */
    reason: z.string().max(500).optional(),
    checkedAt: z.iso.datetime()
  })
  .strict()

/**
 * A verifiable credential this person holds (received from a peer), signed for someone else (issued), or
 * brought from elsewhere (imported: an Open Badge or another W3C credential, whose issuer may be a URL and
 * whose subject may have no id).
 */
export const CredentialRecordData = z
  .object({
    role: z.enum(['received', 'issued', 'imported']),
    /** The signed credential, as JSON (for a VC-JWT: its `vc` claim, the token itself in `jwt`). */
    credential: z.record(z.string(), z.unknown()),
    issuer: z.string().min(1).max(2048),
    subject: z.string().min(1).max(2048).optional(),
    kind: z.enum(ATTESTATION_KINDS),
    /** The skill or experience attested (the Open Badges achievement's name). */
    name: short(200),
    relationship: z.enum(RELATIONSHIPS).optional(),
    validFrom: z.iso.datetime(),
    /** Index in the issuer's status list (for issued credentials: to revoke). */
    statusIndex: z.number().int().min(0).optional(),
    revokedAt: z.iso.datetime().optional(),
    requestId: Id.optional(),
    /** Imported credentials: the issuer's name as it signed it, the checks' verdict, the JWT it came as. */
    issuerName: optShort(),
    status: ImportedStatus.optional(),
    jwt: z.string().max(MAX_TEXT).optional()
  })
  .strict()
  .refine((d) => d.role === 'imported' || (d.issuer.startsWith('did:') && d.subject?.startsWith('did:')), {
    message: 'a credential received or issued between Musette nodes names its issuer and subject by DID',
    path: ['issuer']
  })

/** An attestation request, asked (out) or received (in), and what became of it. */
export const AttestationRequestData = z
  .object({
    direction: z.enum(['in', 'out']),
    requestId: Id,
    peer: Did,
    peerName: optShort(),
    claim: z
      .object({
        kind: z.enum(ATTESTATION_KINDS),
        name: short(200),
        description: z.string().max(2000).optional()
      })
      .strict(),
    excerpt: z
      .object({
        title: short(),
        organisation: optShort(),
        start: PartialDate.optional(),
        end: PartialDate.optional(),
        description: z.string().max(4000).optional()
      })
      .strict()
      .optional(),
    message: z.string().max(2000).optional(),
    state: z.enum(['pending', 'sent', 'accepted', 'declined', 'failed']),
    reason: z.string().max(2000).optional(),
    credentialId: RecordId.optional(),
    at: z.iso.datetime(),
    answeredAt: z.iso.datetime().optional()
  })
  .strict()

/** An invitation this node issued: its nonce can be used once, before it expires. */
export const InvitationData = z
  .object({
    nonce: Id,
    expiresAt: z.iso.datetime(),
    usedAt: z.iso.datetime().optional(),
    usedBy: Did.optional()
  })
  .strict()

/** A message waiting for its recipient to come online. */
export const OutboxData = z
  .object({
    messageId: Id,
    to: Did,
    message: z.record(z.string(), z.unknown()),
    attempts: z.number().int().min(0),
    createdAt: z.number().int().min(0),
    nextAttemptAt: z.number().int().min(0),
    lastError: z
      .object({ name: z.string().max(100), message: z.string().max(500) })
      .strict()
      .optional()
  })
  .strict()

/** This node's own status list (Bitstring Status List), to revoke what it issued. */
export const StatusListData = z
  .object({
    listId: z.string().min(1).max(500),
    /** The signed BitstringStatusListCredential, as served to verifiers. */
    credential: z.record(z.string(), z.unknown()),
    nextIndex: z.number().int().min(0),
    length: z.number().int().min(8)
  })
  .strict()

/** What a verifier may see of an item: all of it, a blurred version, or nothing. */
export const VISIBILITIES = ['show', 'blur', 'hide'] as const
/** What a composition can hold (more kinds come with issue 4's next steps). */
export const COMPOSABLE_TYPES = ['experience', 'skill', 'credential'] as const

/** A thematic profile composed from the vault ("composer des profils"), items in the person's order. */
export const CompositionData = z
  .object({
    name: short(120),
    description: z.string().max(2000).optional(),
    items: z
      .array(z.object({ id: RecordId, visibility: z.enum(VISIBILITIES) }).strict())
      .max(200)
      .refine((items) => new Set(items.map((i) => i.id)).size === items.length, 'an item appears twice')
  })
  .strict()

/** The share ledger: one entry per presentation made (to whom, when, which items, which visibility). */
export const ShareData = z
  .object({
    compositionId: RecordId.optional(),
    compositionName: short(120),
    to: z.object({ name: optShort(), did: Did.optional(), domain: z.string().max(500).optional() }).strict(),
    at: z.iso.datetime(),
    challenge: z.string().max(1000),
    domain: z.string().max(500).optional(),
    validUntil: z.iso.datetime().optional(),
    /** When the person withdrew the self-declared credentials of this share. */
    revokedAt: z.iso.datetime().optional(),
    items: z
      .array(
        z
          .object({
            id: RecordId,
            type: z.enum(COMPOSABLE_TYPES),
            visibility: z.enum(VISIBILITIES),
            label: short(200),
            /** The id of the self-declared credential made for it, or of the credential shown. */
            credentialId: z.string().max(200).optional(),
            /** Its index in the holder's status list: withdrawing the share revokes it. */
            statusIndex: z.number().int().min(0).optional()
          })
          .strict()
      )
      .max(200)
  })
  .strict()

/** A presentation request this node made as a verifier, and what came back. */
export const VerificationData = z
  .object({
    challenge: z.string().min(16).max(200),
    domain: z.string().min(1).max(500),
    asks: z.string().min(1).max(2000),
    expiresAt: z.iso.datetime(),
    answeredAt: z.iso.datetime().optional(),
    holder: Did.optional(),
    verified: z.boolean().optional(),
    checks: z
      .array(
        z.object({ name: z.string().max(50), ok: z.boolean(), code: z.string().max(64).optional() }).strict()
      )
      .max(2000)
      .optional(),
    presentation: z.record(z.string(), z.unknown()).optional()
  })
  .strict()

const Bytes = (max: number) =>
  z
    .custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes')
    .refine((b) => b.byteLength <= max, `${max} bytes at most`)
const QuestionnaireId = z.string().regex(/^q[a-z2-7]{20,80}$/)

/**
 * An anonymous questionnaire (issue 5), on either side. The asker keeps its POPRF and sealing secrets and
 * which invitees got their one token; an invitee keeps its pseudonym key, its token and its own answer.
 * Answers the asker accepted are `qanswer` records; sealed answers a relay holds for others are `qrelay`.
 */
export const QuestionnaireRecordData = z
  .object({
    role: z.enum(['asker', 'invitee']),
    qid: QuestionnaireId,
    /** The signed questionnaire as the asker made it (its body's dag-cbor hash is `qid`). */
    signed: z.record(z.string(), z.unknown()),
    receivedAt: z.iso.datetime(),
    /** Asker: POPRF and X25519 secrets. */
    tokenSecret: Bytes(64).optional(),
    sealSecret: Bytes(64).optional(),
    /** Asker: invitee DID → SHA-256 (base64url) of the one blinded element it was given a token for. */
    issued: z.record(z.string().max(200), z.string().max(100)).optional(),
    /** Asker: delivery of the questionnaire to each invitee. */
    deliveries: z
      .record(
        z.string().max(200),
        z.object({
          status: z.enum(['pending', 'delivered', 'failed']),
          error: z.string().max(200).optional()
        })
      )
      .optional(),
    /** Invitee: the one-time pseudonym key, the token's blinding state and, once the asker answered, the token. */
    pseudonymSecret: Bytes(64).optional(),
    pseudonymKey: Bytes(32).optional(),
    tokenState: Bytes(1024).optional(),
    token: Bytes(64).optional(),
    tokenError: z.string().max(200).optional(),
    /** Invitee: the person's own answer, kept so they see (and may change) what they said. */
    mine: z
      .object({
        seq: z.number().int().min(0).max(1_000_000),
        body: z.record(z.string(), z.unknown()),
        at: z.iso.datetime(),
        anonymous: z.boolean(),
        status: z.enum(['waiting', 'relayed', 'sent', 'failed']),
        error: z.string().max(200).optional()
      })
      .strict()
      .optional(),
    /** Invitee: declined, or the person removed it. */
    declined: z.boolean().optional()
  })
  .strict()

/** An answer the asker accepted: only the pseudonym (never who), the latest `seq`, the answer. */
export const QuestionnaireAnswerData = z
  .object({
    qid: QuestionnaireId,
    pseudonym: z.string().max(100),
    seq: z.number().int().min(0).max(1_000_000),
    body: z.record(z.string(), z.unknown()),
    /** Day of arrival only: finer times would help link an answer to who was online. */
    day: z.string().max(10)
  })
  .strict()

/** A sealed answer this node relays for another invitee: it cannot read it, and does not record who gave it. */
export const QuestionnaireRelayData = z
  .object({ qid: QuestionnaireId, sealed: Bytes(64 * 1024), hash: z.string().max(100) })
  .strict()

const CompanyIdPattern = z.string().regex(/^c[a-z2-7]{52}$/)
const AnyObject = z.record(z.string(), z.unknown())

/** A project company this person created or joined (issue 6), with the memberships the creator granted. */
export const CompanyRecordData = z
  .object({
    id: CompanyIdPattern,
    /** The signed company descriptor (protocols/company). */
    signed: AnyObject,
    role: z.enum(['creator', 'member']),
    /** `pending`: an invite-only company whose creator has not let us in yet. */
    status: z.enum(['joined', 'pending']),
    joinedAt: z.iso.datetime(),
    addrs: z.array(z.string().max(300)).max(5).optional(),
    memberships: z.object({ did: AnyObject, pseudonym: AnyObject }).strict().optional()
  })
  .strict()

/** A project announcement held for a company (ours or a member's): the signed bytes, as received. */
export const AnnouncementRecordData = z
  .object({
    slot: z.string().max(300),
    company: CompanyIdPattern,
    version: z.number().int().min(1),
    bytes: Bytes(256 * 1024)
  })
  .strict()

/** One of the person's own published projects: the full draft, what each field discloses, named or not. */
export const PublicationData = z
  .object({
    company: CompanyIdPattern,
    project: z.uuid(),
    version: z.number().int().min(1),
    mode: z.enum(['named', 'pseudonymous']),
    draft: AnyObject,
    disclosure: z.record(z.string().max(20), z.enum(['named', 'pseudonymous', 'hidden'])),
    experienceId: RecordId.optional(),
    withdrawn: z.boolean().optional(),
    labels: z.array(AnyObject).max(5).optional()
  })
  .strict()

/** An author key or a peer this person muted. */
export const MuteData = z
  .object({ who: z.string().min(1).max(200), name: optShort(120), at: z.iso.datetime() })
  .strict()

/** The company mailbox: requests to connect and to join, our own requests (`asked`). */
export const CompanyMailData = z
  .object({
    company: CompanyIdPattern,
    kind: z.enum(['connect', 'join', 'asked']),
    slot: z.string().max(300).optional(),
    from: Did.optional(),
    name: optShort(120),
    message: z.string().max(2000).optional(),
    addrs: z.array(z.string().max(300)).max(5).optional(),
    pseudonym: Bytes(32).optional(),
    state: z.enum(['new', 'accepted', 'declined']),
    at: z.iso.datetime()
  })
  .strict()

/** Social key recovery, the owner's side: the set of trusted contacts who hold a share (docs/RECOVERY.md). */
export const RecoverySetData = z
  .object({
    setId: z.string().regex(/^s[a-z2-7]{26}$/),
    k: z.number().int().min(2).max(10),
    n: z.number().int().min(2).max(10),
    createdAt: z.iso.datetime(),
    holders: z
      .array(
        z
          .object({
            did: Did,
            name: short(),
            contactId: RecordId.optional(),
            index: z.number().int().min(1).max(10),
            /** The share message's id in the outbox (its delivery updates `state`). */
            messageId: Id,
            state: z.enum(['pending', 'delivered', 'failed']),
            at: z.iso.datetime().optional(),
            error: z.string().max(500).optional()
          })
          .strict()
      )
      .min(2)
      .max(10)
  })
  .strict()

/** Social key recovery, a trusted contact's side: a share kept for someone, and to whom it was given. */
export const RecoveryShareData = z
  .object({
    owner: Did,
    ownerName: short(),
    setId: z.string().regex(/^s[a-z2-7]{26}$/),
    k: z.number().int().min(2).max(10),
    n: z.number().int().min(2).max(10),
    index: z.number().int().min(1).max(10),
    /** The signed share, dag-cbor, exactly as the owner sent it. */
    signed: Bytes(2048),
    receivedAt: z.iso.datetime(),
    releases: z
      .array(z.object({ to: z.string().max(200), at: z.iso.datetime() }).strict())
      .max(50)
      .default([])
  })
  .strict()

export const INTERNAL_TYPES = [
  'credential',
  'attestation',
  'invitation',
  'outbox',
  'statuslist',
  'composition',
  'share',
  'verification',
  'questionnaire',
  'qanswer',
  'qrelay',
  'company',
  'announcement',
  'publication',
  'mute',
  'companymail',
  'recoveryset',
  'recoveryshare',
  'recoveryout'
] as const
export const STORED_TYPES = [...RECORD_TYPES, ...INTERNAL_TYPES] as const
/** Every type the vault stores: the person's records and the node's own. */
export const StoredType = z.enum(STORED_TYPES)
export type StoredType = z.infer<typeof StoredType>

export const STORED_SCHEMAS = {
  ...DATA_SCHEMAS,
  credential: CredentialRecordData,
  attestation: AttestationRequestData,
  invitation: InvitationData,
  outbox: OutboxData,
  statuslist: StatusListData,
  composition: CompositionData,
  share: ShareData,
  verification: VerificationData,
  questionnaire: QuestionnaireRecordData,
  qanswer: QuestionnaireAnswerData,
  qrelay: QuestionnaireRelayData,
  company: CompanyRecordData,
  announcement: AnnouncementRecordData,
  publication: PublicationData,
  mute: MuteData,
  companymail: CompanyMailData,
  recoveryset: RecoverySetData,
  recoveryshare: RecoveryShareData,
  recoveryout: OutboxData
} as const

export interface RecordDataMap {
  facet: z.infer<typeof FacetData>
  experience: z.infer<typeof ExperienceData>
  skill: z.infer<typeof SkillData>
  contact: z.infer<typeof ContactData>
  place: z.infer<typeof PlaceData>
  media: z.infer<typeof MediaData>
  note: z.infer<typeof NoteData>
}

export interface StoredDataMap extends RecordDataMap {
  credential: z.infer<typeof CredentialRecordData>
  attestation: z.infer<typeof AttestationRequestData>
  invitation: z.infer<typeof InvitationData>
  outbox: z.infer<typeof OutboxData>
  statuslist: z.infer<typeof StatusListData>
  composition: z.infer<typeof CompositionData>
  share: z.infer<typeof ShareData>
  verification: z.infer<typeof VerificationData>
  questionnaire: z.infer<typeof QuestionnaireRecordData>
  qanswer: z.infer<typeof QuestionnaireAnswerData>
  qrelay: z.infer<typeof QuestionnaireRelayData>
  company: z.infer<typeof CompanyRecordData>
  announcement: z.infer<typeof AnnouncementRecordData>
  publication: z.infer<typeof PublicationData>
  mute: z.infer<typeof MuteData>
  companymail: z.infer<typeof CompanyMailData>
  recoveryset: z.infer<typeof RecoverySetData>
  recoveryshare: z.infer<typeof RecoveryShareData>
  recoveryout: z.infer<typeof OutboxData>
}

export function isRecordType(type: string): type is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(type)
}

/** Where a record came from ("with where each item came from"). */
export const Source = z
  .object({
    kind: z.enum(['manual', 'import', 'demo', 'peer']),
    /** e.g. "JSON Resume", a file name. */
    name: optShort(),
    at: z.iso.datetime()
  })
  .strict()
export type Source = z.infer<typeof Source>

/** A record as the vault returns it. */
export const VaultRecord = z.object({
  id: RecordId,
  type: StoredType,
  version: z.number().int().min(1),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  source: Source,
  data: z.record(z.string(), z.unknown())
})
export type VaultRecord<T extends StoredType = RecordType> = {
  id: string
  type: T
  version: number
  createdAt: string
  updatedAt: string
  source: Source
  data: StoredDataMap[T]
}

/** Input to create a record (media are created through the upload endpoint instead). */
export const CreateRecordInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('facet'), data: FacetData }).strict(),
  z.object({ type: z.literal('experience'), data: ExperienceData }).strict(),
  z.object({ type: z.literal('skill'), data: SkillData }).strict(),
  z.object({ type: z.literal('contact'), data: ContactData }).strict(),
  z.object({ type: z.literal('place'), data: PlaceData }).strict(),
  z.object({ type: z.literal('note'), data: NoteData }).strict()
])
export type CreateRecordInput = z.infer<typeof CreateRecordInput>

/** Validate a record's data for its type; returns zod's result. */
export function parseRecordData(type: RecordType, data: unknown) {
  return DATA_SCHEMAS[type].safeParse(data)
}

/** Field errors as a flat map "path → messages", the shape the API returns in a 400. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_'
    ;(out[key] ??= []).push(issue.message)
  }
  return out
}
