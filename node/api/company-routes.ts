/** Routes of project companies (docs/API.md, issue 6). */
import { z } from 'zod'
import { DISCLOSURES } from '../../protocols/company/schema.ts'
import { RecordId } from '../model/records.ts'
import { CompaniesError, type Companies } from '../companies.ts'
import { ApiError, readJson, sendJson } from './http.ts'
import type { Route } from './server.ts'
import type { MusetteNode } from '../service.ts'

const text = (max: number) => z.string().trim().min(1).max(max)
const partialDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date like 2024, 2024-03 or 2024-03-15')

export const CreateCompanyBody = z
  .object({
    name: text(120),
    description: z.string().max(2000).optional(),
    tags: z.array(text(40)).max(12).optional(),
    mode: z.enum(['open', 'invite'])
  })
  .strict()
export const JoinCompanyBody = z.object({ link: z.string().trim().min(10).max(16_384) }).strict()
const Draft = z
  .object({
    title: text(200),
    summary: z.string().max(2000).optional(),
    period: z
      .object({ start: partialDate.optional(), end: partialDate.optional(), ongoing: z.boolean().optional() })
      .strict()
      .optional(),
    role: z.string().max(200).optional(),
    skills: z.array(text(80)).max(30).optional(),
    outcomes: z.string().max(2000).optional(),
    /** Media record ids (PNG, JPEG or WebP, 48 KiB at most each). */
    images: z.array(RecordId).max(3).optional()
  })
  .strict()
const Disclosure = z
  .object({
    summary: z.enum(DISCLOSURES).optional(),
    period: z.enum(DISCLOSURES).optional(),
    role: z.enum(DISCLOSURES).optional(),
    skills: z.enum(DISCLOSURES).optional(),
    outcomes: z.enum(DISCLOSURES).optional(),
    images: z.enum(DISCLOSURES).optional()
  })
  .strict()
export const PublishBody = z
  .object({
    draft: Draft,
    disclosure: Disclosure.default({}),
    mode: z.enum(['named', 'pseudonymous']),
    experienceId: RecordId.optional()
  })
  .strict()
export const EditPublicationBody = z
  .object({
    draft: Draft.optional(),
    disclosure: Disclosure.optional(),
    mode: z.enum(['named', 'pseudonymous']).optional()
  })
  .strict()
export const ProjectsQuery = z
  .object({
    q: z.string().max(200).optional(),
    skill: z.string().max(80).optional(),
    from: partialDate.optional(),
    to: partialDate.optional()
  })
  .strict()
export const ConnectBody = z
  .object({ slot: z.string().min(1).max(300), message: z.string().max(2000).optional() })
  .strict()
export const AnswerMailBody = z.object({ accept: z.boolean() }).strict()
export const LabelBody = z
  .object({ slot: z.string().min(1).max(300), comment: z.string().max(1000).optional() })
  .strict()
export const MuteBody = z
  .object({ who: z.string().min(1).max(200), name: z.string().max(120).optional() })
  .strict()

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof CompaniesError) {
      const code = err.code === 'INVALID_LINK' ? 'INVALID_REQUEST' : err.code
      throw new ApiError(code, err.message, err.reason ? { reason: [err.reason] } : undefined)
    }
    throw err
  }
}

const companyParam = (params: Record<string, string>): string => {
  const id = params.id ?? ''
  if (!/^c[a-z2-7]{52}$/.test(id)) throw new ApiError('NOT_FOUND', 'no such company')
  return id
}

export function companyRoutes(node: MusetteNode): Route[] {
  const svc = (): Companies => {
    node.requireUnlocked()
    const c = node.companies
    if (!c) throw new ApiError('NETWORK_OFFLINE', node.networkError ?? 'the network is not running')
    return c
  }
  const query = (url: URL) => {
    const r = ProjectsQuery.safeParse(Object.fromEntries(url.searchParams))
    if (!r.success) throw new ApiError('VALIDATION_FAILED', 'invalid query')
    return r.data
  }
  return [
    {
      method: 'GET',
      path: '/api/companies',
      summary: 'The project companies this person created or joined',
      auth: true,
      handler: async ({ res }) => sendJson(res, 200, { companies: await svc().list() })
    },
    {
      method: 'POST',
      path: '/api/companies',
      summary: 'Create a project company (open, or invite-only)',
      auth: true,
      body: CreateCompanyBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, CreateCompanyBody)
        sendJson(res, 201, await call(() => svc().create(body)))
      }
    },
    {
      method: 'POST',
      path: '/api/companies/join',
      summary: 'Join a company from its link (an invite-only one once its creator lets you in)',
      auth: true,
      body: JoinCompanyBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, JoinCompanyBody)
        sendJson(res, 200, await call(() => svc().join(body.link)))
      }
    },
    {
      method: 'GET',
      path: '/api/companies/:id',
      summary: 'One company',
      auth: true,
      handler: async ({ res, params }) =>
        sendJson(res, 200, await call(() => svc().view(companyParam(params))))
    },
    {
      method: 'DELETE',
      path: '/api/companies/:id',
      summary: 'Leave a company (and forget the announcements held for it)',
      auth: true,
      handler: async ({ res, params }) => {
        const id = companyParam(params)
        await call(() => svc().leave(id))
        sendJson(res, 200, { left: id })
      }
    },
    {
      method: 'GET',
      path: '/api/companies/:id/link',
      summary: 'The company as a link and a QR code, to share',
      auth: true,
      handler: async ({ res, params }) =>
        sendJson(res, 200, await call(() => svc().link(companyParam(params))))
    },
    {
      method: 'POST',
      path: '/api/companies/:id/sync',
      summary: 'Pull the company’s history from connected members',
      auth: true,
      handler: async ({ res, params }) =>
        sendJson(res, 200, await call(() => svc().sync(companyParam(params))))
    },
    {
      method: 'GET',
      path: '/api/companies/:id/projects',
      summary: 'The company’s projects, searchable by text (q), skill and period (from, to)',
      auth: true,
      handler: async ({ res, params, url }) =>
        sendJson(res, 200, { projects: await call(() => svc().projects(companyParam(params), query(url))) })
    },
    {
      method: 'GET',
      path: '/api/companies/:id/similar',
      summary: 'Projects like mine: ranked by overlap with my skills and experiences',
      auth: true,
      handler: async ({ res, params }) =>
        sendJson(res, 200, { projects: await call(() => svc().similar(companyParam(params))) })
    },
    {
      method: 'GET',
      path: '/api/companies/:id/publications',
      summary: 'My projects published in this company (with what each field discloses)',
      auth: true,
      handler: async ({ res, params }) =>
        sendJson(res, 200, { publications: await call(() => svc().publications(companyParam(params))) })
    },
    {
      method: 'POST',
      path: '/api/companies/:id/publications',
      summary:
        'Publish a project: each field named, pseudonymous or hidden; signed by my DID or my pseudonym',
      auth: true,
      body: PublishBody,
      handler: async ({ req, res, params }) => {
        const company = companyParam(params)
        const body = await readJson(req, PublishBody)
        sendJson(res, 201, await call(() => svc().publish({ company, ...body })))
      }
    },
    {
      method: 'PUT',
      path: '/api/publications/:id',
      summary: 'Edit a published project (a new signed version replaces the old one)',
      auth: true,
      body: EditPublicationBody,
      handler: async ({ req, res, params }) => {
        const body = await readJson(req, EditPublicationBody)
        sendJson(res, 200, await call(() => svc().edit(params.id ?? '', body)))
      }
    },
    {
      method: 'POST',
      path: '/api/publications/:id/withdraw',
      summary: 'Withdraw a published project (a signed tombstone)',
      auth: true,
      handler: async ({ res, params }) =>
        sendJson(res, 200, await call(() => svc().withdraw(params.id ?? '')))
    },
    {
      method: 'POST',
      path: '/api/companies/:id/connect',
      summary: 'Ask a project’s author to connect (sealed to their key; they may be pseudonymous)',
      auth: true,
      body: ConnectBody,
      handler: async ({ req, res, params }) => {
        const company = companyParam(params)
        const body = await readJson(req, ConnectBody)
        sendJson(res, 201, await call(() => svc().connect(company, body.slot, body.message)))
      }
    },
    {
      method: 'GET',
      path: '/api/companies/:id/mail',
      summary: 'Requests to connect and to join, and my own requests, in this company',
      auth: true,
      handler: async ({ res, params }) =>
        sendJson(res, 200, { mail: await call(() => svc().mail(companyParam(params))) })
    },
    {
      method: 'POST',
      path: '/api/company-mail/:id/answer',
      summary: 'Accept or decline a request to connect or to join',
      auth: true,
      body: AnswerMailBody,
      handler: async ({ req, res, params }) => {
        const body = await readJson(req, AnswerMailBody)
        sendJson(res, 200, await call(() => svc().answer(params.id ?? '', body.accept)))
      }
    },
    {
      method: 'POST',
      path: '/api/companies/:id/label',
      summary: 'As an organisation: label a project (an Open Badges 3.0 endorsement sent to its author)',
      auth: true,
      body: LabelBody,
      handler: async ({ req, res, params }) => {
        const company = companyParam(params)
        const body = await readJson(req, LabelBody)
        sendJson(res, 201, { credential: await call(() => svc().label(company, body.slot, body.comment)) })
      }
    },
    {
      method: 'GET',
      path: '/api/mutes',
      summary: 'Authors and peers this person muted',
      auth: true,
      handler: async ({ res }) => sendJson(res, 200, { mutes: await svc().mutes() })
    },
    {
      method: 'POST',
      path: '/api/mutes',
      summary: 'Mute an author (its author id, or a DID) or a peer (PeerId): their announcements are dropped',
      auth: true,
      body: MuteBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, MuteBody)
        await svc().mute(body.who, body.name)
        sendJson(res, 200, { muted: body.who })
      }
    },
    {
      method: 'DELETE',
      path: '/api/mutes/:who',
      summary: 'Unmute',
      auth: true,
      handler: async ({ res, params }) => {
        const who = decodeURIComponent(params.who ?? '')
        await svc().unmute(who)
        sendJson(res, 200, { unmuted: who })
      }
    }
  ]
}
