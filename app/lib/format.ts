import type { Source } from '$model/records'
import { i18n } from './i18n.svelte'

/** Formats a partial date (YYYY, YYYY-MM, YYYY-MM-DD) for people. */
export function formatPartialDate(d: string | undefined): string {
  if (!d) return ''
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(d)
  if (!m) return d
  const [, y, mo, da] = m
  if (!mo) return y!
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, da ? Number(da) : 1))
  const opts: Intl.DateTimeFormatOptions = da
    ? { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }
    : { month: 'long', year: 'numeric', timeZone: 'UTC' }
  return new Intl.DateTimeFormat(i18n.locale, opts).format(date)
}

/** "mars 2014 – septembre 2014", "depuis 2020" (ongoing), "2011". */
export function formatRange(start?: string, end?: string, ongoing?: boolean): string {
  const s = formatPartialDate(start)
  const e = formatPartialDate(end)
  if (s && e) return s === e ? s : `${s} – ${e}`
  if (s && ongoing) return i18n.t('item.since', { date: s })
  if (s) return s
  if (e) return e
  return ongoing ? i18n.t('item.ongoing') : ''
}

export function formatDateTime(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'long', timeStyle: 'short' }).format(d)
}

export function formatDay(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'long' }).format(d)
}

export function formatBytes(n: number): string {
  const nf = (v: number) => new Intl.NumberFormat(i18n.locale, { maximumFractionDigits: 1 }).format(v)
  const unit = i18n.lang === 'fr' ? ['o', 'Ko', 'Mo'] : ['B', 'KB', 'MB']
  if (n < 1024) return `${n} ${unit[0]}`
  if (n < 1024 * 1024) return `${nf(n / 1024)} ${unit[1]}`
  return `${nf(n / 1024 / 1024)} ${unit[2]}`
}

/** "Saisie manuelle, le 3 mars 2025" / "Import JSON Resume, le …". */
export function formatSource(source: Source): string {
  const what =
    source.kind === 'manual'
      ? i18n.t('source.manual')
      : source.kind === 'demo'
        ? i18n.t('source.demo')
        : source.kind === 'peer'
          ? i18n.t('source.peer', { name: source.name ?? '?' })
          : i18n.t('source.import', { name: source.name ?? 'JSON' })
  return i18n.t('source.line', { source: what, date: formatDay(source.at) })
}
