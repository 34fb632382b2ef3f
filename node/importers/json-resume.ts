/**
 * JSON Resume (https://jsonresume.org/schema, v1.0.0) in and out of the vault. Pure module: no `node:`
 * imports, no I/O; the API reads the body (checking it against `MAX_RESUME_BYTES`) and stores what the
 * user picked.
 *
 * - `JsonResume`: a zod schema of the document, permissive like the official one (every section optional,
 *   unknown keys accepted and dropped, `null` read as "absent", numbers accepted where text is expected)
 *   but capped (500 entries per array, 20,000 characters per string) and with dates checked.
 * - `parseResume`: validation with plain-English errors (`work[2].startDate: expected a date as …`).
 * - `planImport`: the list of records an import would create, each checked against records.ts.
 * - `exportResume`: the vault's profile, experiences and skills as a JSON Resume document.
 *
 * Mapping decisions (import):
 * - basics.name/email/phone/url → facets name/email/phone/website; basics.location → one `address` facet
 *   whose value joins the parts ("12 rue X, 44000 Nantes, Pays de la Loire, FR"); basics.profiles →
 *   `website` facets labelled with the network (a profile with only a username gets its URL on a few
 *   well-known networks).
 * - basics.label and basics.summary → one `note` (label on the first line), tagged `summary`, dated with
 *   `meta.lastModified` when it is a date, else with `opts.today`, else with the current local date. A note
 *   is the vault's place for free text about oneself; there is no facet kind for a headline.
 * - basics.image → not imported (warning): an avatar is a media record made from one's own file, and
 *   fetching a remote image is I/O this module does not do.
 * - work → experience `job`, sphere `pro`; `mission` instead when the position or the name says freelance /
 *   indépendant(e) / auto- or micro-entrepreneur (the vault tells a freelance mission from a job).
 * - volunteer → `volunteering`, sphere `associative`; education → `diploma` when `studyType` is given, else
 *   `training`; awards → `award`; certificates → `diploma`; publications → `contribution`; projects →
 *   `contribution` (`event` when `type` is "event"). All but work and volunteer go to sphere `pro`.
 * - description = summary (+ score, roles) then highlights/courses as "- " bullets. An entry with a start
 *   and no end is `ongoing` (JSON Resume's "present") for work, volunteer, education and projects.
 * - skills → `skill` (no category: a résumé's skills mix know-how and knowledge); the level is mapped to
 *   1..5 when recognised (Beginner 1, Intermediate 2, Advanced 3, Master 4, Expert 5, French equivalents,
 *   "3" or "3/5"), else kept in the description as "Level: …". languages → skill, category `savoir`,
 *   description = fluency. interests → skill, category `savoir-etre` (what one likes says something of who
 *   one is).
 * - references → `contact` (circle `pro`, notes = the reference). meta is not imported.
 * - Web addresses must be http(s) (a bare "www.x.fr" gets "https://"); anything else is left out with a
 *   warning.
 * - Over-long strings are shortened to the records.ts caps (with a warning), over-long lists cut at
 *   MAX_LIST. An item still failing its records.ts schema (e.g. an end before the start) is skipped with a
 *   warning.
 * - Non-standard keys read back (so that our own export round-trips): `keywords` and `location` on every
 *   experience-like section, `summary` on education and certificates.
 *
 * Export: facets → basics (first name/email/phone, preferring sphere `pro`; the first unlabelled website is
 * basics.url, the other websites are profiles; the address goes whole into location.address; avatars are
 * left out). Experiences by kind: job/mission → work, volunteering → volunteer, training and diploma →
 * education (a diploma with one date and no end → certificates), award → awards, contribution → projects
 * (one with a single date and no end → publications), event → projects with type "event". Skills → skills
 * (languages and interests included: nothing tells them apart once in the vault). Notes, contacts, places
 * and media are not exported (a résumé is meant to be shared: no diary, no address book). Each section is
 * sorted newest first and cut at 500 entries.
 */
import { z } from 'zod'
import {
  DATA_SCHEMAS,
  ExperienceData,
  FacetData,
  MAX_LIST,
  MAX_SHORT,
  MAX_TEXT,
  PartialDate,
  SkillData,
  type RecordDataMap,
  type RecordType,
  type VaultRecord
} from '../model/records.ts'

/** The largest JSON Resume document the node accepts (checked by the caller on the raw body). */
export const MAX_RESUME_BYTES = 2 * 1024 * 1024
export const MAX_RESUME_ARRAY = 500
export const MAX_RESUME_STRING = 20_000
export const JSON_RESUME_SCHEMA_URL =
  'https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json'

const DATE_MESSAGE = 'expected a date as YYYY, YYYY-MM or YYYY-MM-DD'

/** The sections whose presence makes a JSON object a résumé. */
export const RESUME_SECTIONS = [
  'basics',
  'work',
  'volunteer',
  'education',
  'awards',
  'certificates',
  'publications',
  'skills',
  'languages',
  'interests',
  'references',
  'projects'
] as const

// ---------------------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------------------

/** `null` means "absent"; a finite number where text is expected (a postal code, a phone) becomes text. */
function lenient(value: unknown): unknown {
  if (value === null) return undefined
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return value
}

const text = () => z.preprocess(lenient, z.string().max(MAX_RESUME_STRING).optional())
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(lenient, z.array(item).max(MAX_RESUME_ARRAY).optional())
const textList = () => list(z.string().max(MAX_RESUME_STRING))
const section = <T extends z.ZodRawShape>(shape: T) => z.preprocess(lenient, z.object(shape).optional())

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i

/** Trim; "" means absent; a full date-time is cut to its date. Does not validate. */
function normalizeDate(raw: string): string | undefined {
  const s = raw.trim()
  if (s === '') return undefined
  const dt = DATE_TIME.exec(s)
  return dt ? dt[1] : s
}

/** A partial ISO date that exists in the calendar (no 2023-02-30). */
function isPartialDate(s: string): boolean {
  if (!PartialDate.safeParse(s).success) return false
  const m = FULL_DATE.exec(s)
  if (!m) return true
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(0)
  date.setUTCFullYear(y, mo - 1, d) // not Date.UTC, which reads years 0..99 as 1900..1999
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/** A JSON Resume date: YYYY, YYYY-MM or YYYY-MM-DD; a date-time is cut to its date, "" is absent. */
const resumeDate = () =>
  z.preprocess(
    lenient,
    z
      .string()
      .max(100)
      .transform(normalizeDate)
      .refine((s) => s === undefined || isPartialDate(s), {
        message: DATE_MESSAGE
      })
      .optional()
  )

const Location = z.object({
  address: text(),
  postalCode: text(),
  city: text(),
  countryCode: text(),
  region: text()
})

const Profile = z.object({ network: text(), username: text(), url: text() })

const Basics = z.object({
  name: text(),
  label: text(),
  image: text(),
  email: text(),
  phone: text(),
  url: text(),
  summary: text(),
  location: section(Location.shape),
  profiles: list(Profile)
})

/** Keys we read on every experience-like section although the official schema lacks them on some. */
const extras = { keywords: textList(), location: text() }

const Work = z.object({
  name: text(),
  location: text(),
  description: text(),
  position: text(),
  url: text(),
  startDate: resumeDate(),
  endDate: resumeDate(),
  summary: text(),
  highlights: textList(),
  keywords: textList()
})

const Volunteer = z.object({
  organization: text(),
  position: text(),
  url: text(),
  startDate: resumeDate(),
  endDate: resumeDate(),
  summary: text(),
  highlights: textList(),
  ...extras
})

const Education = z.object({
  institution: text(),
  url: text(),
  area: text(),
  studyType: text(),
  startDate: resumeDate(),
  endDate: resumeDate(),
  score: text(),
  courses: textList(),
  summary: text(),
  ...extras
})

const Award = z.object({
  title: text(),
  date: resumeDate(),
  awarder: text(),
  summary: text(),
  ...extras
})

const Certificate = z.object({
  name: text(),
  date: resumeDate(),
  issuer: text(),
  url: text(),
  summary: text(),
  ...extras
})

const Publication = z.object({
  name: text(),
  publisher: text(),
  releaseDate: resumeDate(),
  url: text(),
  summary: text(),
  ...extras
})

const Skill = z.object({ name: text(), level: text(), keywords: textList() })
const Language = z.object({ language: text(), fluency: text() })
const Interest = z.object({ name: text(), keywords: textList() })
const Reference = z.object({ name: text(), reference: text() })

const Project = z.object({
  name: text(),
  description: text(),
  highlights: textList(),
  keywords: textList(),
  startDate: resumeDate(),
  endDate: resumeDate(),
  url: text(),
  roles: textList(),
  entity: text(),
  type: text(),
  location: text()
})

const Meta = z.object({
  canonical: text(),
  version: text(),
  lastModified: text()
})

/** A JSON Resume document (v1.0.0), permissive but capped. Unknown keys are accepted and dropped. */
export const JsonResume = z.object({
  $schema: text(),
  basics: section(Basics.shape),
  work: list(Work),
  volunteer: list(Volunteer),
  education: list(Education),
  awards: list(Award),
  certificates: list(Certificate),
  publications: list(Publication),
  skills: list(Skill),
  languages: list(Language),
  interests: list(Interest),
  references: list(Reference),
  projects: list(Project),
  meta: section(Meta.shape)
})
export type JsonResume = z.infer<typeof JsonResume>

// ---------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------

export interface ResumeError {
  code: 'INVALID_RESUME' | 'NOT_A_RESUME'
  /** Plain English, naming the first problem's place: "work[2].startDate: expected a date as …". */
  message: string
  /** "path → messages", paths written as in the message (`work[2].startDate`); `_` is the document itself. */
  fields: Record<string, string[]>
}

export type ParseResumeResult = { ok: true; resume: JsonResume } | { ok: false; error: ResumeError }

/** At most this many warnings are listed by `planImport` (the rest are counted). */
const MAX_WARNINGS = 200
/** At most this many problems are listed in `fields`. */
const MAX_REPORTED_ISSUES = 100

type Issue = z.ZodError['issues'][number]

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'string') return 'text'
  if (typeof value === 'number') return 'a number'
  if (typeof value === 'boolean') return 'true/false'
  if (typeof value === 'object') return 'an object'
  return typeof value
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  array: 'a list',
  object: 'an object',
  number: 'a number',
  boolean: 'true/false'
}

/** `['work', 2, 'startDate']` → `work[2].startDate`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? String(part) : `.${String(part)}`
  }
  return out
}

function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, found ${describeValue(issue.input)}`
    case 'too_big': {
      const input = issue.input
      if (issue.origin === 'array') {
        const n = Array.isArray(input) ? ` (${input.length})` : ''
        return `too many entries${n}: at most ${String(issue.maximum)}`
      }
      if (issue.origin === 'string') {
        const n = typeof input === 'string' ? ` (${input.length} characters)` : ''
        return `too long${n}: at most ${String(issue.maximum)} characters`
      }
      return issue.message
    }
    default:
      return issue.message
  }
}

function invalid(fields: Record<string, string[]>, message: string): ParseResumeResult {
  return { ok: false, error: { code: 'INVALID_RESUME', message, fields } }
}

/** Validate a decoded JSON value as a JSON Resume document. */
export function parseResume(input: unknown): ParseResumeResult {
  if (!isPlainObject(input)) {
    const problem = `expected a JSON object, found ${describeValue(input)}`
    return invalid({ _: [problem] }, `the document is not a JSON Resume: ${problem}`)
  }
  if (!RESUME_SECTIONS.some((s) => input[s] !== undefined && input[s] !== null)) {
    const message =
      'this file does not look like a JSON Resume: none of ' + RESUME_SECTIONS.join(', ') + ' was found'
    return {
      ok: false,
      error: { code: 'NOT_A_RESUME', message, fields: { _: [message] } }
    }
  }
  const result = JsonResume.safeParse(input, { reportInput: true })
  if (result.success) return { ok: true, resume: result.data }
  const issues = result.error.issues
  const fields: Record<string, string[]> = {}
  for (const issue of issues.slice(0, MAX_REPORTED_ISSUES)) {
    const key = issue.path.length > 0 ? formatPath(issue.path) : '_'
    ;(fields[key] ??= []).push(describeIssue(issue))
  }
  const first = issues[0]
  const where = first && first.path.length > 0 ? formatPath(first.path) : 'the document'
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : ''
  return invalid(fields, `${where}: ${first ? describeIssue(first) : 'invalid'}${more}`)
}

// ---------------------------------------------------------------------------------------------------------
// Import plan
// ---------------------------------------------------------------------------------------------------------

/** One record the import would create; `key` is stable for a given document (`work.0`, `basics.email`). */
export type ImportItem = {
  [T in RecordType]: {
    key: string
    type: T
    data: RecordDataMap[T]
    label: string
  }
}[RecordType]

export interface ImportPlan {
  items: ImportItem[]
  warnings: string[]
}

export interface PlanOptions {
  /** The date for the summary note when `meta.lastModified` has none (a Date is read in local time). */
  today?: Date | string
}

type ExperienceKind = RecordDataMap['experience']['kind']
type Sphere = RecordDataMap['experience']['sphere']

/** Shorten to `max` UTF-16 units with an ellipsis, never splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s
  let cut = max - 1
  const code = s.charCodeAt(cut - 1)
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1
  return `${s.slice(0, cut).trimEnd()}…`
}

function clean(s: string | undefined): string | undefined {
  const t = s?.trim()
  return t ? t : undefined
}

/** A one-line value: whitespace runs collapsed. */
function line(s: string | undefined): string | undefined {
  return clean(s?.replace(/\s+/g, ' '))
}

function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

const LEVELS: Record<string, number> = {
  beginner: 1,
  novice: 1,
  basic: 1,
  basics: 1,
  elementary: 1,
  debutant: 1,
  debutante: 1,
  notions: 1,
  bases: 1,
  elementaire: 1,
  intermediate: 2,
  intermediaire: 2,
  moyen: 2,
  advanced: 3,
  proficient: 3,
  experienced: 3,
  avance: 3,
  avancee: 3,
  confirme: 3,
  confirmee: 3,
  experimente: 3,
  experimentee: 3,
  master: 4,
  mastery: 4,
  maitrise: 4,
  expert: 5,
  experte: 5
}
const LEVEL_WORDS = ['Beginner', 'Intermediate', 'Advanced', 'Master', 'Expert'] as const

/** "Expert" → 5, "Intermédiaire" → 2, "3" or "3/5" → 3; undefined when not recognised. */
export function levelOf(raw: string | undefined): number | undefined {
  const s = raw
    ?.normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim()
  if (!s) return undefined
  const digit = /^([1-5])(\s*\/\s*5)?$/.exec(s)
  if (digit) return Number(digit[1])
  return LEVELS[s]
}

const FREELANCE = /free-?lance|ind[ée]pendante?|independent|self-employed|(auto|micro)-?entrepreneur/i

/** Profile URLs for a username alone, on networks where the pattern is stable. */
const PROFILE_URLS: Record<string, (u: string) => string> = {
  github: (u) => `https://github.com/${u}`,
  gitlab: (u) => `https://gitlab.com/${u}`,
  linkedin: (u) => `https://www.linkedin.com/in/${u}`,
  instagram: (u) => `https://www.instagram.com/${u}`,
  behance: (u) => `https://www.behance.net/${u}`,
  dribbble: (u) => `https://dribbble.com/${u}`,
  twitter: (u) => `https://x.com/${u}`,
  x: (u) => `https://x.com/${u}`
}

/** An http(s) address, or undefined. A bare "www.x.fr/…" gets "https://". */
export function webUrl(raw: string | undefined): string | undefined {
  let s = clean(raw)
  if (!s || /\s/.test(s)) return undefined
  if (!/^[a-z][a-z\d+.-]*:/i.test(s) && /^[\w-]+(\.[\w-]+)+(?::\d+)?([/?#]|$)/.test(s)) s = `https://${s}`
  let url: URL
  try {
    url = new URL(s)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (s.length > 2000 || !z.url().safeParse(s).success) return undefined
  return s
}

function bulletOf(s: string): string | undefined {
  const t = line(s)
  return t ? `- ${t.replace(/^[-•*]\s+/, '')}` : undefined
}

function span(start?: string, end?: string, ongoing?: boolean): string {
  if (start && end) return start === end ? start : `${start} – ${end}`
  if (start) return ongoing ? `since ${start}` : start
  if (end) return `until ${end}`
  return ''
}

interface ExperienceDraft {
  kind: ExperienceKind
  sphere: Sphere
  title?: string
  /** What to say when there is no title (e.g. "it has neither a position nor a name"). */
  noTitle: string
  organisation?: string
  place?: string
  start?: string
  end?: string
  /** A start without an end means "ongoing". */
  openMeansOngoing: boolean
  paragraphs: (string | undefined)[]
  bullets?: readonly string[]
  url?: string
  keywords?: readonly string[]
}

class Planner {
  readonly items: ImportItem[] = []
  readonly warnings: string[] = []
  private dropped = 0

  /** Record a warning; past MAX_WARNINGS they are only counted (a 2 MB file could make thousands). */
  warn(message: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(message)
    else this.dropped += 1
  }

  finish(): ImportPlan {
    if (this.items.length === 0) this.warn('nothing to import: the résumé has no entry the vault can hold')
    const warnings = [...this.warnings]
    if (this.dropped > 0) warnings.push(`and ${this.dropped} more warning${this.dropped > 1 ? 's' : ''}`)
    return { items: this.items, warnings }
  }

  /** Validate against records.ts; a failure becomes a warning and the item is skipped. */
  add(type: RecordType, key: string, where: string, label: string, data: unknown): void {
    const result = DATA_SCHEMAS[type].safeParse(data)
    if (result.success) {
      this.items.push({ key, type, data: result.data, label } as ImportItem)
      return
    }
    const problems = result.error.issues.map((i) =>
      i.path.length > 0 && i.message !== 'the end comes before the start'
        ? `${formatPath(i.path)}: ${i.message}`
        : i.message
    )
    this.warn(`${where} "${label}": skipped, ${problems.join('; ')}`)
  }

  /** Trim and cap a value for a field, warning when it had to be shortened. */
  fit(
    value: string | undefined,
    max: number,
    where: string,
    field: string,
    oneLine = true
  ): string | undefined {
    const v = oneLine ? line(value) : clean(value)
    if (v === undefined || v.length <= max) return v
    this.warn(`${where}: ${field} shortened to ${max} characters`)
    return truncate(v, max)
  }

  /** A de-duplicated list of short strings, each capped, at most MAX_LIST. */
  fitList(values: readonly string[] | undefined, max: number, where: string, field: string): string[] {
    const out: string[] = []
    const seen = new Set<string>()
    let shortened = 0
    for (const raw of values ?? []) {
      let v = line(raw)
      if (v === undefined || seen.has(v.toLowerCase())) continue
      seen.add(v.toLowerCase())
      if (v.length > max) {
        shortened += 1
        v = truncate(v, max)
      }
      out.push(v)
    }
    if (shortened > 0) this.warn(`${where}: ${shortened} of the ${field} shortened to ${max} characters`)
    if (out.length > MAX_LIST) {
      this.warn(`${where}: only the first ${MAX_LIST} ${field} were kept (of ${out.length})`)
      return out.slice(0, MAX_LIST)
    }
    return out
  }

  url(raw: string | undefined, where: string): string | undefined {
    if (clean(raw) === undefined) return undefined
    const url = webUrl(raw)
    if (url === undefined)
      this.warn(`${where}.url: "${truncate(line(raw) ?? '', 80)}" is not a web address, left out`)
    return url
  }

  description(paragraphs: (string | undefined)[], bullets: readonly string[], where: string) {
    const parts = paragraphs.map(clean).filter((p): p is string => p !== undefined)
    const list = bullets.map(bulletOf).filter((b): b is string => b !== undefined)
    if (list.length > 0) parts.push(list.join('\n'))
    return this.fit(parts.join('\n\n'), MAX_TEXT, where, 'description', false)
  }

  experience(d: ExperienceDraft, key: string, where: string): void {
    const title = this.fit(d.title, MAX_SHORT, where, 'title')
    if (title === undefined) {
      this.warn(`${where}: skipped, ${d.noTitle}`)
      return
    }
    const organisation = this.fit(d.organisation, MAX_SHORT, where, 'organisation')
    const ongoing = d.openMeansOngoing && d.start !== undefined && d.end === undefined ? true : undefined
    const data = {
      kind: d.kind,
      title,
      organisation,
      place: this.fit(d.place, MAX_SHORT, where, 'place'),
      start: d.start,
      end: d.end,
      ongoing,
      sphere: d.sphere,
      skills: this.fitList(d.keywords, 100, where, 'keywords'),
      description: this.description(d.paragraphs, d.bullets ?? [], where),
      url: this.url(d.url, where)
    }
    const dates = span(d.start, d.end, ongoing)
    const org = organisation && organisation !== title ? ` — ${organisation}` : ''
    const label = `${title}${org}${dates ? ` (${dates})` : ''}`
    this.add('experience', key, where, label, data)
  }
}

/** The records an import of `resume` would create, with warnings for what is left out or changed. */
export function planImport(resume: JsonResume, opts: PlanOptions = {}): ImportPlan {
  const p = new Planner()
  planBasics(p, resume, opts)

  resume.work?.forEach((w, i) => {
    const freelance = FREELANCE.test(`${w.position ?? ''} ${w.name ?? ''}`)
    p.experience(
      {
        kind: freelance ? 'mission' : 'job',
        sphere: 'pro',
        title: line(w.position) ?? w.name,
        noTitle: 'it has neither a position nor a name',
        organisation: w.name,
        place: w.location,
        start: w.startDate,
        end: w.endDate,
        openMeansOngoing: true,
        paragraphs: [w.summary],
        bullets: w.highlights,
        url: w.url,
        keywords: w.keywords
      },
      `work.${i}`,
      `work[${i}]`
    )
  })

  resume.volunteer?.forEach((v, i) => {
    p.experience(
      {
        kind: 'volunteering',
        sphere: 'associative',
        title: line(v.position) ?? v.organization,
        noTitle: 'it has neither a position nor an organization',
        organisation: v.organization,
        place: v.location,
        start: v.startDate,
        end: v.endDate,
        openMeansOngoing: true,
        paragraphs: [v.summary],
        bullets: v.highlights,
        url: v.url,
        keywords: v.keywords
      },
      `volunteer.${i}`,
      `volunteer[${i}]`
    )
  })

  resume.education?.forEach((e, i) => {
    const studyType = line(e.studyType)
    const degree = line([studyType, line(e.area)].filter(Boolean).join(' '))
    const score = line(e.score)
    p.experience(
      {
        kind: studyType ? 'diploma' : 'training',
        sphere: 'pro',
        title: degree ?? e.institution,
        noTitle: 'it has no study type, area or institution',
        organisation: e.institution,
        place: e.location,
        start: e.startDate,
        end: e.endDate,
        openMeansOngoing: true,
        paragraphs: [e.summary, score ? `Score: ${score}` : undefined],
        bullets: e.courses,
        url: e.url,
        keywords: e.keywords
      },
      `education.${i}`,
      `education[${i}]`
    )
  })

  resume.awards?.forEach((a, i) => {
    p.experience(
      {
        kind: 'award',
        sphere: 'pro',
        title: a.title,
        noTitle: 'it has no title',
        organisation: a.awarder,
        place: a.location,
        start: a.date,
        openMeansOngoing: false,
        paragraphs: [a.summary],
        keywords: a.keywords
      },
      `awards.${i}`,
      `awards[${i}]`
    )
  })

  resume.certificates?.forEach((c, i) => {
    p.experience(
      {
        kind: 'diploma',
        sphere: 'pro',
        title: c.name,
        noTitle: 'it has no name',
        organisation: c.issuer,
        place: c.location,
        start: c.date,
        openMeansOngoing: false,
        paragraphs: [c.summary],
        url: c.url,
        keywords: c.keywords
      },
      `certificates.${i}`,
      `certificates[${i}]`
    )
  })

  resume.publications?.forEach((pub, i) => {
    p.experience(
      {
        kind: 'contribution',
        sphere: 'pro',
        title: pub.name,
        noTitle: 'it has no name',
        organisation: pub.publisher,
        place: pub.location,
        start: pub.releaseDate,
        openMeansOngoing: false,
        paragraphs: [pub.summary],
        url: pub.url,
        keywords: pub.keywords
      },
      `publications.${i}`,
      `publications[${i}]`
    )
  })

  resume.projects?.forEach((pr, i) => {
    const roles = (pr.roles ?? []).map(line).filter((r): r is string => r !== undefined)
    p.experience(
      {
        kind: line(pr.type)?.toLowerCase() === 'event' ? 'event' : 'contribution',
        sphere: 'pro',
        title: pr.name,
        noTitle: 'it has no name',
        organisation: pr.entity,
        place: pr.location,
        start: pr.startDate,
        end: pr.endDate,
        openMeansOngoing: true,
        paragraphs: [pr.description, roles.length > 0 ? `Roles: ${roles.join(', ')}` : undefined],
        bullets: pr.highlights,
        url: pr.url,
        keywords: pr.keywords
      },
      `projects.${i}`,
      `projects[${i}]`
    )
  })

  resume.skills?.forEach((s, i) => {
    const where = `skills[${i}]`
    const name = p.fit(s.name, 100, where, 'name')
    if (name === undefined) {
      p.warn(`${where}: skipped, it has no name`)
      return
    }
    const rawLevel = line(s.level)
    const level = levelOf(rawLevel)
    const data = {
      name,
      level,
      keywords: p.fitList(s.keywords, 60, where, 'keywords'),
      description:
        rawLevel && level === undefined ? p.fit(`Level: ${rawLevel}`, MAX_TEXT, where, 'level') : undefined
    }
    p.add('skill', `skills.${i}`, where, level ? `${name} (${level}/5)` : name, data)
  })

  resume.languages?.forEach((l, i) => {
    const where = `languages[${i}]`
    const name = p.fit(l.language, 100, where, 'language')
    if (name === undefined) {
      p.warn(`${where}: skipped, it has no language`)
      return
    }
    const fluency = p.fit(l.fluency, MAX_TEXT, where, 'fluency')
    const data = {
      name,
      category: 'savoir',
      keywords: [],
      description: fluency
    }
    p.add('skill', `languages.${i}`, where, fluency ? `${name} (${fluency})` : name, data)
  })

  resume.interests?.forEach((it, i) => {
    const where = `interests[${i}]`
    const name = p.fit(it.name, 100, where, 'name')
    if (name === undefined) {
      p.warn(`${where}: skipped, it has no name`)
      return
    }
    const data = {
      name,
      category: 'savoir-etre',
      keywords: p.fitList(it.keywords, 60, where, 'keywords')
    }
    p.add('skill', `interests.${i}`, where, name, data)
  })

  resume.references?.forEach((r, i) => {
    const where = `references[${i}]`
    const name = p.fit(r.name, MAX_SHORT, where, 'name')
    if (name === undefined) {
      p.warn(`${where}: skipped, it has no name`)
      return
    }
    const data = {
      name,
      circles: ['pro'],
      notes: p.fit(r.reference, MAX_TEXT, where, 'reference', false)
    }
    p.add('contact', `references.${i}`, where, name, data)
  })

  return p.finish()
}

function planBasics(p: Planner, resume: JsonResume, opts: PlanOptions): void {
  const b = resume.basics
  if (!b) return
  const facet = (
    key: string,
    kind: RecordDataMap['facet']['kind'],
    value: string | undefined,
    label?: string,
    where = `basics.${key}`
  ) => {
    const v = p.fit(value, 500, where, 'value')
    if (v === undefined) return
    const data = { kind, value: v, label: p.fit(label, 80, where, 'label') }
    p.add('facet', `basics.${key}`, where, label ? `${label}: ${v}` : v, data)
  }
  facet('name', 'name', b.name)
  facet('email', 'email', b.email)
  facet('phone', 'phone', b.phone)
  if (clean(b.url) !== undefined) {
    const url = p.url(b.url, 'basics')
    if (url) facet('url', 'website', url)
  }
  const loc = b.location
  if (loc) {
    const cityLine = line([line(loc.postalCode), line(loc.city)].filter(Boolean).join(' '))
    const address = loc.address?.split(/\r?\n/).map(line).filter(Boolean).join(', ')
    const parts = [line(address), cityLine, line(loc.region), line(loc.countryCode)]
    facet('location', 'address', parts.filter(Boolean).join(', '))
  }
  b.profiles?.forEach((pr, i) => {
    const where = `basics.profiles[${i}]`
    const network = line(pr.network)
    const username = line(pr.username)?.replace(/^@/, '')
    let url = clean(pr.url) !== undefined ? p.url(pr.url, where) : undefined
    const known = network ? PROFILE_URLS[network.toLowerCase()] : undefined
    if (!url && known && username && /^[\w.-]+$/.test(username)) url = known(username)
    const value = url ?? username
    if (!value) {
      p.warn(`${where}: skipped, it has neither a URL nor a username`)
      return
    }
    facet(`profiles.${i}`, 'website', value, network ?? (url ? hostname(url) : undefined), where)
  })
  if (clean(b.image) !== undefined) {
    p.warn('basics.image: the photo is not imported; add an avatar from one of your own images')
  }
  const summary = [line(b.label), clean(b.summary)].filter(Boolean).join('\n\n')
  if (summary) {
    const where = 'basics.summary'
    const text = p.fit(summary, MAX_TEXT, where, 'text', false)
    const label = truncate(line(text?.split('\n')[0]) ?? '', 80)
    p.add('note', where, where, label, {
      text,
      date: noteDate(resume, opts),
      tags: ['summary']
    })
  }
}

function noteDate(resume: JsonResume, opts: PlanOptions): string {
  const modified = resume.meta?.lastModified
  const fromMeta = modified ? normalizeDate(modified) : undefined
  if (fromMeta && isPartialDate(fromMeta)) return fromMeta
  const today = opts.today
  if (typeof today === 'string') {
    const t = normalizeDate(today)
    if (t && isPartialDate(t)) return t
  } else if (today instanceof Date && !Number.isNaN(today.getTime())) {
    return localDate(today)
  }
  return localDate(new Date())
}

// ---------------------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------------------

type Facet = RecordDataMap['facet']
type Experience = RecordDataMap['experience']
type SkillRecord = RecordDataMap['skill']

/** Drop the keys whose value is undefined (for a tidy JSON file). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

/** Split a description into the free text and its trailing "- " bullets (the inverse of the import). */
function splitDescription(description: string | undefined): {
  summary?: string
  bullets?: string[]
} {
  const text = clean(description)
  if (!text) return {}
  const lines = text.split('\n')
  let i = lines.length
  while (i > 0 && /^- \S/.test(lines[i - 1] ?? '')) i -= 1
  const bullets = lines.slice(i).map((l) => l.slice(2).trim())
  const rest = lines.slice(0, i)
  // Bullets only count as such after a blank line (or at the top), and within the array cap.
  if (
    bullets.length === 0 ||
    bullets.length > MAX_RESUME_ARRAY ||
    (i > 0 && (rest[i - 1] ?? '').trim() !== '')
  ) {
    return { summary: text }
  }
  return { summary: clean(rest.join('\n')), bullets }
}

/** Newest first by start (or end), undated last; stable. */
function byDateDesc(a: Experience, b: Experience): number {
  const ka = a.start ?? a.end ?? ''
  const kb = b.start ?? b.end ?? ''
  return ka === kb ? 0 : ka < kb ? 1 : -1
}

function pick(facets: Facet[], kind: Facet['kind']): Facet | undefined {
  const all = facets.filter((f) => f.kind === kind)
  return all.find((f) => f.sphere === 'pro') ?? all.find((f) => f.sphere === undefined) ?? all[0]
}

function hostname(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined
  } catch {
    return undefined
  }
}

const cap = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list.slice(0, MAX_RESUME_ARRAY) : undefined)
const keywords = (e: Experience) => (e.skills.length > 0 ? e.skills : undefined)

/** The vault's profile, experiences and skills as a JSON Resume document (which `parseResume` accepts). */
export function exportResume(records: readonly VaultRecord[], opts: { now?: Date } = {}): JsonResume {
  const facets: Facet[] = []
  const experiences: Experience[] = []
  const skills: SkillRecord[] = []
  for (const record of records) {
    // Records come validated from the vault; check again so that the output is sure to be a valid résumé.
    if (record.type === 'facet') {
      const r = FacetData.safeParse(record.data)
      if (r.success) facets.push(r.data)
    } else if (record.type === 'experience') {
      const r = ExperienceData.safeParse(record.data)
      if (r.success) experiences.push(r.data)
    } else if (record.type === 'skill') {
      const r = SkillData.safeParse(record.data)
      if (r.success) skills.push(r.data)
    }
  }
  experiences.sort(byDateDesc)
  const of = (...kinds: ExperienceKind[]) => experiences.filter((e) => kinds.includes(e.kind))
  const oneDate = (e: Experience) => !!e.start && !e.end && !e.ongoing
  const isCertificate = (e: Experience) => e.kind === 'diploma' && oneDate(e)
  const isPublication = (e: Experience) => e.kind === 'contribution' && oneDate(e)

  const websites = facets.filter((f) => f.kind === 'website')
  const home = websites.find((f) => f.label === undefined)
  const address = pick(facets, 'address')
  const basics: NonNullable<JsonResume['basics']> = compact({
    name: pick(facets, 'name')?.value,
    email: pick(facets, 'email')?.value,
    phone: pick(facets, 'phone')?.value,
    url: home?.value,
    location: address ? { address: address.value } : undefined,
    profiles: cap(
      websites
        .filter((f) => f !== home)
        .map((f) =>
          webUrl(f.value)
            ? compact({ network: f.label ?? hostname(f.value), url: f.value })
            : compact({ network: f.label, username: f.value })
        )
    )
  })

  const work = of('job', 'mission').map((e) => {
    const { summary, bullets } = splitDescription(e.description)
    return compact({
      name: e.organisation,
      position: e.title,
      location: e.place,
      url: e.url,
      startDate: e.start,
      endDate: e.end,
      summary,
      highlights: bullets,
      keywords: keywords(e)
    })
  })

  const volunteer = of('volunteering').map((e) => {
    const { summary, bullets } = splitDescription(e.description)
    return compact({
      organization: e.organisation,
      position: e.title,
      location: e.place,
      url: e.url,
      startDate: e.start,
      endDate: e.end,
      summary,
      highlights: bullets,
      keywords: keywords(e)
    })
  })

  const education = of('training', 'diploma')
    .filter((e) => !isCertificate(e))
    .map((e) => {
      const { summary, bullets } = splitDescription(e.description)
      const score = summary ? /^Score: (.+)$/.exec(summary)?.[1] : undefined
      return compact({
        institution: e.organisation,
        // The import reads a diploma's title as "studyType area": put it all in studyType to get it back.
        studyType: e.kind === 'diploma' ? e.title : undefined,
        area: e.kind === 'training' ? e.title : undefined,
        location: e.place,
        url: e.url,
        startDate: e.start,
        endDate: e.end,
        score,
        summary: score ? undefined : summary,
        courses: bullets,
        keywords: keywords(e)
      })
    })

  const certificates = experiences.filter(isCertificate).map((e) =>
    compact({
      name: e.title,
      issuer: e.organisation,
      date: e.start,
      url: e.url,
      summary: clean(e.description),
      location: e.place,
      keywords: keywords(e)
    })
  )

  const awards = of('award').map((e) =>
    compact({
      title: e.title,
      awarder: e.organisation,
      date: e.start ?? e.end,
      summary: clean(e.description),
      location: e.place,
      keywords: keywords(e)
    })
  )

  const publications = experiences.filter(isPublication).map((e) =>
    compact({
      name: e.title,
      publisher: e.organisation,
      releaseDate: e.start,
      url: e.url,
      summary: clean(e.description),
      location: e.place,
      keywords: keywords(e)
    })
  )

  const projects = of('contribution', 'event')
    .filter((e) => !isPublication(e))
    .map((e) => {
      const { summary, bullets } = splitDescription(e.description)
      return compact({
        name: e.title,
        entity: e.organisation,
        type: e.kind === 'event' ? 'event' : undefined,
        location: e.place,
        url: e.url,
        startDate: e.start,
        endDate: e.end,
        description: summary,
        highlights: bullets,
        keywords: keywords(e)
      })
    })

  const skillList = skills.map((s) =>
    compact({
      name: s.name,
      level: s.level === undefined ? undefined : LEVEL_WORDS[s.level - 1],
      keywords: s.keywords.length > 0 ? s.keywords : undefined
    })
  )

  return compact({
    $schema: JSON_RESUME_SCHEMA_URL,
    basics,
    work: cap(work),
    volunteer: cap(volunteer),
    education: cap(education),
    awards: cap(awards),
    certificates: cap(certificates),
    publications: cap(publications),
    projects: cap(projects),
    skills: cap(skillList),
    meta: {
      version: 'v1.0.0',
      lastModified: (opts.now ?? new Date()).toISOString()
    }
  })
}
