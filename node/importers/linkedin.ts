/**
 * LinkedIn's personal data export (the "Get a copy of your data" ZIP) into the vault. Pure module: the
 * caller passes the ZIP's bytes and stores what the person picked. See docs/IMPORT.md for the mapping.
 *
 * - `readZip`: the entries of a ZIP, guarded against bombs (size caps per entry and in total, a
 *   compression-ratio cap) and against truncation (fflate checks every entry's CRC).
 * - `parseLinkedInCsv`: one CSV of the export. Some files (Connections.csv) open with a few lines of notes
 *   before their header: the header is found by the columns it must have. Quoted fields may hold newlines.
 * - `planLinkedIn`: the items an import would create, with duplicate suggestions against the vault.
 *
 * Received recommendations and endorsements are kept as unverified testimonies: `note` records tagged
 * `testimony` and `unverified`, whose text says who wrote it (name, company, LinkedIn URL when given) and
 * that LinkedIn does not prove it. The UI can match the name or URL to a contact and ask them for an
 * attestation.
 */
import { unzipSync, type Unzipped } from 'fflate'
import { parse } from 'csv-parse/sync'
import {
  DATA_SCHEMAS,
  MAX_TEXT,
  type RecordDataMap,
  type RecordType,
  type VaultRecord
} from '../model/records.ts'
import { truncate } from './json-resume.ts'

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024
export const MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
export const MAX_ENTRY_BYTES = 100 * 1024 * 1024
export const MAX_RATIO = 100
export const MAX_ENTRIES = 5000
export const MAX_ROWS = 100_000

export class ImportFormatError extends Error {
  constructor(
    /** The file (and line) at fault: "Positions.csv, line 4". */
    readonly where: string,
    message: string,
    readonly code: 'INVALID_IMPORT' | 'TOO_LARGE' | 'NOT_THIS_KIND' = 'INVALID_IMPORT'
  ) {
    super(`${where}: ${message}`)
  }
}

// ---------------------------------------------------------------------------------------------------------
// ZIP
// ---------------------------------------------------------------------------------------------------------

interface CentralEntry {
  name: string
  compressed: number
  size: number
  crc: number
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 as ZIP computes it (fflate does not check it when unzipping). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** Read the central directory (sizes as declared) before inflating anything. */
function centralDirectory(bytes: Uint8Array, file: string): CentralEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let eocd = -1
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (bytes.length < 4 || view.getUint32(0, true) !== 0x04034b50) {
    throw new ImportFormatError(file, 'not a ZIP file', 'NOT_THIS_KIND')
  }
  if (eocd < 0) throw new ImportFormatError(file, 'the ZIP file is truncated (no end of central directory)')
  const count = view.getUint16(eocd + 10, true)
  let offset = view.getUint32(eocd + 16, true)
  if (count > MAX_ENTRIES) throw new ImportFormatError(file, `too many entries (${count})`, 'TOO_LARGE')
  const entries: CentralEntry[] = []
  const decoder = new TextDecoder()
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) {
      throw new ImportFormatError(file, 'the ZIP file is damaged (bad central directory)')
    }
    const crc = view.getUint32(offset + 16, true)
    const compressed = view.getUint32(offset + 20, true)
    const size = view.getUint32(offset + 24, true)
    const nameLen = view.getUint16(offset + 28, true)
    const extra = view.getUint16(offset + 30, true)
    const comment = view.getUint16(offset + 32, true)
    const name = decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLen))
    if (compressed === 0xffffffff || size === 0xffffffff) {
      throw new ImportFormatError(`${file}: ${name}`, 'ZIP64 entries are not accepted', 'TOO_LARGE')
    }
    entries.push({ name, compressed, size, crc })
    offset += 46 + nameLen + extra + comment
  }
  return entries
}

/** The entries of a ZIP (directories left out), after checking declared and actual sizes. */
export function readZip(bytes: Uint8Array, file = 'the ZIP file'): Map<string, Uint8Array> {
  if (bytes.length > MAX_UPLOAD_BYTES) {
    throw new ImportFormatError(file, `larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`, 'TOO_LARGE')
  }
  const entries = centralDirectory(bytes, file)
  let total = 0
  for (const e of entries) {
    const where = `${file}: ${e.name}`
    if (e.size > MAX_ENTRY_BYTES) throw new ImportFormatError(where, 'entry too large', 'TOO_LARGE')
    if (e.size > 1024 * 1024 && e.size > MAX_RATIO * Math.max(1, e.compressed)) {
      throw new ImportFormatError(where, `compression ratio over ${MAX_RATIO} (a ZIP bomb?)`, 'TOO_LARGE')
    }
    total += e.size
    if (total > MAX_UNZIPPED_BYTES) {
      throw new ImportFormatError(file, 'more than 200 MB once uncompressed', 'TOO_LARGE')
    }
  }
  let out: Unzipped
  let actual = 0
  try {
    out = unzipSync(bytes, {
      // Declared sizes are checked above; fflate then inflates to the declared size and checks CRCs.
      filter: (f) => {
        actual += f.originalSize
        if (f.originalSize > MAX_ENTRY_BYTES || actual > MAX_UNZIPPED_BYTES) {
          throw new ImportFormatError(`${file}: ${f.name}`, 'entry too large', 'TOO_LARGE')
        }
        return !f.name.endsWith('/')
      }
    })
  } catch (e) {
    if (e instanceof ImportFormatError) throw e
    throw new ImportFormatError(file, `the ZIP file is damaged or truncated (${(e as Error).message})`)
  }
  const declared = new Map(entries.map((e) => [e.name, e]))
  const map = new Map<string, Uint8Array>()
  for (const [name, data] of Object.entries(out)) {
    const e = declared.get(name)
    if (!e || e.size !== data.length || e.crc !== crc32(data)) {
      throw new ImportFormatError(
        `${file}: ${name}`,
        'the ZIP file is damaged (size or checksum do not match)'
      )
    }
    map.set(name, data)
  }
  return map
}

// ---------------------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------------------

export type CsvRow = Record<string, string> & { __line: string }

/**
 * Parse one CSV of the export. The header is the first line holding every one of `required` (LinkedIn puts
 * notes before it in Connections.csv); rows are objects keyed by the header's names.
 */
export function parseLinkedInCsv(bytes: Uint8Array, file: string, required: readonly string[]): CsvRow[] {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ImportFormatError(file, 'not UTF-8 text', 'NOT_THIS_KIND')
  }
  text = text.replace(/^\uFEFF/, '')
  // Skip the notes LinkedIn puts before the header (Connections.csv): parsed with them, every row would be
  // "inconsistent" with the notes' one column, and csv-parse builds an error object for each (80 MB for
  // 20,000 connections, though relaxed).
  let skipped = 0
  const head = text.slice(0, 64 * 1024).split('\n')
  const at = head.findIndex((l) => required.every((c) => l.includes(c)))
  if (at > 0 && at < head.length - 1) {
    text = text.slice(head.slice(0, at).join('\n').length + 1)
    skipped = at
  }
  let records: string[][]
  let info: number[]
  try {
    const parsed = parse(text, {
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      to: MAX_ROWS + 20
    }) as unknown as { record: string[]; raw: string; info: { lines: number } }[]
    records = parsed.map((p) => p.record)
    // The line a record starts on: where it ends less the newlines inside it (quoted newlines).
    info = parsed.map(
      (p) =>
        skipped +
        p.info.lines -
        (p.raw
          .replace(/^[\r\n]+/, '')
          .replace(/\r?\n$/, '')
          .match(/\n/g)?.length ?? 0)
    )
  } catch (e) {
    const err = e as { lines?: number; message: string }
    const where = err.lines ? `${file}, line ${err.lines}` : file
    throw new ImportFormatError(where, `malformed CSV (${err.message.replace(/^Invalid [^:]*: /, '')})`)
  }
  const headerAt = records.findIndex(
    (r) => required.every((c) => r.map((x) => x.trim()).includes(c)) && r.length >= required.length
  )
  if (headerAt < 0) {
    throw new ImportFormatError(
      file,
      `no header line with the columns ${required.join(', ')}`,
      'NOT_THIS_KIND'
    )
  }
  if (records.length - headerAt - 1 > MAX_ROWS) {
    throw new ImportFormatError(file, `more than ${MAX_ROWS} rows`, 'TOO_LARGE')
  }
  const header = records[headerAt]!.map((h) => h.trim())
  const rows: CsvRow[] = []
  for (let i = headerAt + 1; i < records.length; i++) {
    const r = records[i]!
    if (r.length > header.length) {
      throw new ImportFormatError(
        `${file}, line ${info[i]}`,
        `${r.length} fields where the header has ${header.length}`
      )
    }
    const row = { __line: String(info[i]) } as CsvRow
    header.forEach((h, j) => (row[h] = (r[j] ?? '').trim()))
    rows.push(row)
  }
  return rows
}

// ---------------------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------------------

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * A LinkedIn date as a partial ISO date: "Jan 2021" → 2021-01, "2019" → 2019, "12 Jan 2024" and
 * "12-Jan-24" → 2024-01-12, "Mar 15, 2020" → 2020-03-15, "01/15/23, 10:12 AM" → 2023-01-15,
 * "2022/05/03 09:12:45 UTC" → 2022-05-03. "" is absent;
 * anything else is undefined with `ok: false`.
 */
export function linkedInDate(raw: string | undefined): { ok: boolean; date?: string } {
  const s = raw?.trim() ?? ''
  if (s === '' || /^present$/i.test(s)) return { ok: true }
  let m = /^(\d{4})$/.exec(s)
  if (m) return { ok: true, date: m[1] }
  m = /^(\d{4})[-/](\d{2})(?:[-/](\d{2}))?/.exec(s)
  if (m) return { ok: true, date: m[3] ? `${m[1]}-${m[2]}-${m[3]}` : `${m[1]}-${m[2]}` }
  const month = (w: string) =>
    MONTHS[w.toLowerCase().slice(0, w.length > 3 ? 4 : 3)] ?? MONTHS[w.toLowerCase().slice(0, 3)]
  const year = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y))
  const day = (y: number, mo: number, d: number) => {
    const dt = new Date(Date.UTC(2000, mo - 1, d))
    return dt.getUTCMonth() === mo - 1 ? { ok: true, date: `${y}-${pad(mo)}-${pad(d)}` } : { ok: false }
  }
  m = /^([A-Za-z]{3,9})\.? (\d{4})$/.exec(s)
  if (m && month(m[1]!)) return { ok: true, date: `${m[2]}-${pad(month(m[1]!)!)}` }
  m = /^(\d{1,2})[ -]([A-Za-z]{3,9})[ -](\d{2}|\d{4})$/.exec(s)
  if (m && month(m[2]!)) return day(year(m[3]!), month(m[2]!)!, Number(m[1]))
  m = /^([A-Za-z]{3,9}) (\d{1,2}), (\d{4})$/.exec(s)
  if (m && month(m[1]!)) return day(Number(m[3]), month(m[1]!)!, Number(m[2]))
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(,.*)?$/.exec(s)
  if (m) return day(year(m[3]!), Number(m[1]), Number(m[2]))
  return { ok: false }
}

// ---------------------------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------------------------

export type LinkedInItem = {
  [T in RecordType]: {
    /** Stable for a given export: `Positions.csv:3` (the row's first line). */
    key: string
    type: T
    data: RecordDataMap[T]
    /** One line for the preview. */
    label: string
    /** For testimonies: who wrote it, so that the UI can match a contact. */
    from?: { name: string; url?: string; company?: string }
    /** An existing record that looks like the same thing: suggest a merge, not a second copy. */
    duplicateOf?: string
  }
}[RecordType]

export interface LinkedInPlan {
  items: LinkedInItem[]
  /** Files of the export we read, and those we know but did not find. */
  files: { read: string[]; missing: string[] }
  warnings: string[]
}

export const LINKEDIN_FILES = {
  'Positions.csv': ['Company Name', 'Title', 'Started On'],
  'Education.csv': ['School Name', 'Start Date', 'End Date'],
  'Skills.csv': ['Name'],
  'Recommendations_Received.csv': ['First Name', 'Last Name', 'Text'],
  'Endorsement_Received_Info.csv': ['Skill Name', 'Endorser First Name', 'Endorser Last Name'],
  'Connections.csv': ['First Name', 'Last Name', 'Connected On']
} as const

type FileName = keyof typeof LINKEDIN_FILES

const norm = (s: string | undefined) =>
  (s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()

/** The key under which two experiences are "the same": organisation, title and dates. */
export function experienceKey(d: {
  organisation?: string
  title: string
  start?: string
  end?: string
}): string {
  return [norm(d.organisation), norm(d.title), d.start ?? '', d.end ?? ''].join('|')
}

function findFile(files: Map<string, Uint8Array>, name: string): Uint8Array | undefined {
  for (const [path, data] of files) {
    const base = path.split('/').pop()
    if (base?.toLowerCase() === name.toLowerCase()) return data
  }
  return undefined
}

/** Parse a LinkedIn export ZIP and plan its import. Throws ImportFormatError on bad input. */
export function planLinkedIn(
  zip: Uint8Array,
  existing: readonly VaultRecord[] = [],
  opts: { file?: string; today?: string } = {}
): LinkedInPlan {
  const file = opts.file ?? 'the ZIP file'
  const files = readZip(zip, file)
  const read: string[] = []
  const missing: string[] = []
  const rows = {} as Record<FileName, CsvRow[]>
  for (const name of Object.keys(LINKEDIN_FILES) as FileName[]) {
    const data = findFile(files, name)
    if (!data) {
      missing.push(name)
      rows[name] = []
      continue
    }
    rows[name] = parseLinkedInCsv(data, name, LINKEDIN_FILES[name])
    read.push(name)
  }
  if (read.length === 0) {
    throw new ImportFormatError(
      file,
      `not a LinkedIn export: none of ${Object.keys(LINKEDIN_FILES).join(', ')} was found`,
      'NOT_THIS_KIND'
    )
  }

  const items: LinkedInItem[] = []
  const warnings: string[] = []
  const today = opts.today ?? new Date().toISOString().slice(0, 10)
  const expKeys = new Map<string, string>()
  const skillNames = new Map<string, string>()
  const contactKeys = new Map<string, string>()
  for (const r of existing) {
    if (r.type === 'experience') expKeys.set(experienceKey(r.data as RecordDataMap['experience']), r.id)
    if (r.type === 'skill') skillNames.set(norm((r.data as RecordDataMap['skill']).name), r.id)
    if (r.type === 'contact') {
      const c = r.data as RecordDataMap['contact']
      contactKeys.set(norm(c.name), r.id)
      if (c.email) contactKeys.set(norm(c.email), r.id)
    }
  }

  const date = (row: CsvRow, f: string, col: string) => {
    const d = linkedInDate(row[col])
    if (!d.ok) throw new ImportFormatError(`${f}, line ${row.__line}`, `${col}: not a date: "${row[col]}"`)
    return d.date
  }
  const add = <T extends RecordType>(
    type: T,
    key: string,
    label: string,
    data: RecordDataMap[T],
    extra: Partial<LinkedInItem> = {}
  ) => {
    const checked = DATA_SCHEMAS[type].safeParse(data)
    if (!checked.success) {
      const issue = checked.error.issues[0]
      warnings.push(
        `${key.replace(':', ', line ')}: skipped, ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`
      )
      return
    }
    items.push({ key, type, data: checked.data as RecordDataMap[T], label, ...extra } as LinkedInItem)
  }
  const fit = (s: string | undefined, max: number) => (s ? truncate(s, max) : undefined)

  for (const row of rows['Positions.csv']) {
    const f = 'Positions.csv'
    const title = row['Title']
    if (!title) {
      warnings.push(`${f}, line ${row.__line}: skipped, it has no title`)
      continue
    }
    const start = date(row, f, 'Started On')
    const end = date(row, f, 'Finished On')
    const data: RecordDataMap['experience'] = {
      kind: /free-?lance|ind[ée]pendante?|self-employed|(auto|micro)-?entrepreneur/i.test(
        `${title} ${row['Company Name']}`
      )
        ? 'mission'
        : 'job',
      title: truncate(title, 200),
      organisation: fit(row['Company Name'], 200),
      place: fit(row['Location'], 200),
      start,
      end,
      ongoing: start && !end ? true : undefined,
      sphere: 'pro',
      skills: [],
      description: fit(row['Description'], MAX_TEXT)
    }
    const label = [title, data.organisation].filter(Boolean).join(' · ')
    add('experience', `${f}:${row.__line}`, label, data, { duplicateOf: expKeys.get(experienceKey(data)) })
  }

  for (const row of rows['Education.csv']) {
    const f = 'Education.csv'
    const school = row['School Name']
    const degree = row['Degree Name']
    if (!school && !degree) {
      warnings.push(`${f}, line ${row.__line}: skipped, it has neither a school nor a degree`)
      continue
    }
    const start = date(row, f, 'Start Date')
    const end = date(row, f, 'End Date')
    const data: RecordDataMap['experience'] = {
      kind: degree ? 'diploma' : 'training',
      title: truncate(degree || school!, 200),
      organisation: fit(school, 200),
      start,
      end,
      sphere: 'pro',
      skills: [],
      description: fit(
        [row['Notes'], row['Activities'] ? `Activities: ${row['Activities']}` : '']
          .filter(Boolean)
          .join('\n\n'),
        MAX_TEXT
      )
    }
    if (!data.description) delete data.description
    const label = [data.title, school].filter(Boolean).join(' · ')
    add('experience', `${f}:${row.__line}`, label, data, { duplicateOf: expKeys.get(experienceKey(data)) })
  }

  for (const row of rows['Skills.csv']) {
    const name = row['Name']
    if (!name) continue
    add(
      'skill',
      `Skills.csv:${row.__line}`,
      name,
      { name: truncate(name, 100), keywords: [] },
      {
        duplicateOf: skillNames.get(norm(name))
      }
    )
  }

  for (const row of rows['Recommendations_Received.csv']) {
    const f = 'Recommendations_Received.csv'
    const who = [row['First Name'], row['Last Name']].filter(Boolean).join(' ')
    const text = row['Text']
    if (!who || !text) {
      warnings.push(`${f}, line ${row.__line}: skipped, it has no author or no text`)
      continue
    }
    if (row['Status'] && !/visible/i.test(row['Status'])) {
      warnings.push(`${f}, line ${row.__line}: ${who}'s recommendation is ${row['Status'].toLowerCase()}`)
    }
    const role = [row['Job Title'], row['Company']].filter(Boolean).join(', ')
    const body = `Recommendation from ${who}${role ? ` (${role})` : ''}, received on LinkedIn — unverified testimony.\n\n${text}`
    add(
      'note',
      `${f}:${row.__line}`,
      `Recommendation from ${who} (unverified)`,
      {
        text: truncate(body, MAX_TEXT),
        date: date(row, f, 'Creation Date') ?? today,
        tags: ['testimony', 'unverified', 'linkedin', 'recommendation']
      },
      { from: { name: who, company: row['Company'] || undefined } }
    )
  }

  for (const row of rows['Endorsement_Received_Info.csv']) {
    const f = 'Endorsement_Received_Info.csv'
    const who = [row['Endorser First Name'], row['Endorser Last Name']].filter(Boolean).join(' ')
    const skill = row['Skill Name']
    if (!who || !skill) continue
    const url = row['Endorser Public Url'] ? normaliseUrl(row['Endorser Public Url']) : undefined
    const body = `${who} endorsed the skill “${skill}” on LinkedIn — unverified testimony.${url ? `\n${url}` : ''}`
    add(
      'note',
      `${f}:${row.__line}`,
      `${who} endorsed ${skill} (unverified)`,
      {
        text: truncate(body, MAX_TEXT),
        date: date(row, f, 'Endorsement Date') ?? today,
        tags: ['testimony', 'unverified', 'linkedin', 'endorsement', truncate(skill, 60)]
      },
      { from: { name: who, url } }
    )
  }

  for (const row of rows['Connections.csv']) {
    const f = 'Connections.csv'
    const name = [row['First Name'], row['Last Name']].filter(Boolean).join(' ')
    if (!name) {
      warnings.push(`${f}, line ${row.__line}: skipped, it has no name`)
      continue
    }
    const email = row['Email Address'] || undefined
    const url = row['URL'] ? normaliseUrl(row['URL']) : undefined
    const connected = date(row, f, 'Connected On')
    const notes = [url ? `LinkedIn: ${url}` : '', connected ? `Connected on LinkedIn on ${connected}` : '']
      .filter(Boolean)
      .join('\n')
    const data: RecordDataMap['contact'] = {
      name: truncate(name, 200),
      organisation: fit(row['Company'], 200),
      role: fit(row['Position'], 200),
      email,
      circles: ['pro'],
      notes: notes || undefined
    }
    add('contact', `${f}:${row.__line}`, name, data, {
      duplicateOf: (email && contactKeys.get(norm(email))) || contactKeys.get(norm(name)),
      from: { name, url }
    })
  }

  return { items, files: { read, missing }, warnings }
}

function normaliseUrl(raw: string): string | undefined {
  const s = /^https?:\/\//i.test(raw) ? raw : `https://${raw}`
  try {
    const u = new URL(s)
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : undefined
  } catch {
    return undefined
  }
}
