/**
 * Aggregated results of a questionnaire: nothing per question until at least k answers (k = the body's
 * threshold, never lower than 3); then, per question, distributions for scales and choices and the list of
 * free texts in random order. Each question is aggregated on its own, so nothing links the parts of one answer.
 */
import { checkAnswerFits, MIN_THRESHOLD, SCALE_MAX, SCALE_MIN } from './schema.ts'
import type { AnswerBody, Level, QuestionnaireBody } from './schema.ts'

interface QuestionResultBase {
  id: string
  level: Level
  text: string
  /** How many answers answered this question. */
  answered: number
}

export interface ScaleResult extends QuestionResultBase {
  kind: 'scale'
  low?: string
  high?: string
  /** counts[i] answers chose i + 1 (1..5). */
  counts: number[]
  /** The mean of the chosen values, null when nobody answered. */
  mean: number | null
}

export interface ChoiceResult extends QuestionResultBase {
  kind: 'single' | 'multiple'
  options: string[]
  /** counts[i] answers chose options[i]. */
  counts: number[]
}

export interface TextResult extends QuestionResultBase {
  kind: 'text'
  /** The free texts, shuffled. */
  texts: string[]
}

export type QuestionResult = ScaleResult | ChoiceResult | TextResult

export interface Results {
  /** How many valid answers were aggregated. */
  count: number
  /** The number of answers needed before anything per question shows: max(3, body.threshold). */
  threshold: number
  /** True while count < threshold: then `questions` is empty. */
  locked: boolean
  questions: QuestionResult[]
}

/** Fisher–Yates with crypto.getRandomValues, unbiased (rejection sampling). Returns a new array. */
export function cryptoShuffle<T>(items: readonly T[]): T[] {
  const a = items.slice()
  const word = new Uint32Array(1)
  for (let i = a.length - 1; i > 0; i--) {
    const range = i + 1
    const limit = 2 ** 32 - (2 ** 32 % range)
    let r: number
    do {
      crypto.getRandomValues(word)
      r = word[0] as number
    } while (r >= limit)
    const j = r % range
    ;[a[i], a[j]] = [a[j] as T, a[i] as T]
  }
  return a
}

/**
 * Aggregate answer bodies (already checked by `checkAnswer`). Bodies that do not fit the questionnaire are
 * skipped and not counted. `opts.shuffle` replaces the crypto-random shuffle of free texts (for tests).
 */
export function aggregate(
  body: QuestionnaireBody,
  answers: readonly AnswerBody[],
  opts: { shuffle?: (texts: string[]) => string[] } = {}
): Results {
  const valid: AnswerBody[] = []
  for (const a of answers) {
    try {
      valid.push(checkAnswerFits(body, a))
    } catch {
      // not counted
    }
  }
  const threshold = Math.max(MIN_THRESHOLD, body.threshold)
  const count = valid.length
  if (count < threshold) return { count, threshold, locked: true, questions: [] }

  const shuffle = opts.shuffle ?? cryptoShuffle
  const items = valid.flatMap((a) => a.answers)
  const questions = body.questions.map((q): QuestionResult => {
    const mine = items.filter((a) => a.q === q.id)
    const base = { id: q.id, level: q.level, text: q.text, answered: mine.length }
    switch (q.kind) {
      case 'scale': {
        const counts = new Array<number>(SCALE_MAX - SCALE_MIN + 1).fill(0)
        let sum = 0
        for (const a of mine) {
          const v = a.scale as number
          counts[v - SCALE_MIN] = (counts[v - SCALE_MIN] as number) + 1
          sum += v
        }
        return {
          ...base,
          kind: 'scale',
          ...(q.low !== undefined && { low: q.low }),
          ...(q.high !== undefined && { high: q.high }),
          counts,
          mean: mine.length > 0 ? sum / mine.length : null
        }
      }
      case 'single':
      case 'multiple': {
        const options = q.options ?? []
        const counts = new Array<number>(options.length).fill(0)
        for (const a of mine) {
          for (const c of a.choices ?? (a.choice !== undefined ? [a.choice] : [])) {
            counts[c] = (counts[c] as number) + 1
          }
        }
        return { ...base, kind: q.kind, options: [...options], counts }
      }
      case 'text':
        return { ...base, kind: 'text', texts: shuffle(mine.map((a) => a.text as string)) }
    }
  })
  return { count, threshold, locked: false, questions }
}
