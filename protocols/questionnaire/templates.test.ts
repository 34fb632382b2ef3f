import { describe, expect, it } from 'vitest'
import { signQuestionnaire, verifyQuestionnaire } from './crypto.ts'
import { LEVELS, question } from './schema.ts'
import { findTemplate, TEMPLATE_IDS, TEMPLATES, templatesFor } from './templates.ts'
import { makeAsker, makeBody } from './test-fixtures.ts'

describe('templates', () => {
  it('at least three, each in French and English, with the same question ids in both', () => {
    expect(TEMPLATE_IDS.length).toBeGreaterThanOrEqual(3)
    for (const id of TEMPLATE_IDS) {
      const fr = findTemplate(id, 'fr')
      const en = findTemplate(id, 'en')
      expect(fr && en).toBeTruthy()
      expect(fr!.questions.map((q) => [q.id, q.kind, q.level, q.options?.length])).toEqual(
        en!.questions.map((q) => [q.id, q.kind, q.level, q.options?.length])
      )
    }
    expect(templatesFor('fr')).toHaveLength(TEMPLATE_IDS.length)
  })

  it('one per level of the report, and the savoir-être one covers the report’s list', () => {
    for (const level of LEVELS) {
      expect(TEMPLATES.some((t) => t.id === level && t.questions.every((q) => q.level === level))).toBe(true)
    }
    const ids = findTemplate('savoir-etre', 'fr')!.questions.map((q) => q.id)
    for (const trait of ['empathie', 'reactivite', 'disponibilite', 'curiosite', 'ecoute', 'adaptabilite']) {
      expect(ids).toContain(trait)
    }
    expect(ids).toContain('communication')
  })

  it('every question is valid, every scale has labelled ends, and each makes a valid signed questionnaire', async () => {
    const asker = makeAsker()
    for (const t of TEMPLATES) {
      for (const q of t.questions) {
        expect(question.safeParse(q).success, `${t.id}/${t.lang}/${q.id}`).toBe(true)
        if (q.kind === 'scale') expect(q.low && q.high, `${t.id}/${q.id}`).toBeTruthy()
      }
      const body = makeBody(asker, { title: t.title, intro: t.intro, lang: t.lang, questions: t.questions })
      const { id, signed } = await signQuestionnaire(body, asker.sign)
      expect(verifyQuestionnaire(signed).id).toBe(id)
    }
  })

  it('findTemplate returns a copy to edit', () => {
    const t = findTemplate('savoir', 'en')!
    t.questions[0]!.text = 'Edited'
    expect(findTemplate('savoir', 'en')!.questions[0]!.text).not.toBe('Edited')
    expect(findTemplate('nope', 'en')).toBeUndefined()
  })
})
