/**
 * Typed client of the node's local JSON API (docs/API.md). Every call carries the bearer token; every
 * failure becomes an `ApiError` with the API's `code`, the HTTP `status` and the per-field messages.
 */
import type { RecordDataMap, RecordType, RELATIONSHIPS, VaultRecord } from '$model/records'

export type { RecordType, VaultRecord }

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'WRONG_PASSPHRASE'
  | 'FORBIDDEN_ORIGIN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'LOCKED'
  | 'NOT_INITIALIZED'
  | 'ALREADY_INITIALIZED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_ATTEMPTS'
  | 'INTERNAL'
  /** Contacts and attestations (issue 3). */
  | 'INVALID_INVITATION'
  | 'INVITATION_REJECTED'
  | 'NOT_A_CONTACT'
  | 'PEER_UNREACHABLE'
  | 'INVALID_STATE'
  | 'DIAL_FAILED'
  | 'NETWORK_OFFLINE'
  /** Presentation requests (issue 4). */
  | 'INVALID_REQUEST'
  /** The node could not be reached at all. */
  | 'NETWORK'

export type FieldErrors = Record<string, string[]>

export class ApiError extends Error {
  readonly status: number
  readonly code: ErrorCode
  readonly fields: FieldErrors | undefined
  /** A finer cause some codes carry (`INVALID_INVITATION`: `EXPIRED`, `BAD_SIGNATURE`…). */
  readonly reason: string | undefined

  constructor(status: number, code: ErrorCode, message: string, fields?: FieldErrors, reason?: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
    this.reason = reason
  }
}

export interface Session {
  initialized: boolean
  locked: boolean
  did?: string
  peerId?: string
  name?: string
}

export interface Peer {
  peerId: string
  did?: string
  addrs: string[]
  direction: 'inbound' | 'outbound' | string
  latencyMs?: number
}

export interface Status {
  did: string
  peerId: string
  name: string
  home: string
  version: string
  apiUrl: string
  listenAddrs: string[]
  peers: Peer[]
  records: { total: number; byType: Partial<Record<RecordType, number>> }
}

export interface TimelineItem {
  id: string
  type: RecordType
  kind?: string
  sphere?: string
  title: string
  subtitle?: string
  start?: string
  end?: string
  ongoing?: boolean
  date?: string
}

export interface Timeline {
  years: { year: number | string; items: TimelineItem[] }[]
  undated: TimelineItem[]
  total: number
}

export interface RecordVersion {
  version: number
  updatedAt: string
  data: Record<string, unknown>
}

export interface PreviewItem {
  key: string
  type: RecordType
  data: Record<string, unknown>
  label: string
}

export type AnyRecord = VaultRecord

/* Contacts and attestations (issue 3) */

export type Relationship = (typeof RELATIONSHIPS)[number]
export type ContactRecord = VaultRecord<'contact'>
export type AttestationRecord = VaultRecord<'attestation'>
export type CredentialRecord = VaultRecord<'credential'>
export type AttestationState = AttestationRecord['data']['state']

export interface Invitation {
  /** `musette:invite?t=…` */
  link: string
  expiresAt: string
  /** An SVG document drawn by our own node. */
  qrSvg: string
}

export type HistoryKind = 'invitation' | 'request-out' | 'request-in' | 'credential-in' | 'credential-out'

export interface ContactEntry {
  record: ContactRecord
  online: boolean
  history: { at: string; kind: HistoryKind; label: string }[]
}

export interface AttestationLists {
  inbox: AttestationRecord[]
  outbox: AttestationRecord[]
}

export interface NewAttestationRequest {
  contactId: string
  claim: { kind: 'skill' | 'experience'; name: string; description?: string }
  experienceId?: string
  message?: string
}

export interface AcceptAttestation {
  relationship: Relationship
  claim?: { name: string; description?: string }
  testimony?: string
}

export interface VerifyCheck {
  name: string
  ok: boolean
  reason?: { code: string; message: string }
}

export interface Verification {
  verified: boolean
  checks: VerifyCheck[]
  issuer: string
}

export interface Attester {
  did: string
  name: string
  organisation?: string
  relationship?: Relationship
  credentialId: string
}

export interface SkillAttestations {
  name: string
  skillId?: string
  people: number
  organisations: number
  attesters: Attester[]
}

export interface AttestationSettings {
  policy: 'contacts' | 'anyone'
  perHour: number
}
export type NewRecordType = Exclude<RecordType, 'media'>

/* Compositions and presentations (issue 4) */

export type Visibility = 'show' | 'blur' | 'hide'
export type CompositionRecord = VaultRecord<'composition'>
export type ShareRecord = VaultRecord<'share'>
export type VerificationRecord = VaultRecord<'verification'>
export type CompositionData = CompositionRecord['data']
export type Origin = 'self-declared' | 'peer-attested' | 'organisation'

export interface PreviewEntry {
  id: string
  type: 'experience' | 'skill' | 'credential'
  visibility: 'show' | 'blur'
  origin: Origin
  label: string
  view: Record<string, unknown>
}

export interface CompositionPreview {
  holder: { did: string; name: string }
  items: PreviewEntry[]
}

/** `POST /api/compositions/:id/cv`: a signed presentation for a printed CV, its file and its QR code. */
export interface PrintedCv {
  presentation: Record<string, unknown>
  share: ShareRecord
  /** The exact text of the signed file: saved byte for byte. */
  file: string
  /** base64url SHA-256 of the file's UTF-8 bytes. */
  sha256: string
  /** `MUSETTE-VP1:` + the deflated file, or `MUSETTE-VPH1:` + its fingerprint; an SVG our node drew. */
  qr: { mode: 'embedded' | 'fingerprint'; text: string; svg: string }
  preview: CompositionPreview
}

export interface PresentationRequest {
  id: string
  /** `musette:present?t=…` */
  link: string
  challenge: string
  domain: string
  expiresAt: string
  qrSvg: string
}

export interface OpenedRequest {
  verifier: { did: string; name: string }
  asks: string
  domain: string
  expiresAt: string
}

const KNOWN_CODES = new Set<string>([
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'WRONG_PASSPHRASE',
  'FORBIDDEN_ORIGIN',
  'NOT_FOUND',
  'CONFLICT',
  'LOCKED',
  'NOT_INITIALIZED',
  'ALREADY_INITIALIZED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_MANY_ATTEMPTS',
  'INTERNAL',
  'INVALID_INVITATION',
  'INVITATION_REJECTED',
  'NOT_A_CONTACT',
  'PEER_UNREACHABLE',
  'INVALID_STATE',
  'DIAL_FAILED',
  'NETWORK_OFFLINE',
  'INVALID_REQUEST'
])

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'BAD_REQUEST'
    case 401:
      return 'UNAUTHORIZED'
    case 403:
      return 'FORBIDDEN_ORIGIN'
    case 404:
      return 'NOT_FOUND'
    case 409:
      return 'CONFLICT'
    case 413:
      return 'PAYLOAD_TOO_LARGE'
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE'
    case 423:
      return 'LOCKED'
    case 429:
      return 'TOO_MANY_ATTEMPTS'
    case 502:
      return 'DIAL_FAILED'
    case 503:
      return 'NETWORK_OFFLINE'
    default:
      return 'INTERNAL'
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Reads the API's `{ error: { code, message, fields } }`, tolerating anything else. */
async function toError(res: Response): Promise<ApiError> {
  let body: unknown
  try {
    body = await res.json()
  } catch {
    body = undefined
  }
  const err = isRecord(body) && isRecord(body.error) ? body.error : undefined
  const code =
    err && typeof err.code === 'string' && KNOWN_CODES.has(err.code)
      ? (err.code as ErrorCode)
      : codeForStatus(res.status)
  const message = err && typeof err.message === 'string' ? err.message : `HTTP ${res.status}`
  let fields: FieldErrors | undefined
  if (err && isRecord(err.fields)) {
    fields = {}
    for (const [k, v] of Object.entries(err.fields)) {
      if (Array.isArray(v)) fields[k] = v.filter((m): m is string => typeof m === 'string')
      else if (typeof v === 'string') fields[k] = [v]
    }
  }
  // `reason` sits next to `code` (or, failing that, in `fields.reason`)
  let reason: string | undefined
  if (err && typeof err.reason === 'string') reason = err.reason
  else if (fields?.reason?.[0]) reason = fields.reason[0]
  return new ApiError(res.status, code, message, fields, reason)
}

interface RequestOptions {
  json?: unknown
  body?: BodyInit
  contentType?: string
  /** Other request headers (the token and the body's type are set already). */
  headers?: Record<string, string>
  signal?: AbortSignal
}

export type ErrorHook = (error: ApiError) => void

export class Api {
  token: string | null = null
  /** Called on 401 UNAUTHORIZED (bad token) and 423 LOCKED, so the session can react. */
  onAuthError: ErrorHook | null = null

  headers(extra?: Record<string, string>): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json', ...extra }
    if (this.token) h.Authorization = `Bearer ${this.token}`
    return h
  }

  async raw(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers }
    let body: BodyInit | undefined
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(opts.json)
    } else if (opts.body !== undefined) {
      body = opts.body
      if (opts.contentType) headers['Content-Type'] = opts.contentType
    }
    let res: Response
    try {
      res = await fetch(path, { method, headers: this.headers(headers), body, signal: opts.signal })
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e
      throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e))
    }
    if (!res.ok) {
      const error = await toError(res)
      if (error.code === 'UNAUTHORIZED' || error.code === 'LOCKED') this.onAuthError?.(error)
      throw error
    }
    return res
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.raw(method, path, opts)
    if (res.status === 204) return undefined as T
    return (await res.json()) as T
  }

  session(): Promise<Session> {
    return this.request('GET', '/api/session')
  }
  createIdentity(name: string, passphrase: string): Promise<{ did: string; peerId: string }> {
    return this.request('POST', '/api/identity', { json: { name, passphrase } })
  }
  unlock(passphrase: string): Promise<{ did: string; peerId: string; name: string }> {
    return this.request('POST', '/api/unlock', { json: { passphrase } })
  }
  lock(): Promise<{ locked: true }> {
    return this.request('POST', '/api/lock')
  }
  status(): Promise<Status> {
    return this.request('GET', '/api/status')
  }
  async records(params: { type?: RecordType; q?: string } = {}): Promise<VaultRecord[]> {
    const qs = new URLSearchParams()
    if (params.type) qs.set('type', params.type)
    if (params.q) qs.set('q', params.q)
    const s = qs.toString()
    const res = await this.request<{ records: VaultRecord[] }>('GET', `/api/records${s ? `?${s}` : ''}`)
    return res.records
  }
  record(id: string): Promise<VaultRecord> {
    return this.request('GET', `/api/records/${encodeURIComponent(id)}`)
  }
  createRecord<T extends NewRecordType>(type: T, data: Partial<RecordDataMap[T]>): Promise<VaultRecord> {
    return this.request('POST', '/api/records', { json: { type, data } })
  }
  updateRecord(id: string, data: Record<string, unknown>, version: number): Promise<VaultRecord> {
    return this.request('PUT', `/api/records/${encodeURIComponent(id)}`, { json: { data, version } })
  }
  deleteRecord(id: string): Promise<void> {
    return this.request('DELETE', `/api/records/${encodeURIComponent(id)}`)
  }
  async versions(id: string): Promise<RecordVersion[]> {
    const res = await this.request<{ versions: RecordVersion[] }>(
      'GET',
      `/api/records/${encodeURIComponent(id)}/versions`
    )
    return res.versions
  }
  uploadMedia(file: Blob, meta: { name: string; caption?: string; date?: string }): Promise<VaultRecord> {
    const qs = new URLSearchParams({ name: meta.name })
    if (meta.caption) qs.set('caption', meta.caption)
    if (meta.date) qs.set('date', meta.date)
    return this.request('POST', `/api/media?${qs.toString()}`, { body: file, contentType: file.type })
  }
  async mediaBlob(id: string, signal?: AbortSignal): Promise<Blob> {
    const res = await this.raw('GET', `/api/media/${encodeURIComponent(id)}/blob`, { signal })
    return res.blob()
  }
  timeline(params: { sphere?: string; kind?: string; type?: string; q?: string } = {}): Promise<Timeline> {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v)
    const s = qs.toString()
    return this.request('GET', `/api/timeline${s ? `?${s}` : ''}`)
  }
  importPreview(resume: unknown): Promise<{ items: PreviewItem[]; warnings: string[] }> {
    return this.request('POST', '/api/import/json-resume/preview', { json: resume })
  }
  importResume(resume: unknown, keys: string[]): Promise<{ imported: number; ids: string[] }> {
    return this.request('POST', '/api/import/json-resume', { json: { resume, keys } })
  }
  async exportResume(): Promise<Blob> {
    const res = await this.raw('GET', '/api/export/json-resume')
    return res.blob()
  }

  /* Contacts and attestations (issue 3) */

  createInvitation(expiresInHours?: number): Promise<Invitation> {
    return this.request('POST', '/api/invitations', {
      json: expiresInHours === undefined ? {} : { expiresInHours }
    })
  }
  acceptInvitation(invitation: string): Promise<{ contact: ContactRecord }> {
    return this.request('POST', '/api/invitations/accept', { json: { invitation } })
  }
  async contacts(): Promise<ContactEntry[]> {
    const res = await this.request<{ contacts: ContactEntry[] }>('GET', '/api/contacts')
    return res.contacts
  }
  attestations(): Promise<AttestationLists> {
    return this.request('GET', '/api/attestations')
  }
  requestAttestation(body: NewAttestationRequest): Promise<AttestationRecord> {
    return this.request('POST', '/api/attestations', { json: body })
  }
  acceptAttestation(
    id: string,
    body: AcceptAttestation
  ): Promise<{ attestation: AttestationRecord; credential: CredentialRecord }> {
    return this.request('POST', `/api/attestations/${encodeURIComponent(id)}/accept`, { json: body })
  }
  declineAttestation(id: string, reason?: string): Promise<{ attestation: AttestationRecord }> {
    return this.request('POST', `/api/attestations/${encodeURIComponent(id)}/decline`, {
      json: reason ? { reason } : {}
    })
  }
  async credentials(role?: 'received' | 'issued' | 'imported'): Promise<CredentialRecord[]> {
    const qs = role ? `?role=${role}` : ''
    const res = await this.request<{ credentials: CredentialRecord[] }>('GET', `/api/credentials${qs}`)
    return res.credentials
  }
  verifyCredential(id: string): Promise<Verification> {
    return this.request('POST', `/api/credentials/${encodeURIComponent(id)}/verify`)
  }
  revokeCredential(id: string): Promise<{ credential: CredentialRecord }> {
    return this.request('POST', `/api/credentials/${encodeURIComponent(id)}/revoke`)
  }
  async skillAttestations(): Promise<SkillAttestations[]> {
    const res = await this.request<{ skills: SkillAttestations[] }>('GET', '/api/skills/attestations')
    return res.skills
  }
  attestationSettings(): Promise<AttestationSettings> {
    return this.request('GET', '/api/settings/attestations')
  }
  saveAttestationSettings(settings: AttestationSettings): Promise<AttestationSettings> {
    return this.request('PUT', '/api/settings/attestations', { json: settings })
  }

  /* Compositions and presentations (issue 4) */

  async compositions(): Promise<CompositionRecord[]> {
    const res = await this.request<{ compositions: CompositionRecord[] }>('GET', '/api/compositions')
    return res.compositions
  }
  createComposition(data: CompositionData): Promise<CompositionRecord> {
    return this.request('POST', '/api/compositions', { json: data })
  }
  updateComposition(id: string, data: CompositionData, version: number): Promise<CompositionRecord> {
    return this.request('PUT', `/api/compositions/${encodeURIComponent(id)}`, { json: { data, version } })
  }
  deleteComposition(id: string): Promise<void> {
    return this.request('DELETE', `/api/compositions/${encodeURIComponent(id)}`)
  }
  duplicateComposition(id: string): Promise<CompositionRecord> {
    return this.request('POST', `/api/compositions/${encodeURIComponent(id)}/duplicate`)
  }
  previewComposition(id: string): Promise<CompositionPreview> {
    return this.request('GET', `/api/compositions/${encodeURIComponent(id)}/preview`)
  }
  present(
    id: string,
    body: { challenge?: string; domain?: string; to?: { name?: string; did?: string } }
  ): Promise<{ presentation: Record<string, unknown>; share: ShareRecord }> {
    return this.request('POST', `/api/compositions/${encodeURIComponent(id)}/presentation`, { json: body })
  }
  printedCv(id: string, body: { to?: { name: string } } = {}): Promise<PrintedCv> {
    return this.request('POST', `/api/compositions/${encodeURIComponent(id)}/cv`, { json: body })
  }
  revokeShare(id: string): Promise<{ share: ShareRecord }> {
    return this.request('POST', `/api/shares/${encodeURIComponent(id)}/revoke`)
  }
  async shares(): Promise<ShareRecord[]> {
    const res = await this.request<{ shares: ShareRecord[] }>('GET', '/api/shares')
    return res.shares
  }
  createPresentationRequest(body: {
    asks: string
    domain?: string
    expiresInHours?: number
  }): Promise<PresentationRequest> {
    return this.request('POST', '/api/presentation-requests', { json: body })
  }
  openPresentationRequest(request: string): Promise<OpenedRequest> {
    return this.request('POST', '/api/presentation-requests/open', { json: { request } })
  }
  answerPresentationRequest(request: string, compositionId: string): Promise<{ share: ShareRecord }> {
    return this.request('POST', '/api/presentation-requests/answer', { json: { request, compositionId } })
  }
  async verifications(): Promise<VerificationRecord[]> {
    const res = await this.request<{ verifications: VerificationRecord[] }>('GET', '/api/verifications')
    return res.verifications
  }
}

export const api = new Api()

/* Project companies, "compagnie des projets" (issue 6): node/api/company-routes.ts */

export type CompanyMode = 'open' | 'invite'
/** Where a field may appear: next to my name, only under my pseudonym in this company, or nowhere. */
export type DisclosureLevel = 'named' | 'pseudonymous' | 'hidden'
export type PublicationMode = 'named' | 'pseudonymous'
/** The fields of a project that carry a disclosure (the title always shows). */
export const PROJECT_FIELDS = ['summary', 'period', 'role', 'skills', 'outcomes'] as const
export type ProjectField = (typeof PROJECT_FIELDS)[number]
export type Disclosures = Partial<Record<ProjectField, DisclosureLevel>>

export interface CompanyView {
  id: string
  name: string
  description?: string
  tags: string[]
  mode: CompanyMode
  creator: string
  creatorName?: string
  created: string
  role: 'creator' | 'member'
  status: 'joined' | 'pending'
  joinedAt: string
  /** How many projects this node holds for the company. */
  projects: number
  /** Join requests waiting for my answer (an invite-only company I created). */
  pendingRequests: number
  /** My pseudonym's author id in this company. */
  pseudonym: string
}

export interface ProjectPeriod {
  start?: string
  end?: string
  ongoing?: boolean
}

export interface ProjectDraft {
  title: string
  summary?: string
  period?: ProjectPeriod
  role?: string
  skills?: string[]
  outcomes?: string
}

export interface ProjectLabel {
  issuer: string
  issuerName?: string
  comment?: string
  verified: boolean
}

export interface ProjectView {
  slot: string
  company: string
  project: string
  version: number
  author: { id: string; did?: string; name?: string; pseudonymous: boolean; mine: boolean }
  published: string
  /** Only what the author disclosed in this publication. */
  content: ProjectDraft
  labels: ProjectLabel[]
  /** "Projects like mine": overlap with my skills and experiences. */
  score?: number
}

export interface PublicationRecord {
  id: string
  version: number
  createdAt: string
  updatedAt: string
  data: {
    company: string
    project: string
    version: number
    mode: PublicationMode
    draft: ProjectDraft
    disclosure: Disclosures
    experienceId?: string
    withdrawn?: boolean
    labels?: Record<string, unknown>[]
  }
}

export interface CompanyMailRecord {
  id: string
  version: number
  createdAt: string
  updatedAt: string
  data: {
    company: string
    /** `connect`: someone asks me; `join`: someone asks into my company; `asked`: my own request. */
    kind: 'connect' | 'join' | 'asked'
    slot?: string
    from?: string
    name?: string
    message?: string
    /** A join request's pseudonym key (bytes, as the API serialises them). */
    pseudonym?: unknown
    state: 'new' | 'accepted' | 'declined'
    at: string
  }
}

export interface MuteRecord {
  id: string
  data: { who: string; name?: string; at: string }
}

export interface NewPublication {
  draft: ProjectDraft
  disclosure: Disclosures
  mode: PublicationMode
  experienceId?: string
}

export interface ProjectQuery {
  q?: string
  skill?: string
  from?: string
  to?: string
}

const companyPath = (id: string, rest = ''): string => `/api/companies/${encodeURIComponent(id)}${rest}`

/** The routes of project companies, on the same client (token, errors) as `api`. */
export const companiesApi = {
  async list(): Promise<CompanyView[]> {
    return (await api.request<{ companies: CompanyView[] }>('GET', '/api/companies')).companies
  },
  create(body: {
    name: string
    description?: string
    tags?: string[]
    mode: CompanyMode
  }): Promise<CompanyView> {
    return api.request('POST', '/api/companies', { json: body })
  },
  join(link: string): Promise<CompanyView> {
    return api.request('POST', '/api/companies/join', { json: { link } })
  },
  get(id: string): Promise<CompanyView> {
    return api.request('GET', companyPath(id))
  },
  leave(id: string): Promise<{ left: string }> {
    return api.request('DELETE', companyPath(id))
  },
  link(id: string): Promise<{ link: string; qrSvg: string }> {
    return api.request('GET', companyPath(id, '/link'))
  },
  sync(id: string): Promise<{ accepted: number; refused: Record<string, number> }> {
    return api.request('POST', companyPath(id, '/sync'))
  },
  async projects(id: string, query: ProjectQuery = {}): Promise<ProjectView[]> {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) if (v) qs.set(k, v)
    const s = qs.toString()
    return (
      await api.request<{ projects: ProjectView[] }>('GET', companyPath(id, `/projects${s ? `?${s}` : ''}`))
    ).projects
  },
  async similar(id: string): Promise<ProjectView[]> {
    return (await api.request<{ projects: ProjectView[] }>('GET', companyPath(id, '/similar'))).projects
  },
  async publications(id: string): Promise<PublicationRecord[]> {
    return (await api.request<{ publications: PublicationRecord[] }>('GET', companyPath(id, '/publications')))
      .publications
  },
  publish(id: string, body: NewPublication): Promise<PublicationRecord> {
    return api.request('POST', companyPath(id, '/publications'), { json: body })
  },
  editPublication(pubId: string, body: Partial<NewPublication>): Promise<PublicationRecord> {
    return api.request('PUT', `/api/publications/${encodeURIComponent(pubId)}`, { json: body })
  },
  withdraw(pubId: string): Promise<PublicationRecord> {
    return api.request('POST', `/api/publications/${encodeURIComponent(pubId)}/withdraw`)
  },
  connect(id: string, slot: string, message?: string): Promise<CompanyMailRecord> {
    return api.request('POST', companyPath(id, '/connect'), { json: message ? { slot, message } : { slot } })
  },
  async mail(id: string): Promise<CompanyMailRecord[]> {
    return (await api.request<{ mail: CompanyMailRecord[] }>('GET', companyPath(id, '/mail'))).mail
  },
  answer(mailId: string, accept: boolean): Promise<CompanyMailRecord> {
    return api.request('POST', `/api/company-mail/${encodeURIComponent(mailId)}/answer`, { json: { accept } })
  },
  label(id: string, slot: string, comment?: string): Promise<{ credential: Record<string, unknown> }> {
    return api.request('POST', companyPath(id, '/label'), { json: comment ? { slot, comment } : { slot } })
  },
  async mutes(): Promise<MuteRecord[]> {
    return (await api.request<{ mutes: MuteRecord[] }>('GET', '/api/mutes')).mutes
  },
  mute(who: string, name?: string): Promise<{ muted: string }> {
    return api.request('POST', '/api/mutes', { json: name ? { who, name } : { who } })
  },
  unmute(who: string): Promise<{ unmuted: string }> {
    return api.request('DELETE', `/api/mutes/${encodeURIComponent(who)}`)
  }
}
