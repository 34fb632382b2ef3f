/** The API's errors on project companies, as sentences. */
import { ApiError } from '$lib/api'
import { t } from '$lib/i18n.svelte'

export function projectsError(e: unknown): string {
  if (e instanceof ApiError) {
    switch (e.code) {
      case 'NETWORK_OFFLINE':
        return t('projects.err.offline')
      case 'INVALID_REQUEST':
        return t('projects.err.badLink')
      case 'NOT_FOUND':
        return t('projects.err.notFound')
      case 'INVALID_STATE':
        if (e.reason === 'PENDING') return t('projects.err.pending')
        if (e.reason === 'ANSWERED') return t('projects.err.answered')
        if (e.reason === 'WITHDRAWN') return t('projects.err.withdrawn')
        break
      case 'VALIDATION_FAILED':
        return t('projects.err.invalid', { message: e.message })
      case 'NETWORK':
        return t('projects.err.node')
    }
  }
  return t('app.error', { message: e instanceof Error ? e.message : String(e) })
}

/** Locked or unauthorised: the session takes over, the page says nothing. */
export function isSessionError(e: unknown): boolean {
  return e instanceof ApiError && (e.code === 'LOCKED' || e.code === 'UNAUTHORIZED')
}
