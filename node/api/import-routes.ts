/**
 * Importers of issue 7 (item 1) over the API, following the JSON Resume import: a preview that writes
 * nothing, then an import of the chosen items in one atomic `putMany` with `import.progress` events, each
 * record's source naming the service (`{ kind: 'import', name: 'LinkedIn', at }`).
 *
 * Files are binary and up to 50 MB, so the preview keeps what it parsed for a while under a token and the
 * import names the token and the keys (no second upload). See docs/IMPORT.md.
 */
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import {
  ImportFormatError,
  MAX_UPLOAD_BYTES,
  planLinkedIn,
  type LinkedInItem
} from '../importers/linkedin.ts'
import { planVcard, type ContactItem } from '../importers/vcard.ts'
import { planIcalendar, type EventItem } from '../importers/icalendar.ts'
import { planCredentials, type CredentialItem } from '../importers/credentials.ts'
import { MAX_BATCH_BYTES, MAX_IMAGES, planImage, sha256Hex, type ImageItem } from '../importers/images.ts'
import { isRecordType, MAX_MEDIA_BYTES, parseRecordData, type VaultRecord } from '../model/records.ts'
import { ApiError, readBody, readJson, sendJson, sendJsonWithArray } from './http.ts'
import type { Route } from './server.ts'
import type { MusetteNode } from '../service.ts'

/** How long a preview stays importable, and how many are kept at once (the oldest goes first). */
export const PREVIEW_TTL_MS = 30 * 60 * 1000
export const MAX_PENDING_PREVIEWS = 4

export const FormatImportBody = z
  .object({
    token: z.string().regex(/^[a-f0-9]{32}$/, 'not a preview token'),
    keys: z.array(z.string().min(1).max(200)).max(200_000),
    /** Keys of items flagged `duplicateOf` to import anyway as a second copy (by default they are refused). */
    keepBoth: z.array(z.string().min(1).max(200)).max(200_000).optional(),
    /**
     * Keys of items flagged `duplicateOf` to merge into the record they duplicate: the fields the item has and
     * the record lacks (the preview's `merge`) are added to it, as a new version of that record.
     */
    merge: z.array(z.string().min(1).max(200)).max(200_000).optional()
  })
  .strict()
  .refine((b) => b.keys.length + (b.merge?.length ?? 0) > 0, {
    message: 'choose at least one item to import or merge',
    path: ['keys']
  })

export const ImportFileQuery = z.object({ name: z.string().min(1).max(200).optional() }).strict()
export const ImageFileQuery = z
  .object({
    name: z.string().min(1).max(200).optional(),
    /** Add the image to this preview batch (from an earlier call); absent: a new batch. */
    token: z
      .string()
      .regex(/^[a-f0-9]{32}$/, 'not a preview token')
      .optional()
  })
  .strict()

type Item = LinkedInItem | ContactItem | EventItem | CredentialItem

interface Pending {
  format: string
  name: string
  items: Item[]
  at: number
}

/** Turn a parser's error into the API's: the place (file, line) goes in `fields`. */
function apiError(e: unknown): never {
  if (e instanceof ImportFormatError) {
    const code =
      e.code === 'TOO_LARGE'
        ? 'PAYLOAD_TOO_LARGE'
        : e.code === 'NOT_THIS_KIND'
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : 'VALIDATION_FAILED'
    throw new ApiError(code, e.message, { [e.where]: [e.message.slice(e.where.length + 2)] })
  }
  throw e
}

/** The fields an imported item has that the existing record lacks: what a merge would add. */
function mergeable(item: Item, existing: VaultRecord | undefined): Record<string, unknown> | undefined {
  if (!existing) return undefined
  const have = existing.data as Record<string, unknown>
  const add: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(item.data as Record<string, unknown>)) {
    const empty = (x: unknown) => x === undefined || x === '' || (Array.isArray(x) && x.length === 0)
    if (!empty(v) && empty(have[k])) add[k] = v
  }
  return add
}

export function importRoutes(node: MusetteNode): Route[] {
  const pending = new Map<string, Pending>()
  const sweep = () => {
    const now = Date.now()
    for (const [t, p] of pending) if (now - p.at > PREVIEW_TTL_MS) pending.delete(t)
    while (pending.size >= MAX_PENDING_PREVIEWS) pending.delete(pending.keys().next().value!)
  }
  const own = async () =>
    (await node.vault.list()).filter((r): r is VaultRecord => isRecordType(r.type)) as VaultRecord[]

  const preview = (
    format: string,
    label: string,
    plan: (
      bytes: Uint8Array,
      existing: VaultRecord[],
      file: string
    ) => ({ items: Item[] } & object) | Promise<{ items: Item[] } & object>
  ): Route => ({
    method: 'POST',
    path: `/api/import/${format}/preview`,
    summary: `Preview what a ${label} file would import (nothing is written; returns a token for the import)`,
    auth: true,
    query: ImportFileQuery,
    bodyType: 'application/octet-stream',
    handler: async ({ req, res, url }) => {
      node.requireUnlocked()
      const name = url.searchParams.get('name')?.slice(0, 200) || `${label} file`
      const bytes = await readBody(req, MAX_UPLOAD_BYTES)
      const existing = await own()
      let result: Awaited<ReturnType<typeof plan>>
      try {
        result = await plan(bytes, existing, name)
      } catch (e) {
        apiError(e)
      }
      const byId = new Map(existing.map((r) => [r.id, r]))
      const items = result.items.map((i) =>
        i.duplicateOf && isRecordType(i.type) ? { ...i, merge: mergeable(i, byId.get(i.duplicateOf)) } : i
      )
      sweep()
      const token = randomBytes(16).toString('hex')
      pending.set(token, { format, name, items: result.items, at: Date.now() })
      await sendJsonWithArray(res, 200, { ...result, token, source: label }, 'items', items)
    }
  })

  const importer = (format: string, label: string): Route => ({
    method: 'POST',
    path: `/api/import/${format}`,
    summary: `Import the chosen items of a previewed ${label} file, atomically (progress on /api/events)`,
    auth: true,
    body: FormatImportBody,
    handler: async ({ req, res }) => {
      node.requireUnlocked()
      const body = await readJson(req, FormatImportBody, 8 * 1024 * 1024)
      const p = pending.get(body.token)
      if (!p || p.format !== format || Date.now() - p.at > PREVIEW_TTL_MS) {
        throw new ApiError(
          'NOT_FOUND',
          'no such preview (it expired after 30 minutes?): preview the file again'
        )
      }
      const byKey = new Map(p.items.map((i) => [i.key, i]))
      const keepBoth = new Set(body.keepBoth ?? [])
      const mergeKeys = new Set(body.merge ?? [])
      const fields: Record<string, string[]> = {}
      for (const k of body.keys) {
        const item = byKey.get(k)
        if (!item) fields[k] = [`no item ${k} in this file`]
        else if (item.duplicateOf && !keepBoth.has(k)) {
          fields[k] = [`already in the vault as ${item.duplicateOf}: merge it there, or list it in keepBoth`]
        }
      }
      // merges: checked whole (the merged record must still be valid) before anything is written
      const merges: Array<{ id: string; version: number; data: Record<string, unknown> }> = []
      for (const k of mergeKeys) {
        const item = byKey.get(k)
        const existing = item?.duplicateOf ? await node.vault.get(item.duplicateOf) : undefined
        if (!item) fields[k] = [`no item ${k} in this file`]
        else if (!item.duplicateOf) fields[k] = ['not a duplicate: import it instead']
        else if (!existing) fields[k] = [`the record ${item.duplicateOf} is gone: preview the file again`]
        else if (body.keys.includes(k)) fields[k] = ['either import it or merge it, not both']
        else {
          const add = mergeable(item, existing as VaultRecord) ?? {}
          if (Object.keys(add).length === 0) continue
          const data = { ...(existing.data as Record<string, unknown>), ...add }
          const ok = isRecordType(existing.type) && parseRecordData(existing.type, data).success
          if (!ok) fields[k] = ['the merged record would not be valid: import it as a second copy']
          else merges.push({ id: existing.id, version: existing.version, data })
        }
      }
      const bad = Object.keys(fields)
      if (bad.length > 0) {
        throw new ApiError('VALIDATION_FAILED', `items not imported: ${bad.slice(0, 5).join(', ')}`, fields)
      }
      const at = new Date().toISOString()
      const chosen = [...new Set(body.keys)].map((k) => byKey.get(k)!)
      const total = chosen.length + merges.length
      const progress = node.progressReporter()
      const records = await node.vault.putMany(
        chosen.map((i) => ({ type: i.type, data: i.data, source: { kind: 'import', name: label, at } })),
        (done) => progress(done, total)
      )
      let merged = 0
      for (const m of merges) {
        // a record changed since the preview is left as it is (CONFLICT): the new items are in already
        const r = await node.vault.update(m.id, m.data, m.version).catch(() => undefined)
        if (r) {
          merged++
          node.emit('record', { op: 'put', id: r.id, type: r.type })
        }
        progress(chosen.length + merged, total)
      }
      progress(total, total)
      pending.delete(body.token)
      node.announceRecords(records)
      sendJson(res, 200, {
        imported: records.length,
        merged,
        ids: records.map((r) => r.id),
        keys: chosen.map((i) => i.key)
      })
    }
  })

  // Images come one file per call into a batch (a token), then are imported together, atomically.
  interface ImageBatch {
    items: ImageItem[]
    bytes: number
    /** SHA-256 of the images the vault held when the batch began → their record ids. */
    held: Map<string, string>
    at: number
  }
  const batches = new Map<string, ImageBatch>()
  const publicItem = ({ bytes: _b, sha256: _h, ...item }: ImageItem) => item
  const imageRoutes: Route[] = [
    {
      method: 'POST',
      path: '/api/import/images/preview',
      summary:
        'Add one image (PNG, JPEG, WebP, GIF; 5 MiB) to a preview batch: its EXIF date and place; nothing is written',
      auth: true,
      query: ImageFileQuery,
      bodyType: 'application/octet-stream',
      handler: async ({ req, res, url }) => {
        node.requireUnlocked()
        const name = url.searchParams.get('name')?.slice(0, 200) || 'image'
        const asked = url.searchParams.get('token')
        for (const [t, b] of batches) if (Date.now() - b.at > PREVIEW_TTL_MS) batches.delete(t)
        let token = asked ?? ''
        let batch = asked ? batches.get(asked) : undefined
        if (asked && !batch) throw new ApiError('NOT_FOUND', 'no such preview batch (expired?): start again')
        const bytes = await readBody(req, MAX_MEDIA_BYTES)
        if (!batch) {
          const held = new Map<string, string>()
          for (const r of await node.vault.list('media')) {
            const blob = await node.vault.getMediaBlob(r.id)
            if (blob) held.set(sha256Hex(blob.bytes), r.id)
          }
          while (batches.size >= MAX_PENDING_PREVIEWS) batches.delete(batches.keys().next().value!)
          token = randomBytes(16).toString('hex')
          batch = { items: [], bytes: 0, held, at: Date.now() }
          batches.set(token, batch)
        }
        if (batch.items.length >= MAX_IMAGES)
          throw new ApiError('PAYLOAD_TOO_LARGE', `at most ${MAX_IMAGES} images in one import`)
        if (batch.bytes + bytes.length > MAX_BATCH_BYTES)
          throw new ApiError(
            'PAYLOAD_TOO_LARGE',
            `at most ${MAX_BATCH_BYTES / 1024 / 1024} MB of images in one import`
          )
        let item: ImageItem
        try {
          item = await planImage(bytes, name, `image.${batch.items.length}`, batch.held)
        } catch (e) {
          apiError(e)
        }
        const warnings: string[] = []
        const twin = batch.items.find((i) => i.sha256 === item.sha256)
        if (twin) warnings.push(`${name}: the same image as ${twin.data.name}, left out`)
        else {
          batch.items.push(item)
          batch.bytes += bytes.length
        }
        batch.at = Date.now()
        sendJson(res, 200, { token, items: batch.items.map(publicItem), warnings, source: 'Images' })
      }
    },
    {
      method: 'POST',
      path: '/api/import/images',
      summary: 'Import the chosen images of a preview batch, atomically (progress on /api/events)',
      auth: true,
      body: FormatImportBody,
      handler: async ({ req, res }) => {
        node.requireUnlocked()
        const body = await readJson(req, FormatImportBody, 1024 * 1024)
        const batch = batches.get(body.token)
        if (!batch) throw new ApiError('NOT_FOUND', 'no such preview batch (expired?): start again')
        const byKey = new Map(batch.items.map((i) => [i.key, i]))
        const keepBoth = new Set(body.keepBoth ?? [])
        const fields: Record<string, string[]> = {}
        for (const k of [...body.keys, ...(body.merge ?? [])]) {
          const item = byKey.get(k)
          if (!item) fields[k] = [`no image ${k} in this batch`]
          else if (body.merge?.includes(k))
            fields[k] = ['an image cannot be merged: keep both, or leave it out']
          else if (item.duplicateOf && !keepBoth.has(k))
            fields[k] = [
              `already in the vault as ${item.duplicateOf}: list it in keepBoth to import it again`
            ]
        }
        if (Object.keys(fields).length > 0)
          throw new ApiError('VALIDATION_FAILED', 'images not imported', fields)
        const at = new Date().toISOString()
        const chosen = [...new Set(body.keys)].map((k) => byKey.get(k)!)
        const records = await node.vault.putMediaMany(
          chosen.map((i) => {
            const { size: _size, ...meta } = i.data
            return { bytes: i.bytes, meta, source: { kind: 'import' as const, name: 'Images', at } }
          }),
          node.progressReporter()
        )
        batches.delete(body.token)
        node.announceRecords(records)
        sendJson(res, 200, {
          imported: records.length,
          merged: 0,
          ids: records.map((r) => r.id),
          keys: chosen.map((i) => i.key)
        })
      }
    }
  ]

  return [
    ...imageRoutes,
    preview('linkedin', 'LinkedIn', (bytes, existing, file) => planLinkedIn(bytes, existing, { file })),
    importer('linkedin', 'LinkedIn'),
    preview('vcard', 'vCard', (bytes, existing, file) => planVcard(bytes, existing, { file })),
    importer('vcard', 'vCard'),
    preview('icalendar', 'iCalendar', (bytes, existing, file) => planIcalendar(bytes, existing, { file })),
    importer('icalendar', 'iCalendar'),
    // credentials are checked against the credentials the vault holds, not its own records
    preview('credentials', 'Credentials', async (bytes, _existing, file) =>
      planCredentials(bytes, (await node.vault.list('credential')) as VaultRecord<'credential'>[], { file })
    ),
    importer('credentials', 'Credentials')
  ]
}
