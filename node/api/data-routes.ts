/**
 * What the vault holds, and deleting for real (issue 7, item 4): counts by kind and by source ("what do I
 * hold"), deleting one source's imports, deleting everything. Deletion forgets the records' keys, removes
 * their blocks and compacts the database so no deleted entry lingers in its files (node/vault).
 */
import { z } from 'zod'
import { RECORD_TYPES, type StoredType } from '../model/records.ts'
import { BackupError, MAX_BACKUP_BYTES } from '../backup.ts'
import { writeConfig } from '../home.ts'
import { ApiError, readBody, readJson, sendJson } from './http.ts'
import type { Route } from './server.ts'
import type { MusetteNode } from '../service.ts'
import type { AnyRecord } from '../vault/vault.ts'

export const DeleteSourceBody = z
  .object({
    kind: z.enum(['manual', 'import', 'demo', 'peer']),
    /** The source's name (e.g. "LinkedIn", a file name); absent: every record of that kind without a name. */
    name: z.string().max(200).optional()
  })
  .strict()
export const DeleteEverythingBody = z
  .object({
    passphrase: z.string().min(1).max(1024),
    /** Typed by the person: "SUPPRIMER" or "DELETE". */
    confirm: z.enum(['SUPPRIMER', 'DELETE'])
  })
  .strict()

export const BackupSettingsBody = z
  .object({
    /** An absolute folder path; null turns automatic backups off. */
    folder: z.string().min(1).max(1000).startsWith('/').nullable(),
    everyHours: z.number().int().min(1).max(720).optional(),
    keep: z.number().int().min(1).max(100).optional()
  })
  .strict()

export const BACKUP_STATUS = {
  MALFORMED: 'BAD_REQUEST',
  TAMPERED: 'BAD_REQUEST',
  NOT_A_BACKUP: 'BAD_REQUEST',
  TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  WRONG_PASSPHRASE: 'WRONG_PASSPHRASE',
  NOT_EMPTY: 'CONFLICT',
  NO_RECOVERY: 'INVALID_STATE'
} as const

/** The person's own records (a source's import can only have brought these). */
const OWN: readonly StoredType[] = [...RECORD_TYPES, 'credential']

export function dataRoutes(node: MusetteNode): Route[] {
  const all = async (): Promise<AnyRecord[]> => node.vault.list()
  return [
    {
      method: 'GET',
      path: '/api/holdings',
      summary: 'What the vault holds: records counted by kind and by source',
      auth: true,
      handler: async ({ res }) => {
        const records = await all()
        const byType: Record<string, number> = {}
        const sources = new Map<
          string,
          { kind: string; name?: string; count: number; types: Record<string, number> }
        >()
        for (const r of records) {
          byType[r.type] = (byType[r.type] ?? 0) + 1
          if (!OWN.includes(r.type)) continue
          const key = `${r.source.kind}\u0000${r.source.name ?? ''}`
          const s = sources.get(key) ?? {
            kind: r.source.kind,
            ...(r.source.name ? { name: r.source.name } : {}),
            count: 0,
            types: {}
          }
          s.count++
          s.types[r.type] = (s.types[r.type] ?? 0) + 1
          sources.set(key, s)
        }
        sendJson(res, 200, {
          total: records.length,
          byType,
          bySource: [...sources.values()].sort((a, b) => b.count - a.count)
        })
      }
    },
    {
      method: 'POST',
      path: '/api/holdings/delete-source',
      summary:
        'Delete every record that came from one source (e.g. one import): keys forgotten, blocks removed',
      auth: true,
      body: DeleteSourceBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, DeleteSourceBody)
        const ids = (await all())
          .filter(
            (r) =>
              OWN.includes(r.type) &&
              r.source.kind === body.kind &&
              (r.source.name ?? undefined) === body.name
          )
          .map((r) => r.id)
        const deleted = ids.length > 0 ? await node.vault.deleteMany(ids) : 0
        for (const id of ids) node.emit('record', { op: 'delete', id, type: 'unknown' })
        sendJson(res, 200, { deleted })
      }
    },
    {
      method: 'GET',
      path: '/api/backup',
      summary: 'The whole vault as one encrypted archive (a CAR file: encrypted blocks and wrapped keys)',
      auth: true,
      responses: { '200': 'application/vnd.ipld.car' },
      handler: async ({ res }) => {
        node.requireUnlocked()
        const stamp = new Date().toISOString().slice(0, 10)
        res.writeHead(200, {
          'Content-Type': 'application/vnd.ipld.car',
          'Content-Disposition': `attachment; filename="musette-backup-${stamp}.car"`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff'
        })
        for await (const chunk of node.backupChunks()) res.write(chunk)
        res.end()
      }
    },
    {
      method: 'POST',
      path: '/api/restore',
      summary:
        'Restore an encrypted archive into this empty profile (body: the CAR file; header x-musette-passphrase: the passphrase, URI-encoded)',
      auth: true,
      bodyType: 'application/vnd.ipld.car',
      handler: async ({ req, res }) => {
        const header = req.headers['x-musette-passphrase']
        if (typeof header !== 'string' || header.length === 0 || header.length > 3000)
          throw new ApiError('VALIDATION_FAILED', 'the passphrase goes in the x-musette-passphrase header')
        let passphrase: string
        try {
          passphrase = decodeURIComponent(header)
        } catch {
          throw new ApiError('VALIDATION_FAILED', 'x-musette-passphrase: not URI-encoded')
        }
        const bytes = await readBody(req, MAX_BACKUP_BYTES)
        try {
          const r = await node.restoreBackup(bytes, passphrase)
          sendJson(res, 200, { restored: r.records, did: node.identity?.did })
        } catch (err) {
          if (err instanceof BackupError) {
            throw new ApiError(BACKUP_STATUS[err.code], err.message, { reason: [err.code] })
          }
          throw err
        }
      }
    },
    {
      method: 'GET',
      path: '/api/backup/settings',
      summary: 'Automatic backups: folder, period, how many to keep',
      auth: true,
      handler: ({ res }) => sendJson(res, 200, node.config.backup)
    },
    {
      method: 'PUT',
      path: '/api/backup/settings',
      summary: 'Set (or turn off, with folder null) automatic backups',
      auth: true,
      body: BackupSettingsBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, BackupSettingsBody)
        const backup = {
          everyHours: body.everyHours ?? node.config.backup.everyHours,
          keep: body.keep ?? node.config.backup.keep,
          ...(body.folder ? { folder: body.folder } : {})
        }
        node.config = { ...node.config, backup }
        await writeConfig(node.home, node.config)
        node.scheduleBackups()
        sendJson(res, 200, backup)
      }
    },
    {
      method: 'POST',
      path: '/api/backup/now',
      summary: 'Write an encrypted backup into the configured folder now',
      auth: true,
      handler: async ({ res }) => {
        if (!node.config.backup.folder) throw new ApiError('INVALID_STATE', 'set a backup folder first')
        sendJson(res, 200, await node.backupNow())
      }
    },
    {
      method: 'POST',
      path: '/api/profile/delete',
      summary: 'Delete everything: the identity, its keys and every record (the passphrase is asked again)',
      auth: true,
      body: DeleteEverythingBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, DeleteEverythingBody)
        try {
          await node.deleteEverything(body.passphrase)
        } catch (err) {
          if ((err as { code?: string }).code === 'WRONG_PASSPHRASE')
            throw new ApiError('WRONG_PASSPHRASE', 'wrong passphrase: nothing was deleted')
          throw err
        }
        sendJson(res, 200, { deleted: true, state: node.state })
      }
    }
  ]
}
