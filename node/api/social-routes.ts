/** Routes of contacts, invitations, attestations and credentials (docs/API.md, issue 3). */
import { z } from 'zod'
import { ATTESTATION_KINDS, RecordId, RELATIONSHIPS, type StoredDataMap } from '../model/records.ts'
import { prepareHome, writeConfig } from '../home.ts'
import { SocialError, type Social } from '../social.ts'
import { ApiError, readJson, sendJson, validate } from './http.ts'
import type { Route } from './server.ts'
import type { MusetteNode } from '../service.ts'
import type { AnyRecord } from '../vault/vault.ts'

export const CreateInvitationBody = z
  .object({ expiresInHours: z.number().int().min(1).max(168).optional() })
  .strict()
export const AcceptInvitationBody = z.object({ invitation: z.string().trim().min(10).max(4096) }).strict()
export const RequestAttestationBody = z
  .object({
    contactId: RecordId,
    claim: z
      .object({
        kind: z.enum(ATTESTATION_KINDS),
        name: z.string().trim().min(1).max(200),
        description: z.string().max(2000).optional()
      })
      .strict(),
    experienceId: RecordId.optional(),
    message: z.string().max(2000).optional()
  })
  .strict()
export const AcceptAttestationBody = z
  .object({
    relationship: z.enum(RELATIONSHIPS),
    claim: z
      .object({ name: z.string().trim().min(1).max(200), description: z.string().max(2000).optional() })
      .strict()
      .optional(),
    testimony: z.string().max(4000).optional()
  })
  .strict()
export const DeclineAttestationBody = z.object({ reason: z.string().max(2000).optional() }).strict()
export const CredentialsQuery = z
  .object({ role: z.enum(['received', 'issued', 'imported']).optional() })
  .strict()
export const AttestationSettings = z
  .object({ policy: z.enum(['contacts', 'anyone']), perHour: z.number().int().min(1).max(100) })
  .strict()

const SOCIAL_STATUS = {
  INVALID_INVITATION: 'INVALID_INVITATION',
  NOT_A_CONTACT: 'NOT_A_CONTACT',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_STATE: 'INVALID_STATE',
  DIAL_FAILED: 'DIAL_FAILED',
  VALIDATION_FAILED: 'VALIDATION_FAILED'
} as const

/** Run a Social call, mapping its typed errors onto API errors. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof SocialError) {
      throw new ApiError(
        SOCIAL_STATUS[err.code],
        err.message,
        err.reason ? { reason: [err.reason] } : undefined
      )
    }
    throw err
  }
}

const normalize = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim()

export function socialRoutes(node: MusetteNode): Route[] {
  const social = (): Social => {
    node.requireUnlocked()
    const s = node.social
    if (!s) throw new ApiError('NETWORK_OFFLINE', node.networkError ?? 'the network is not running')
    return s
  }
  const byType = async <T extends keyof StoredDataMap>(type: T) => node.vault.list(type)

  return [
    {
      method: 'POST',
      path: '/api/invitations',
      summary: 'Create a signed, single-use invitation (link and QR code)',
      auth: true,
      body: CreateInvitationBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, CreateInvitationBody)
        sendJson(res, 201, await call(() => social().createInvitation(body.expiresInHours)))
      }
    },
    {
      method: 'POST',
      path: '/api/invitations/accept',
      summary: 'Accept an invitation: dial the inviter, exchange cards, record each other',
      auth: true,
      body: AcceptInvitationBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, AcceptInvitationBody)
        const contact = await call(() => social().acceptInvitation(body.invitation))
        sendJson(res, 200, { contact })
      }
    },
    {
      method: 'GET',
      path: '/api/contacts',
      summary: 'Contacts with online status and the history of exchanges',
      auth: true,
      handler: async ({ res }) => {
        const contacts = await byType('contact')
        const attestations = await byType('attestation')
        const credentials = await byType('credential')
        const s = node.social
        const out = contacts.map((record) => {
          const did = (record.data as StoredDataMap['contact']).did
          const history: { at: string; kind: string; label: string }[] = []
          if (did) {
            for (const a of attestations) {
              const d = a.data as StoredDataMap['attestation']
              if (d.peer === did)
                history.push({
                  at: d.at,
                  kind: d.direction === 'in' ? 'request-in' : 'request-out',
                  label: d.claim.name
                })
            }
            for (const c of credentials) {
              const d = c.data as StoredDataMap['credential']
              if (d.role === 'received' && d.issuer === did)
                history.push({ at: d.validFrom, kind: 'credential-in', label: d.name })
              if (d.role === 'issued' && d.subject === did)
                history.push({ at: d.validFrom, kind: 'credential-out', label: d.name })
            }
          }
          history.sort((a, b) => b.at.localeCompare(a.at))
          return { record, online: did && s ? s.isOnline(did) : false, history }
        })
        sendJson(res, 200, { contacts: out })
      }
    },
    {
      method: 'GET',
      path: '/api/attestations',
      summary: 'Attestation requests received (inbox) and sent (outbox)',
      auth: true,
      handler: async ({ res }) => {
        const all = await byType('attestation')
        const dir = (r: AnyRecord) => (r.data as StoredDataMap['attestation']).direction
        sendJson(res, 200, {
          inbox: all.filter((r) => dir(r) === 'in'),
          outbox: all.filter((r) => dir(r) === 'out')
        })
      }
    },
    {
      method: 'POST',
      path: '/api/attestations',
      summary:
        'Ask a contact to attest a skill or an experience (waits in the outbox while they are offline)',
      auth: true,
      body: RequestAttestationBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, RequestAttestationBody)
        let excerpt: StoredDataMap['attestation']['excerpt']
        if (body.experienceId) {
          const exp = await node.vault.get(body.experienceId)
          if (!exp || exp.type !== 'experience')
            throw new ApiError('NOT_FOUND', `no experience ${body.experienceId}`)
          const d = exp.data as StoredDataMap['experience']
          excerpt = {
            title: d.title,
            ...(d.organisation ? { organisation: d.organisation } : {}),
            ...(d.start ? { start: d.start } : {}),
            ...(d.end ? { end: d.end } : {}),
            ...(d.description ? { description: d.description.slice(0, 4000) } : {})
          }
        }
        const rec = await call(() =>
          social().requestAttestation({
            contactId: body.contactId,
            claim: body.claim,
            ...(excerpt ? { excerpt } : {}),
            ...(body.message ? { message: body.message } : {})
          })
        )
        sendJson(res, 201, rec)
      }
    },
    {
      method: 'POST',
      path: '/api/attestations/:id/accept',
      summary: 'Attest: sign an Open Badges 3.0 credential for the asker and send it',
      auth: true,
      body: AcceptAttestationBody,
      handler: async ({ req, res, params }) => {
        const id = validate(RecordId, params.id)
        const body = await readJson(req, AcceptAttestationBody)
        sendJson(
          res,
          200,
          await call(() =>
            social().accept(id, {
              relationship: body.relationship,
              ...(body.claim ? { claim: body.claim } : {}),
              ...(body.testimony ? { testimony: body.testimony } : {})
            })
          )
        )
      }
    },
    {
      method: 'POST',
      path: '/api/attestations/:id/decline',
      summary: 'Decline a request, with an optional reason sent to the asker',
      auth: true,
      body: DeclineAttestationBody,
      handler: async ({ req, res, params }) => {
        const id = validate(RecordId, params.id)
        const body = await readJson(req, DeclineAttestationBody)
        sendJson(res, 200, { attestation: await call(() => social().decline(id, body.reason)) })
      }
    },
    {
      method: 'GET',
      path: '/api/credentials',
      summary: 'Credentials received and issued',
      auth: true,
      query: CredentialsQuery,
      handler: async ({ res, url }) => {
        const q = validate(CredentialsQuery, Object.fromEntries(url.searchParams))
        const all = await byType('credential')
        sendJson(res, 200, {
          credentials: all.filter((r) => !q.role || (r.data as StoredDataMap['credential']).role === q.role)
        })
      }
    },
    {
      method: 'POST',
      path: '/api/credentials/:id/verify',
      summary: "Check a credential's signature, issuer, dates and shape",
      auth: true,
      handler: async ({ res, params }) => {
        const id = validate(RecordId, params.id)
        const rec = await node.vault.get(id)
        if (!rec || rec.type !== 'credential') throw new ApiError('NOT_FOUND', `no credential ${id}`)
        const { verifyCredential } = await import('../../credentials/verify.ts')
        const { validateOpenBadge } = await import('../../credentials/open-badges.ts')
        const d = rec.data as StoredDataMap['credential']
        const s = node.social
        const result = await verifyCredential(d.credential, {
          ...(s ? { checkStatus: (url: string) => s.fetchStatusList(url) } : {})
        })
        const badge = validateOpenBadge(d.credential)
        const revoked = result.checks.some((c) => c.name === 'status' && c.reason?.code === 'REVOKED')
        if (revoked && !d.revokedAt) {
          // the holder learns it here: the attestation stops counting for the skill
          await node.vault.update(rec.id, { ...d, revokedAt: new Date().toISOString() })
          node.emit('credential', { op: 'put', id: rec.id })
        }
        sendJson(res, 200, {
          ...result,
          verified: result.verified && badge.ok,
          openBadge: badge
        })
      }
    },
    {
      method: 'POST',
      path: '/api/credentials/:id/revoke',
      summary: 'Withdraw a credential you issued (its bit is set in your status list)',
      auth: true,
      handler: async ({ res, params }) => {
        const id = validate(RecordId, params.id)
        sendJson(res, 200, { credential: await call(() => social().revoke(id)) })
      }
    },
    {
      method: 'GET',
      path: '/api/skills/attestations',
      summary: 'For each skill: how many people, from how many organisations, attested it',
      auth: true,
      handler: async ({ res }) => {
        const creds = (await byType('credential')).filter(
          (r) =>
            (r.data as StoredDataMap['credential']).role === 'received' &&
            !(r.data as StoredDataMap['credential']).revokedAt
        )
        const contacts = await byType('contact')
        const skills = await byType('skill')
        const contactOf = (did: string) =>
          contacts.find((c) => (c.data as StoredDataMap['contact']).did === did)?.data as
            StoredDataMap['contact'] | undefined
        const groups = new Map<string, { name: string; attesters: Map<string, Record<string, unknown>> }>()
        for (const c of creds) {
          const d = c.data as StoredDataMap['credential']
          const key = normalize(d.name)
          const g = groups.get(key) ?? { name: d.name, attesters: new Map() }
          const contact = contactOf(d.issuer)
          g.attesters.set(d.issuer, {
            did: d.issuer,
            name: contact?.name ?? d.issuer,
            ...(contact?.organisation ? { organisation: contact.organisation } : {}),
            ...(d.relationship ? { relationship: d.relationship } : {}),
            credentialId: c.id
          })
          groups.set(key, g)
        }
        const out = [...groups.entries()].map(([key, g]) => {
          const attesters = [...g.attesters.values()]
          const orgs = new Set(attesters.map((a) => normalize(String(a.organisation ?? a.did))))
          const skill = skills.find((s) => normalize((s.data as StoredDataMap['skill']).name) === key)
          return {
            name: g.name,
            ...(skill ? { skillId: skill.id } : {}),
            people: attesters.length,
            organisations: orgs.size,
            attesters
          }
        })
        sendJson(res, 200, { skills: out })
      }
    },
    {
      method: 'GET',
      path: '/api/settings/attestations',
      summary: 'Who may ask for attestations, and how often',
      auth: true,
      handler: ({ res }) => sendJson(res, 200, node.config.attestations)
    },
    {
      method: 'PUT',
      path: '/api/settings/attestations',
      summary: 'Change who may ask for attestations, and how often',
      auth: true,
      body: AttestationSettings,
      handler: async ({ req, res }) => {
        const body = await readJson(req, AttestationSettings)
        // write only this setting: flags given to `musette start` stay out of musette.json
        const { config } = await prepareHome(node.home)
        await writeConfig(node.home, { ...config, attestations: body })
        node.config = { ...node.config, attestations: body }
        sendJson(res, 200, body)
      }
    }
  ]
}
