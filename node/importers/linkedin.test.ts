import { readFileSync, readdirSync } from 'node:fs'
import { strToU8, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { DATA_SCHEMAS, type VaultRecord } from '../model/records.ts'
import {
  ImportFormatError,
  LINKEDIN_FILES,
  linkedInDate,
  parseLinkedInCsv,
  planLinkedIn,
  readZip,
  type LinkedInItem
} from './linkedin.ts'

const DIR = new URL('../../tests/fixtures/import/linkedin/', import.meta.url)

/** The fixture folder as LinkedIn zips it (files at the root, stored or deflated). */
function linkedInZip(overrides: Record<string, string | Uint8Array | null> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = {}
  for (const name of readdirSync(DIR)) files[name] = readFileSync(new URL(name, DIR))
  for (const [name, content] of Object.entries(overrides)) {
    if (content === null) delete files[name]
    else files[name] = typeof content === 'string' ? strToU8(content) : content
  }
  return zipSync(files, { level: 6 })
}

function thrown(f: () => unknown): ImportFormatError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ImportFormatError)
    return e as ImportFormatError
  }
  throw new Error('did not throw')
}

const byKey = (items: LinkedInItem[], key: string) => {
  const item = items.find((i) => i.key === key)
  if (!item) throw new Error(`no ${key} in ${items.map((i) => i.key).join(', ')}`)
  return item
}

describe('linkedInDate', () => {
  it.each([
    ['Jan 2021', '2021-01'],
    ['Sept 2019', '2019-09'],
    ['2019', '2019'],
    ['12 Mar 2021', '2021-03-12'],
    ['12-Mar-21', '2021-03-12'],
    ['Mar 15, 2020', '2020-03-15'],
    ['03/14/21', '2021-03-14'],
    ['01/15/23, 10:12 AM', '2023-01-15'],
    ['2022/05/03 09:12:45 UTC', '2022-05-03'],
    ['', undefined],
    ['Present', undefined]
  ])('%s → %s', (raw, date) => {
    expect(linkedInDate(raw)).toEqual(date === undefined ? { ok: true } : { ok: true, date })
  })
  it('refuses what is not a date', () => {
    expect(linkedInDate('soon').ok).toBe(false)
    expect(linkedInDate('31 Feb 2021').ok).toBe(false)
  })
})

describe('parseLinkedInCsv', () => {
  it('skips the notes before the header of Connections.csv and keeps accents', () => {
    const rows = parseLinkedInCsv(
      readFileSync(new URL('Connections.csv', DIR)),
      'Connections.csv',
      LINKEDIN_FILES['Connections.csv']
    )
    expect(rows.map((r) => r['Last Name'])).toEqual(['Benali', 'Martin', 'Lefèvre'])
    expect(rows[1]?.['Company']).toBe('Coopérative Ouest, SCOP')
    expect(rows[0]?.__line).toBe('5')
  })
  it('reads quoted newlines and doubled quotes', () => {
    const rows = parseLinkedInCsv(
      readFileSync(new URL('Positions.csv', DIR)),
      'Positions.csv',
      LINKEDIN_FILES['Positions.csv']
    )
    expect(rows).toHaveLength(3)
    expect(rows[0]?.['Description']).toContain('\n- Refonte')
    expect(rows[1]?.['Description']).toContain('"guérilla"')
    expect(rows[1]?.__line).toBe('5')
  })
  it('names the file and line of an unterminated quote', () => {
    const e = thrown(() =>
      parseLinkedInCsv(strToU8('Name\nFigma\n"Sketch\n'), 'Skills.csv', LINKEDIN_FILES['Skills.csv'])
    )
    expect(e.message).toMatch(/^Skills\.csv, line \d+: malformed CSV/)
  })
  it('names the file and line of a row with too many fields', () => {
    const e = thrown(() =>
      parseLinkedInCsv(strToU8('Name\nFigma\nA,B\n'), 'Skills.csv', LINKEDIN_FILES['Skills.csv'])
    )
    expect(e.message).toBe('Skills.csv, line 3: 2 fields where the header has 1')
  })
  it('refuses a file without the expected header, and one not in UTF-8', () => {
    expect(thrown(() => parseLinkedInCsv(strToU8('a,b\n1,2\n'), 'Positions.csv', ['Title'])).message).toMatch(
      /^Positions\.csv: no header line with the columns Title/
    )
    expect(
      thrown(() => parseLinkedInCsv(new Uint8Array([0x4e, 0xff, 0xfe]), 'Skills.csv', ['Name'])).code
    ).toBe('NOT_THIS_KIND')
  })
})

describe('readZip', () => {
  it('refuses what is not a ZIP, and a truncated ZIP', () => {
    expect(thrown(() => readZip(strToU8('hello'), 'x.zip')).message).toBe('x.zip: not a ZIP file')
    const zip = linkedInZip()
    expect(thrown(() => readZip(zip.subarray(0, zip.length - 40), 'x.zip')).message).toMatch(
      /^x\.zip: .*truncated/
    )
  })
  it('refuses a ZIP whose data is damaged', () => {
    const zip = linkedInZip().slice()
    zip[60] = (zip[60] ?? 0) ^ 0xff
    expect(thrown(() => readZip(zip, 'x.zip')).message).toMatch(/^x\.zip/)
  })
  it('refuses a ZIP bomb by its compression ratio, before inflating it', () => {
    const bomb = zipSync({ 'Positions.csv': new Uint8Array(20 * 1024 * 1024) }, { level: 9 })
    expect(bomb.length).toBeLessThan(100_000)
    const e = thrown(() => readZip(bomb, 'bomb.zip'))
    expect(e.code).toBe('TOO_LARGE')
    expect(e.message).toMatch(/^bomb\.zip: Positions\.csv: compression ratio/)
  })
  it('refuses a ZIP whose declared sizes lie', () => {
    const zip = zipSync({ 'Skills.csv': strToU8('Name\nFigma\n'.repeat(1000)) }, { level: 9 }).slice()
    // Patch the central directory's uncompressed size to something small: fflate then fails its CRC/size.
    const view = new DataView(zip.buffer)
    for (let i = zip.length - 22; i > 0; i--) {
      if (view.getUint32(i, true) === 0x02014b50) {
        view.setUint32(i + 24, 10, true)
        break
      }
    }
    expect(() => readZip(zip, 'liar.zip')).toThrow(ImportFormatError)
  })
})

describe('planLinkedIn', () => {
  const plan = planLinkedIn(linkedInZip(), [], { today: '2026-11-23' })

  it('reads every file and plans valid records', () => {
    expect(plan.files.missing).toEqual([])
    for (const item of plan.items) expect(DATA_SCHEMAS[item.type].safeParse(item.data).success).toBe(true)
    const counts = Object.fromEntries(
      ['experience', 'skill', 'note', 'contact'].map((t) => [
        t,
        plan.items.filter((i) => i.type === t).length
      ])
    )
    expect(counts).toEqual({ experience: 5, skill: 3, note: 3, contact: 3 })
  })

  it('maps positions with dates like "Jan 2021", ongoing and freelance', () => {
    expect(byKey(plan.items, 'Positions.csv:2').data).toMatchObject({
      kind: 'job',
      title: 'Designer produit senior',
      organisation: 'Atelier Lumière',
      place: 'Nantes, Pays de la Loire, France',
      start: '2021-01',
      ongoing: true,
      sphere: 'pro'
    })
    expect(byKey(plan.items, 'Positions.csv:5').data).toMatchObject({ start: '2017-09', end: '2020-12' })
    expect(byKey(plan.items, 'Positions.csv:6').data).toMatchObject({ kind: 'mission', start: '2016' })
  })

  it('maps education: a degree is a diploma, without one a training', () => {
    expect(byKey(plan.items, 'Education.csv:2').data).toMatchObject({
      kind: 'diploma',
      title: "Master Design d'interaction",
      organisation: 'École de design Nantes Atlantique',
      start: '2012',
      end: '2016'
    })
    expect(byKey(plan.items, 'Education.csv:4').data).toMatchObject({ kind: 'training' })
  })

  it('keeps recommendations and endorsements as unverified testimonies with their author', () => {
    const rec = byKey(plan.items, 'Recommendations_Received.csv:2')
    expect(rec.type).toBe('note')
    expect(rec.data).toMatchObject({
      date: '2021-03-14',
      tags: expect.arrayContaining(['testimony', 'unverified'])
    })
    expect((rec.data as { text: string }).text).toMatch(
      /^Recommendation from Karim Benali .* unverified testimony/
    )
    expect(rec.from).toEqual({ name: 'Karim Benali', company: 'Studio Écume' })
    const end = byKey(plan.items, 'Endorsement_Received_Info.csv:2')
    expect(end.from).toEqual({ name: 'Sophie Martin', url: 'https://www.linkedin.com/in/sophie-martin-42' })
    expect(end.data).toMatchObject({
      date: '2022-05-03',
      tags: expect.arrayContaining(['Figma', 'unverified'])
    })
  })

  it('maps connections to contacts, circle pro, with their LinkedIn URL', () => {
    expect(byKey(plan.items, 'Connections.csv:5').data).toMatchObject({
      name: 'Karim Benali',
      email: 'karim@ecume.fr',
      organisation: 'Studio Écume',
      role: 'Directeur artistique',
      circles: ['pro']
    })
    expect(byKey(plan.items, 'Connections.csv:7').from).toEqual({
      name: 'Zoé Lefèvre',
      url: 'https://www.linkedin.com/in/zoe-lefevre'
    })
  })

  it('suggests a merge for what the vault already holds', () => {
    const record = (id: string, type: VaultRecord['type'], data: unknown) =>
      ({
        id,
        type,
        data,
        version: 1,
        createdAt: '',
        updatedAt: '',
        source: { kind: 'manual', at: '' }
      }) as VaultRecord
    const existing = [
      record('a'.repeat(26), 'experience', {
        kind: 'job',
        title: 'Designer UX ',
        organisation: 'Studio ecume',
        start: '2017-09',
        end: '2020-12',
        sphere: 'pro',
        skills: []
      }),
      record('b'.repeat(26), 'skill', { name: 'figma', keywords: [] }),
      record('c'.repeat(26), 'contact', { name: 'Someone', email: 'KARIM@ecume.fr', circles: [] })
    ]
    const p = planLinkedIn(linkedInZip(), existing)
    expect(byKey(p.items, 'Positions.csv:5').duplicateOf).toBe('a'.repeat(26))
    expect(byKey(p.items, 'Positions.csv:2').duplicateOf).toBeUndefined()
    expect(byKey(p.items, 'Skills.csv:3').duplicateOf).toBe('b'.repeat(26))
    expect(byKey(p.items, 'Connections.csv:5').duplicateOf).toBe('c'.repeat(26))
  })

  it('names the file and line of a bad date, and imports nothing', () => {
    const bad = 'Company Name,Title,Description,Location,Started On,Finished On\nX,Y,,,Someday,\n'
    expect(thrown(() => planLinkedIn(linkedInZip({ 'Positions.csv': bad }))).message).toBe(
      'Positions.csv, line 2: Started On: not a date: "Someday"'
    )
  })

  it('lists missing files, and refuses a ZIP with none of them', () => {
    const p = planLinkedIn(linkedInZip({ 'Connections.csv': null, 'Skills.csv': null }))
    expect(p.files.missing).toEqual(['Skills.csv', 'Connections.csv'])
    const other = zipSync({ 'photo.txt': strToU8('hello') })
    const e = thrown(() => planLinkedIn(other, [], { file: 'vacances.zip' }))
    expect(e.code).toBe('NOT_THIS_KIND')
    expect(e.message).toMatch(/^vacances\.zip: not a LinkedIn export/)
  })
})
