import type { VaultRecord } from '$model/records'
import { formatPartialDate, formatRange } from './format'
import { i18n } from './i18n.svelte'

export interface Described {
  title: string
  subtitle?: string
  /** short facts shown as small text */
  meta: string[]
  sphere?: string
  /** a badge (kind, category) */
  badge?: string
  body?: string
  tags: string[]
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined)
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []

/** "https://exemple.fr/a/" → "exemple.fr/a": shorter, and what people read anyway. */
function displayUrl(v: string): string {
  return v.replace(/^https?:\/\//i, '').replace(/\/$/, '')
}

/**
 * Splits a note into a title and the rest: its first line or sentence when short enough, else its first
 * words; the body carries on where the title stops, so nothing is shown twice.
 */
export function splitNote(text: string, max = 100): { title: string; body?: string } {
  const trimmed = text.trim()
  const nl = trimmed.indexOf('\n')
  const firstLine = nl === -1 ? trimmed : trimmed.slice(0, nl)
  const sentence = /^.*?[.!?…](?=\s|$)/u.exec(firstLine)?.[0] ?? firstLine
  if (sentence.length <= max) {
    const rest = trimmed.slice(sentence.length).trim()
    return { title: sentence, body: rest || undefined }
  }
  const cut = sentence.lastIndexOf(' ', max - 20)
  const at = cut > 20 ? cut : max - 20
  return { title: `${sentence.slice(0, at).trimEnd()}…`, body: `…${trimmed.slice(at).trimStart()}` }
}

/** What a card shows of a record, per type, in the current language. */
export function describe(rec: VaultRecord): Described {
  const d = rec.data as Record<string, unknown>
  const label = i18n.label
  switch (rec.type) {
    case 'facet':
      return {
        title: d.kind === 'website' ? displayUrl(str(d.value) ?? '') : (str(d.value) ?? ''),
        badge: label('facetKind', String(d.kind)),
        subtitle: str(d.label),
        sphere: str(d.sphere),
        meta: [],
        tags: []
      }
    case 'experience':
      return {
        title: str(d.title) ?? '',
        badge: label('kind', String(d.kind)),
        subtitle: [str(d.organisation), str(d.place)].filter(Boolean).join(' · ') || undefined,
        sphere: str(d.sphere),
        meta: [formatRange(str(d.start), str(d.end), d.ongoing === true)].filter(Boolean),
        body: str(d.description),
        tags: list(d.skills)
      }
    case 'skill':
      return {
        title: str(d.name) ?? '',
        badge: d.category ? label('skillCat', String(d.category)) : undefined,
        meta: typeof d.level === 'number' ? [i18n.t('item.level', { n: d.level })] : [],
        body: str(d.description),
        tags: list(d.keywords)
      }
    case 'contact':
      return {
        title: str(d.name) ?? '',
        subtitle: [str(d.role), str(d.organisation)].filter(Boolean).join(' · ') || undefined,
        meta: [str(d.email), str(d.phone)].filter((x): x is string => !!x),
        body: str(d.howWeMet),
        tags: list(d.circles).map((c) => label('circle', c))
      }
    case 'place':
      return {
        title: str(d.name) ?? '',
        subtitle: [str(d.address), str(d.city), str(d.country)].filter(Boolean).join(', ') || undefined,
        meta: [formatRange(str(d.from), str(d.to))].filter(Boolean),
        body: str(d.note),
        tags: []
      }
    case 'media':
      return {
        title: str(d.name) ?? '',
        subtitle: str(d.caption),
        meta: [formatPartialDate(str(d.date))].filter(Boolean),
        tags: []
      }
    case 'note': {
      const { title, body } = splitNote(str(d.text) ?? '')
      return {
        title,
        meta: [formatPartialDate(str(d.date))].filter(Boolean),
        body,
        tags: list(d.tags)
      }
    }
  }
}
