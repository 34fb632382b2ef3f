/**
 * The local API's data routes (docs/API.md, issue 7): what the vault holds, deleting a source's imports or
 * everything, encrypted backups (download, automatic to a folder) and restoring one into an empty profile.
 */
import { api } from '$lib/api'

export type SourceKind = 'manual' | 'import' | 'demo' | 'peer'

export interface HeldSource {
  kind: SourceKind
  name?: string
  count: number
  types: Record<string, number>
}

export interface Holdings {
  total: number
  byType: Record<string, number>
  bySource: HeldSource[]
}

export interface BackupSettings {
  folder?: string
  everyHours: number
  keep: number
}

export const holdings = (): Promise<Holdings> => api.request('GET', '/api/holdings')

export const deleteSource = (kind: SourceKind, name?: string): Promise<{ deleted: number }> =>
  api.request('POST', '/api/holdings/delete-source', { json: { kind, ...(name ? { name } : {}) } })

export const backupSettings = (): Promise<BackupSettings> => api.request('GET', '/api/backup/settings')

export const saveBackupSettings = (s: {
  folder: string | null
  everyHours: number
  keep: number
}): Promise<BackupSettings> => api.request('PUT', '/api/backup/settings', { json: s })

export const backupNow = (): Promise<{ file: string; bytes: number }> =>
  api.request('POST', '/api/backup/now')

export const deleteProfile = (passphrase: string, confirm: 'SUPPRIMER' | 'DELETE'): Promise<unknown> =>
  api.request('POST', '/api/profile/delete', { json: { passphrase, confirm } })

/** Restore an archive into this (empty) profile; the node is unlocked with the same passphrase after. */
export const restore = (file: Blob, passphrase: string): Promise<{ restored: number; did?: string }> =>
  api.request('POST', '/api/restore', {
    body: file,
    contentType: 'application/vnd.ipld.car',
    headers: { 'x-musette-passphrase': encodeURIComponent(passphrase) }
  })

/** Download the encrypted archive, reporting the bytes received so far; returns it with its file name. */
export async function downloadBackup(onBytes: (n: number) => void): Promise<{ blob: Blob; name: string }> {
  const res = await api.raw('GET', '/api/backup')
  const name =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
    `musette-backup-${new Date().toISOString().slice(0, 10)}.car`
  const reader = res.body?.getReader()
  if (!reader) return { blob: await res.blob(), name }
  const parts: BlobPart[] = []
  let n = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parts.push(value)
    n += value.byteLength
    onBytes(n)
  }
  return { blob: new Blob(parts, { type: 'application/vnd.ipld.car' }), name }
}

export { saveAs } from '$lib/compose/present'
