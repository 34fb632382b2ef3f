/**
 * The local API's recovery routes (docs/API.md, docs/RECOVERY.md): your set of trusted contacts, the shares
 * you keep for others and their release, and a recovery under way on a node with no profile yet.
 */
import { api, ApiError } from '$lib/api'
import { i18n, t } from '$lib/i18n.svelte'

export interface RecoveryHolder {
  did: string
  name: string
  contactId?: string
  index: number
  state: 'pending' | 'delivered' | 'failed'
  at?: string
  error?: string
}

export interface RecoverySet {
  id: string
  setId: string
  k: number
  n: number
  createdAt: string
  holders: RecoveryHolder[]
  inKeyring: boolean
}

export interface HeldShare {
  id: string
  owner: string
  ownerName: string
  setId: string
  k: number
  n: number
  receivedAt: string
  releases: Array<{ to: string; at: string }>
}

export interface ReleasePreview {
  share: HeldShare
  request: { peerId: string; did: string; addrs: string[]; expiresAt: string; k: number; n: number }
}

export interface RecoveryRequestView {
  setId: string
  k: number
  n: number
  link: string
  qrSvg: string
  expiresAt: string
  expired: boolean
  received: Array<{ index: number; holder: string; holderName: string; at: string }>
  refused: Array<{ holder: string; holderName: string; reason: string; message: string; at: string }>
  ready: boolean
  /** This profile's own vault (no backup given). */
  local: boolean
}

export const MIN_HOLDERS = 2
export const MAX_HOLDERS = 10

export const recoveryStatus = (): Promise<{ set: RecoverySet | null }> => api.request('GET', '/api/recovery')

export const setupRecovery = (contactIds: string[], k: number): Promise<{ set: RecoverySet | null }> =>
  api.request('PUT', '/api/recovery', { json: { contactIds, k } })

export const disableRecovery = (): Promise<{ set: null }> => api.request('DELETE', '/api/recovery')

export async function heldShares(): Promise<HeldShare[]> {
  return (await api.request<{ shares: HeldShare[] }>('GET', '/api/recovery/held')).shares
}

export const forgetShare = (id: string): Promise<unknown> =>
  api.request('DELETE', `/api/recovery/held/${encodeURIComponent(id)}`)

export const previewRelease = (request: string): Promise<ReleasePreview> =>
  api.request('POST', '/api/recovery/release/preview', { json: { request } })

export const releaseShare = (
  request: string,
  shareId: string
): Promise<{ released: true; share: HeldShare }> =>
  api.request('POST', '/api/recovery/release', { json: { request, shareId, confirmed: true } })

/** With a backup file: into this empty profile; without: this profile's own locked vault. */
export const beginRecovery = (file?: Blob): Promise<RecoveryRequestView> =>
  api.request('POST', '/api/recovery/request', {
    body: file ?? new Blob([]),
    contentType: 'application/vnd.ipld.car'
  })

export const recoveryRequest = (): Promise<RecoveryRequestView> => api.request('GET', '/api/recovery/request')

export const completeRecovery = (passphrase: string): Promise<{ restored: number; did?: string }> =>
  api.request('POST', '/api/recovery/request/complete', { json: { passphrase } })

export const cancelRecovery = (): Promise<unknown> => api.request('DELETE', '/api/recovery/request')

/** A refusal's reason (a share checked by the recovering node), as words. */
export function shareReason(reason: string): string {
  return i18n.label('recovery.err', reason)
}

/** The recovery routes' errors, as sentences. */
export function recoveryError(e: unknown, local = false): string {
  if (e instanceof ApiError) {
    const reason = e.reason ?? e.code
    if (reason === 'NO_RECOVERY' && local) return t('recovery.err.NO_RECOVERY_LOCAL')
    switch (reason) {
      case 'NO_RECOVERY':
      case 'NOT_ENOUGH_SHARES':
      case 'COMMITMENT_MISMATCH':
      case 'NO_SHARE':
      case 'CHANGED':
      case 'EXPIRED':
      case 'UNREACHABLE':
        return i18n.label('recovery.err', reason)
      case 'NETWORK_OFFLINE':
        return t('recovery.offline')
    }
    if (e.code === 'INVALID_REQUEST') return t('recovery.err.INVALID_REQUEST', { message: e.message })
    if (e.code === 'CONFLICT' && e.reason)
      return t('recovery.err.REFUSED', { message: shareReason(e.reason) })
    if (e.code === 'NOT_A_CONTACT') return t('recovery.err.NOT_A_CONTACT', { message: e.message })
  }
  return t('app.error', { message: e instanceof Error ? e.message : String(e) })
}
