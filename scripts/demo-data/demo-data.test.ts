/**
 * Checks the demo network's sample data: every record must be a valid `CreateRecordInput`, and the
 * personas must stay consistent with one another (Émilie, Karim and Sophie list each other as contacts;
 * Inès, Émilie's classmate, knows Émilie).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CreateRecordInput, EXPERIENCE_KINDS, SPHERES } from '../../node/model/records.ts'

interface Persona {
  name: string
  passphrase: string
  records: { type: string; data: Record<string, unknown> }[]
}

const load = (file: string): Persona =>
  JSON.parse(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8')) as Persona

const PERSONAS = {
  emilie: load('emilie.json'),
  karim: load('karim.json'),
  sophie: load('sophie.json'),
  ines: load('ines.json')
}
const NAMES = ['Émilie Laurent', 'Karim Benali', 'Sophie Marchand', 'Inès Moreau']
/** Whom each persona must list as a contact. */
const KNOWS: Record<string, string[]> = {
  'Émilie Laurent': ['Karim Benali', 'Sophie Marchand', 'Inès Moreau'],
  'Karim Benali': ['Émilie Laurent', 'Sophie Marchand'],
  'Sophie Marchand': ['Émilie Laurent', 'Karim Benali'],
  'Inès Moreau': ['Émilie Laurent']
}

const ofType = (p: Persona, type: string) => p.records.filter((r) => r.type === type)
const count = (p: Persona, type: string) => ofType(p, type).length

describe('demo data', () => {
  for (const [key, persona] of Object.entries(PERSONAS)) {
    describe(key, () => {
      it('has a name and a passphrase', () => {
        expect(NAMES).toContain(persona.name)
        expect(persona.passphrase).toBe(`demo-${key}-musette`)
      })

      it('validates every record against CreateRecordInput', () => {
        const failures: string[] = []
        persona.records.forEach((record, index) => {
          const result = CreateRecordInput.safeParse(record)
          if (!result.success) {
            failures.push(
              `record #${index} (${record.type}): ${JSON.stringify(result.error.issues, null, 2)}`
            )
          }
        })
        expect(failures, failures.join('\n')).toEqual([])
      })

      it('lists the personas it knows as contacts, without a DID', () => {
        const contacts = ofType(persona, 'contact')
        const names = contacts.map((c) => c.data.name)
        for (const other of KNOWS[persona.name] ?? []) {
          expect(names).toContain(other)
        }
        expect(names).not.toContain(persona.name)
        for (const contact of contacts) expect(contact.data.did).toBeUndefined()
      })

      it('uses only example email addresses and phone numbers', () => {
        const text = JSON.stringify(persona.records)
        const emails = text.match(/[\w.+-]+@[\w.-]+/g) ?? []
        expect(emails.length).toBeGreaterThan(0)
        for (const email of emails) expect(email).toMatch(/@exemple\.fr$/)
        const phones = text.match(/0\d(?: \d\d){4}/g) ?? []
        for (const phone of phones) expect(phone).toMatch(/^06 00 00 00 \d\d$/)
      })

      it('has a name facet matching the persona', () => {
        const names = ofType(persona, 'facet').filter((f) => f.data.kind === 'name')
        expect(names.map((f) => f.data.value)).toEqual([persona.name])
      })
    })
  }

  describe('Émilie', () => {
    const emilie = PERSONAS.emilie

    it('has the expected number of records of each type', () => {
      expect(emilie.records.length).toBeGreaterThanOrEqual(45)
      expect(emilie.records.length).toBeLessThanOrEqual(60)
      expect(count(emilie, 'experience')).toBeGreaterThanOrEqual(10)
      expect(count(emilie, 'experience')).toBeLessThanOrEqual(15)
      expect(count(emilie, 'skill')).toBeGreaterThanOrEqual(12)
      expect(count(emilie, 'skill')).toBeLessThanOrEqual(18)
      expect(count(emilie, 'contact')).toBeGreaterThanOrEqual(6)
      expect(count(emilie, 'contact')).toBeLessThanOrEqual(10)
      expect(count(emilie, 'place')).toBeGreaterThanOrEqual(4)
      expect(count(emilie, 'place')).toBeLessThanOrEqual(6)
      expect(count(emilie, 'note')).toBeGreaterThanOrEqual(6)
      expect(count(emilie, 'note')).toBeLessThanOrEqual(10)
      expect(count(emilie, 'media')).toBe(0)
    })

    it('has facets of every expected kind, with two emails and two links', () => {
      const kinds = ofType(emilie, 'facet').map((f) => f.data.kind)
      for (const kind of ['name', 'email', 'phone', 'address', 'website']) expect(kinds).toContain(kind)
      expect(kinds.filter((k) => k === 'email').length).toBeGreaterThanOrEqual(2)
      expect(kinds.filter((k) => k === 'website').length).toBeGreaterThanOrEqual(2)
    })

    it('covers all four spheres and at least six experience kinds', () => {
      const experiences = ofType(emilie, 'experience')
      const spheres = new Set(experiences.map((e) => e.data.sphere))
      for (const sphere of SPHERES) expect(spheres).toContain(sphere)
      const kinds = new Set(experiences.map((e) => e.data.kind))
      expect(kinds.size).toBeGreaterThanOrEqual(6)
      for (const kind of kinds) expect(EXPERIENCE_KINDS).toContain(kind)
    })

    it('uses all three skill categories', () => {
      const categories = new Set(ofType(emilie, 'skill').map((s) => s.data.category))
      expect([...categories].sort()).toEqual(['savoir', 'savoir-etre', 'savoir-faire'])
    })

    it('dates its On going notes in autumn 2026', () => {
      for (const note of ofType(emilie, 'note')) {
        expect(note.data.date).toMatch(/^2026-(09|10|11)/)
      }
    })
  })

  for (const key of ['karim', 'sophie', 'ines'] as const) {
    it(`${key} has 15 to 20 records, with facets, experiences, skills and contacts`, () => {
      const persona = PERSONAS[key]
      expect(persona.records.length).toBeGreaterThanOrEqual(15)
      expect(persona.records.length).toBeLessThanOrEqual(20)
      for (const type of ['facet', 'experience', 'skill', 'contact']) {
        expect(count(persona, type)).toBeGreaterThan(0)
      }
    })
  }

  it("places the others in the organisations of Émilie's time-line", () => {
    const organisations = new Set(ofType(PERSONAS.emilie, 'experience').map((e) => e.data.organisation))
    const karimJob = ofType(PERSONAS.karim, 'experience').find((e) => e.data.kind === 'job' && e.data.ongoing)
    const sophieJob = ofType(PERSONAS.sophie, 'experience').find(
      (e) => e.data.kind === 'job' && e.data.ongoing
    )
    expect(organisations).toContain(karimJob?.data.organisation)
    expect(organisations).toContain(sophieJob?.data.organisation)
  })
})
