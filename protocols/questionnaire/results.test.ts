import { describe, expect, it } from 'vitest'
import { aggregate, cryptoShuffle, type ChoiceResult, type ScaleResult, type TextResult } from './results.ts'
import type { AnswerBody } from './schema.ts'
import { makeAsker, makeBody } from './test-fixtures.ts'

const asker = makeAsker()
const ANSWERS: AnswerBody[] = [
  {
    answers: [
      { q: 'ecoute', scale: 5 },
      { q: 'role', choice: 0 },
      { q: 'forces', choices: [0, 1] },
      { q: 'exemple', text: 'un' }
    ]
  },
  {
    answers: [
      { q: 'ecoute', scale: 3 },
      { q: 'role', choice: 2 },
      { q: 'forces', choices: [] },
      { q: 'exemple', text: 'deux' }
    ]
  },
  {
    answers: [
      { q: 'ecoute', scale: 4 },
      { q: 'forces', choices: [1] }
    ]
  },
  { answers: [] }
]

describe('aggregate', () => {
  it('is locked, with no per-question data, below the threshold', () => {
    const body = makeBody(asker, { threshold: 5 })
    const r = aggregate(body, ANSWERS)
    expect(r).toEqual({ count: 4, threshold: 5, locked: true, questions: [] })
    expect(aggregate(body, [...ANSWERS, { answers: [] }]).locked).toBe(false)
  })

  it('is never unlocked below 3 answers, whatever the body says', () => {
    const body = { ...makeBody(asker), threshold: 1 } // not schema-valid: aggregate still holds the line
    expect(aggregate(body, ANSWERS.slice(0, 2))).toEqual({
      count: 2,
      threshold: 3,
      locked: true,
      questions: []
    })
    expect(aggregate(body, ANSWERS.slice(0, 3)).locked).toBe(false)
    expect(aggregate(makeBody(asker), ANSWERS.slice(0, 2)).locked).toBe(true)
  })

  it('counts scales (1..5, mean), choices per option, and lists texts', () => {
    const r = aggregate(makeBody(asker), ANSWERS, { shuffle: (t) => t })
    expect(r.count).toBe(4)
    expect(r.locked).toBe(false)
    const [scale, single, multiple, text] = r.questions as [
      ScaleResult,
      ChoiceResult,
      ChoiceResult,
      TextResult
    ]
    expect(scale).toMatchObject({ kind: 'scale', answered: 3, counts: [0, 0, 1, 1, 1], mean: 4 })
    expect(scale.low).toBe('Rarement')
    expect(single).toMatchObject({ kind: 'single', answered: 2, options: ['A', 'B', 'C'], counts: [1, 0, 1] })
    expect(multiple).toMatchObject({ kind: 'multiple', answered: 3, counts: [1, 2, 0] })
    expect(text).toMatchObject({ kind: 'text', answered: 2, texts: ['un', 'deux'] })
  })

  it('a question nobody answered has a null mean', () => {
    const r = aggregate(makeBody(asker), [{ answers: [] }, { answers: [] }, { answers: [] }])
    expect((r.questions[0] as ScaleResult).mean).toBeNull()
    expect((r.questions[3] as TextResult).texts).toEqual([])
  })

  it('skips (and does not count) answers that do not fit the questions', () => {
    const bad = { answers: [{ q: 'role', choice: 9 }] }
    const r = aggregate(makeBody(asker), [...ANSWERS.slice(0, 2), bad as AnswerBody])
    expect(r.count).toBe(2)
    expect(r.locked).toBe(true)
  })

  it('shuffles free texts by default (crypto-random Fisher–Yates)', () => {
    const body = makeBody(asker)
    const many: AnswerBody[] = Array.from({ length: 30 }, (_, i) => ({
      answers: [{ q: 'exemple', text: `t${i}` }]
    }))
    const texts = (aggregate(body, many).questions[3] as TextResult).texts
    expect([...texts].sort()).toEqual(many.map((a) => a.answers[0]!.text).sort())
    expect(texts).not.toEqual(many.map((a) => a.answers[0]!.text)) // 1/30! chance of a false failure
  })

  it('cryptoShuffle is a permutation and roughly uniform', () => {
    const counts = Array.from({ length: 3 }, () => [0, 0, 0])
    for (let i = 0; i < 3000; i++) {
      const s = cryptoShuffle([0, 1, 2])
      expect([...s].sort()).toEqual([0, 1, 2])
      s.forEach((v, pos) => counts[pos]![v]!++)
    }
    for (const row of counts) for (const c of row) expect(c).toBeGreaterThan(800)
    expect(cryptoShuffle([])).toEqual([])
  })
})
