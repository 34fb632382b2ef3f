/**
 * Project companies on the node (issue 6): the companies this person created or joined, the projects they
 * publish there (each field at its chosen disclosure), the announcements they hold (and serve to late
 * joiners), discovery ("projects like mine"), requests to connect with a project's author, labels from
 * organisations, and a mute list. The protocol is protocols/company/; this wires it to the vault.
 *
 * Decisions (docs/COMPANIES.md):
 * - A field's disclosure says where it may appear: `named` next to the person's name, `pseudonymous` only
 *   under the person's pseudonym in this company, `hidden` nowhere. A publication is named or pseudonymous:
 *   named shows only the `named` fields; pseudonymous shows `named` and `pseudonymous` fields, signed by the
 *   per-company pseudonym key, with no DID, name or PeerId.
 * - Invite-only: the joiner's node mails the creator a join request signed by its DID, with its pseudonym
 *   key; the creator's node grants it at once to a contact, otherwise it waits for the creator's approval.
 *   The creator then knows which pseudonym is whose (said in the UI); in an open company nobody does.
 * - Connecting: a request to a project's author travels sealed in the company's mailbox to the author key;
 *   the author who accepts mails back a contact invitation, which the requester's node accepts.
 * - Labels: an organisation's node issues an Open Badges 3.0 EndorsementCredential about the project
 *   (`urn:musette:project:…`) and mails it to the author, whose node keeps it (a credential in the vault, so
 *   it can go into compositions) and republishes the project with it.
 */
import { randomUUID } from 'node:crypto'
import { multiaddr } from '@multiformats/multiaddr'
import QRCode from 'qrcode'
import { base64url } from 'multiformats/bases/base64'
import { issueCredential } from '../credentials/issue.ts'
import { OB_V3P0_CONTEXT, VC_V2_CONTEXT } from '../credentials/loader.ts'
import { verifyCredential } from '../credentials/verify.ts'
import {
  authorId,
  checkMembership,
  CompanyError,
  companyLink,
  decodeAnnouncement,
  issueMembership,
  keySigner,
  parseCompanyLink,
  pseudonymFor,
  signAnnouncement,
  signCompany,
  slotOf,
  verifyCompany,
  type Signer
} from '../protocols/company/company.ts'
import {
  openMail,
  recipientOf,
  sealMail,
  signConnect,
  signJoin,
  verifyConnect,
  type Payload
} from '../protocols/company/mail.ts'
import { CompanyService, type HeldAnnouncement } from '../protocols/company/service.ts'
import { publicKeyFromDidKey } from '../credentials/did-key.ts'
import type {
  AnnouncementBody,
  CompanyBody,
  Disclosure,
  ProjectContent,
  SignedAnnouncement,
  SignedCompany,
  SignedMembership
} from '../protocols/company/schema.ts'
import type { StoredDataMap } from './model/records.ts'
import type { Identity } from './identity.ts'
import { pubsubOf, type MusetteLibp2p } from './network/p2p.ts'
import type { Social } from './social.ts'
import type { AnyRecord, Vault } from './vault/vault.ts'
import { stripImageMetadata } from './model/image-metadata.ts'

type CompanyData = StoredDataMap['company']
type PublicationData = StoredDataMap['publication']

export class CompaniesError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'INVALID_STATE' | 'VALIDATION_FAILED' | 'INVALID_LINK',
    message: string,
    readonly reason?: string
  ) {
    super(message)
    this.name = 'CompaniesError'
  }
}

export interface CompaniesInit {
  vault: Vault
  identity: Identity
  libp2p: MusetteLibp2p
  social: Social
  events: { emit(name: 'company', data: Record<string, unknown>): void }
  now?: () => Date
}

export interface Draft {
  title: string
  summary?: string
  period?: { start?: string; end?: string; ongoing?: boolean }
  role?: string
  skills?: string[]
  outcomes?: string
  /** Media records of the vault (PNG, JPEG or WebP of 48 KiB at most each, 3 at most). */
  images?: string[]
}

export type Disclosures = Partial<
  Record<'summary' | 'period' | 'role' | 'skills' | 'outcomes' | 'images', Disclosure>
>

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const
const MAX_IMAGES = 3
const MAX_IMAGE_BYTES = 48 * 1024

/** A project as the UI shows it. */
export interface ProjectView {
  slot: string
  company: string
  project: string
  version: number
  author: { id: string; did?: string; name?: string; pseudonymous: boolean; mine: boolean }
  published: string
  content: ProjectContent
  labels: Array<{ issuer: string; issuerName?: string; comment?: string; verified: boolean }>
  score?: number
}

const words = (s: string): string[] =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 3)

export class Companies {
  readonly #vault: Vault
  readonly #identity: Identity
  readonly #libp2p: MusetteLibp2p
  readonly #social: Social
  readonly #events: CompaniesInit['events']
  readonly #now: () => Date
  readonly #service: CompanyService
  readonly #muted = new Set<string>()
  readonly #labelChecks = new Map<string, boolean>()
  /** slot → record id of the held announcement, so a newer version updates the same record. */
  readonly #held = new Map<string, { id: string; version: number; company: string }>()

  constructor(init: CompaniesInit) {
    this.#vault = init.vault
    this.#identity = init.identity
    this.#libp2p = init.libp2p
    this.#social = init.social
    this.#events = init.events
    this.#now = init.now ?? (() => new Date())
    this.#service = new CompanyService({
      libp2p: init.libp2p,
      now: this.#now,
      store: {
        get: (slot) => this.#getHeld(slot),
        put: (slot, signed, bytes) => this.#putHeld(slot, signed, bytes),
        list: (company) => this.#listHeld(company)
      },
      onAnnouncement: (signed, source) => {
        if (source !== 'self') this.#events.emit('company', { op: 'project', company: signed.body.company })
      },
      onMail: (company, bytes) => this.#onMail(company, bytes),
      isMuted: ({ author, peer }) =>
        (author !== undefined && this.#muted.has(author)) || (peer !== undefined && this.#muted.has(peer))
    })
  }

  get #sign(): Signer {
    return (m) => this.#identity.privateKey.sign(m)
  }

  #pseudonym(company: string): { secret: Uint8Array; key: Uint8Array } {
    return pseudonymFor(this.#vault.secrets.identitySeed, company)
  }

  async start(): Promise<void> {
    for (const r of await this.#vault.list('announcement')) {
      const d = r.data as StoredDataMap['announcement']
      this.#held.set(d.slot, { id: r.id, version: d.version, company: d.company })
    }
    for (const r of await this.#vault.list('mute')) {
      const d = r.data as StoredDataMap['mute']
      this.#muted.add(d.who)
    }
    await this.#service.start()
    pubsubOf(this.#libp2p).addEventListener('subscription-change', this.#onSubscription as EventListener)
    for (const r of await this.#vault.list('company')) {
      const d = r.data as CompanyData
      const { id, body } = verifyCompany(d.signed)
      const membership = d.memberships?.did as unknown as SignedMembership | undefined
      this.#service.join({ id, body, ...(membership ? { membership } : {}) })
    }
    void this.#syncAll()
  }

  async stop(): Promise<void> {
    pubsubOf(this.#libp2p).removeEventListener('subscription-change', this.#onSubscription as EventListener)
    await this.#service.stop()
  }

  // ——— the store of held announcements (vault records) ———

  async #getHeld(slot: string): Promise<HeldAnnouncement | undefined> {
    const h = this.#held.get(slot)
    if (!h) return undefined
    const r = await this.#vault.get(h.id)
    if (!r) return undefined
    const d = r.data as StoredDataMap['announcement']
    return { slot, version: d.version, bytes: d.bytes }
  }

  async #putHeld(slot: string, signed: SignedAnnouncement, bytes: Uint8Array): Promise<void> {
    const data = { slot, company: signed.body.company, version: signed.body.version, bytes }
    const h = this.#held.get(slot)
    const at = this.#now().toISOString()
    if (h) {
      await this.#vault.update(h.id, data)
      this.#held.set(slot, { ...h, version: signed.body.version })
    } else {
      const r = await this.#vault.put({ type: 'announcement', data, source: { kind: 'peer', at } })
      this.#held.set(slot, { id: r.id, version: signed.body.version, company: signed.body.company })
    }
  }

  async #listHeld(company: string): Promise<HeldAnnouncement[]> {
    const out: HeldAnnouncement[] = []
    for (const [slot, h] of this.#held) {
      if (h.company !== company) continue
      const got = await this.#getHeld(slot)
      if (got) out.push(got)
    }
    return out
  }

  // ——— companies ———

  async #companies(): Promise<Array<AnyRecord & { data: CompanyData }>> {
    return (await this.#vault.list('company')) as Array<AnyRecord & { data: CompanyData }>
  }

  async #company(id: string): Promise<(AnyRecord & { data: CompanyData }) | undefined> {
    return (await this.#companies()).find((r) => r.data.id === id)
  }

  /** Our addresses, each ending in /p2p/<our PeerId>. */
  #addrs(): string[] {
    const me = this.#libp2p.peerId.toString()
    return this.#libp2p
      .getMultiaddrs()
      .map((m) => m.toString())
      .filter((a) => !a.includes('/p2p-circuit'))
      .map((a) => (a.endsWith(`/p2p/${me}`) ? a : `${a}/p2p/${me}`))
      .slice(0, 3)
  }

  /**
   * A member newly seen on a company's topic: pull what it holds (and it pulls from us when it sees us), so
   * nothing published before the mesh formed, or while one of us was away, stays missing.
   */
  readonly #onSubscription = (
    e: CustomEvent<{
      peerId: { toString(): string }
      subscriptions: Array<{ topic: string; subscribe: boolean }>
    }>
  ): void => {
    for (const sub of e.detail.subscriptions) {
      if (!sub.subscribe || !sub.topic.startsWith('/musette/company/') || sub.topic.endsWith('/mail'))
        continue
      const company = sub.topic.slice('/musette/company/'.length)
      const key = `${company} ${e.detail.peerId.toString()}`
      if (this.#syncing.has(key)) continue
      this.#syncing.add(key)
      const peer = this.#libp2p.getPeers().find((p) => p.toString() === e.detail.peerId.toString())
      if (!peer) continue
      void this.#service
        .sync(company, peer)
        .then((r) => {
          if (r.accepted > 0) this.#events.emit('company', { op: 'synced', company, accepted: r.accepted })
        })
        .catch(() => undefined)
        .finally(() => setTimeout(() => this.#syncing.delete(key), 30_000).unref?.())
    }
  }
  readonly #syncing = new Set<string>()

  async create(input: {
    name: string
    description?: string
    tags?: string[]
    mode: 'open' | 'invite'
  }): Promise<Record<string, unknown>> {
    const body: CompanyBody = {
      v: 1,
      name: input.name,
      ...(input.description ? { description: input.description } : {}),
      tags: input.tags ?? [],
      mode: input.mode,
      creator: this.#identity.did,
      ...(this.#vault.secrets.name ? { creatorName: this.#vault.secrets.name.slice(0, 120) } : {}),
      created: this.#now().toISOString()
    }
    let made: { id: string; signed: SignedCompany }
    try {
      made = await signCompany(body, this.#sign)
    } catch (err) {
      if (err instanceof CompanyError) throw new CompaniesError('VALIDATION_FAILED', err.message, err.code)
      throw err
    }
    const memberships =
      input.mode === 'invite'
        ? await this.#grant(made.id, this.#identity.did, this.#pseudonym(made.id).key)
        : undefined
    const data: CompanyData = {
      id: made.id,
      signed: made.signed as unknown as Record<string, unknown>,
      role: 'creator',
      status: 'joined',
      joinedAt: this.#now().toISOString(),
      ...(memberships
        ? {
            memberships: memberships as unknown as {
              did: Record<string, unknown>
              pseudonym: Record<string, unknown>
            }
          }
        : {})
    }
    await this.#vault.put({ type: 'company', data, source: { kind: 'manual', at: data.joinedAt } })
    this.#service.join({ id: made.id, body, ...(memberships ? { membership: memberships.did } : {}) })
    this.#events.emit('company', { op: 'created', company: made.id })
    return this.view(made.id)
  }

  async #grant(
    company: string,
    did: string,
    pseudonym: Uint8Array
  ): Promise<{ did: SignedMembership; pseudonym: SignedMembership }> {
    return {
      did: await issueMembership(company, publicKeyFromDidKey(did), this.#sign, { now: this.#now() }),
      pseudonym: await issueMembership(company, pseudonym, this.#sign, { now: this.#now() })
    }
  }

  async link(id: string): Promise<{ link: string; qrSvg: string }> {
    const rec = await this.#company(id)
    if (!rec) throw new CompaniesError('NOT_FOUND', 'no such company')
    const addrs = this.#addrs()
    const link = companyLink(rec.data.signed as unknown as SignedCompany, addrs)
    const qrSvg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'L', margin: 1 })
    return { link, qrSvg }
  }

  /** Join from a link: an open company at once (then its history is pulled), an invite-only one on approval. */
  async join(text: string): Promise<Record<string, unknown>> {
    let parsed: ReturnType<typeof parseCompanyLink>
    try {
      parsed = parseCompanyLink(text)
    } catch (err) {
      if (err instanceof CompanyError) throw new CompaniesError('INVALID_LINK', err.message, err.code)
      throw err
    }
    const existing = await this.#company(parsed.id)
    if (existing) return this.view(parsed.id)
    const mode = parsed.body.mode
    const data: CompanyData = {
      id: parsed.id,
      signed: parsed.signed as unknown as Record<string, unknown>,
      role: 'member',
      status: mode === 'open' ? 'joined' : 'pending',
      joinedAt: this.#now().toISOString(),
      addrs: parsed.addrs
    }
    await this.#vault.put({ type: 'company', data, source: { kind: 'manual', at: data.joinedAt } })
    this.#service.join({ id: parsed.id, body: parsed.body })
    // reach the creator (and whoever the link names) so gossip and sync have someone to talk to
    await Promise.allSettled(
      parsed.addrs.map((a) => this.#libp2p.dial(multiaddr(a), { signal: AbortSignal.timeout(5000) }))
    )
    if (mode === 'invite') {
      const join = await signJoin(
        {
          type: 'join',
          company: parsed.id,
          from: this.#identity.did,
          name: this.#vault.secrets.name ?? 'Musette',
          pseudonym: this.#pseudonym(parsed.id).key,
          at: this.#now().toISOString()
        },
        this.#sign
      )
      await this.#mailTo(parsed.id, publicKeyFromDidKey(parsed.body.creator), join)
    } else {
      void this.sync(parsed.id)
    }
    this.#events.emit('company', { op: 'joined', company: parsed.id })
    return this.view(parsed.id)
  }

  async leave(id: string): Promise<void> {
    const rec = await this.#company(id)
    if (!rec) throw new CompaniesError('NOT_FOUND', 'no such company')
    this.#service.leave(id)
    for (const [slot, h] of [...this.#held]) {
      if (h.company !== id) continue
      await this.#vault.delete(h.id).catch(() => undefined)
      this.#held.delete(slot)
    }
    await this.#vault.delete(rec.id)
    this.#events.emit('company', { op: 'left', company: id })
  }

  /** Pull a company's history from the peers we are connected to (and the link's addresses). */
  async sync(id: string): Promise<{ accepted: number; refused: Record<string, number> }> {
    const rec = await this.#company(id)
    if (!rec) throw new CompaniesError('NOT_FOUND', 'no such company')
    let accepted = 0
    const refused: Record<string, number> = {}
    const peers = this.#libp2p.getPeers().slice(0, 8)
    for (const peer of peers) {
      try {
        const r = await this.#service.sync(id, peer)
        accepted += r.accepted
        for (const [k, v] of Object.entries(r.refused)) refused[k] = (refused[k] ?? 0) + v
      } catch {
        // not a member, or offline: try the next
      }
    }
    if (accepted > 0) this.#events.emit('company', { op: 'synced', company: id, accepted })
    return { accepted, refused }
  }

  async #syncAll(): Promise<void> {
    for (const r of await this.#companies().catch(() => [])) {
      if (r.data.status === 'joined') await this.sync(r.data.id).catch(() => undefined)
    }
  }

  async list(): Promise<Array<Record<string, unknown>>> {
    return Promise.all((await this.#companies()).map((r) => this.view(r.data.id)))
  }

  async view(id: string): Promise<Record<string, unknown>> {
    const rec = await this.#company(id)
    if (!rec) throw new CompaniesError('NOT_FOUND', 'no such company')
    const body = (rec.data.signed as unknown as SignedCompany).body
    const projects = [...this.#held.values()].filter((h) => h.company === id).length
    const requests = (await this.#inbox()).filter(
      (m) => m.data.company === id && m.data.kind === 'join' && m.data.state === 'new'
    ).length
    return {
      id,
      name: body.name,
      description: body.description,
      tags: body.tags,
      mode: body.mode,
      creator: body.creator,
      creatorName: body.creatorName,
      created: body.created,
      role: rec.data.role,
      status: rec.data.status,
      joinedAt: rec.data.joinedAt,
      projects,
      pendingRequests: requests,
      pseudonym: authorId(this.#pseudonym(id).key)
    }
  }

  // ——— publishing ———

  async #publications(): Promise<Array<AnyRecord & { data: PublicationData }>> {
    return (await this.#vault.list('publication')) as Array<AnyRecord & { data: PublicationData }>
  }

  async #content(
    draft: Draft,
    disclosure: Disclosures,
    mode: 'named' | 'pseudonymous'
  ): Promise<ProjectContent> {
    const shown = (f: keyof Disclosures): boolean => {
      const d = disclosure[f] ?? 'pseudonymous'
      return d === 'named' || (d === 'pseudonymous' && mode === 'pseudonymous')
    }
    const c: ProjectContent = { title: draft.title }
    if (draft.summary && shown('summary')) c.summary = draft.summary
    if (draft.period && shown('period')) c.period = draft.period
    if (draft.role && shown('role')) c.role = draft.role
    if (draft.skills?.length && shown('skills')) c.skills = draft.skills
    if (draft.outcomes && shown('outcomes')) c.outcomes = draft.outcomes
    if (draft.images?.length && shown('images')) {
      c.images = []
      for (const id of draft.images.slice(0, MAX_IMAGES)) {
        const rec = await this.#vault.get(id)
        const blob = rec?.type === 'media' ? await this.#vault.getMediaBlob(id) : undefined
        if (!rec || !blob)
          throw new CompaniesError('VALIDATION_FAILED', `no image ${id} in the vault`, 'NO_SUCH_IMAGE')
        if (!(IMAGE_TYPES as readonly string[]).includes(blob.mime))
          throw new CompaniesError('VALIDATION_FAILED', 'images are PNG, JPEG or WebP', 'IMAGE_TYPE')
        if (blob.bytes.byteLength > MAX_IMAGE_BYTES)
          throw new CompaniesError(
            'VALIDATION_FAILED',
            `an image in a project is ${MAX_IMAGE_BYTES / 1024} KiB at most: this one is ${Math.ceil(blob.bytes.byteLength / 1024)} KiB`,
            'IMAGE_TOO_LARGE'
          )
        const caption = (rec.data as StoredDataMap['media']).caption
        c.images.push({
          mime: blob.mime as (typeof IMAGE_TYPES)[number],
          // never the photo's EXIF (GPS, date, camera) to a company: only the picture
          data: stripImageMetadata(blob.bytes, blob.mime),
          ...(caption ? { alt: caption.slice(0, 300) } : {})
        })
      }
    }
    return c
  }

  async #announce(pub: PublicationData, withdrawn = false): Promise<void> {
    const company = await this.#company(pub.company)
    if (!company) throw new CompaniesError('NOT_FOUND', 'no such company')
    if (company.data.status !== 'joined')
      throw new CompaniesError('INVALID_STATE', 'the creator has not let you in yet', 'PENDING')
    const named = pub.mode === 'named'
    const pseudo = this.#pseudonym(pub.company)
    const author = named ? this.#identity.privateKey.publicKey.raw : pseudo.key
    const membership = (named
      ? company.data.memberships?.did
      : company.data.memberships?.pseudonym) as unknown as SignedMembership | undefined
    const body: AnnouncementBody = {
      v: 1,
      company: pub.company,
      project: pub.project,
      version: pub.version,
      author,
      ...(named
        ? { did: this.#identity.did, ...(this.#vault.secrets.name ? { name: this.#vault.secrets.name } : {}) }
        : {}),
      ...(membership ? { membership } : {}),
      published: this.#now().toISOString(),
      ...(withdrawn
        ? { withdrawn: true as const }
        : {
            content: await this.#content(
              pub.draft as unknown as Draft,
              pub.disclosure as Disclosures,
              pub.mode
            )
          }),
      ...(!withdrawn && pub.labels?.length ? { labels: pub.labels } : {})
    }
    try {
      const signed = await signAnnouncement(body, named ? this.#sign : keySigner(pseudo.secret))
      await this.#service.publish(signed)
    } catch (err) {
      if (err instanceof CompanyError) throw new CompaniesError('VALIDATION_FAILED', err.message, err.code)
      throw err
    }
  }

  async publish(input: {
    company: string
    draft: Draft
    disclosure: Disclosures
    mode: 'named' | 'pseudonymous'
    experienceId?: string
  }): Promise<AnyRecord> {
    const data: PublicationData = {
      company: input.company,
      project: randomUUID(),
      version: 1,
      mode: input.mode,
      draft: input.draft as unknown as Record<string, unknown>,
      disclosure: input.disclosure as Record<string, Disclosure>,
      ...(input.experienceId ? { experienceId: input.experienceId } : {})
    }
    await this.#announce(data)
    const rec = await this.#vault.put({
      type: 'publication',
      data,
      source: { kind: 'manual', at: this.#now().toISOString() }
    })
    this.#events.emit('company', { op: 'published', company: input.company })
    return rec
  }

  async edit(
    id: string,
    input: { draft?: Draft; disclosure?: Disclosures; mode?: 'named' | 'pseudonymous' }
  ): Promise<AnyRecord> {
    const rec = (await this.#publications()).find((r) => r.id === id)
    if (!rec) throw new CompaniesError('NOT_FOUND', 'no such publication')
    if (rec.data.withdrawn)
      throw new CompaniesError('INVALID_STATE', 'this project was withdrawn', 'WITHDRAWN')
    if (input.mode && input.mode !== rec.data.mode) {
      // another author key: withdraw under the old one, publish anew under the new one
      await this.#announce({ ...rec.data, version: rec.data.version + 1 }, true)
      const fresh = { ...rec.data, project: randomUUID(), version: 1, mode: input.mode }
      const next = {
        ...fresh,
        ...(input.draft ? { draft: input.draft as unknown as Record<string, unknown> } : {}),
        ...(input.disclosure ? { disclosure: input.disclosure as Record<string, Disclosure> } : {})
      }
      await this.#announce(next)
      return this.#vault.update(rec.id, next, rec.version)
    }
    const next: PublicationData = {
      ...rec.data,
      version: rec.data.version + 1,
      ...(input.draft ? { draft: input.draft as unknown as Record<string, unknown> } : {}),
      ...(input.disclosure ? { disclosure: input.disclosure as Record<string, Disclosure> } : {})
    }
    await this.#announce(next)
    this.#events.emit('company', { op: 'published', company: rec.data.company })
    return this.#vault.update(rec.id, next, rec.version)
  }

  async withdraw(id: string): Promise<AnyRecord> {
    const rec = (await this.#publications()).find((r) => r.id === id)
    if (!rec) throw new CompaniesError('NOT_FOUND', 'no such publication')
    if (rec.data.withdrawn) return rec
    const next = { ...rec.data, version: rec.data.version + 1, withdrawn: true }
    await this.#announce(next, true)
    this.#events.emit('company', { op: 'withdrawn', company: rec.data.company })
    return this.#vault.update(rec.id, next, rec.version)
  }

  async publications(company?: string): Promise<Array<AnyRecord & { slot: string }>> {
    return (await this.#publications())
      .filter((r) => !company || r.data.company === company)
      .map((r) => ({ ...r, slot: this.slotOf(r.data) }))
  }

  // ——— browsing and discovery ———

  async #decode(h: { id: string }): Promise<SignedAnnouncement | undefined> {
    const r = await this.#vault.get(h.id)
    if (!r) return undefined
    try {
      return decodeAnnouncement((r.data as StoredDataMap['announcement']).bytes) as SignedAnnouncement
    } catch {
      return undefined
    }
  }

  async #labelVerified(label: Record<string, unknown>): Promise<boolean> {
    const key = typeof label.id === 'string' ? label.id : JSON.stringify(label.proof ?? '')
    const cached = this.#labelChecks.get(key)
    if (cached !== undefined) return cached
    const result = await verifyCredential(label, { now: this.#now() }).catch(() => undefined)
    const ok = result?.verified === true
    this.#labelChecks.set(key, ok)
    return ok
  }

  async projects(
    company: string,
    query: { q?: string; skill?: string; from?: string; to?: string } = {}
  ): Promise<ProjectView[]> {
    if (!(await this.#company(company))) throw new CompaniesError('NOT_FOUND', 'no such company')
    const mine = new Set([
      authorId(this.#identity.privateKey.publicKey.raw),
      authorId(this.#pseudonym(company).key)
    ])
    const out: ProjectView[] = []
    for (const [slot, h] of this.#held) {
      if (h.company !== company) continue
      const a = await this.#decode(h)
      if (!a || a.body.withdrawn || !a.body.content) continue
      const b = a.body
      const id = authorId(b.author)
      if (this.#muted.has(id) || (b.did && this.#muted.has(b.did))) continue
      const c = b.content!
      if (query.q) {
        const hay = [c.title, c.summary, c.role, c.outcomes, ...(c.skills ?? []), b.name]
          .join(' ')
          .toLowerCase()
        if (
          !words(query.q).every((w) =>
            hay
              .normalize('NFD')
              .replace(/\p{Diacritic}/gu, '')
              .includes(w)
          )
        )
          continue
      }
      if (query.skill && !(c.skills ?? []).some((s) => s.toLowerCase() === query.skill!.toLowerCase()))
        continue
      // partial dates (2022, 2022-03, 2022-03-15) compare at the coarser of the two precisions
      const end = c.period?.ongoing ? '9999' : (c.period?.end ?? c.period?.start ?? '9999')
      const start = c.period?.start ?? '0000'
      if (query.from && end.slice(0, query.from.length) < query.from.slice(0, end.length)) continue
      if (query.to && start.slice(0, query.to.length) > query.to.slice(0, start.length)) continue
      const labels = await Promise.all(
        (b.labels ?? []).map(async (l) => {
          const issuer = l.issuer as { id?: string; name?: string } | string | undefined
          const subject = l.credentialSubject as { endorsementComment?: string } | undefined
          return {
            issuer: typeof issuer === 'string' ? issuer : (issuer?.id ?? ''),
            issuerName: typeof issuer === 'object' ? issuer?.name : undefined,
            comment: subject?.endorsementComment,
            verified: await this.#labelVerified(l)
          }
        })
      )
      out.push({
        slot,
        company,
        project: b.project,
        version: b.version,
        author: { id, did: b.did, name: b.name, pseudonymous: b.did === undefined, mine: mine.has(id) },
        published: b.published,
        content: {
          ...c,
          ...(c.images
            ? {
                images: c.images.map((i) => ({
                  mime: i.mime,
                  alt: i.alt,
                  src: `data:${i.mime};base64,${Buffer.from(i.data).toString('base64')}`
                }))
              }
            : {})
        } as unknown as ProjectContent,
        labels
      })
    }
    return out.sort((x, y) => y.published.localeCompare(x.published))
  }

  /** "Projects like mine": ranked by overlap with the person's own skills and experiences. */
  async similar(company: string): Promise<ProjectView[]> {
    const skills = new Set<string>()
    const vocab = new Set<string>()
    for (const r of await this.#vault.list('skill')) {
      const name = (r.data as StoredDataMap['skill']).name.toLowerCase()
      skills.add(name)
      for (const w of words(name)) vocab.add(w)
    }
    for (const r of await this.#vault.list('experience')) {
      const d = r.data as StoredDataMap['experience']
      for (const s of d.skills ?? []) skills.add(s.toLowerCase())
      for (const w of words([d.title, d.description ?? '', d.organisation ?? ''].join(' '))) vocab.add(w)
    }
    const scored = (await this.projects(company))
      .filter((p) => !p.author.mine)
      .map((p) => {
        const ps = (p.content.skills ?? []).map((s) => s.toLowerCase())
        const shared = ps.filter((s) => skills.has(s)).length
        const text = words(
          [p.content.title, p.content.summary ?? '', p.content.role ?? '', p.content.outcomes ?? ''].join(' ')
        )
        const common = new Set(text.filter((w) => vocab.has(w))).size
        return { ...p, score: shared * 3 + common }
      })
      .filter((p) => p.score > 0)
    return scored.sort((a, b) => (b.score ?? 0) - (a.score ?? 0))
  }

  // ——— the mailbox: connect requests, invitations, labels, join requests, memberships ———

  async #mailTo(company: string, to: Uint8Array, payload: Payload): Promise<void> {
    await this.#service.sendMail(company, sealMail(company, to, payload))
  }

  async #inbox(): Promise<Array<AnyRecord & { data: StoredDataMap['companymail'] }>> {
    return (await this.#vault.list('companymail')) as Array<
      AnyRecord & { data: StoredDataMap['companymail'] }
    >
  }

  async #onMail(company: string, bytes: Uint8Array): Promise<void> {
    const to = recipientOf(bytes)
    if (!to) return
    const didKey = this.#identity.privateKey.publicKey.raw
    const pseudo = this.#pseudonym(company)
    const secret = sameBytes(to, didKey)
      ? this.#vault.secrets.identitySeed
      : sameBytes(to, pseudo.key)
        ? pseudo.secret
        : undefined
    if (!secret) return
    let p: Payload
    try {
      p = openMail(company, secret, bytes)
    } catch {
      return
    }
    const at = this.#now().toISOString()
    const keep = async (data: StoredDataMap['companymail']) => {
      await this.#vault.put({ type: 'companymail', data, source: { kind: 'peer', at } })
      this.#events.emit('company', { op: 'mail', company, kind: data.kind })
    }
    switch (p.type) {
      case 'connect': {
        if (!verifyConnect(p) || p.body.company !== company) return
        await keep({
          company,
          kind: 'connect',
          slot: p.body.slot,
          from: p.body.from,
          name: p.body.name,
          ...(p.body.message ? { message: p.body.message } : {}),
          addrs: p.body.addrs,
          state: 'new',
          at
        })
        return
      }
      case 'invitation': {
        // the answer to our request: accept the contact invitation it carries
        const asked = (await this.#inbox()).find(
          (m) => m.data.kind === 'asked' && m.data.slot === p.slot && m.data.state === 'new'
        )
        if (!asked) return
        try {
          await this.#social.acceptInvitation(p.link)
          await this.#vault.update(asked.id, { ...asked.data, state: 'accepted' })
          this.#events.emit('company', { op: 'connected', company })
        } catch {
          // an expired or invalid invitation: the request stays open
        }
        return
      }
      case 'label': {
        await this.#onLabel(company, p.slot, p.credential)
        return
      }
      case 'join': {
        const rec = await this.#company(company)
        if (!rec || rec.data.role !== 'creator' || !verifyConnect(p) || p.body.company !== company) return
        const contact = (await this.#vault.list('contact')).some(
          (c) => (c.data as StoredDataMap['contact']).did === p.body.from
        )
        const data: StoredDataMap['companymail'] = {
          company,
          kind: 'join',
          from: p.body.from,
          name: p.body.name,
          pseudonym: p.body.pseudonym,
          state: contact ? 'accepted' : 'new',
          at
        }
        await keep(data)
        if (contact) await this.#sendMembership(company, p.body.from, p.body.pseudonym)
        return
      }
      case 'membership': {
        const rec = await this.#company(company)
        if (!rec || rec.data.status === 'joined') return
        const body = verifyCompany(rec.data.signed).body
        try {
          checkMembership(p.did, { id: company, body }, didKey, this.#now())
          checkMembership(p.pseudonym, { id: company, body }, pseudo.key, this.#now())
        } catch {
          return
        }
        await this.#vault.update(rec.id, {
          ...rec.data,
          status: 'joined',
          memberships: {
            did: p.did as unknown as Record<string, unknown>,
            pseudonym: p.pseudonym as unknown as Record<string, unknown>
          }
        })
        this.#service.join({ id: company, body, membership: p.did })
        this.#events.emit('company', { op: 'joined', company })
        void this.sync(company)
        return
      }
    }
  }

  async #sendMembership(company: string, did: string, pseudonym: Uint8Array): Promise<void> {
    const granted = await this.#grant(company, did, pseudonym)
    await this.#mailTo(company, publicKeyFromDidKey(did), {
      type: 'membership',
      company,
      did: granted.did,
      pseudonym: granted.pseudonym
    })
  }

  async mail(company?: string): Promise<AnyRecord[]> {
    return (await this.#inbox())
      .filter((m) => !company || m.data.company === company)
      .map((m) =>
        // the join request's pseudonym as an author id (JSON has no bytes)
        m.data.pseudonym
          ? ({ ...m, data: { ...m.data, pseudonym: authorId(m.data.pseudonym) } } as unknown as AnyRecord)
          : m
      )
  }

  /** Ask a project's author to connect (sealed to the author key: they may be pseudonymous). */
  async connect(company: string, slot: string, message?: string): Promise<AnyRecord> {
    const held = this.#held.get(slot)
    if (!held || held.company !== company) throw new CompaniesError('NOT_FOUND', 'no such project')
    const a = await this.#decode(held)
    if (!a) throw new CompaniesError('NOT_FOUND', 'no such project')
    const request = await signConnect(
      {
        type: 'connect',
        company,
        slot,
        from: this.#identity.did,
        name: this.#vault.secrets.name ?? 'Musette',
        ...(message ? { message } : {}),
        addrs: this.#addrs(),
        at: this.#now().toISOString()
      },
      this.#sign
    )
    await this.#mailTo(company, a.body.author, request)
    const rec = await this.#vault.put({
      type: 'companymail',
      data: {
        company,
        kind: 'asked',
        slot,
        ...(message ? { message } : {}),
        state: 'new',
        at: this.#now().toISOString()
      },
      source: { kind: 'manual', at: this.#now().toISOString() }
    })
    return rec
  }

  /** Answer a request: accept (a contact invitation goes back, sealed to the requester) or decline. */
  async answer(mailId: string, accept: boolean): Promise<AnyRecord> {
    const rec = (await this.#inbox()).find((m) => m.id === mailId)
    if (!rec) throw new CompaniesError('NOT_FOUND', 'no such request')
    const d = rec.data
    if (d.state !== 'new') throw new CompaniesError('INVALID_STATE', 'already answered', 'ANSWERED')
    if (accept && d.kind === 'connect' && d.from) {
      const { link } = await this.#social.createInvitation(72)
      await this.#mailTo(d.company, publicKeyFromDidKey(d.from), {
        type: 'invitation',
        company: d.company,
        slot: d.slot ?? '',
        link
      })
    } else if (accept && d.kind === 'join' && d.from && d.pseudonym) {
      await this.#sendMembership(d.company, d.from, d.pseudonym)
    } else if (d.kind !== 'connect' && d.kind !== 'join') {
      throw new CompaniesError('INVALID_STATE', 'nothing to answer', 'NOT_A_REQUEST')
    }
    const next = await this.#vault.update(
      rec.id,
      { ...d, state: accept ? 'accepted' : 'declined' },
      rec.version
    )
    this.#events.emit('company', { op: 'answered', company: d.company })
    return next
  }

  // ——— labels ———

  /** As an organisation: label a project ("projet soutenu par …") and send the label to its author. */
  async label(company: string, slot: string, comment?: string): Promise<Record<string, unknown>> {
    const held = this.#held.get(slot)
    if (!held || held.company !== company) throw new CompaniesError('NOT_FOUND', 'no such project')
    const a = await this.#decode(held)
    if (!a || !a.body.content) throw new CompaniesError('NOT_FOUND', 'no such project')
    const name = this.#vault.secrets.name ?? 'Musette'
    const unsigned = {
      '@context': [VC_V2_CONTEXT, OB_V3P0_CONTEXT],
      id: `urn:uuid:${randomUUID()}`,
      type: ['VerifiableCredential', 'EndorsementCredential'],
      name: `Projet soutenu par ${name}`,
      issuer: { id: this.#identity.did, type: ['Profile'], name },
      validFrom: this.#now().toISOString(),
      credentialSubject: {
        id: projectUrn(a.body),
        type: ['EndorsementSubject'],
        endorsementComment: comment?.trim() || `${name} soutient le projet « ${a.body.content.title} ».`
      }
    }
    const credential = await issueCredential(unsigned, {
      seed: this.#vault.secrets.identitySeed,
      did: this.#identity.did,
      now: this.#now()
    })
    await this.#mailTo(company, a.body.author, { type: 'label', company, slot, credential })
    return credential
  }

  async #onLabel(company: string, slot: string, credential: Record<string, unknown>): Promise<void> {
    const pub = (await this.#publications()).find(
      (r) => r.data.company === company && slotOfPublication(r.data, this) === slot
    )
    if (!pub || pub.data.withdrawn) return
    const result = await verifyCredential(credential, { now: this.#now() }).catch(() => undefined)
    const subject = credential.credentialSubject as { id?: string } | undefined
    const held = this.#held.get(slot)
    const a = held ? await this.#decode(held) : undefined
    if (!result?.verified || !a || subject?.id !== projectUrn(a.body)) return
    const issuer = credential.issuer as { id?: string; name?: string }
    const title = (pub.data.draft as unknown as Draft).title
    await this.#vault.put({
      type: 'credential',
      data: {
        role: 'received',
        credential,
        issuer: issuer.id ?? '',
        subject: this.#identity.did,
        kind: 'experience',
        name: `${title} — ${String(credential.name ?? 'Projet soutenu')}`.slice(0, 200),
        validFrom: String(credential.validFrom ?? this.#now().toISOString())
      },
      source: {
        kind: 'peer',
        at: this.#now().toISOString(),
        ...(issuer.name ? { name: issuer.name.slice(0, 200) } : {})
      }
    })
    const next = {
      ...pub.data,
      version: pub.data.version + 1,
      labels: [...(pub.data.labels ?? []), credential].slice(-5)
    }
    await this.#announce(next)
    await this.#vault.update(pub.id, next, pub.version)
    this.#events.emit('company', { op: 'labelled', company })
  }

  /** The slot of one of our publications. */
  slotOf(pub: PublicationData): string {
    const key =
      pub.mode === 'named' ? this.#identity.privateKey.publicKey.raw : this.#pseudonym(pub.company).key
    return slotOf({ company: pub.company, author: key, project: pub.project })
  }

  // ——— mute and block ———

  async mute(who: string, name?: string): Promise<void> {
    if (this.#muted.has(who)) return
    await this.#vault.put({
      type: 'mute',
      data: { who, ...(name ? { name: name.slice(0, 120) } : {}), at: this.#now().toISOString() },
      source: { kind: 'manual', at: this.#now().toISOString() }
    })
    this.#muted.add(who)
    this.#events.emit('company', { op: 'muted' })
  }

  async unmute(who: string): Promise<void> {
    for (const r of await this.#vault.list('mute')) {
      if ((r.data as StoredDataMap['mute']).who === who) await this.#vault.delete(r.id)
    }
    this.#muted.delete(who)
    this.#events.emit('company', { op: 'unmuted' })
  }

  async mutes(): Promise<AnyRecord[]> {
    return this.#vault.list('mute')
  }
}

function slotOfPublication(pub: PublicationData, companies: Companies): string {
  return companies.slotOf(pub)
}

function projectUrn(b: Pick<AnnouncementBody, 'company' | 'author' | 'project'>): string {
  return `urn:musette:project:${b.company}:${base64url.baseEncode(b.author)}:${b.project}`
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number)
  return d === 0
}
