import { describe, expect, it } from 'vitest'
import { QuestionnaireError } from './errors.ts'
import { answerBody, checkAnswerFits } from './schema.ts'
import { makeAsker, makeBody } from './test-fixtures.ts'

const body = makeBody(makeAsker())

function fits(value: unknown): string {
  try {
    checkAnswerFits(body, value)
    return 'ok'
  } catch (err) {
    return err instanceof QuestionnaireError ? err.code : 'OTHER'
  }
}

describe('checkAnswerFits', () => {
  it('accepts the right field per kind, and partial answers', () => {
    expect(fits({ answers: [] })).toBe('ok')
    expect(
      fits({
        answers: [
          { q: 'ecoute', scale: 1 },
          { q: 'role', choice: 2 },
          { q: 'forces', choices: [2, 0] },
          { q: 'exemple', text: 'x' }
        ]
      })
    ).toBe('ok')
    expect(fits({ answers: [{ q: 'forces', choices: [] }] })).toBe('ok')
  })

  it('rejects the wrong field, out-of-range values, unknown and duplicate questions (MALFORMED)', () => {
    const bad = [
      { answers: [{ q: 'ecoute', text: 'x' }] },
      { answers: [{ q: 'ecoute', scale: 0 }] },
      { answers: [{ q: 'ecoute', scale: 6 }] },
      { answers: [{ q: 'ecoute', scale: 2.5 }] },
      { answers: [{ q: 'role', choices: [1] }] },
      { answers: [{ q: 'role', choice: 3 }] },
      { answers: [{ q: 'role', choice: -1 }] },
      { answers: [{ q: 'forces', choice: 1 }] },
      { answers: [{ q: 'forces', choices: [3] }] },
      { answers: [{ q: 'forces', choices: [1, 1] }] },
      { answers: [{ q: 'exemple', scale: 3 }] },
      { answers: [{ q: 'exemple', text: '' }] },
      { answers: [{ q: 'exemple', text: 'x'.repeat(2001) }] },
      { answers: [{ q: 'inconnue', text: 'x' }] },
      {
        answers: [
          { q: 'ecoute', scale: 3 },
          { q: 'ecoute', scale: 4 }
        ]
      },
      { answers: [{ q: 'ecoute', scale: 3, text: 'both' }] },
      { answers: [{ q: 'ecoute' }] },
      { answers: [{ q: 'ecoute', scale: 3, extra: 1 }] },
      { answers: [], extra: 1 },
      {},
      null
    ]
    for (const b of bad) expect(fits(b), JSON.stringify(b)).toBe('MALFORMED')
  })

  it('caps an answer body: 40 items, 16,000 characters of free text in all', () => {
    const items = (n: number, len: number) =>
      Array.from({ length: n }, (_, i) => ({ q: `q${i}`, text: 'x'.repeat(len) }))
    expect(answerBody.safeParse({ answers: items(40, 400) }).success).toBe(true)
    expect(answerBody.safeParse({ answers: items(41, 1) }).success).toBe(false)
    expect(answerBody.safeParse({ answers: items(10, 1601) }).success).toBe(false)
  })
})
