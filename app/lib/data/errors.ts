/** The data routes' errors, as sentences. */
import { ApiError } from '$lib/api'
import { t } from '$lib/i18n.svelte'

export function dataError(e: unknown): string {
  if (e instanceof ApiError) {
    const reason = e.reason ?? e.fields?.reason?.[0]
    switch (reason ?? e.code) {
      case 'WRONG_PASSPHRASE':
        return t('data.err.passphrase')
      case 'TAMPERED':
        return t('data.err.tampered', { message: e.message })
      case 'NOT_A_BACKUP':
      case 'MALFORMED':
        return t('data.err.notBackup', { message: e.message })
      case 'TOO_LARGE':
      case 'PAYLOAD_TOO_LARGE':
        return t('data.err.tooLarge')
      case 'NOT_EMPTY':
      case 'CONFLICT':
      case 'ALREADY_INITIALIZED':
        return t('data.err.notEmpty')
      case 'NETWORK':
        return t('data.err.node')
    }
    return t('app.error', { message: e.message })
  }
  return t('app.error', { message: e instanceof Error ? e.message : String(e) })
}
