/**
 * The importers of the local API (docs/API.md, docs/IMPORT.md), typed for the UI: a file is sent as bytes to
 * `/api/import/<format>/preview` (nothing is written; a token comes back), then the chosen keys go to
 * `/api/import/<format>`, which writes them in one atomic batch and reports progress on /api/events.
 */
import { api, type PreviewItem } from '$lib/api'

export type FileFormat = 'linkedin' | 'vcard' | 'icalendar' | 'images' | 'credentials'
export type Format = FileFormat | 'json-resume'

export const FORMATS: readonly Format[] = [
  'linkedin',
  'vcard',
  'icalendar',
  'credentials',
  'images',
  'json-resume'
]

const MB = 1024 * 1024
/** What each format takes: the file picker's `accept`, and the node's size cap (node/importers). */
export const FORMAT_INFO: Record<Format, { accept: string; maxBytes: number; source: string }> = {
  linkedin: { accept: '.zip,application/zip', maxBytes: 50 * MB, source: 'LinkedIn' },
  vcard: { accept: '.vcf,.vcard,text/vcard,text/x-vcard', maxBytes: 20 * MB, source: 'vCard' },
  icalendar: { accept: '.ics,.ical,text/calendar', maxBytes: 20 * MB, source: 'iCalendar' },
  credentials: {
    accept: '.json,.jwt,.txt,application/json,application/jwt,application/vc+jwt',
    maxBytes: 1 * MB,
    source: 'Credentials'
  },
  /** One image at most 5 MiB; up to 200 in one import. */
  images: { accept: 'image/png,image/jpeg,image/webp,image/gif', maxBytes: 5 * MB, source: 'Images' },
  'json-resume': { accept: '.json,application/json', maxBytes: 2 * MB, source: 'JSON Resume' }
}

export function isFormat(v: string | null): v is Format {
  return v !== null && (FORMATS as readonly string[]).includes(v)
}

/** One item of a preview: what would be written, and whether the vault already holds the same thing. */
export interface ImportItem extends Omit<PreviewItem, 'type'> {
  type: PreviewItem['type'] | 'credential'
  /** An existing record that looks like the same thing (same organisation, title and dates…). */
  duplicateOf?: string
  /** The fields the item has and that record lacks: what a merge would add. */
  merge?: Record<string, unknown>
  /** A LinkedIn testimony's author. */
  from?: { name: string; url?: string; company?: string }
}

export interface FilePreview {
  token: string
  source: string
  items: ImportItem[]
  warnings: string[]
  files?: { read: string[]; missing: string[] }
}

export interface ImportResult {
  imported: number
  merged?: number
  ids: string[]
}

export function previewFile(format: FileFormat, file: Blob, name: string): Promise<FilePreview> {
  const qs = new URLSearchParams({ name: name.slice(0, 200) })
  return api.request('POST', `/api/import/${format}/preview?${qs}`, {
    body: file,
    contentType: 'application/octet-stream'
  })
}

/** Add one image to a preview batch (a new one without a token); the batch's items so far come back. */
export function previewImage(file: Blob, name: string, token?: string): Promise<FilePreview> {
  const qs = new URLSearchParams({ name: name.slice(0, 200), ...(token ? { token } : {}) })
  return api.request('POST', `/api/import/images/preview?${qs}`, {
    body: file,
    contentType: 'application/octet-stream'
  })
}

export function importFile(
  format: FileFormat,
  token: string,
  choice: { keys: string[]; keepBoth: string[]; merge: string[] }
): Promise<ImportResult> {
  return api.request('POST', `/api/import/${format}`, {
    json: {
      token,
      keys: choice.keys,
      ...(choice.keepBoth.length ? { keepBoth: choice.keepBoth } : {}),
      ...(choice.merge.length ? { merge: choice.merge } : {})
    }
  })
}

/** LinkedIn's testimonies are notes tagged so (node/importers/linkedin.ts). */
export function isTestimony(item: { type: string; data: Record<string, unknown> }): boolean {
  const tags = (item.data as { tags?: unknown }).tags
  return item.type === 'note' && Array.isArray(tags) && tags.includes('testimony')
}
