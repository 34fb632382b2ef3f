import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DATA_SCHEMAS, type VaultRecord } from '../model/records.ts'
import { planIcalendar } from './icalendar.ts'
import { ImportFormatError } from './linkedin.ts'

const ICS = readFileSync(new URL('../../tests/fixtures/import/icalendar/calendar.ics', import.meta.url))
const enc = (s: string) => new TextEncoder().encode(s)

function thrown(f: () => unknown): ImportFormatError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ImportFormatError)
    return e as ImportFormatError
  }
  throw new Error('did not throw')
}

describe('planIcalendar', () => {
  const contacts = [
    { id: 'k'.repeat(26), type: 'contact', data: { name: 'Karim', email: 'KARIM@ecume.fr', circles: [] } },
    { id: 'z'.repeat(26), type: 'contact', data: { name: 'Zoé Lefèvre', circles: [] } }
  ] as unknown as VaultRecord[]
  const { items, warnings } = planIcalendar(ICS, contacts, { file: 'travail.ics' })

  it('makes one event per series, skips moved occurrences and cancelled events', () => {
    expect(items.map((i) => i.data.title)).toEqual([
      'Point d’équipe design',
      'UX Days Flupa',
      'Mentorat Zoé',
      'Yoga du matin'
    ])
    for (const i of items) expect(DATA_SCHEMAS.experience.safeParse(i.data).success).toBe(true)
    expect(warnings).toEqual(['travail.ics, event 6: "Afterwork annulé" was cancelled, left out'])
  })

  it('summarises recurrence: UNTIL, COUNT, and no end (ongoing)', () => {
    const [standup, , mentorat, yoga] = items
    expect(standup!.data).toMatchObject({
      kind: 'event',
      start: '2024-01-15',
      end: '2024-06-24',
      place: 'Studio Écume, Nantes'
    })
    expect(standup!.data.description).toContain(
      'Revue des maquettes de la semaine.\nOrdre du jour partagé dans le wiki.'
    )
    expect(standup!.data.description).toMatch(/Repeats weekly on MO until 2024-06-24 \(RRULE FREQ=WEEKLY/)
    expect(mentorat!.data).toMatchObject({ start: '2024-03-01', end: '2024-09-01' })
    expect(mentorat!.data.description).toContain('Repeats every 2 months, 4 times')
    expect(yoga!.data).toMatchObject({ start: '2024-09-05', ongoing: true })
    expect(yoga!.data.end).toBeUndefined()
  })

  it('reads all-day events with an exclusive end', () => {
    expect(items[1]!.data).toMatchObject({
      start: '2024-05-21',
      end: '2024-05-23',
      url: 'https://uxdays.flupa.eu'
    })
  })

  it('links attendees to contacts by email, then by name', () => {
    expect(items[0]!.contactIds).toEqual(['k'.repeat(26)])
    expect(items[0]!.data.description).toContain('With: Karim Benali, Émilie Laurent, Inès Durand')
    expect(items[2]!.contactIds).toEqual(['z'.repeat(26)])
    expect(items[3]!.contactIds).toBeUndefined()
  })

  it('suggests a merge for an event already in the vault', () => {
    const existing = [
      {
        id: 'e'.repeat(26),
        type: 'experience',
        data: {
          kind: 'event',
          title: 'ux days flupa',
          start: '2024-05-21',
          end: '2024-05-23',
          sphere: 'pro',
          skills: []
        }
      }
    ] as unknown as VaultRecord[]
    expect(planIcalendar(ICS, existing).items[1]!.duplicateOf).toBe('e'.repeat(26))
  })

  it('names the file and line of a malformed or truncated calendar, and refuses other kinds', () => {
    const text = ICS.toString()
    const broken = text.replace('LOCATION:Paris', 'LOCATION Paris')
    const line = text.split('\r\n').findIndex((l) => l === 'LOCATION:Paris') + 1
    expect(thrown(() => planIcalendar(enc(broken), [], { file: 'a.ics' })).message).toBe(
      `a.ics, line ${line}: malformed line: "LOCATION Paris"`
    )
    expect(
      thrown(() =>
        planIcalendar(enc(text.slice(0, text.indexOf('BEGIN:VEVENT', 1200))), [], { file: 'b.ics' })
      ).message
    ).toMatch(/^b\.ics: BEGIN:\w+ is not closed \(truncated file\?\)/)
    const vcard = thrown(() =>
      planIcalendar(enc('BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n'), [], { file: 'c.ics' })
    )
    expect(vcard.code).toBe('NOT_THIS_KIND')
    const noStart = 'BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nSUMMARY:X\nEND:VEVENT\nEND:VCALENDAR\n'
    expect(thrown(() => planIcalendar(enc(noStart), [], { file: 'd.ics' })).message).toBe(
      'd.ics, event 1: DTSTART is missing ("X")'
    )
  })
})
