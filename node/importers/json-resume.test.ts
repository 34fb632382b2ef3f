import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  DATA_SCHEMAS,
  MAX_SHORT,
  VaultRecord,
  type RecordDataMap,
  type RecordType,
  type VaultRecord as VaultRecordT
} from '../model/records.ts'
import {
  JSON_RESUME_SCHEMA_URL,
  JsonResume,
  MAX_RESUME_BYTES,
  exportResume,
  levelOf,
  parseResume,
  planImport,
  webUrl,
  type ImportItem
} from './json-resume.ts'

const DATE_MESSAGE = 'expected a date as YYYY, YYYY-MM or YYYY-MM-DD'

function fixture(name: string): unknown {
  const url = new URL(`../../tests/fixtures/json-resume/${name}.json`, import.meta.url)
  return JSON.parse(readFileSync(url, 'utf8')) as unknown
}

function parsed(input: unknown): JsonResume {
  const result = parseResume(input)
  if (!result.ok) throw new Error(`expected a valid résumé, got ${result.error.message}`)
  return result.resume
}

function errorOf(input: unknown) {
  const result = parseResume(input)
  if (result.ok) throw new Error('expected an error')
  return result.error
}

function countBy<T>(list: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const t of list) out[key(t)] = (out[key(t)] ?? 0) + 1
  return out
}

function item(items: readonly ImportItem[], key: string): ImportItem {
  const found = items.find((i) => i.key === key)
  if (!found) throw new Error(`no item ${key}`)
  return found
}

function dataOf<T extends RecordType>(items: readonly ImportItem[], key: string, type: T): RecordDataMap[T] {
  const found = item(items, key)
  expect(found.type).toBe(type)
  return found.data as RecordDataMap[T]
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'
function recordId(n: number): string {
  let s = ''
  let rest = n
  for (let k = 0; k < 26; k++) {
    s = ALPHABET[rest % 32] + s
    rest = Math.floor(rest / 32)
  }
  return s
}

/** What the vault would hand back after importing these items. */
function toRecords(items: readonly ImportItem[]): VaultRecordT[] {
  const at = '2025-01-15T10:00:00.000Z'
  return items.map(
    (i, n) =>
      VaultRecord.parse({
        id: recordId(n + 1),
        type: i.type,
        version: 1,
        createdAt: at,
        updatedAt: at,
        source: { kind: 'import', name: 'JSON Resume', at },
        data: i.data
      }) as VaultRecordT
  )
}

const experienceData = (items: readonly ImportItem[]) =>
  items
    .filter((i) => i.type === 'experience')
    .map((i) => JSON.stringify(i.data))
    .sort()

describe('planImport: the French fixture (a freelance graphic designer)', () => {
  const resume = parsed(fixture('emilie'))
  const plan = planImport(resume, { today: '2025-01-15' })

  it('plans every section, each item valid for records.ts', () => {
    expect(countBy(plan.items, (i) => i.type)).toEqual({
      facet: 8,
      note: 1,
      experience: 16,
      skill: 13,
      contact: 1
    })
    const experiences = plan.items.filter((i) => i.type === 'experience')
    expect(countBy(experiences, (i) => (i.type === 'experience' ? i.data.kind : ''))).toEqual({
      mission: 4,
      job: 1,
      volunteering: 4,
      diploma: 3,
      training: 1,
      award: 1,
      contribution: 2
    })
    for (const i of plan.items) expect(DATA_SCHEMAS[i.type].safeParse(i.data).success).toBe(true)
    const keys = plan.items.map((i) => i.key)
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys.slice(0, 9)).toEqual([
      'basics.name',
      'basics.email',
      'basics.phone',
      'basics.url',
      'basics.location',
      'basics.profiles.0',
      'basics.profiles.1',
      'basics.profiles.2',
      'basics.summary'
    ])
    expect(plan.warnings).toEqual([
      'basics.image: the photo is not imported; add an avatar from one of your own images'
    ])
  })

  it('maps the profile to facets', () => {
    expect(dataOf(plan.items, 'basics.name', 'facet')).toEqual({ kind: 'name', value: 'Émilie Moreau' })
    expect(dataOf(plan.items, 'basics.location', 'facet')).toEqual({
      kind: 'address',
      value: '12 rue des Tanneurs, 44000 Nantes, Pays de la Loire, FR'
    })
    expect(dataOf(plan.items, 'basics.url', 'facet')).toEqual({
      kind: 'website',
      value: 'https://emiliemoreau.fr'
    })
    // A username alone on a well-known network gets its URL.
    expect(dataOf(plan.items, 'basics.profiles.1', 'facet')).toEqual({
      kind: 'website',
      value: 'https://www.instagram.com/emilie.dessine',
      label: 'Instagram'
    })
    const note = dataOf(plan.items, 'basics.summary', 'note')
    expect(note.date).toBe('2024-10-02') // meta.lastModified wins over `today`
    expect(note.tags).toEqual(['summary'])
    expect(
      note.text.startsWith('Graphiste indépendante et directrice artistique\n\nGraphiste freelance')
    ).toBe(true)
    expect(item(plan.items, 'basics.summary').label).toBe('Graphiste indépendante et directrice artistique')
  })

  it('maps work, freelance missions included', () => {
    expect(dataOf(plan.items, 'work.0', 'experience')).toEqual({
      kind: 'mission',
      title: 'Graphiste freelance — campagne « Rezé en transition »',
      organisation: 'Mairie de Rezé',
      place: 'Rezé',
      start: '2024-09',
      ongoing: true,
      sphere: 'pro',
      skills: [],
      description:
        "Conception de la campagne d'affichage et des supports imprimés de la démarche de transition " +
        'écologique de la ville.\n\n' +
        '- Charte graphique de la campagne et déclinaisons (affiches 4×3, abribus, flyers)\n' +
        '- Illustrations originales des six thèmes de la démarche',
      url: 'https://www.reze.fr'
    })
    expect(item(plan.items, 'work.0').label).toBe(
      'Graphiste freelance — campagne « Rezé en transition » — Mairie de Rezé (since 2024-09)'
    )
    expect(dataOf(plan.items, 'work.2', 'experience').url).toBe('https://www.brasseriedumarais.fr')
    expect(dataOf(plan.items, 'work.3', 'experience').kind).toBe('mission') // "auto-entrepreneur"
    const apprenticeship = dataOf(plan.items, 'work.4', 'experience')
    expect([apprenticeship.kind, apprenticeship.start, apprenticeship.end]).toEqual([
      'job',
      '2020-09',
      '2022-06'
    ])
    expect(apprenticeship.ongoing).toBeUndefined()
  })

  it('maps volunteering, education, awards, certificates, publications and projects', () => {
    const zeroWaste = dataOf(plan.items, 'volunteer.0', 'experience')
    expect(zeroWaste).toMatchObject({
      kind: 'volunteering',
      sphere: 'associative',
      title: 'Bénévole — communication visuelle',
      organisation: 'Zéro Déchet Nantes',
      ongoing: true
    })
    expect(dataOf(plan.items, 'education.0', 'experience')).toEqual({
      kind: 'diploma',
      title: 'DN MADE Graphisme, mention communication visuelle',
      organisation: 'Lycée des Arts Appliqués de Nantes',
      start: '2017-09',
      end: '2020-06',
      sphere: 'pro',
      skills: [],
      description:
        "Score: Mention bien\n\n- Typographie et mise en page\n- Sémiologie de l'image\n- Techniques d'impression"
    })
    expect(dataOf(plan.items, 'education.1', 'experience').title).toBe('Baccalauréat STD2A')
    expect(dataOf(plan.items, 'education.2', 'experience')).toMatchObject({
      kind: 'training',
      title: 'Éco-conception des supports imprimés',
      organisation: 'FUN MOOC'
    })
    expect(dataOf(plan.items, 'awards.0', 'experience')).toMatchObject({
      kind: 'award',
      organisation: 'Ville de Nantes',
      start: '2021-05-22'
    })
    expect(dataOf(plan.items, 'certificates.0', 'experience')).toMatchObject({
      kind: 'diploma',
      title: 'Adobe Certified Professional — Illustrator',
      organisation: 'Adobe',
      start: '2023-04-12'
    })
    expect(dataOf(plan.items, 'publications.0', 'experience')).toMatchObject({
      kind: 'contribution',
      organisation: 'Zéro Déchet Nantes',
      start: '2022-04'
    })
    expect(dataOf(plan.items, 'projects.0', 'experience')).toMatchObject({
      kind: 'contribution',
      skills: ['typographie', 'Glyphs'],
      url: 'https://github.com/emoreau/ligerienne'
    })
    expect(dataOf(plan.items, 'projects.0', 'experience').description).toContain(
      'Roles: Dessinatrice de caractères'
    )
  })

  it('maps skills, languages, interests and references', () => {
    expect(dataOf(plan.items, 'skills.0', 'skill')).toEqual({
      name: 'Adobe Illustrator',
      level: 5,
      keywords: ['vectorisation', 'logotypes', 'illustration']
    })
    const levels = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => dataOf(plan.items, `skills.${n}`, 'skill').level)
    expect(levels).toEqual([5, 3, 2, 4, 3, undefined, 1, undefined])
    expect(dataOf(plan.items, 'skills.7', 'skill').description).toBe('Level: bonne connaissance')
    expect(dataOf(plan.items, 'languages.1', 'skill')).toEqual({
      name: 'Anglais',
      category: 'savoir',
      keywords: [],
      description: 'Courant (C1)'
    })
    expect(dataOf(plan.items, 'interests.0', 'skill')).toEqual({
      name: 'Botanique',
      category: 'savoir-etre',
      keywords: ['herbiers', 'plantes sauvages']
    })
    expect(dataOf(plan.items, 'references.0', 'contact')).toMatchObject({
      name: 'Claire Dubois, directrice du festival Les Rêveurs Éveillés',
      circles: ['pro']
    })
  })
})

describe('planImport: the English fixture', () => {
  const resume = parsed(fixture('alex'))
  const plan = planImport(resume, { today: '2025-01-15' })

  it('plans every section', () => {
    expect(countBy(plan.items, (i) => i.type)).toEqual({ facet: 4, note: 1, experience: 3, skill: 4 })
    expect(plan.warnings).toEqual([])
  })

  it('drops unknown keys, cuts a date-time to its date, reads "" as no end', () => {
    expect('x-generator' in resume).toBe(false)
    expect(resume.work?.[0]?.startDate).toBe('2021-04-01')
    expect(dataOf(plan.items, 'work.0', 'experience')).toMatchObject({
      kind: 'job',
      title: 'Senior Backend Developer',
      organisation: 'Parcel & Co',
      start: '2021-04-01',
      ongoing: true
    })
    expect(dataOf(plan.items, 'work.1', 'experience').description).toBe('- Timetable ingestion pipeline')
  })

  it('maps the rest', () => {
    expect(dataOf(plan.items, 'basics.location', 'facet').value).toBe('Leeds, GB')
    expect(dataOf(plan.items, 'basics.profiles.0', 'facet')).toEqual({
      kind: 'website',
      value: 'https://github.com/alexchen',
      label: 'GitHub'
    })
    expect(dataOf(plan.items, 'basics.summary', 'note').date).toBe('2025-01-15') // no meta.lastModified
    expect(dataOf(plan.items, 'education.0', 'experience')).toMatchObject({
      kind: 'diploma',
      title: 'Bachelor Computer Science',
      start: '2014',
      end: '2017',
      description: 'Score: 2:1'
    })
    expect(dataOf(plan.items, 'skills.0', 'skill').level).toBe(4) // Master
    expect(dataOf(plan.items, 'skills.1', 'skill').level).toBe(3) // Advanced
  })

  it('dates the summary note with a Date in local time', () => {
    const noMeta = parsed({ basics: { summary: 'Hello' } })
    const note = dataOf(
      planImport(noMeta, { today: new Date(2024, 1, 29, 23, 30) }).items,
      'basics.summary',
      'note'
    )
    expect(note.date).toBe('2024-02-29')
  })
})

describe('parseResume: bad input', () => {
  it('rejects what is not a JSON object', () => {
    for (const input of ['hello', 42, null, undefined, [], [{ basics: {} }]]) {
      const error = errorOf(input)
      expect(error.code).toBe('INVALID_RESUME')
      expect(error.message).toMatch(/^the document is not a JSON Resume: expected a JSON object, found /)
      expect(Object.keys(error.fields)).toEqual(['_'])
    }
    expect(errorOf([]).message).toBe(
      'the document is not a JSON Resume: expected a JSON object, found a list'
    )
  })

  it('rejects a document with none of the known sections', () => {
    const error = errorOf({ name: 'Émilie', meta: { version: 'v1.0.0' }, work: null })
    expect(error.code).toBe('NOT_A_RESUME')
    expect(error.message).toBe(
      'this file does not look like a JSON Resume: none of basics, work, volunteer, education, awards, ' +
        'certificates, publications, skills, languages, interests, references, projects was found'
    )
    expect(error.fields._).toEqual([error.message])
  })

  it('rejects work that is not a list', () => {
    const error = errorOf({ basics: { name: 'A' }, work: { name: 'Studio' } })
    expect(error.code).toBe('INVALID_RESUME')
    expect(error.message).toBe('work: expected a list, found an object')
    expect(error.fields).toEqual({ work: ['expected a list, found an object'] })
  })

  it('rejects a bad date, naming its place', () => {
    const work = [
      { startDate: '2020' },
      { startDate: '2020-01' },
      { name: 'Studio', startDate: 'March 2020' }
    ]
    const error = errorOf({ work })
    expect(error.code).toBe('INVALID_RESUME')
    expect(error.message).toBe(`work[2].startDate: ${DATE_MESSAGE}`)
    expect(error.fields).toEqual({ 'work[2].startDate': [DATE_MESSAGE] })
  })

  it('accepts partial dates and date-times, rejects garbage and impossible days', () => {
    const date = (d: unknown) => parseResume({ awards: [{ title: 'Prize', date: d }] })
    const ok = (d: unknown) => {
      const r = date(d)
      return r.ok ? r.resume.awards?.[0]?.date : `error: ${r.error.message}`
    }
    expect(ok('2020')).toBe('2020')
    expect(ok('2020-02')).toBe('2020-02')
    expect(ok('2020-02-29')).toBe('2020-02-29')
    expect(ok('2020-02-29T23:10:00+02:00')).toBe('2020-02-29')
    expect(ok('2021-06-01T08:00:00.000Z')).toBe('2021-06-01')
    expect(ok(' 2019-05 ')).toBe('2019-05')
    expect(ok('')).toBeUndefined()
    expect(ok(null)).toBeUndefined()
    expect(ok(2018)).toBe('2018')
    expect(ok('0050-01-31')).toBe('0050-01-31')
    for (const bad of [
      'Present',
      '2020-13',
      '2021-02-29',
      '2020-04-31',
      '20201',
      '2020/05',
      '05-2020',
      '2020-5'
    ]) {
      expect(ok(bad)).toBe(`error: awards[0].date: ${DATE_MESSAGE}`)
    }
  })

  it('rejects more than 500 entries', () => {
    const work = Array.from({ length: 501 }, (_, i) => ({ name: `Client ${i}`, position: 'Graphiste' }))
    const error = errorOf({ work })
    expect(error.code).toBe('INVALID_RESUME')
    expect(error.message).toBe('work: too many entries (501): at most 500')
    expect(error.fields).toEqual({ work: ['too many entries (501): at most 500'] })
    expect(parseResume({ work: work.slice(0, 500) }).ok).toBe(true)
  })

  it('rejects a string over 20,000 characters', () => {
    const error = errorOf({ basics: { summary: 'a'.repeat(20_001) } })
    expect(error.code).toBe('INVALID_RESUME')
    expect(error.message).toBe('basics.summary: too long (20001 characters): at most 20000 characters')
    expect(Object.keys(error.fields)).toEqual(['basics.summary'])
    expect(parseResume({ basics: { summary: 'a'.repeat(20_000) } }).ok).toBe(true)
  })

  it('names nested places and counts the other problems', () => {
    const error = errorOf({
      work: [{ highlights: ['ok', true] }],
      skills: [{ name: 'Illustrator', keywords: 'vector' }]
    })
    expect(error.message).toBe('work[0].highlights[1]: expected text, found true/false (and 1 more problem)')
    expect(error.fields).toEqual({
      'work[0].highlights[1]': ['expected text, found true/false'],
      'skills[0].keywords': ['expected a list, found text']
    })
  })

  it('is lenient where real files are sloppy', () => {
    const resume = parsed({
      basics: { name: 'A', email: null, location: { postalCode: 44000, city: 'Nantes' } },
      work: [{ name: 'Studio', endDate: null }],
      unknownSection: [1, 2, 3]
    })
    expect(resume.basics?.location?.postalCode).toBe('44000')
    expect(resume.basics?.email).toBeUndefined()
    expect(MAX_RESUME_BYTES).toBe(2 * 1024 * 1024)
  })
})

describe('planImport: what does not fit', () => {
  it('skips an item whose end comes before its start, with a warning naming it', () => {
    const resume = parsed({
      work: [
        { name: 'Studio Kraft', position: 'Graphiste', startDate: '2022-06', endDate: '2020-09' },
        { name: 'Librairie La Fourmi', position: 'Direction artistique', startDate: '2022-09' }
      ],
      volunteer: [{ organization: 'Les Amis de la Loire', startDate: '2021', endDate: '2019-05' }]
    })
    const plan = planImport(resume)
    expect(plan.items.map((i) => i.key)).toEqual(['work.1'])
    expect(plan.warnings).toEqual([
      'work[0] "Graphiste — Studio Kraft (2022-06 – 2020-09)": skipped, the end comes before the start',
      'volunteer[0] "Les Amis de la Loire (2021 – 2019-05)": skipped, the end comes before the start'
    ])
  })

  it('skips entries without a title, and says so', () => {
    const plan = planImport(parsed({ work: [{ summary: 'Something' }], skills: [{ level: 'Expert' }] }))
    expect(plan.items).toEqual([])
    expect(plan.warnings).toEqual([
      'work[0]: skipped, it has neither a position nor a name',
      'skills[0]: skipped, it has no name',
      'nothing to import: the résumé has no entry the vault can hold'
    ])
  })

  it('shortens over-long strings to the records.ts caps', () => {
    const long = 'Graphiste '.repeat(40)
    const plan = planImport(
      parsed({
        work: [{ name: 'Studio', position: long, highlights: ['x'.repeat(19_999), 'y'.repeat(500)] }],
        skills: [{ name: 'Typographie', keywords: ['k'.repeat(80), 'serif', 'Serif'] }]
      })
    )
    const work = dataOf(plan.items, 'work.0', 'experience')
    expect(work.title.length).toBe(MAX_SHORT)
    expect(work.title.endsWith('…')).toBe(true)
    expect(work.description?.length).toBe(20_000)
    const skill = dataOf(plan.items, 'skills.0', 'skill')
    expect(skill.keywords.map((k) => k.length)).toEqual([60, 5]) // capped, de-duplicated
    expect(plan.warnings).toEqual([
      'work[0]: title shortened to 200 characters',
      'work[0]: description shortened to 20000 characters',
      'skills[0]: 1 of the keywords shortened to 60 characters'
    ])
  })

  it('caps the number of warnings', () => {
    const work = Array.from({ length: 300 }, (_, i) => ({ summary: `Entry ${i}` }))
    const plan = planImport(parsed({ work }))
    expect(plan.warnings.length).toBe(201)
    expect(plan.warnings[0]).toBe('work[0]: skipped, it has neither a position nor a name')
    // 100 skipped entries and the "nothing to import" are counted, not listed.
    expect(plan.warnings[200]).toBe('and 101 more warnings')
  })

  it('keeps only http(s) web addresses', () => {
    const plan = planImport(
      parsed({
        basics: { url: 'javascript:alert(1)', profiles: [{ network: 'Mastodon', url: 'ftp://x.example' }] },
        work: [{ name: 'Studio', url: 'javascript:alert(1)' }]
      })
    )
    expect(plan.items.map((i) => i.key)).toEqual(['work.0'])
    expect(dataOf(plan.items, 'work.0', 'experience').url).toBeUndefined()
    expect(plan.warnings).toEqual([
      'basics.url: "javascript:alert(1)" is not a web address, left out',
      'basics.profiles[0].url: "ftp://x.example" is not a web address, left out',
      'basics.profiles[0]: skipped, it has neither a URL nor a username',
      'work[0].url: "javascript:alert(1)" is not a web address, left out'
    ])
    expect(webUrl('www.studio.fr/portfolio')).toBe('https://www.studio.fr/portfolio')
    expect(webUrl('https://exemple.fr/a b')).toBeUndefined()
    expect(webUrl('mailto:a@b.fr')).toBeUndefined()
  })

  it('recognises skill levels in English and French', () => {
    expect(
      [
        'Beginner',
        'Intermediate',
        'Advanced',
        'Master',
        'Expert',
        'débutante',
        'Intermédiaire',
        'Avancé'
      ].map(levelOf)
    ).toEqual([1, 2, 3, 4, 5, 1, 2, 3])
    expect(['Maîtrise', 'EXPERTE', '3', '4/5', '', 'fluent', '7', undefined].map(levelOf)).toEqual([
      4,
      5,
      3,
      4,
      undefined,
      undefined,
      undefined,
      undefined
    ])
  })
})

describe('exportResume', () => {
  const now = new Date('2025-01-15T10:00:00.000Z')

  it('round-trips the French fixture: plan → records → export → parse', () => {
    const original = parsed(fixture('emilie'))
    const plan = planImport(original, { today: '2025-01-15' })
    const exported = exportResume(toRecords(plan.items), { now })
    const back = parsed(JSON.parse(JSON.stringify(exported)))

    expect(back.$schema).toBe(JSON_RESUME_SCHEMA_URL)
    expect(back.meta).toEqual({ version: 'v1.0.0', lastModified: '2025-01-15T10:00:00.000Z' })
    // The same works (the bare "www." address got its "https://").
    const works = (r: JsonResume) =>
      (r.work ?? []).map((w) => [
        w.name,
        w.position,
        w.location,
        w.startDate,
        w.endDate,
        w.summary,
        w.highlights
      ])
    expect(works(back)).toEqual(works(original))
    expect(back.work?.map((w) => w.url)).toEqual([
      'https://www.reze.fr',
      undefined,
      'https://www.brasseriedumarais.fr',
      undefined,
      'https://studiokraft.example'
    ])
    // Sorted newest first by start.
    expect(back.volunteer?.map((v) => v.organization)).toEqual([
      'Greenpeace — groupe local de Nantes',
      'Zéro Déchet Nantes',
      'Alternatiba Nantes',
      'Les Amis de la Loire'
    ])
    expect(back.education?.map((e) => e.institution)).toEqual([
      'FUN MOOC',
      'Lycée des Arts Appliqués de Nantes',
      'Lycée Léonard de Vinci, Montaigu'
    ])
    expect(back.education?.[1]).toMatchObject({
      institution: 'Lycée des Arts Appliqués de Nantes',
      studyType: 'DN MADE Graphisme, mention communication visuelle',
      score: 'Mention bien',
      courses: ['Typographie et mise en page', "Sémiologie de l'image", "Techniques d'impression"]
    })
    expect(back.certificates).toEqual([
      {
        name: 'Adobe Certified Professional — Illustrator',
        issuer: 'Adobe',
        date: '2023-04-12',
        url: 'https://www.credly.com/badges/exemple-emilie'
      }
    ])
    expect(back.basics).toMatchObject({
      name: 'Émilie Moreau',
      email: 'contact@emiliemoreau.fr',
      phone: '+33 6 12 34 56 78',
      url: 'https://emiliemoreau.fr',
      location: { address: '12 rue des Tanneurs, 44000 Nantes, Pays de la Loire, FR' }
    })
    expect(back.basics?.profiles?.map((p) => p.network)).toEqual(['Behance', 'Instagram', 'LinkedIn'])
    expect(back.skills?.length).toBe(13)
    expect(back.skills?.[0]).toEqual({
      name: 'Adobe Illustrator',
      level: 'Expert',
      keywords: ['vectorisation', 'logotypes', 'illustration']
    })

    // Importing the export again gives the same experiences and facets.
    const again = planImport(back, { today: '2025-01-15' })
    expect(experienceData(again.items)).toEqual(experienceData(plan.items))
    const facets = (items: readonly ImportItem[]) =>
      items.filter((i) => i.type === 'facet').map((i) => JSON.stringify(i.data))
    expect(facets(again.items)).toEqual(facets(plan.items))
    expect(again.warnings).toEqual([])
  })

  it('round-trips the English fixture', () => {
    const plan = planImport(parsed(fixture('alex')))
    const back = parsed(exportResume(toRecords(plan.items), { now }))
    expect(back.work?.map((w) => [w.position, w.startDate, w.endDate, w.highlights])).toEqual([
      [
        'Senior Backend Developer',
        '2021-04-01',
        undefined,
        ['Cut label latency by 60%', 'Led the move to PostgreSQL 15']
      ],
      ['Developer', '2017-09', '2021-03', ['Timetable ingestion pipeline']]
    ])
    expect(experienceData(planImport(back).items)).toEqual(experienceData(plan.items))
  })

  it('exports an empty vault as a valid résumé', () => {
    const out = exportResume([], { now })
    expect(out).toEqual({
      $schema: JSON_RESUME_SCHEMA_URL,
      basics: {},
      meta: { version: 'v1.0.0', lastModified: '2025-01-15T10:00:00.000Z' }
    })
    expect(parseResume(out).ok).toBe(true)
  })

  it('sorts newest first, caps sections at 500 and skips invalid records', () => {
    const experiences: ImportItem[] = Array.from({ length: 600 }, (_, i) => ({
      key: `x.${i}`,
      type: 'experience',
      label: '',
      data: {
        kind: 'job',
        title: `Job ${i}`,
        sphere: 'pro',
        skills: [],
        start: `${1500 + i}`
      }
    }))
    const records = toRecords(experiences)
    const broken = { ...records[0], data: { kind: 'job' } } as VaultRecordT
    const out = exportResume([broken, ...records], { now })
    expect(out.work?.length).toBe(500)
    expect(out.work?.[0]?.position).toBe('Job 599')
    expect(out.work?.[499]?.position).toBe('Job 100')
    expect(parseResume(out).ok).toBe(true)
  })

  it('maps kinds and facets', () => {
    const items: ImportItem[] = [
      { key: 'a', type: 'facet', label: '', data: { kind: 'name', value: 'Perso Name', sphere: 'perso' } },
      { key: 'b', type: 'facet', label: '', data: { kind: 'name', value: 'Pro Name', sphere: 'pro' } },
      { key: 'c', type: 'facet', label: '', data: { kind: 'website', value: 'handle', label: 'Mastodon' } },
      {
        key: 'd',
        type: 'experience',
        label: '',
        data: { kind: 'event', title: 'Paris Web', start: '2024-10', sphere: 'pro', skills: ['a11y'] }
      },
      {
        key: 'e',
        type: 'experience',
        label: '',
        data: {
          kind: 'award',
          title: 'Prix',
          organisation: 'Ville',
          start: '2021',
          sphere: 'pro',
          skills: []
        }
      },
      { key: 'f', type: 'note', label: '', data: { text: 'private', date: '2024-01-01', tags: [] } },
      { key: 'g', type: 'contact', label: '', data: { name: 'Claire', circles: [] } }
    ]
    const out = exportResume(toRecords(items), { now })
    expect(out.basics).toEqual({ name: 'Pro Name', profiles: [{ network: 'Mastodon', username: 'handle' }] })
    expect(out.projects).toEqual([
      { name: 'Paris Web', type: 'event', startDate: '2024-10', keywords: ['a11y'] }
    ])
    expect(out.awards).toEqual([{ title: 'Prix', awarder: 'Ville', date: '2021' }])
    expect(JSON.stringify(out)).not.toContain('private')
    expect(JSON.stringify(out)).not.toContain('Claire')
    const again = planImport(parsed(out)).items
    expect(dataOf(again, 'projects.0', 'experience').kind).toBe('event')
  })
})
