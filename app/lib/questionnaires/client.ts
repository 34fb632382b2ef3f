/**
 * The anonymous questionnaires of the local API (docs/API.md, issue 5), typed for the UI. The data types come
 * from protocols/questionnaire (type-only imports: nothing of zod or the cryptography reaches the bundle).
 */
import { api } from '$lib/api'
import type {
  AnswerBody,
  AnswerItem,
  Kind,
  Level,
  Question
} from '../../../protocols/questionnaire/schema.ts'
import type {
  ChoiceResult,
  QuestionResult,
  Results,
  ScaleResult,
  TextResult
} from '../../../protocols/questionnaire/results.ts'

export type { AnswerBody, AnswerItem, ChoiceResult, Kind, Level, Question, QuestionResult, Results }
export type { ScaleResult, TextResult }

/** The caps of protocols/questionnaire/schema.ts, copied so that the bundle does not pull zod in. */
export const LIMITS = {
  title: 200,
  intro: 2000,
  questions: 40,
  questionText: 500,
  label: 60,
  minOptions: 2,
  maxOptions: 12,
  option: 200,
  textAnswer: 2000,
  textTotal: 16_000,
  minThreshold: 3,
  maxThreshold: 50
} as const

export const LEVELS: readonly Level[] = ['savoir-etre', 'savoir', 'savoir-faire']
export const KINDS: readonly Kind[] = ['scale', 'single', 'multiple', 'text']
export const SCALE = [1, 2, 3, 4, 5] as const
/** Below this many invitees, the page warns that answers are easier to guess. */
export const SMALL_GROUP = 5

export type QLang = 'fr' | 'en'

export interface Template {
  id: string
  lang: QLang
  title: string
  intro: string
  questions: Question[]
}

export type MineStatus = 'waiting' | 'relayed' | 'sent' | 'failed'
export type Delivery = 'pending' | 'delivered' | 'failed'

interface SummaryBase {
  /** The vault record's id. */
  id: string
  /** The questionnaire's id (the hash of its signed body). */
  qid: string
  title: string
  askerName?: string
  asker: string
  lang: QLang
  closes: string
  created: string
  open: boolean
  threshold: number
  invited: number
  receivedAt: string
}

export interface AskerSummary extends SummaryBase {
  role: 'asker'
  delivered: number
  failed: number
  tokens: number
  answered: number
}

export interface InviteeSummary extends SummaryBase {
  role: 'invitee'
  /** The invitee's node obtained its one token from the asker. */
  ready: boolean
  tokenError?: string
  mine?: { seq: number; at: string; status: MineStatus; anonymous: boolean }
}

export type Summary = AskerSummary | InviteeSummary

export interface AskerView extends AskerSummary {
  intro?: string
  questions: Question[]
  invitees: { did: string; name?: string; delivery: Delivery }[]
  results: Results
}

export interface InviteeView extends InviteeSummary {
  intro?: string
  questions: Question[]
  invitees: { did: string; name?: string }[]
  mine?: {
    seq: number
    body: AnswerBody
    at: string
    anonymous: boolean
    status: MineStatus
    error?: string
  }
}

export type View = AskerView | InviteeView

export interface NewQuestionnaire {
  title: string
  intro?: string
  lang: QLang
  questions: Question[]
  invitees: string[]
  closes: string
  threshold?: number
}

const path = (qid: string): string => `/api/questionnaires/${encodeURIComponent(qid)}`

export const questionnairesApi = {
  async templates(): Promise<Template[]> {
    const res = await api.request<{ templates: Template[] }>('GET', '/api/questionnaire-templates')
    return res.templates
  },
  async list(): Promise<Summary[]> {
    const res = await api.request<{ questionnaires: Summary[] }>('GET', '/api/questionnaires')
    return res.questionnaires
  },
  create(body: NewQuestionnaire): Promise<AskerView> {
    return api.request('POST', '/api/questionnaires', { json: body })
  },
  get(qid: string): Promise<View> {
    return api.request('GET', path(qid))
  },
  answer(qid: string, body: AnswerBody, anonymous: boolean): Promise<InviteeView> {
    return api.request('POST', `${path(qid)}/answer`, { json: { body, anonymous } })
  },
  remove(qid: string): Promise<{ removed: string }> {
    return api.request('DELETE', path(qid))
  }
}
