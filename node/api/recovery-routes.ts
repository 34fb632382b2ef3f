/**
 * Social key recovery (docs/RECOVERY.md, docs/API.md): the owner's set of trusted contacts, the shares this
 * node keeps for others and their release, and — on a node with no profile yet — a recovery under way.
 */
import { z } from 'zod'
import { MAX_PASSPHRASE, MIN_PASSPHRASE } from '../model/api.ts'
import { RecordId } from '../model/records.ts'
import { BackupError, MAX_BACKUP_BYTES } from '../backup.ts'
import { RecoveryNodeError, type Recovery } from '../recovery.ts'
import { recoveryProtocol } from '../../protocols/index.ts'
import { BACKUP_STATUS } from './data-routes.ts'
import { ApiError, readBody, readJson, sendJson, validate, type ErrorCode } from './http.ts'
import type { Route } from './server.ts'
import type { MusetteNode } from '../service.ts'

export const RecoverySetupBody = z
  .object({
    contactIds: z.array(RecordId).min(recoveryProtocol.MIN_HOLDERS).max(recoveryProtocol.MAX_HOLDERS),
    k: z.number().int().min(recoveryProtocol.MIN_HOLDERS).max(recoveryProtocol.MAX_HOLDERS)
  })
  .strict()
export const RecoveryRequestBody = z.object({ request: z.string().trim().min(10).max(4200) }).strict()
export const ReleaseBody = z
  .object({
    request: z.string().trim().min(10).max(4200),
    /** The share the preview showed (the person confirmed that one). */
    shareId: RecordId,
    /** The person checked, by another channel, that the request really comes from the share's owner. */
    confirmed: z.literal(true)
  })
  .strict()
export const CompleteRecoveryBody = z
  .object({
    passphrase: z.string().min(MIN_PASSPHRASE, `at least ${MIN_PASSPHRASE} characters`).max(MAX_PASSPHRASE)
  })
  .strict()

const NODE_STATUS: Record<RecoveryNodeError['code'], ErrorCode> = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NOT_A_CONTACT: 'NOT_A_CONTACT',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_REQUEST: 'INVALID_REQUEST',
  NO_SHARE: 'NOT_FOUND',
  DIAL_FAILED: 'DIAL_FAILED',
  REFUSED: 'CONFLICT'
}
const SHARES_STATUS: Record<recoveryProtocol.RecoveryError['code'], ErrorCode> = {
  INVALID_SET: 'VALIDATION_FAILED',
  NOT_ENOUGH_SHARES: 'INVALID_STATE',
  DUPLICATE_SHARE: 'BAD_REQUEST',
  COMMITMENT_MISMATCH: 'BAD_REQUEST',
  MALFORMED: 'BAD_REQUEST'
}

/** Run a recovery call, mapping its typed errors onto API errors (the reason goes in `fields.reason`). */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof RecoveryNodeError)
      throw new ApiError(NODE_STATUS[err.code], err.message, { reason: [err.reason ?? err.code] })
    if (err instanceof recoveryProtocol.RecoveryError)
      throw new ApiError(SHARES_STATUS[err.code], err.message, { reason: [err.code] })
    if (err instanceof BackupError)
      throw new ApiError(BACKUP_STATUS[err.code], err.message, { reason: [err.code] })
    throw err
  }
}

export function recoveryRoutes(node: MusetteNode): Route[] {
  const recovery = (): Recovery => {
    node.requireUnlocked()
    const r = node.recovery
    if (!r) throw new ApiError('NETWORK_OFFLINE', node.networkError ?? 'the network is not running')
    return r
  }
  /**
   * The set changed and the old shares are being revoked: the backups already made name the old set, so one is
   * written at once into the automatic backups' folder, when there is one (the UI asks for one otherwise).
   */
  const backupAfterChange = async (): Promise<void> => {
    if (node.config.backup.folder) await node.backupNow().catch(() => undefined)
  }
  const session = () => {
    const s = node.recoveryRequest
    if (!s) throw new ApiError('NOT_FOUND', 'no recovery under way: open a backup first')
    return s
  }
  return [
    {
      method: 'GET',
      path: '/api/recovery',
      summary: 'Your recovery set: the trusted contacts who hold a share, k, and each share’s delivery',
      auth: true,
      handler: async ({ res }) => sendJson(res, 200, await recovery().status())
    },
    {
      method: 'PUT',
      path: '/api/recovery',
      summary: 'Set up (or replace) recovery through n trusted contacts, any k of whom can reopen a backup',
      auth: true,
      body: RecoverySetupBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, RecoverySetupBody)
        const set = await call(() => recovery().setup(body))
        await backupAfterChange()
        sendJson(res, 200, set)
      }
    },
    {
      method: 'DELETE',
      path: '/api/recovery',
      summary: 'Turn recovery through contacts off (their shares are revoked)',
      auth: true,
      handler: async ({ res }) => {
        const off = await call(() => recovery().disable())
        await backupAfterChange()
        sendJson(res, 200, off)
      }
    },
    {
      method: 'GET',
      path: '/api/recovery/held',
      summary: 'The recovery shares this node keeps for others',
      auth: true,
      handler: async ({ res }) => sendJson(res, 200, { shares: await recovery().held() })
    },
    {
      method: 'DELETE',
      path: '/api/recovery/held/:id',
      summary: 'Stop keeping a recovery share (it is deleted for real)',
      auth: true,
      handler: async ({ res, params }) => {
        const id = validate(RecordId, params.id)
        await call(() => recovery().forget(id))
        sendJson(res, 200, { deleted: true })
      }
    },
    {
      method: 'POST',
      path: '/api/recovery/release/preview',
      summary: 'Read a recovery request: whose share it asks for, and from which node (nothing is sent)',
      auth: true,
      body: RecoveryRequestBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, RecoveryRequestBody)
        sendJson(res, 200, await call(() => recovery().inspect(body.request)))
      }
    },
    {
      method: 'POST',
      path: '/api/recovery/release',
      summary: 'Give your share to a recovery request, once you checked by another channel it is really them',
      auth: true,
      body: ReleaseBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, ReleaseBody)
        sendJson(res, 200, await call(() => recovery().release(body.request, body.shareId)))
      }
    },
    {
      method: 'POST',
      path: '/api/recovery/request',
      summary:
        'Passphrase lost: ask the trusted contacts for their shares, to reopen a backup (body: the CAR file) on this empty profile, or this locked vault (no body)',
      auth: true,
      bodyType: 'application/vnd.ipld.car',
      handler: async ({ req, res }) => {
        if (node.state === 'unlocked') throw new ApiError('CONFLICT', 'the vault is open: nothing to recover')
        const bytes = await readBody(req, MAX_BACKUP_BYTES)
        if (node.state === 'uninitialized' && bytes.byteLength === 0)
          throw new ApiError('VALIDATION_FAILED', 'give the backup to recover (the CAR file as the body)')
        if (node.state === 'locked' && bytes.byteLength > 0)
          throw new ApiError('ALREADY_INITIALIZED', 'this profile has its vault: recover it without a backup')
        const s = await call(() => node.beginRecovery(bytes.byteLength > 0 ? bytes : undefined))
        sendJson(res, 201, { ...s.view(), local: s.local })
      }
    },
    {
      method: 'GET',
      path: '/api/recovery/request',
      summary: 'The recovery under way: the request’s link and QR code, the shares received and refused',
      auth: true,
      handler: ({ res }) => {
        const s = session()
        sendJson(res, 200, { ...s.view(), local: s.local })
      }
    },
    {
      method: 'POST',
      path: '/api/recovery/request/complete',
      summary: 'With enough shares: choose a new passphrase, restore the backup and unlock',
      auth: true,
      body: CompleteRecoveryBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, CompleteRecoveryBody)
        session()
        const r = await call(() => node.completeRecovery(body.passphrase))
        sendJson(res, 200, { restored: r.records, did: node.identity?.did })
      }
    },
    {
      method: 'DELETE',
      path: '/api/recovery/request',
      summary: 'Give up the recovery under way (nothing was written)',
      auth: true,
      handler: async ({ res }) => {
        await node.cancelRecovery()
        sendJson(res, 200, { cancelled: true })
      }
    }
  ]
}
