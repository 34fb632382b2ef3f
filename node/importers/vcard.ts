/**
 * vCard 3.0 and 4.0 (RFC 2426, RFC 6350) contacts into the vault, parsed with ical.js. Pure module.
 *
 * - Each card is cut out by its BEGIN:VCARD / END:VCARD lines (so that an error names the card and its
 *   line), then parsed by ical.js; one bad card fails the whole file (an import is all or nothing).
 * - FN (else N) → name; ORG's first part → organisation; TITLE (else ROLE) → role; the preferred EMAIL
 *   (PREF=1 or TYPE=pref, else the first) → email; the preferred TEL → phone (a `tel:` URI is read as its
 *   number); NOTE → notes, followed by what has no field of its own: other emails and phones, addresses,
 *   URLs, the birthday. PHOTO is left out (a contact record holds no image). Circles are left empty: an
 *   address book does not say which circle someone belongs to.
 * - Duplicates: a contact with the same email or the same name (accents and case ignored) already in the
 *   vault → `duplicateOf`.
 */
import ICAL from 'ical.js'
import { DATA_SCHEMAS, MAX_TEXT, type RecordDataMap, type VaultRecord } from '../model/records.ts'
import { truncate } from './json-resume.ts'
import { ImportFormatError } from './linkedin.ts'

export const MAX_VCARD_BYTES = 20 * 1024 * 1024
export const MAX_CARDS = 50_000

export interface ContactItem {
  key: string
  type: 'contact'
  data: RecordDataMap['contact']
  label: string
  duplicateOf?: string
}

export interface VcardPlan {
  items: ContactItem[]
  warnings: string[]
}

const norm = (s: string | undefined) =>
  (s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()

/** The cards of a file with the line each begins on. Throws on a card left open or text outside cards. */
export function splitCards(text: string, file: string): { line: number; text: string }[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  const cards: { line: number; text: string }[] = []
  let start = -1
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!
    if (/^BEGIN:VCARD\s*$/i.test(l)) {
      if (start >= 0)
        throw new ImportFormatError(`${file}, line ${i + 1}`, 'a card begins inside another card')
      start = i
    } else if (/^END:VCARD\s*$/i.test(l)) {
      if (start < 0) throw new ImportFormatError(`${file}, line ${i + 1}`, 'END:VCARD without BEGIN:VCARD')
      cards.push({ line: start + 1, text: lines.slice(start, i + 1).join('\r\n') })
      start = -1
      if (cards.length > MAX_CARDS)
        throw new ImportFormatError(file, `more than ${MAX_CARDS} cards`, 'TOO_LARGE')
    } else if (start < 0 && l.trim() !== '') {
      throw new ImportFormatError(
        `${file}, line ${i + 1}`,
        'not a vCard (text outside BEGIN:VCARD … END:VCARD)',
        'NOT_THIS_KIND'
      )
    }
  }
  if (start >= 0)
    throw new ImportFormatError(`${file}, line ${start + 1}`, 'the card is not closed (truncated file?)')
  if (cards.length === 0) throw new ImportFormatError(file, 'no vCard in this file', 'NOT_THIS_KIND')
  return cards
}

/** What ical.js leaves escaped in some vCard 4.0 values ("\\;", "\\,"). */
const unescape = (s: string) => s.replace(/\\([;,\\])/g, '$1')

function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined
  if (Array.isArray(value)) return text(value.filter((v) => v !== '' && v !== null).join(' '))
  const s = unescape(String(value as string))
    .replace(/\s+/g, ' ')
    .trim()
  return s === '' ? undefined : s
}

function isPreferred(p: ICAL.Property): boolean {
  const pref = p.getParameter('pref')
  if (pref !== undefined && pref !== null) return true
  const type = p.getParameter('type')
  const types = (Array.isArray(type) ? type : [type]).map((t) => String(t ?? '').toLowerCase())
  return types.includes('pref')
}

function ordered(card: ICAL.Component, name: string): ICAL.Property[] {
  const props = card.getAllProperties(name)
  return [...props.filter(isPreferred), ...props.filter((p) => !isPreferred(p))]
}

function phoneOf(p: ICAL.Property): string | undefined {
  const v = text(p.getFirstValue())
  return v?.replace(/^tel:/i, '')
}

/** Parse a vCard file (3.0 or 4.0) and plan its contacts. Throws ImportFormatError on bad input. */
export function planVcard(
  bytes: Uint8Array,
  existing: readonly VaultRecord[] = [],
  opts: { file?: string } = {}
): VcardPlan {
  const file = opts.file ?? 'contacts.vcf'
  if (bytes.length > MAX_VCARD_BYTES) throw new ImportFormatError(file, 'larger than 20 MB', 'TOO_LARGE')
  let source: string
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ImportFormatError(file, 'not UTF-8 text', 'NOT_THIS_KIND')
  }
  const known = new Map<string, string>()
  for (const r of existing) {
    if (r.type !== 'contact') continue
    const c = r.data as RecordDataMap['contact']
    known.set(`n:${norm(c.name)}`, r.id)
    if (c.email) known.set(`e:${norm(c.email)}`, r.id)
  }
  const items: ContactItem[] = []
  const warnings: string[] = []
  for (const { line, text: cardText } of splitCards(source, file)) {
    const where = `${file}, line ${line}`
    let card: ICAL.Component
    try {
      card = new ICAL.Component(ICAL.parse(cardText) as unknown[])
    } catch (e) {
      throw new ImportFormatError(where, `malformed vCard (${(e as Error).message})`)
    }
    const version = text(card.getFirstPropertyValue('version'))
    if (version !== '3.0' && version !== '4.0') {
      throw new ImportFormatError(where, `VERSION: expected 3.0 or 4.0, found ${version ?? 'none'}`)
    }
    const n = card.getFirstPropertyValue('n') as unknown
    const nameFromN = Array.isArray(n)
      ? text([n[1], n[2], n[0]].map((x) => (Array.isArray(x) ? x.join(' ') : x)))
      : text(n)
    const org = card.getFirstPropertyValue('org') as unknown
    const organisation = text(Array.isArray(org) ? org[0] : org)
    const name = text(card.getFirstPropertyValue('fn')) ?? nameFromN ?? organisation
    if (!name) {
      warnings.push(`${where}: skipped, the card has no name`)
      continue
    }
    const emails = ordered(card, 'email')
      .map((p) => text(p.getFirstValue())?.replace(/^mailto:/i, ''))
      .filter((e): e is string => !!e)
    const validEmails = emails.filter((e) => DATA_SCHEMAS.contact.shape.email.safeParse(e).success)
    const phones = ordered(card, 'tel')
      .map(phoneOf)
      .filter((p): p is string => !!p)
    const extra: string[] = []
    for (const e of emails.filter((x) => x !== validEmails[0])) extra.push(`Email: ${e}`)
    for (const p of phones.slice(phones[0] && phones[0].length <= 40 ? 1 : 0)) extra.push(`Phone: ${p}`)
    for (const a of card.getAllProperties('adr')) {
      const v = a.getFirstValue() as unknown
      const parts = Array.isArray(v) ? v.flat().map(text).filter(Boolean) : [text(v)].filter(Boolean)
      if (parts.length > 0) extra.push(`Address: ${parts.join(', ')}`)
    }
    for (const u of card.getAllProperties('url')) {
      const v = text(u.getFirstValue())
      if (v) extra.push(`Web: ${v}`)
    }
    const bday = text(card.getFirstPropertyValue('bday')?.toString())
    if (bday) extra.push(`Birthday: ${bday}`)
    const note = text(card.getFirstPropertyValue('note'))
      ? unescape(String(card.getFirstPropertyValue('note') as string)).trim()
      : undefined
    const notes = [note, extra.join('\n')].filter(Boolean).join('\n\n')
    const data: RecordDataMap['contact'] = {
      name: truncate(name, 200),
      organisation: organisation ? truncate(organisation, 200) : undefined,
      role: (() => {
        const r = text(card.getFirstPropertyValue('title')) ?? text(card.getFirstPropertyValue('role'))
        return r ? truncate(r, 200) : undefined
      })(),
      email: validEmails[0],
      phone: phones[0] && phones[0].length <= 40 ? phones[0] : undefined,
      circles: [],
      notes: notes ? truncate(notes, MAX_TEXT) : undefined
    }
    const checked = DATA_SCHEMAS.contact.safeParse(data)
    if (!checked.success) {
      warnings.push(`${where}: skipped, ${checked.error.issues[0]?.message ?? 'invalid'}`)
      continue
    }
    const dup = (data.email && known.get(`e:${norm(data.email)}`)) || known.get(`n:${norm(data.name)}`)
    items.push({
      key: `card.${line}`,
      type: 'contact',
      data: checked.data,
      label: [data.name, data.organisation].filter(Boolean).join(' · '),
      ...(dup ? { duplicateOf: dup } : {})
    })
  }
  return { items, warnings }
}
