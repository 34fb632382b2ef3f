/**
 * The questionnaire being written (authoring) and the answer being given (answering): their editable shapes,
 * what the API receives, and the checks made before sending — with the same rules as the node's schema, so
 * that a refusal from the node is the exception.
 */
import type { MessageKey } from '$lib/i18n.svelte'
import { LIMITS, type AnswerBody, type AnswerItem, type Kind, type Level, type Question } from './client'

/** A question as the editor holds it: every kind's fields kept, so that switching kind loses nothing. */
export interface DraftQuestion {
  /** A stable key for the list (ids may repeat while being edited). */
  key: string
  id: string
  level: Level
  kind: Kind
  text: string
  low: string
  high: string
  options: string[]
}

/** An error shown next to a field: a message key and its parameters. */
export interface FieldError {
  key: MessageKey
  params?: Record<string, string | number>
  /** The node's own words, when the node refused something the page did not foresee. */
  detail?: string
}
/** By field: `title`, `intro`, `lang`, `q.<key>.text|low|high|options`, `invitees`, `closes`, `threshold`. */
export type DraftErrors = Record<string, FieldError>

let counter = 0
const newKey = (): string => `k${Date.now().toString(36)}${(counter++).toString(36)}`

const isChoice = (kind: Kind): boolean => kind === 'single' || kind === 'multiple'

export function draftOf(q: Question): DraftQuestion {
  return {
    key: newKey(),
    id: q.id,
    level: q.level,
    kind: q.kind,
    text: q.text,
    low: q.low ?? '',
    high: q.high ?? '',
    options: q.options ? [...q.options] : ['', '']
  }
}

/** A new, empty question with an id no other question has. */
export function blankQuestion(taken: Iterable<string>, level: Level = 'savoir-etre'): DraftQuestion {
  const ids = new Set(taken)
  let n = ids.size + 1
  while (ids.has(`q${n}`)) n++
  return { key: newKey(), id: `q${n}`, level, kind: 'scale', text: '', low: '', high: '', options: ['', ''] }
}

/** What the API receives for one question: only the fields its kind has. */
export function toQuestion(d: DraftQuestion): Question {
  const q: Question = { id: d.id, level: d.level, kind: d.kind, text: d.text.trim() }
  if (d.kind === 'scale') {
    if (d.low.trim()) q.low = d.low.trim()
    if (d.high.trim()) q.high = d.high.trim()
  }
  if (isChoice(d.kind)) q.options = d.options.map((o) => o.trim()).filter((o) => o !== '')
  return q
}

/** Give duplicate or malformed ids fresh ones (the node wants them unique, 1–40 of [A-Za-z0-9_-]). */
export function withUniqueIds(questions: DraftQuestion[]): DraftQuestion[] {
  const seen = new Set<string>()
  return questions.map((q, i) => {
    let id = /^[A-Za-z0-9_-]{1,40}$/.test(q.id) ? q.id : `q${i + 1}`
    let n = i + 1
    while (seen.has(id)) id = `q${++n}`
    seen.add(id)
    return id === q.id ? q : { ...q, id }
  })
}

export interface DraftForm {
  title: string
  intro: string
  questions: DraftQuestion[]
  invitees: string[]
  /** `YYYY-MM-DDTHH:mm`, local time (an `<input type="datetime-local">`). */
  closes: string
  threshold: number | null | undefined
}

/** The checks the node would make, with messages for people. */
export function checkDraft(f: DraftForm, now = new Date()): DraftErrors {
  const errors: DraftErrors = {}
  if (!f.title.trim()) errors.title = { key: 'questionnaires.error.titleRequired' }
  if (f.questions.length === 0) errors.questions = { key: 'questionnaires.error.noQuestion' }
  for (const q of f.questions) {
    if (!q.text.trim()) errors[`q.${q.key}.text`] = { key: 'questionnaires.error.textRequired' }
    if (isChoice(q.kind)) {
      const options = q.options.map((o) => o.trim()).filter((o) => o !== '')
      if (options.length < LIMITS.minOptions)
        errors[`q.${q.key}.options`] = { key: 'questionnaires.error.fewOptions' }
      else if (new Set(options).size !== options.length)
        errors[`q.${q.key}.options`] = { key: 'questionnaires.error.sameOptions' }
    }
  }
  const k = f.threshold
  if (typeof k !== 'number' || !Number.isInteger(k) || k < LIMITS.minThreshold || k > LIMITS.maxThreshold)
    errors.threshold = {
      key: 'questionnaires.error.threshold',
      params: { min: LIMITS.minThreshold, max: LIMITS.maxThreshold }
    }
  if (f.invitees.length === 0) errors.invitees = { key: 'questionnaires.error.noInvitee' }
  else if (typeof k === 'number' && f.invitees.length < Math.max(k, LIMITS.minThreshold))
    errors.invitees = {
      key: 'questionnaires.error.tooFewInvitees',
      params: { k: Math.max(k, LIMITS.minThreshold) }
    }
  const closes = Date.parse(f.closes)
  if (!f.closes || Number.isNaN(closes)) errors.closes = { key: 'questionnaires.error.closesRequired' }
  else if (closes <= now.getTime() + 5 * 60_000) errors.closes = { key: 'questionnaires.error.closesPast' }
  return errors
}

/**
 * The node's field errors (`questions.2.options`, `title`…) and reasons (`TOO_FEW_INVITEES`…) on the page's
 * fields; what matches no field comes back under `_`.
 */
export function errorsFromApi(
  fields: Record<string, string[]> | undefined,
  reason: string | undefined,
  questions: DraftQuestion[]
): DraftErrors {
  const errors: DraftErrors = {}
  if (reason === 'TOO_FEW_INVITEES')
    errors.invitees = { key: 'questionnaires.error.tooFewInvitees', params: { k: LIMITS.minThreshold } }
  else if (reason === 'CLOSES_IN_PAST') errors.closes = { key: 'questionnaires.error.closesPast' }
  else if (reason === 'NOT_A_CONTACT') errors.invitees = { key: 'questionnaires.error.notAContact' }
  for (const [path, messages] of Object.entries(fields ?? {})) {
    if (path === 'reason') continue
    const detail = messages[0] ?? ''
    const parts = path.split('.')
    const top = parts[0] ?? ''
    if (top === 'questions' && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
      const q = questions[Number(parts[1])]
      const field = parts[2] === 'low' || parts[2] === 'high' || parts[2] === 'options' ? parts[2] : 'text'
      if (q) {
        errors[`q.${q.key}.${field}`] ??= { key: 'questionnaires.error.refused', detail }
        continue
      }
    }
    const known = ['title', 'intro', 'lang', 'invitees', 'closes', 'threshold', 'questions']
    const key = known.includes(top) ? top : '_'
    errors[key] ??= { key: 'questionnaires.error.refused', detail }
  }
  return errors
}

const pad = (n: number): string => String(n).padStart(2, '0')

/** A date as an `<input type="datetime-local">` value, in local time. */
export function localInputValue(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** Seven days from now, at the next full hour. */
export function defaultCloses(now = new Date()): string {
  const d = new Date(now.getTime() + 7 * 24 * 3600_000)
  d.setMinutes(0, 0, 0)
  d.setHours(d.getHours() + 1)
  return localInputValue(d)
}

/* ——— answering ——— */

/** One question's answer as the form holds it; nothing chosen means the question is skipped. */
export interface AnswerValue {
  scale: number | undefined
  choice: number | undefined
  choices: number[]
  text: string
}

export function emptyValues(questions: Question[]): Record<string, AnswerValue> {
  const out: Record<string, AnswerValue> = {}
  for (const q of questions) out[q.id] = { scale: undefined, choice: undefined, choices: [], text: '' }
  return out
}

/** The form's values from an earlier answer (to change it). */
export function valuesOf(questions: Question[], body: AnswerBody | undefined): Record<string, AnswerValue> {
  const out = emptyValues(questions)
  for (const a of body?.answers ?? []) {
    const v = out[a.q]
    if (!v) continue
    if (a.scale !== undefined) v.scale = a.scale
    if (a.choice !== undefined) v.choice = a.choice
    if (a.choices !== undefined) v.choices = [...a.choices]
    if (a.text !== undefined) v.text = a.text
  }
  return out
}

/** The answer body: one item per answered question, in the questionnaire's order. */
export function answerBodyOf(questions: Question[], values: Record<string, AnswerValue>): AnswerBody {
  const answers: AnswerItem[] = []
  for (const q of questions) {
    const v = values[q.id]
    if (!v) continue
    if (q.kind === 'scale' && v.scale !== undefined) answers.push({ q: q.id, scale: v.scale })
    else if (q.kind === 'single' && v.choice !== undefined) answers.push({ q: q.id, choice: v.choice })
    else if (q.kind === 'multiple' && v.choices.length > 0)
      answers.push({ q: q.id, choices: [...v.choices].sort((a, b) => a - b) })
    else if (q.kind === 'text' && v.text.trim() !== '')
      answers.push({ q: q.id, text: v.text.trim().slice(0, LIMITS.textAnswer) })
  }
  return { answers }
}

/** "0 réponse", "1 réponse", "2 réponses" (French counts 0 and 1 as singular; English only 1). */
export function isOne(n: number, lang: string): boolean {
  return lang === 'fr' ? n < 2 : n === 1
}
