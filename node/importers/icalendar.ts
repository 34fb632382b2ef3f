/**
 * iCalendar (RFC 5545) events onto the time-line, parsed with ical.js. Pure module. See docs/IMPORT.md.
 *
 * - Every VEVENT → an experience of kind `event`, sphere `pro`: SUMMARY → title, LOCATION → place, the
 *   date of DTSTART → start, the date of DTEND (an all-day event's end is exclusive: the day before) →
 *   end when it differs, DESCRIPTION then "With: …" (the attendees) → description, URL → url.
 * - Recurring events: one record per series, not one per occurrence. Its start is the first occurrence;
 *   its end is the rule's UNTIL (or the last of COUNT occurrences); a rule without an end is `ongoing`.
 *   The rule is summarised in the description ("Repeats weekly on MO, TH (RRULE FREQ=…)"). Moved or
 *   cancelled occurrences (RECURRENCE-ID) belong to their series and are not imported on their own.
 * - Attendees and the organiser are matched to the vault's contacts by email, then by name: the item's
 *   `contactIds` lets the UI link them; the names go into the description either way.
 * - Cancelled events (STATUS:CANCELLED) are left out with a warning.
 * - Duplicates: an experience with the same organisation (none), title and dates → `duplicateOf`.
 */
import ICAL from 'ical.js'
import { DATA_SCHEMAS, MAX_TEXT, type RecordDataMap, type VaultRecord } from '../model/records.ts'
import { truncate } from './json-resume.ts'
import { ImportFormatError, experienceKey } from './linkedin.ts'

export const MAX_ICS_BYTES = 20 * 1024 * 1024
export const MAX_EVENTS = 50_000

export interface EventItem {
  key: string
  type: 'experience'
  data: RecordDataMap['experience']
  label: string
  /** Contacts of the vault among the attendees (matched by email, then by name). */
  contactIds?: string[]
  duplicateOf?: string
}

const norm = (s: string | undefined) =>
  (s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()

/** Check the file's structure line by line, so that errors name a line (ical.js's do not). */
function checkLines(text: string, file: string): void {
  const lines = text.split(/\r\n|\n|\r/)
  const stack: string[] = []
  let first = true
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!
    if (l === '' || /^[ \t]/.test(l)) continue // a folded continuation
    const where = `${file}, line ${i + 1}`
    if (first) {
      if (!/^BEGIN:VCALENDAR\s*$/i.test(l)) {
        throw new ImportFormatError(
          where,
          'not an iCalendar file (it must begin with BEGIN:VCALENDAR)',
          'NOT_THIS_KIND'
        )
      }
      first = false
    }
    if (!/^[A-Za-z0-9-]+(;[^:]*)?:/.test(l) && !/^[A-Za-z0-9-]+;.*"[^"]*:[^"]*".*:/.test(l)) {
      throw new ImportFormatError(where, `malformed line: "${truncate(l, 60)}"`)
    }
    const m = /^(BEGIN|END):([A-Za-z0-9-]+)\s*$/i.exec(l)
    if (m?.[1]?.toUpperCase() === 'BEGIN') stack.push(m[2]!.toUpperCase())
    else if (m) {
      const open = stack.pop()
      if (open !== m[2]!.toUpperCase()) {
        throw new ImportFormatError(
          where,
          `END:${m[2]} does not close ${open ? `BEGIN:${open}` : 'anything'}`
        )
      }
    }
  }
  if (first) throw new ImportFormatError(file, 'empty file', 'NOT_THIS_KIND')
  if (stack.length > 0)
    throw new ImportFormatError(file, `BEGIN:${stack.at(-1)} is not closed (truncated file?)`)
}

const pad = (n: number) => String(n).padStart(2, '0')
const dateOf = (t: ICAL.Time) => `${t.year}-${pad(t.month)}-${pad(t.day)}`

function summariseRule(rule: ICAL.Recur): string {
  const freq =
    { DAILY: 'daily', WEEKLY: 'weekly', MONTHLY: 'monthly', YEARLY: 'yearly' }[rule.freq] ?? rule.freq
  const every =
    rule.interval > 1 ? `every ${rule.interval} ${freq.replace(/ly$/, '').replace('dai', 'day')}s` : freq
  const days = rule.parts.BYDAY ? ` on ${(rule.parts.BYDAY as string[]).join(', ')}` : ''
  const until = rule.until ? ` until ${dateOf(rule.until)}` : rule.count ? `, ${rule.count} times` : ''
  return `Repeats ${every}${days}${until} (RRULE ${rule.toString()})`
}

/** Parse an .ics file and plan its events. Throws ImportFormatError on bad input. */
export function planIcalendar(
  bytes: Uint8Array,
  existing: readonly VaultRecord[] = [],
  opts: { file?: string } = {}
): { items: EventItem[]; warnings: string[] } {
  const file = opts.file ?? 'calendar.ics'
  if (bytes.length > MAX_ICS_BYTES) throw new ImportFormatError(file, 'larger than 20 MB', 'TOO_LARGE')
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    throw new ImportFormatError(file, 'not UTF-8 text', 'NOT_THIS_KIND')
  }
  checkLines(text, file)
  let cal: ICAL.Component
  try {
    cal = new ICAL.Component(ICAL.parse(text) as unknown[])
  } catch (e) {
    throw new ImportFormatError(file, `malformed iCalendar (${(e as Error).message})`)
  }
  const contacts = new Map<string, string>()
  const experiences = new Map<string, string>()
  for (const r of existing) {
    if (r.type === 'contact') {
      const c = r.data as RecordDataMap['contact']
      contacts.set(`n:${norm(c.name)}`, r.id)
      if (c.email) contacts.set(`e:${norm(c.email)}`, r.id)
    } else if (r.type === 'experience') {
      experiences.set(experienceKey(r.data as RecordDataMap['experience']), r.id)
    }
  }
  const vevents = cal.getAllSubcomponents('vevent')
  if (vevents.length > MAX_EVENTS)
    throw new ImportFormatError(file, `more than ${MAX_EVENTS} events`, 'TOO_LARGE')
  const items: EventItem[] = []
  const warnings: string[] = []
  vevents.forEach((ve, n) => {
    const where = `${file}, event ${n + 1}`
    if (ve.hasProperty('recurrence-id')) return // an occurrence of a series, imported with its series
    let event: ICAL.Event
    try {
      event = new ICAL.Event(ve)
    } catch (e) {
      throw new ImportFormatError(where, `malformed event (${(e as Error).message})`)
    }
    const title = event.summary?.trim()
    if (!event.startDate)
      throw new ImportFormatError(where, `DTSTART is missing${title ? ` ("${title}")` : ''}`)
    if (!title) {
      warnings.push(`${where}: skipped, it has no SUMMARY`)
      return
    }
    if (String(ve.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') {
      warnings.push(`${where}: "${title}" was cancelled, left out`)
      return
    }
    const start = dateOf(event.startDate)
    let end: string | undefined
    if (event.endDate) {
      const e = event.endDate.clone()
      if (e.isDate) e.adjust(-1, 0, 0, 0)
      end = dateOf(e) > start ? dateOf(e) : undefined
    }
    let ongoing: boolean | undefined
    let rule: string | undefined
    const rrule = ve.getFirstPropertyValue('rrule') as ICAL.Recur | null
    if (rrule) {
      rule = summariseRule(rrule)
      if (rrule.until) end = dateOf(rrule.until)
      else if (rrule.count) {
        const it = event.iterator()
        let last: ICAL.Time | undefined
        for (let i = 0, t = it.next(); t && i < Math.min(rrule.count, 10_000); i++, t = it.next()) last = t
        if (last) end = dateOf(last)
      } else ongoing = true
      if (end && end < start) end = undefined
    }
    const people: { name: string; email?: string }[] = []
    for (const p of [...ve.getAllProperties('organizer'), ...ve.getAllProperties('attendee')]) {
      const email =
        String(p.getFirstValue() ?? '')
          .replace(/^mailto:/i, '')
          .trim() || undefined
      const cn = p.getParameter('cn')
      const name = (typeof cn === 'string' ? cn : undefined)?.trim() || email
      if (name && !people.some((x) => x.name === name)) people.push({ name, email })
    }
    const contactIds = [
      ...new Set(
        people
          .map((p) => (p.email && contacts.get(`e:${norm(p.email)}`)) || contacts.get(`n:${norm(p.name)}`))
          .filter((id): id is string => !!id)
      )
    ]
    const description = [
      event.description?.trim(),
      people.length > 0 ? `With: ${people.map((p) => p.name).join(', ')}` : undefined,
      rule
    ]
      .filter(Boolean)
      .join('\n\n')
    const url = ve.getFirstPropertyValue('url')
    const data: RecordDataMap['experience'] = {
      kind: 'event',
      title: truncate(title, 200),
      place: event.location?.trim() ? truncate(event.location.trim(), 200) : undefined,
      start,
      end,
      ongoing,
      sphere: 'pro',
      skills: [],
      description: description ? truncate(description, MAX_TEXT) : undefined,
      url: typeof url === 'string' && /^https?:\/\//.test(url) ? url : undefined
    }
    const checked = DATA_SCHEMAS.experience.safeParse(data)
    if (!checked.success) {
      warnings.push(`${where}: skipped, ${checked.error.issues[0]?.message ?? 'invalid'}`)
      return
    }
    const dup = experiences.get(experienceKey(data))
    items.push({
      key: `event.${n + 1}`,
      type: 'experience',
      data: checked.data,
      label: `${title} · ${start}${rule ? ' (recurring)' : ''}`,
      ...(contactIds.length > 0 ? { contactIds } : {}),
      ...(dup ? { duplicateOf: dup } : {})
    })
  })
  return { items, warnings }
}
