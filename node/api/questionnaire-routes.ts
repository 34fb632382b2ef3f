/** Routes of anonymous questionnaires (docs/API.md, issue 5). */
import { z } from 'zod'
import { question } from '../../protocols/questionnaire/schema.ts'
import { TEMPLATES } from '../../protocols/questionnaire/templates.ts'
import { QuestionnairesError, type Questionnaires } from '../questionnaires.ts'
import { ApiError, readJson, sendJson } from './http.ts'
import type { Route } from './server.ts'
import type { MusetteNode } from '../service.ts'

export const CreateQuestionnaireBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    intro: z.string().max(2000).optional(),
    lang: z.enum(['fr', 'en']),
    questions: z.array(question).min(1).max(40),
    invitees: z.array(z.string().startsWith('did:key:').max(200)).min(1).max(200),
    closes: z.iso.datetime(),
    threshold: z.number().int().min(3).max(50).optional()
  })
  .strict()

export const AnswerQuestionnaireBody = z
  .object({
    /** `{ answers: [{ q, scale? | choice? | choices? | text? }] }` */
    body: z.record(z.string(), z.unknown()),
    /** false: send at once and directly, the asker then knows it is you. @default true */
    anonymous: z.boolean().optional()
  })
  .strict()

const STATUS = {
  NOT_FOUND: 'NOT_FOUND',
  INVALID_STATE: 'INVALID_STATE',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NOT_A_CONTACT: 'NOT_A_CONTACT'
} as const

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof QuestionnairesError) {
      throw new ApiError(STATUS[err.code], err.message, err.reason ? { reason: [err.reason] } : undefined)
    }
    throw err
  }
}

const qidParam = (params: Record<string, string>): string => {
  const qid = params.qid ?? ''
  if (!/^q[a-z2-7]{20,80}$/.test(qid)) throw new ApiError('NOT_FOUND', 'no such questionnaire')
  return qid
}

export function questionnaireRoutes(node: MusetteNode): Route[] {
  const service = (): Questionnaires => {
    node.requireUnlocked()
    const q = node.questionnaires
    if (!q) throw new ApiError('NETWORK_OFFLINE', node.networkError ?? 'the network is not running')
    return q
  }
  return [
    {
      method: 'GET',
      path: '/api/questionnaire-templates',
      summary: 'Ready-made questionnaires (savoir-être, savoir, savoir-faire), in French and English',
      auth: true,
      handler: ({ res }) => sendJson(res, 200, { templates: TEMPLATES })
    },
    {
      method: 'GET',
      path: '/api/questionnaires',
      summary: 'Questionnaires this person asked or was invited to',
      auth: true,
      handler: async ({ res }) => sendJson(res, 200, { questionnaires: await service().list() })
    },
    {
      method: 'POST',
      path: '/api/questionnaires',
      summary: 'Sign a questionnaire and send it to the chosen contacts',
      auth: true,
      body: CreateQuestionnaireBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, CreateQuestionnaireBody)
        const rec = await call(() => service().create(body))
        sendJson(res, 201, await service().view(rec.data.qid))
      }
    },
    {
      method: 'GET',
      path: '/api/questionnaires/:qid',
      summary:
        'One questionnaire: for the asker, who got it and the results past the threshold; for an invitee, the questions and their own answer',
      auth: true,
      handler: async ({ res, params }) =>
        sendJson(res, 200, await call(() => service().view(qidParam(params))))
    },
    {
      method: 'POST',
      path: '/api/questionnaires/:qid/answer',
      summary:
        'Answer (or change the answer) — sent anonymously through another invitee unless anonymous is false',
      auth: true,
      body: AnswerQuestionnaireBody,
      handler: async ({ req, res, params }) => {
        const qid = qidParam(params)
        const body = await readJson(req, AnswerQuestionnaireBody)
        await call(() => service().answer(qid, body.body, body.anonymous ?? true))
        sendJson(res, 200, await service().view(qid))
      }
    },
    {
      method: 'DELETE',
      path: '/api/questionnaires/:qid',
      summary: 'Remove a questionnaire from this vault (the asker: with its answers)',
      auth: true,
      handler: async ({ res, params }) => {
        const qid = qidParam(params)
        await call(() => service().remove(qid))
        sendJson(res, 200, { removed: qid })
      }
    }
  ]
}
