/**
 * What the time-line and the lists need of a record without decrypting its block: a small summary kept in
 * the (encrypted) index entry. Pure module.
 */
import type { StoredDataMap, StoredType, Sphere } from './records.ts'

export interface Summary {
  id: string
  type: StoredType
  kind?: string
  sphere?: Sphere
  title: string
  subtitle?: string
  start?: string
  end?: string
  ongoing?: boolean
  /** The sort key on the time-line: the start date, or the date of a note or an image. */
  date?: string
  /** False for what has a date but no place on the person's time-line (credentials one issued, revoked ones). */
  onTimeline?: false
  updatedAt: string
}

/** Record types that have a place on the time-line. */
export const TIMELINE_TYPES: readonly StoredType[] = ['experience', 'note', 'media', 'place', 'credential']

export function summarize(
  id: string,
  type: StoredType,
  data: StoredDataMap[StoredType],
  updatedAt: string
): Summary {
  const base = { id, type, updatedAt }
  // drop undefined fields (dag-cbor refuses them), without a copy through Object.entries
  const clean = <T extends object>(o: T): T => {
    for (const k in o) if (o[k] === undefined) delete o[k]
    return o
  }
  switch (type) {
    case 'experience': {
      const d = data as StoredDataMap['experience']
      return clean({
        ...base,
        kind: d.kind,
        sphere: d.sphere,
        title: d.title,
        subtitle: d.organisation,
        start: d.start,
        end: d.end,
        ongoing: d.ongoing,
        date: d.start ?? d.end
      })
    }
    case 'note': {
      const d = data as StoredDataMap['note']
      const first = d.text.split('\n')[0] ?? ''
      return clean({ ...base, title: first.length > 120 ? `${first.slice(0, 119)}…` : first, date: d.date })
    }
    case 'media': {
      const d = data as StoredDataMap['media']
      return clean({ ...base, kind: d.mime, title: d.name, subtitle: d.caption, date: d.date })
    }
    case 'place': {
      const d = data as StoredDataMap['place']
      return clean({ ...base, title: d.name, subtitle: d.city, start: d.from, end: d.to, date: d.from })
    }
    case 'facet': {
      const d = data as StoredDataMap['facet']
      return clean({ ...base, kind: d.kind, sphere: d.sphere, title: d.value, subtitle: d.label })
    }
    case 'skill': {
      const d = data as StoredDataMap['skill']
      return clean({ ...base, kind: d.category, title: d.name })
    }
    case 'contact': {
      const d = data as StoredDataMap['contact']
      return clean({ ...base, title: d.name, subtitle: d.organisation })
    }
    case 'credential': {
      // an attestation received: on the time-line at its date, with who gave it (as the issuer signed it)
      const d = data as StoredDataMap['credential']
      const issuer = d.credential.issuer as { name?: unknown } | undefined
      return clean({
        ...base,
        kind: d.kind,
        title: d.name,
        subtitle: typeof issuer?.name === 'string' ? issuer.name.slice(0, 200) : d.issuerName,
        date: d.validFrom.slice(0, 10),
        // received from a peer or imported (a badge earned elsewhere): the person's own; issued ones are not
        onTimeline: (d.role === 'received' || d.role === 'imported') && !d.revokedAt ? undefined : false
      })
    }
    case 'attestation': {
      const d = data as StoredDataMap['attestation']
      return clean({
        ...base,
        kind: d.state,
        title: d.claim.name,
        subtitle: d.direction,
        date: d.at.slice(0, 10)
      })
    }
    case 'invitation': {
      const d = data as StoredDataMap['invitation']
      return clean({ ...base, title: 'invitation', date: d.expiresAt.slice(0, 10) })
    }
    case 'composition': {
      const d = data as StoredDataMap['composition']
      return clean({ ...base, title: d.name, subtitle: d.description?.slice(0, 200) })
    }
    case 'share': {
      const d = data as StoredDataMap['share']
      return clean({
        ...base,
        title: d.compositionName,
        subtitle: d.to.name ?? d.to.domain,
        date: d.at.slice(0, 10)
      })
    }
    case 'verification': {
      const d = data as StoredDataMap['verification']
      return clean({ ...base, title: d.asks.slice(0, 120), subtitle: d.domain })
    }
    case 'statuslist': {
      const d = data as StoredDataMap['statuslist']
      return clean({ ...base, title: d.listId })
    }
    case 'recoveryset': {
      const d = data as StoredDataMap['recoveryset']
      return clean({ ...base, title: d.setId })
    }
    case 'recoveryshare': {
      const d = data as StoredDataMap['recoveryshare']
      return clean({ ...base, title: d.ownerName, subtitle: d.setId })
    }
    case 'outbox':
    case 'recoveryout': {
      const d = data as StoredDataMap['outbox']
      return clean({ ...base, title: d.messageId, subtitle: d.to })
    }
    case 'questionnaire': {
      const d = data as StoredDataMap['questionnaire']
      const body = (d.signed as { body?: { title?: unknown } }).body
      const title = typeof body?.title === 'string' ? body.title.slice(0, 120) : d.qid
      return clean({ ...base, kind: d.role, title, subtitle: d.qid })
    }
    case 'company': {
      const d = data as StoredDataMap['company']
      const body = (d.signed as { body?: { name?: unknown } }).body
      return clean({ ...base, kind: d.role, title: typeof body?.name === 'string' ? body.name : d.id })
    }
    case 'publication': {
      const d = data as StoredDataMap['publication']
      const title = (d.draft as { title?: unknown }).title
      return clean({ ...base, title: typeof title === 'string' ? title.slice(0, 120) : d.project })
    }
    case 'announcement':
    case 'companymail': {
      const d = data as StoredDataMap['announcement' | 'companymail']
      return clean({ ...base, title: d.company })
    }
    case 'mute': {
      const d = data as StoredDataMap['mute']
      return clean({ ...base, title: d.who })
    }
    case 'qanswer':
    case 'qrelay': {
      const d = data as StoredDataMap['qanswer' | 'qrelay']
      return clean({ ...base, title: d.qid })
    }
  }
}

export interface TimelineQuery {
  sphere?: string
  kind?: string
  type?: string
  q?: string
}

/** A time-line entry: a summary without its bookkeeping. */
export type TimelineItem = Omit<Summary, 'updatedAt' | 'onTimeline'>

export interface Timeline {
  years: { year: number; items: TimelineItem[] }[]
  undated: TimelineItem[]
  total: number
}

const normalize = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()

/** Group dated summaries by year, newest first; filters by sphere, kind, type and text. */
export function buildTimeline(summaries: Iterable<Summary>, query: TimelineQuery = {}): Timeline {
  const needle = query.q ? normalize(query.q.trim()) : ''
  const byYear = new Map<number, TimelineItem[]>()
  const undated: TimelineItem[] = []
  let total = 0
  for (const s of summaries) {
    if (!TIMELINE_TYPES.includes(s.type) || s.onTimeline === false) continue
    if (query.type && s.type !== query.type) continue
    if (query.sphere && s.sphere !== query.sphere) continue
    if (query.kind && s.kind !== query.kind) continue
    if (needle && !normalize(`${s.title} ${s.subtitle ?? ''}`).includes(needle)) continue
    const { updatedAt: _u, onTimeline: _o, ...item } = s
    total++
    if (!s.date) {
      undated.push(item)
      continue
    }
    const year = Number(s.date.slice(0, 4))
    let list = byYear.get(year)
    if (!list) byYear.set(year, (list = []))
    list.push(item)
  }
  const years = [...byYear.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([year, items]) => ({
      year,
      items: items.sort(
        (a, b) => (b.date ?? '').localeCompare(a.date ?? '') || a.title.localeCompare(b.title)
      )
    }))
  undated.sort((a, b) => a.title.localeCompare(b.title))
  return { years, undated, total }
}
