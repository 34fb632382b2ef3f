/**
 * The data of anonymous questionnaires (zod 4): a questionnaire body signed by its asker, and answers signed by
 * one-time pseudonyms. Every string, array and byte string has a cap, so that any value these schemas accept
 * also fits the byte caps below once encoded as dag-cbor.
 */
import { ristretto255 } from '@noble/curves/ed25519.js'
import { z } from 'zod'
import { didKey } from '../schema.ts'
import { QuestionnaireError } from './errors.ts'

/** The report's three levels of skills. */
export const LEVELS = ['savoir-etre', 'savoir', 'savoir-faire'] as const
export type Level = (typeof LEVELS)[number]
/** scale: 1–5 with labelled ends; single and multiple: choices among options; text: a short free text. */
export const KINDS = ['scale', 'single', 'multiple', 'text'] as const
export type Kind = (typeof KINDS)[number]
export const LANGS = ['fr', 'en'] as const
export type Lang = (typeof LANGS)[number]

export const MAX_QUESTION_ID_LENGTH = 40
export const MAX_QUESTION_TEXT_LENGTH = 500
export const MAX_LABEL_LENGTH = 60
export const MIN_OPTIONS = 2
export const MAX_OPTIONS = 12
export const MAX_OPTION_LENGTH = 200
export const MAX_QUESTIONS = 40
export const MAX_INVITEES = 200
export const MAX_ASKER_NAME_LENGTH = 100
export const MAX_TITLE_LENGTH = 200
export const MAX_INTRO_LENGTH = 2000
/** k, the number of answers before any result shows: never lower than 3. */
export const MIN_THRESHOLD = 3
export const MAX_THRESHOLD = 50
export const DEFAULT_THRESHOLD = 3
export const SCALE_MIN = 1
export const SCALE_MAX = 5
export const MAX_TEXT_ANSWER_LENGTH = 2000
/**
 * All free texts of one answer together (UTF-16 code units). 40 texts of 2,000 would not fit the answer's
 * byte cap; 16,000 code units are at most 48,000 bytes of UTF-8, well inside it.
 */
export const MAX_ANSWER_TEXT_TOTAL = 16_000
export const MAX_SEQ = 1_000_000

/** Byte caps of the dag-cbor encodings (a schema-valid value always fits). */
export const MAX_QUESTIONNAIRE_BYTES = 512 * 1024
export const MAX_ANSWER_BYTES = 64 * 1024

/** 'q' + base32 (RFC 4648, lowercase, no padding) of a SHA-256 digest. */
export const QUESTIONNAIRE_ID_PATTERN = /^q[a-z2-7]{52}$/
export const QUESTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/

/** Bytes as this folder returns them (never over a SharedArrayBuffer). */
export type Bytes = Uint8Array<ArrayBuffer>

/** A byte string of exactly `length` bytes. */
export const bytes = (length: number) =>
  z.custom<Bytes>((v) => v instanceof Uint8Array && v.length === length, {
    message: `expected ${length} bytes`
  })

/** A canonical, non-identity ristretto255 element (the asker's POPRF public key). */
export function isRistrettoElement(value: Uint8Array): boolean {
  try {
    return !ristretto255.Point.fromBytes(value).is0()
  } catch {
    return false
  }
}

export const questionnaireIdSchema = z.string().regex(QUESTIONNAIRE_ID_PATTERN, 'not a questionnaire id')
export const questionId = z.string().regex(QUESTION_ID_PATTERN, 'a question id is 1–40 of [A-Za-z0-9_-]')
const isoDate = z.iso.datetime().max(40)

export const question = z
  .strictObject({
    id: questionId,
    level: z.enum(LEVELS),
    kind: z.enum(KINDS),
    text: z.string().min(1).max(MAX_QUESTION_TEXT_LENGTH),
    /** The labelled ends of a scale (1 and 5). */
    low: z.string().max(MAX_LABEL_LENGTH).optional(),
    high: z.string().max(MAX_LABEL_LENGTH).optional(),
    /** The choices of a single or multiple choice question (required there, absent otherwise). */
    options: z.array(z.string().min(1).max(MAX_OPTION_LENGTH)).min(MIN_OPTIONS).max(MAX_OPTIONS).optional()
  })
  .superRefine((q, ctx) => {
    const choice = q.kind === 'single' || q.kind === 'multiple'
    if (choice && q.options === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: `a ${q.kind} choice question needs options`
      })
    }
    if (!choice && q.options !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${q.kind} question has no options` })
    }
    if (q.options !== undefined && new Set(q.options).size !== q.options.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'options must be different' })
    }
    for (const end of ['low', 'high'] as const) {
      if (q.kind !== 'scale' && q[end] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [end], message: `only a scale has a ${end} label` })
      }
    }
  })
export type Question = z.infer<typeof question>

export const questionnaireBody = z
  .strictObject({
    v: z.literal(1),
    asker: didKey,
    askerName: z.string().max(MAX_ASKER_NAME_LENGTH).optional(),
    title: z.string().min(1).max(MAX_TITLE_LENGTH),
    intro: z.string().max(MAX_INTRO_LENGTH).optional(),
    lang: z.enum(LANGS),
    questions: z.array(question).min(1).max(MAX_QUESTIONS),
    /** The invitees' DIDs, strictly ascending (so, unique). */
    invitees: z.array(didKey).min(1).max(MAX_INVITEES),
    /** The asker's POPRF public key (RFC 9497, ristretto255-SHA512). */
    tokenKey: bytes(32).refine(isRistrettoElement, 'not a ristretto255 element'),
    /** The asker's X25519 public key, to which answers are sealed. */
    sealKey: bytes(32),
    created: isoDate,
    closes: isoDate,
    threshold: z.number().int().min(MIN_THRESHOLD).max(MAX_THRESHOLD)
  })
  .superRefine((b, ctx) => {
    const ids = new Set<string>()
    b.questions.forEach((q, i) => {
      if (ids.has(q.id))
        ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: 'duplicate id' })
      ids.add(q.id)
    })
    for (let i = 1; i < b.invitees.length; i++) {
      if (!((b.invitees[i - 1] as string) < (b.invitees[i] as string))) {
        ctx.addIssue({
          code: 'custom',
          path: ['invitees', i],
          message: 'invitees must be sorted ascending, without duplicates'
        })
        break
      }
    }
    if (b.invitees.includes(b.asker)) {
      ctx.addIssue({ code: 'custom', path: ['invitees'], message: 'the asker cannot be an invitee' })
    }
    if (!(Date.parse(b.closes) > Date.parse(b.created))) {
      ctx.addIssue({ code: 'custom', path: ['closes'], message: 'closes must be after created' })
    }
  })
export type QuestionnaireBody = z.infer<typeof questionnaireBody>

export const signedQuestionnaire = z.strictObject({
  body: questionnaireBody,
  /** Ed25519 by the asker's DID key over `questionnaireMessage(id)`. */
  sig: bytes(64)
})
export type SignedQuestionnaire = z.infer<typeof signedQuestionnaire>

const optionIndex = z
  .number()
  .int()
  .min(0)
  .max(MAX_OPTIONS - 1)

/** One answered question: exactly one of `scale` (scale), `choice` (single), `choices` (multiple), `text`. */
export const answerItem = z
  .strictObject({
    q: questionId,
    scale: z.number().int().min(SCALE_MIN).max(SCALE_MAX).optional(),
    choice: optionIndex.optional(),
    /** The indexes of the chosen options; empty means "none of these". */
    choices: z.array(optionIndex).max(MAX_OPTIONS).optional(),
    text: z.string().min(1).max(MAX_TEXT_ANSWER_LENGTH).optional()
  })
  .superRefine((a, ctx) => {
    const given = (['scale', 'choice', 'choices', 'text'] as const).filter((k) => a[k] !== undefined)
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'an answer has exactly one of scale, choice, choices, text' })
    }
    if (a.choices !== undefined && new Set(a.choices).size !== a.choices.length) {
      ctx.addIssue({ code: 'custom', path: ['choices'], message: 'choices must be different' })
    }
  })
export type AnswerItem = z.infer<typeof answerItem>

/** What an invitee answered; unanswered questions are simply absent. */
export const answerBody = z
  .strictObject({ answers: z.array(answerItem).max(MAX_QUESTIONS) })
  .superRefine((b, ctx) => {
    const seen = new Set<string>()
    b.answers.forEach((a, i) => {
      if (seen.has(a.q))
        ctx.addIssue({ code: 'custom', path: ['answers', i, 'q'], message: 'duplicate answer' })
      seen.add(a.q)
    })
    const total = b.answers.reduce((n, a) => n + (a.text?.length ?? 0), 0)
    if (total > MAX_ANSWER_TEXT_TOTAL) {
      ctx.addIssue({
        code: 'custom',
        path: ['answers'],
        message: `free texts total ${total} characters, over ${MAX_ANSWER_TEXT_TOTAL}`
      })
    }
  })
export type AnswerBody = z.infer<typeof answerBody>

export const answer = z.strictObject({
  qid: questionnaireIdSchema,
  /** The one-time Ed25519 public key of this questionnaire's answerer. */
  pseudonym: bytes(32),
  /** The asker's POPRF output on `pseudonym` (info = qid), obtained blindly. */
  token: bytes(64),
  /** A higher `seq` replaces an earlier answer of the same pseudonym. */
  seq: z.number().int().min(0).max(MAX_SEQ),
  body: answerBody,
  /** Ed25519 by `pseudonym` over `answerMessage(…)`. */
  sig: bytes(64)
})
export type Answer = z.infer<typeof answer>

/** Parse with a schema, throwing `QuestionnaireError('MALFORMED')` with the first issue's path. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'
  throw new QuestionnaireError('MALFORMED', `${what}: ${where}: ${issue?.message ?? 'invalid'}`, {
    cause: result.error
  })
}

/**
 * Check an answer body against the questionnaire's questions: each answered question exists, once, with the
 * field its kind needs (`scale` for scale, `choice` for single, `choices` for multiple, `text` for text) and
 * option indexes in range. Returns the parsed body; throws `QuestionnaireError('MALFORMED')`.
 */
export function checkAnswerFits(body: QuestionnaireBody, value: unknown): AnswerBody {
  const parsed = parseWith(answerBody, value, 'answer body')
  const byId = new Map(body.questions.map((q) => [q.id, q]))
  const fail = (i: number, message: string): never => {
    throw new QuestionnaireError('MALFORMED', `answer body: answers.${i}: ${message}`)
  }
  parsed.answers.forEach((a, i) => {
    const q = byId.get(a.q)
    if (!q) return fail(i, `no question "${a.q}"`)
    const field = FIELD_OF_KIND[q.kind]
    if (a[field] === undefined) return fail(i, `a ${q.kind} question is answered with "${field}"`)
    const count = q.options?.length ?? 0
    if (a.choice !== undefined && a.choice >= count) return fail(i, `choice ${a.choice} out of range`)
    if (a.choices?.some((c) => c >= count)) return fail(i, 'a choice is out of range')
  })
  return parsed
}

/** The field of an answer item that answers each kind of question. */
export const FIELD_OF_KIND = {
  scale: 'scale',
  single: 'choice',
  multiple: 'choices',
  text: 'text'
} as const satisfies Record<Kind, keyof AnswerItem>
