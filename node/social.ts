/**
 * The node's social side (issue 3): contacts by invitation, attestation requests and answers between
 * nodes, the credentials received and issued. Wires the protocols (`protocols/`) and the credentials
 * (`credentials/`) to the vault: every invitation, request, outbox entry and credential is a sealed record.
 */
import { randomUUID } from 'node:crypto'
import './native-verify.ts'
import { multiaddr } from '@multiformats/multiaddr'
import QRCode from 'qrcode'
import { issueCredential } from '../credentials/issue.ts'
import { skillAttestation, validateOpenBadge, type Relationship } from '../credentials/open-badges.ts'
import {
  createStatusList,
  DEFAULT_STATUS_LIST_LENGTH,
  setStatus,
  statusEntry
} from '../credentials/status-list.ts'
import { verifyCredential, verifyPresentation, type VerifyResult } from '../credentials/verify.ts'
import { makePresentation } from './compose.ts'
import { vaultOutboxStore } from './outbox-store.ts'
import {
  attestProtocol,
  attestOutbox,
  contactProtocol,
  peerIdOfDid,
  presentProtocol,
  statusProtocol,
  type Outbox
} from '../protocols/index.ts'
import type { StoredDataMap, VaultRecord } from './model/records.ts'
import type { Identity } from './identity.ts'
import type { MusetteLibp2p } from './network/p2p.ts'
import type { AnyRecord, Vault } from './vault/vault.ts'
import type { AttestMessage } from '../protocols/attest/schema.ts'

export const DEFAULT_INVITATION_HOURS = 72
/** How long a status list fetched from a peer is trusted before asking again. */
export const STATUS_CACHE_MS = 5 * 60_000
const STATUS_LIST_PREFIX = 'urn:musette:status:'

/** The id of an issuer's status list: `urn:musette:status:<did:key fingerprint>` (so the issuer is in it). */
export function statusListIdOf(did: string): string {
  return STATUS_LIST_PREFIX + did.slice('did:key:'.length)
}

export function issuerOfStatusList(listId: string): string | undefined {
  if (!listId.startsWith(STATUS_LIST_PREFIX)) return undefined
  const fp = listId.slice(STATUS_LIST_PREFIX.length)
  return /^z[1-9A-HJ-NP-Za-km-z]{40,60}$/.test(fp) ? `did:key:${fp}` : undefined
}

export type AttestationPolicy = 'contacts' | 'anyone'

export interface SocialSettings {
  policy: AttestationPolicy
  perHour: number
}

export class SocialError extends Error {
  constructor(
    readonly code:
      | 'INVALID_INVITATION'
      | 'NOT_A_CONTACT'
      | 'NOT_FOUND'
      | 'INVALID_STATE'
      | 'DIAL_FAILED'
      | 'VALIDATION_FAILED',
    message: string,
    readonly reason?: string
  ) {
    super(message)
    this.name = 'SocialError'
  }
}

export interface SocialEvents {
  emit(name: 'contact' | 'attestation' | 'credential', data: Record<string, unknown>): void
}

export interface SocialInit {
  vault: Vault
  identity: Identity
  libp2p: MusetteLibp2p
  settings: () => SocialSettings
  events: SocialEvents
  now?: () => Date
}

const peerSource = (name: string | undefined, at: string) => ({
  kind: 'peer' as const,
  at,
  ...(name ? { name: name.slice(0, 200) } : {})
})

export class Social {
  readonly #vault: Vault
  readonly #identity: Identity
  readonly #libp2p: MusetteLibp2p
  readonly #events: SocialEvents
  readonly #settings: () => SocialSettings
  readonly #now: () => Date
  readonly #contact: contactProtocol.ContactService
  readonly #attest: attestProtocol.AttestService
  readonly #outbox: Outbox<AttestMessage>
  readonly #status: statusProtocol.StatusService
  readonly #present: presentProtocol.PresentService
  readonly #statusCache = new Map<string, { credential: Record<string, unknown>; at: number }>()
  readonly #taking = new Set<string>()
  readonly #inbound = new Map<string, number[]>()

  constructor(init: SocialInit) {
    this.#vault = init.vault
    this.#identity = init.identity
    this.#libp2p = init.libp2p
    this.#events = init.events
    this.#settings = init.settings
    this.#now = init.now ?? (() => new Date())
    const libp2p = init.libp2p
    this.#contact = contactProtocol.contact()({
      libp2p,
      privateKey: init.identity.privateKey,
      nonceStore: {
        issue: (nonce, expiresAt) => this.#issueNonce(nonce, expiresAt),
        take: (nonce) => this.#takeNonce(nonce)
      },
      onContact: async (c) => {
        await this.#recordContact(c.did, c.name, c.addrs)
      },
      profile: () => ({ name: this.#vault.secrets.name })
    })
    this.#attest = attestProtocol.attest()({
      libp2p,
      onMessage: (message, { remoteDid }) => this.#onMessage(message, remoteDid)
    })
    this.#outbox = attestOutbox(libp2p, vaultOutboxStore(init.vault, 'outbox', this.#now))
    this.#status = statusProtocol.status()({ libp2p, getList: (id) => this.#servedList(id) })
    this.#present = presentProtocol.present()({
      libp2p,
      onPresentation: (input) => this.#onPresentation(input.request, input.presentation, input.remoteDid)
    })
    this.#outbox.on('delivered', (e) => void this.#delivered(e.id))
    this.#outbox.on('failed', (e) => void this.#deliveryFailed(e.id, e.error.message))
  }

  async start(): Promise<void> {
    // what we know of our contacts' addresses (the peer store itself is in memory only)
    for (const c of await this.#vault.list('contact')) {
      const d = c.data as StoredDataMap['contact']
      if (d.did && d.addrs?.length) await this.#rememberAddrs(d.did, d.addrs)
    }
    await this.#contact.start()
    await this.#attest.start()
    await this.#status.start()
    await this.#present.start()
    await this.#outbox.start()
  }

  /**
   * Back online: dial the contacts we know an address for, so that waiting messages flow both ways. Called by
   * the node once every service handles its protocol (a contact's outbox tries at once on connection).
   */
  reconnect(): void {
    void this.#reconnect()
  }

  async #reconnect(): Promise<void> {
    const contacts = await this.#vault.list('contact').catch(() => [])
    await Promise.allSettled(
      contacts.slice(0, 50).map(async (c) => {
        const d = c.data as StoredDataMap['contact']
        if (!d.did || !d.addrs?.length) return
        await this.#libp2p.dial(peerIdOfDid(d.did), { signal: AbortSignal.timeout(5000) })
      })
    )
  }

  async stop(): Promise<void> {
    await this.#outbox.stop()
    await this.#status.stop()
    await this.#present.stop()
    await this.#attest.stop()
    await this.#contact.stop()
  }

  async #rememberAddrs(did: string, addrs: string[]): Promise<void> {
    try {
      const peerId = peerIdOfDid(did)
      const mas = addrs.flatMap((a) => {
        try {
          return [multiaddr(a.replace(/\/p2p\/[^/]+$/, ''))]
        } catch {
          return []
        }
      })
      if (mas.length) await this.#libp2p.peerStore.merge(peerId, { multiaddrs: mas })
    } catch {
      // not a did:key, or addresses we cannot parse: the outbox waits for the peer to connect to us
    }
  }

  // ——— invitations and contacts ———

  async #issueNonce(nonce: string, expiresAt: number): Promise<void> {
    await this.#vault.put({
      type: 'invitation',
      data: { nonce, expiresAt: new Date(expiresAt).toISOString() },
      source: { kind: 'manual', at: this.#now().toISOString() }
    })
  }

  /** Single use: the first take of a live nonce wins, every other take fails. */
  async #takeNonce(nonce: string): Promise<boolean> {
    if (this.#taking.has(nonce)) return false
    this.#taking.add(nonce)
    try {
      const rec = (await this.#vault.list('invitation')).find(
        (r) => (r.data as StoredDataMap['invitation']).nonce === nonce
      )
      if (!rec) return false
      const d = rec.data as StoredDataMap['invitation']
      if (d.usedAt || Date.parse(d.expiresAt) <= this.#now().getTime()) return false
      await this.#vault.update(rec.id, { ...d, usedAt: this.#now().toISOString() })
      return true
    } finally {
      this.#taking.delete(nonce)
    }
  }

  async createInvitation(
    hours = DEFAULT_INVITATION_HOURS
  ): Promise<{ link: string; expiresAt: string; qrSvg: string }> {
    const created = await this.#contact.createInvitation({
      ttlMs: hours * 3600_000,
      addrs: this.#libp2p.getMultiaddrs().filter((ma) => !ma.toString().includes('/p2p-circuit'))
    })
    const qrSvg = await QRCode.toString(created.link, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 })
    return { link: created.link, expiresAt: new Date(created.exp * 1000).toISOString(), qrSvg }
  }

  async acceptInvitation(text: string): Promise<VaultRecord<'contact'>> {
    const parsed = await contactProtocol.parseInvitation(text, { now: this.#now().getTime() })
    if (!parsed.ok)
      throw new SocialError('INVALID_INVITATION', `invalid invitation: ${parsed.reason}`, parsed.reason)
    if (parsed.invitation.did === this.#identity.did) {
      throw new SocialError('INVALID_INVITATION', 'this is your own invitation', 'OWN_INVITATION')
    }
    let card: { did: string; name: string }
    try {
      card = await this.#contact.acceptInvitation(text)
    } catch (err) {
      const name = err instanceof Error ? err.name : ''
      const reason = (err as { reason?: string }).reason
      if (name === 'InvitationRejectedError') {
        throw new SocialError(
          'INVALID_INVITATION',
          `the inviter refused: ${reason ?? 'rejected'}`,
          reason ?? 'REJECTED'
        )
      }
      if (name === 'InvalidInvitationError') {
        throw new SocialError(
          'INVALID_INVITATION',
          `invalid invitation: ${reason ?? ''}`,
          reason ?? 'MALFORMED'
        )
      }
      throw new SocialError(
        'DIAL_FAILED',
        `could not reach the inviter: ${err instanceof Error ? err.message : String(err)}`
      )
    }
    return this.#recordContact(card.did, card.name, parsed.invitation.addrs)
  }

  /** Record (or update) a contact met through an invitation. */
  async #recordContact(did: string, name: string, addrs?: string[]): Promise<VaultRecord<'contact'>> {
    const at = this.#now().toISOString()
    const existing = await this.#contactByDid(did)
    const cleanAddrs = addrs?.filter((a) => a.length <= 500).slice(0, 20)
    if (cleanAddrs?.length) await this.#rememberAddrs(did, cleanAddrs)
    if (existing) {
      const d = existing.data as StoredDataMap['contact']
      const updated = await this.#vault.update(existing.id, {
        ...d,
        ...(cleanAddrs?.length ? { addrs: cleanAddrs } : {})
      })
      this.#events.emit('contact', { op: 'put', id: updated.id })
      return updated as VaultRecord<'contact'>
    }
    const rec = await this.#vault.put({
      type: 'contact',
      data: {
        name: name.slice(0, 200) || did.slice(0, 24),
        did,
        circles: [],
        howWeMet: `Invitation Musette, ${at.slice(0, 10)}`,
        ...(cleanAddrs?.length ? { addrs: cleanAddrs } : {})
      },
      source: peerSource(name, at)
    })
    this.#events.emit('contact', { op: 'put', id: rec.id })
    return rec as VaultRecord<'contact'>
  }

  async #contactByDid(did: string): Promise<AnyRecord | undefined> {
    return (await this.#vault.list('contact')).find((c) => (c.data as StoredDataMap['contact']).did === did)
  }

  isOnline(did: string): boolean {
    try {
      const peerId = peerIdOfDid(did)
      return this.#libp2p.getConnections(peerId).length > 0
    } catch {
      return false
    }
  }

  // ——— attestation requests ———

  async requestAttestation(input: {
    contactId: string
    claim: { kind: 'skill' | 'experience'; name: string; description?: string }
    excerpt?: StoredDataMap['attestation']['excerpt']
    message?: string
  }): Promise<AnyRecord> {
    const contact = await this.#vault.get(input.contactId)
    if (!contact || contact.type !== 'contact')
      throw new SocialError('NOT_FOUND', `no contact ${input.contactId}`)
    const c = contact.data as StoredDataMap['contact']
    if (!c.did)
      throw new SocialError('NOT_A_CONTACT', `${c.name} has no Musette identity yet: invite them first`)
    const at = this.#now()
    const requestId = randomUUID()
    const message: AttestMessage = {
      type: 'attest-request',
      id: requestId,
      from: this.#identity.did,
      to: c.did,
      claim: input.claim,
      ...(input.excerpt ? { excerpt: input.excerpt } : {}),
      ...(input.message ? { message: input.message } : {}),
      sentAt: at.getTime()
    }
    const rec = await this.#vault.put({
      type: 'attestation',
      data: {
        direction: 'out',
        requestId,
        peer: c.did,
        peerName: c.name,
        claim: input.claim,
        ...(input.excerpt ? { excerpt: input.excerpt } : {}),
        ...(input.message ? { message: input.message } : {}),
        state: 'pending',
        at: at.toISOString()
      },
      source: { kind: 'manual', at: at.toISOString() }
    })
    this.#events.emit('attestation', { op: 'put', id: rec.id, state: 'pending' })
    await this.#outbox.enqueue(message, c.did)
    return rec
  }

  async #attestationByRequest(requestId: string, direction: 'in' | 'out'): Promise<AnyRecord | undefined> {
    return (await this.#vault.list('attestation')).find((r) => {
      const d = r.data as StoredDataMap['attestation']
      return d.requestId === requestId && d.direction === direction
    })
  }

  async #setState(rec: AnyRecord, patch: Partial<StoredDataMap['attestation']>): Promise<AnyRecord> {
    const updated = await this.#vault.update(rec.id, {
      ...(rec.data as StoredDataMap['attestation']),
      ...patch
    })
    this.#events.emit('attestation', {
      op: 'put',
      id: updated.id,
      state: (updated.data as StoredDataMap['attestation']).state
    })
    return updated
  }

  /** Accept a received request: sign an Open Badges 3.0 credential and send it back. */
  async accept(
    id: string,
    input: { relationship: Relationship; claim?: { name: string; description?: string }; testimony?: string }
  ): Promise<{ attestation: AnyRecord; credential: AnyRecord }> {
    const rec = await this.#inbound_(id)
    const d = rec.data as StoredDataMap['attestation']
    const now = this.#now()
    const contact = await this.#contactByDid(d.peer)
    const unsigned = skillAttestation({
      issuer: { did: this.#identity.did, name: this.#vault.secrets.name },
      holder: { did: d.peer, ...(contact ? { name: (contact.data as StoredDataMap['contact']).name } : {}) },
      achievement: {
        name: input.claim?.name ?? d.claim.name,
        ...((input.claim?.description ?? d.claim.description)
          ? { description: input.claim?.description ?? d.claim.description }
          : {}),
        kind: d.claim.kind
      },
      relationship: input.relationship,
      ...(d.excerpt
        ? {
            context: {
              experience: d.excerpt.title,
              ...(d.excerpt.organisation ? { organisation: d.excerpt.organisation } : {}),
              ...(d.excerpt.start ? { start: d.excerpt.start } : {}),
              ...(d.excerpt.end ? { end: d.excerpt.end } : {})
            }
          }
        : {}),
      ...(input.testimony ? { testimony: input.testimony } : {}),
      validFrom: now.toISOString(),
      id: `urn:uuid:${randomUUID()}`
    })
    const { listId, index } = await this.#allocateStatus()
    unsigned.credentialStatus = statusEntry(listId, index)
    const signed = await issueCredential(unsigned, {
      seed: this.#vault.secrets.identitySeed,
      did: this.#identity.did,
      now
    })
    const credential = await this.#vault.put({
      type: 'credential',
      data: {
        role: 'issued',
        credential: signed,
        issuer: this.#identity.did,
        subject: d.peer,
        kind: d.claim.kind,
        name: (input.claim?.name ?? d.claim.name).slice(0, 200),
        relationship: input.relationship,
        validFrom: now.toISOString(),
        statusIndex: index,
        requestId: d.requestId
      },
      source: { kind: 'manual', at: now.toISOString() }
    })
    const attestation = await this.#setState(rec, {
      state: 'accepted',
      credentialId: credential.id,
      answeredAt: now.toISOString()
    })
    this.#events.emit('credential', { op: 'put', id: credential.id })
    await this.#outbox.enqueue(
      {
        type: 'attest-response',
        id: randomUUID(),
        requestId: d.requestId,
        from: this.#identity.did,
        to: d.peer,
        status: 'accepted',
        credential: signed,
        sentAt: now.getTime()
      },
      d.peer
    )
    return { attestation, credential }
  }

  async decline(id: string, reason?: string): Promise<AnyRecord> {
    const rec = await this.#inbound_(id)
    const d = rec.data as StoredDataMap['attestation']
    const now = this.#now()
    const attestation = await this.#setState(rec, {
      state: 'declined',
      ...(reason ? { reason } : {}),
      answeredAt: now.toISOString()
    })
    await this.#outbox.enqueue(
      {
        type: 'attest-response',
        id: randomUUID(),
        requestId: d.requestId,
        from: this.#identity.did,
        to: d.peer,
        status: 'declined',
        ...(reason ? { reason } : {}),
        sentAt: now.getTime()
      },
      d.peer
    )
    return attestation
  }

  async #inbound_(id: string): Promise<AnyRecord> {
    const rec = await this.#vault.get(id)
    if (!rec || rec.type !== 'attestation') throw new SocialError('NOT_FOUND', `no attestation request ${id}`)
    const d = rec.data as StoredDataMap['attestation']
    if (d.direction !== 'in')
      throw new SocialError('INVALID_STATE', 'you can only answer requests you received')
    if (d.state !== 'pending') throw new SocialError('INVALID_STATE', `this request was already ${d.state}`)
    return rec
  }

  // ——— the inbox: what peers send us ———

  #rateLimited(did: string): boolean {
    const now = this.#now().getTime()
    const hits = (this.#inbound.get(did) ?? []).filter((t) => now - t < 3600_000)
    hits.push(now)
    this.#inbound.set(did, hits)
    return hits.length > this.#settings().perHour
  }

  async #onMessage(message: AttestMessage, remoteDid: string): Promise<attestProtocol.InboxVerdict> {
    if (message.type === 'attest-request') {
      if (await this.#attestationByRequest(message.id, 'in')) return 'duplicate'
      const contact = await this.#contactByDid(remoteDid)
      if (this.#settings().policy === 'contacts' && !contact) return { reject: 'NOT_A_CONTACT' }
      if (this.#rateLimited(remoteDid)) return { reject: 'RATE_LIMITED' }
      const at = this.#now().toISOString()
      const peerName = contact ? (contact.data as StoredDataMap['contact']).name : undefined
      const rec = await this.#vault.put({
        type: 'attestation',
        data: {
          direction: 'in',
          requestId: message.id,
          peer: remoteDid,
          ...(peerName ? { peerName } : {}),
          claim: message.claim,
          ...(message.excerpt ? { excerpt: message.excerpt } : {}),
          ...(message.message ? { message: message.message } : {}),
          state: 'pending',
          at
        },
        source: peerSource(peerName, at)
      })
      this.#events.emit('attestation', { op: 'put', id: rec.id, state: 'pending' })
      return 'accepted'
    }
    if (message.type === 'attest-response') {
      const rec = await this.#attestationByRequest(message.requestId, 'out')
      if (!rec) return { reject: 'UNKNOWN_REQUEST' }
      const d = rec.data as StoredDataMap['attestation']
      if (d.peer !== remoteDid) return { reject: 'UNKNOWN_REQUEST' }
      if (d.state === 'accepted' || d.state === 'declined') return 'duplicate'
      const at = this.#now().toISOString()
      if (message.status === 'declined') {
        await this.#setState(rec, {
          state: 'declined',
          ...(message.reason ? { reason: message.reason } : {}),
          answeredAt: at
        })
        return 'accepted'
      }
      const check = await this.checkReceived(message.credential, remoteDid)
      if (!check.ok) return { reject: 'INVALID_CREDENTIAL' }
      const subject = message.credential.credentialSubject as { achievement?: { name?: string } } | undefined
      const credential = await this.#vault.put({
        type: 'credential',
        data: {
          role: 'received',
          credential: message.credential,
          issuer: remoteDid,
          subject: this.#identity.did,
          kind: d.claim.kind,
          name: (subject?.achievement?.name ?? d.claim.name).slice(0, 200),
          ...(check.relationship ? { relationship: check.relationship } : {}),
          validFrom:
            typeof message.credential.validFrom === 'string'
              ? new Date(message.credential.validFrom).toISOString()
              : at,
          requestId: d.requestId
        },
        source: peerSource(d.peerName, at)
      })
      await this.#setState(rec, { state: 'accepted', credentialId: credential.id, answeredAt: at })
      this.#events.emit('credential', { op: 'put', id: credential.id })
      return 'accepted'
    }
    return { reject: 'INVALID_MESSAGE' }
  }

  /** A credential received from `issuerDid`: signed by them, about us, a valid Open Badge. */
  async checkReceived(
    credential: Record<string, unknown>,
    issuerDid: string
  ): Promise<{ ok: boolean; result: VerifyResult; relationship?: Relationship }> {
    const result = await verifyCredential(credential, {
      now: this.#now(),
      checkStatus: (url) => this.fetchStatusList(url)
    })
    const badge = validateOpenBadge(credential)
    const subject = credential.credentialSubject as { id?: string; relationship?: unknown } | undefined
    const ok =
      result.verified && badge.ok && result.issuer === issuerDid && subject?.id === this.#identity.did
    const relationship =
      typeof subject?.relationship === 'string' ? (subject.relationship as Relationship) : undefined
    return { ok, result, ...(relationship ? { relationship } : {}) }
  }

  // ——— revocation: this node's status list ———

  async #ownList(): Promise<AnyRecord> {
    const existing = (await this.#vault.list('statuslist'))[0]
    if (existing) return existing
    const listId = statusListIdOf(this.#identity.did)
    const unsigned = await createStatusList({
      did: this.#identity.did,
      id: listId,
      length: DEFAULT_STATUS_LIST_LENGTH
    })
    const credential = await issueCredential(unsigned, {
      seed: this.#vault.secrets.identitySeed,
      did: this.#identity.did
    })
    return this.#vault.put({
      type: 'statuslist',
      data: { listId, credential, nextIndex: 0, length: DEFAULT_STATUS_LIST_LENGTH },
      source: { kind: 'manual', at: this.#now().toISOString() }
    })
  }

  /** A fresh index in this node's status list (for a credential it is about to sign). */
  allocateStatus(): Promise<{ listId: string; index: number }> {
    return this.#allocateStatus()
  }

  /** Set these indexes of this node's status list (revoked) and sign the list again. */
  async revokeIndexes(indexes: number[]): Promise<void> {
    if (indexes.length === 0) return
    const listRec = await this.#ownList()
    const l = listRec.data as StoredDataMap['statuslist']
    let list: Record<string, unknown> = l.credential
    for (const i of indexes) list = await setStatus(list, i, true)
    list.validFrom = this.#now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
    const signed = await issueCredential(list, {
      seed: this.#vault.secrets.identitySeed,
      did: this.#identity.did
    })
    await this.#vault.update(listRec.id, { ...l, credential: signed })
  }

  async #allocateStatus(): Promise<{ listId: string; index: number }> {
    const rec = await this.#ownList()
    const d = rec.data as StoredDataMap['statuslist']
    if (d.nextIndex >= d.length) throw new SocialError('INVALID_STATE', 'the status list is full')
    await this.#vault.update(rec.id, { ...d, nextIndex: d.nextIndex + 1 })
    return { listId: d.listId, index: d.nextIndex }
  }

  /** Withdraw a credential this node issued: set its bit in the status list and sign the list again. */
  async revoke(credentialId: string): Promise<AnyRecord> {
    const rec = await this.#vault.get(credentialId)
    if (!rec || rec.type !== 'credential') throw new SocialError('NOT_FOUND', `no credential ${credentialId}`)
    const c = rec.data as StoredDataMap['credential']
    if (c.role !== 'issued' || c.statusIndex === undefined) {
      throw new SocialError(
        'INVALID_STATE',
        'only credentials you issued, with a status entry, can be withdrawn'
      )
    }
    if (c.revokedAt) return rec
    const listRec = await this.#ownList()
    const l = listRec.data as StoredDataMap['statuslist']
    const unsigned = await setStatus(l.credential, c.statusIndex, true)
    unsigned.validFrom = this.#now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
    const signed = await issueCredential(unsigned, {
      seed: this.#vault.secrets.identitySeed,
      did: this.#identity.did
    })
    await this.#vault.update(listRec.id, { ...l, credential: signed })
    const updated = await this.#vault.update(rec.id, { ...c, revokedAt: this.#now().toISOString() })
    this.#events.emit('credential', { op: 'put', id: updated.id })
    return updated
  }

  /** What the status protocol serves: our own list, or a copy of another issuer's we fetched. */
  async #servedList(id: string): Promise<Record<string, unknown> | undefined> {
    if (id === statusListIdOf(this.#identity.did)) {
      const own = (await this.#vault.list('statuslist'))[0]
      return own ? (own.data as StoredDataMap['statuslist']).credential : undefined
    }
    return this.#statusCache.get(id)?.credential
  }

  /**
   * A status list, for verification: ours from the vault; another issuer's from the issuer's node over
   * `/musette/status/1.0.0`, or a copy fetched less than STATUS_CACHE_MS ago when the issuer is offline.
   * Undefined when it cannot be had: the verifier then says "status unknown". The copies we keep are
   * served to other peers too (they are signed: the asker verifies them).
   */
  async fetchStatusList(listId: string): Promise<Record<string, unknown> | undefined> {
    const issuer = issuerOfStatusList(listId)
    if (!issuer) return undefined
    if (issuer === this.#identity.did) return this.#servedList(listId)
    // the issuer first (a revocation shows at once); a recent copy when the issuer cannot be reached
    const cached = this.#statusCache.get(listId)
    try {
      const credential = await statusProtocol.fetchStatusList(this.#libp2p, peerIdOfDid(issuer), listId, {
        timeoutMs: 5000
      })
      if (credential) this.#statusCache.set(listId, { credential, at: this.#now().getTime() })
      return credential
    } catch {
      return cached && this.#now().getTime() - cached.at < STATUS_CACHE_MS ? cached.credential : undefined
    }
  }

  // ——— presentation requests (issue 4) ———

  /** As a verifier: sign a request for a presentation, with a fresh single-use challenge. */
  async createPresentationRequest(input: { asks: string; domain?: string; hours?: number }) {
    const domain = input.domain ?? this.#identity.did
    const created = await presentProtocol.createRequest({
      privateKey: this.#identity.privateKey,
      addrs: this.#libp2p.getMultiaddrs().filter((ma) => !ma.toString().includes('/p2p-circuit')),
      name: this.#vault.secrets.name,
      asks: input.asks,
      domain,
      ttlMs: (input.hours ?? 24) * 3600_000
    })
    const expiresAt = new Date(created.exp * 1000).toISOString()
    const rec = await this.#vault.put({
      type: 'verification',
      data: { challenge: created.challenge, domain, asks: input.asks, expiresAt },
      source: { kind: 'manual', at: this.#now().toISOString() }
    })
    const qrSvg = await QRCode.toString(created.link, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 })
    return { id: rec.id, link: created.link, challenge: created.challenge, domain, expiresAt, qrSvg }
  }

  /** As a holder: read a request (who asks, what, for which domain, until when) before consenting. */
  async openPresentationRequest(text: string): Promise<presentProtocol.PresentationRequest> {
    const parsed = await presentProtocol.parseRequest(text, { now: this.#now().getTime() })
    if (!parsed.ok)
      throw new SocialError('INVALID_INVITATION', `invalid request: ${parsed.reason}`, parsed.reason)
    return parsed.request
  }

  /** As a holder, after consent: sign a presentation of a composition for this request and send it. */
  async answerPresentationRequest(text: string, compositionId: string): Promise<AnyRecord> {
    const request = await this.openPresentationRequest(text)
    const composition = await this.#vault.get(compositionId)
    if (!composition || composition.type !== 'composition') {
      throw new SocialError('NOT_FOUND', `no composition ${compositionId}`)
    }
    const { presentation, log } = await makePresentation(this.#vault, this.#identity, composition, {
      deferLog: true,
      challenge: request.challenge,
      domain: request.domain,
      to: { name: request.name, did: request.did },
      now: this.#now(),
      status: { allocate: () => this.#allocateStatus() }
    })
    try {
      await presentProtocol.sendPresentation(this.#libp2p, request, presentation)
    } catch (err) {
      const reason = (err as { reason?: string }).reason
      if (reason) throw new SocialError('INVALID_STATE', `the verifier refused: ${reason}`, reason)
      throw new SocialError(
        'DIAL_FAILED',
        `could not reach the verifier: ${err instanceof Error ? err.message : String(err)}`
      )
    }
    // the ledger keeps what the verifier now holds (a refused presentation is not kept there)
    return log()
  }

  /** As a verifier: a presentation for one of our requests. Verified against its challenge and domain. */
  async #onPresentation(
    request: presentProtocol.PresentationRequest,
    presentation: Record<string, unknown>,
    remoteDid: string
  ): Promise<'accepted' | { reject: string }> {
    const rec = (await this.#vault.list('verification')).find(
      (r) => (r.data as StoredDataMap['verification']).challenge === request.challenge
    )
    if (!rec) return { reject: 'UNKNOWN_REQUEST' }
    const d = rec.data as StoredDataMap['verification']
    if (d.answeredAt) return { reject: 'ALREADY_ANSWERED' }
    const result = await verifyPresentation(presentation, {
      challenge: d.challenge,
      domain: d.domain,
      now: this.#now(),
      checkStatus: (url) => this.fetchStatusList(url)
    })
    const checks = [...result.checks, ...(result.credentials ?? []).flatMap((c) => c.checks)].slice(0, 2000)
    if (!result.verified) {
      const first = checks.find((c) => !c.ok)
      return { reject: first?.reason?.code ?? 'VERIFICATION_FAILED' }
    }
    const updated = await this.#vault.update(rec.id, {
      ...d,
      answeredAt: this.#now().toISOString(),
      holder: remoteDid,
      verified: true,
      checks: checks.map((c) => ({ name: c.name, ok: c.ok, ...(c.reason ? { code: c.reason.code } : {}) })),
      presentation
    })
    this.#events.emit('credential', { op: 'put', id: updated.id })
    return 'accepted'
  }

  // ——— the outbox's bookkeeping ———

  async #delivered(messageId: string): Promise<void> {
    const rec = await this.#attestationByRequest(messageId, 'out')
    if (rec && (rec.data as StoredDataMap['attestation']).state === 'pending')
      await this.#setState(rec, { state: 'sent' })
  }

  async #deliveryFailed(messageId: string, reason: string): Promise<void> {
    const rec = await this.#attestationByRequest(messageId, 'out')
    if (rec && (rec.data as StoredDataMap['attestation']).state === 'pending') {
      await this.#setState(rec, { state: 'failed', reason: reason.slice(0, 2000) })
    }
  }
}
