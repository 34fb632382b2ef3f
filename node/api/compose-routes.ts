/** Routes of compositions, presentations and the share ledger (issue 4, first part; docs/API.md). */
import { z } from 'zod'
import {
  ComposeError,
  compositionRecords,
  makePresentation,
  makePrintedCv,
  previewComposition,
  present
} from '../compose.ts'
import { COMPOSABLE_TYPES, CompositionData, RecordId, type StoredDataMap } from '../model/records.ts'
import { ApiError, readJson, SECURITY_HEADERS, sendJson, validate } from './http.ts'
import type { Route } from './server.ts'
import { SocialError, type Social } from '../social.ts'
import type { MusetteNode } from '../service.ts'
import type { AnyRecord } from '../vault/vault.ts'

export const PresentationBody = z
  .object({
    challenge: z.string().min(8).max(1000).optional(),
    domain: z.string().min(1).max(500).optional(),
    to: z
      .object({
        name: z.string().max(200).optional(),
        did: z.string().startsWith('did:').max(2048).optional()
      })
      .strict()
      .optional()
  })
  .strict()
export const PrintedCvBody = z
  .object({
    to: z
      .object({ name: z.string().trim().max(200).optional() })
      .strict()
      .optional()
  })
  .strict()
export const CreateRequestBody = z
  .object({
    asks: z.string().trim().min(1).max(2000),
    domain: z.string().trim().min(1).max(500).optional(),
    expiresInHours: z.number().int().min(1).max(168).optional()
  })
  .strict()
export const OpenRequestBody = z.object({ request: z.string().trim().min(10).max(4200) }).strict()
export const AnswerRequestBody = z
  .object({ request: z.string().trim().min(10).max(4200), compositionId: RecordId })
  .strict()

export const UpdateCompositionBody = z
  .object({ data: CompositionData, version: z.number().int().min(1).optional() })
  .strict()

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof ComposeError) throw new ApiError(err.code, err.message)
    if (err instanceof SocialError) {
      const code = err.code === 'INVALID_INVITATION' ? 'INVALID_REQUEST' : err.code
      throw new ApiError(code, err.message, err.reason ? { reason: [err.reason] } : undefined)
    }
    throw err
  }
}

export function composeRoutes(node: MusetteNode): Route[] {
  const compositionOr404 = async (id: string): Promise<AnyRecord> => {
    validate(RecordId, id)
    const rec = await node.vault.get(id)
    if (!rec || rec.type !== 'composition') throw new ApiError('NOT_FOUND', `no composition ${id}`)
    return rec
  }
  /** Every item exists, is of a kind a composition holds, and can be shown as asked. */
  const check = async (data: StoredDataMap['composition']) => {
    const did = node.identity?.did ?? ''
    for (const [i, item] of data.items.entries()) {
      const rec = await node.vault.get(item.id)
      if (!rec || !(COMPOSABLE_TYPES as readonly string[]).includes(rec.type)) {
        throw new ApiError('VALIDATION_FAILED', `items.${i}: no ${COMPOSABLE_TYPES.join(', ')} ${item.id}`, {
          [`items.${i}.id`]: ['not an experience, skill or credential of this vault']
        })
      }
      if (item.visibility !== 'hide') {
        try {
          present(rec, item.visibility, did)
        } catch (err) {
          if (err instanceof ComposeError) {
            throw new ApiError('VALIDATION_FAILED', `items.${i}: ${err.message}`, {
              [`items.${i}.visibility`]: [err.message]
            })
          }
          throw err
        }
      }
    }
  }
  const emit = (r: AnyRecord, op: 'put' | 'delete' = 'put') =>
    node.emit('record', { op, id: r.id, type: r.type })
  const social = (): Social => {
    node.requireUnlocked()
    const s = node.social
    if (!s) throw new ApiError('NETWORK_OFFLINE', node.networkError ?? 'the network is not running')
    return s
  }

  return [
    {
      method: 'GET',
      path: '/api/compositions',
      summary: 'Compositions (thematic profiles)',
      auth: true,
      handler: async ({ res }) => sendJson(res, 200, { compositions: await node.vault.list('composition') })
    },
    {
      method: 'POST',
      path: '/api/compositions',
      summary: 'Create a composition: chosen items, in order, each shown, blurred or hidden',
      auth: true,
      body: CompositionData,
      handler: async ({ req, res }) => {
        const data = await readJson(req, CompositionData)
        await check(data)
        const rec = await node.vault.put({
          type: 'composition',
          data,
          source: { kind: 'manual', at: new Date().toISOString() }
        })
        emit(rec)
        sendJson(res, 201, rec)
      }
    },
    {
      method: 'PUT',
      path: '/api/compositions/:id',
      summary: 'Edit a composition',
      auth: true,
      body: UpdateCompositionBody,
      handler: async ({ req, res, params }) => {
        const current = await compositionOr404(params.id ?? '')
        const body = await readJson(req, UpdateCompositionBody)
        await check(body.data)
        const rec = await node.vault.update(current.id, body.data, body.version)
        emit(rec)
        sendJson(res, 200, rec)
      }
    },
    {
      method: 'DELETE',
      path: '/api/compositions/:id',
      summary: 'Delete a composition (the items stay in the vault)',
      auth: true,
      handler: async ({ res, params }) => {
        const current = await compositionOr404(params.id ?? '')
        await node.vault.delete(current.id)
        emit(current, 'delete')
        res.writeHead(204, SECURITY_HEADERS)
        res.end()
      }
    },
    {
      method: 'POST',
      path: '/api/compositions/:id/duplicate',
      summary: 'Copy a composition under a new name',
      auth: true,
      handler: async ({ res, params }) => {
        const current = await compositionOr404(params.id ?? '')
        const d = current.data as StoredDataMap['composition']
        const rec = await node.vault.put({
          type: 'composition',
          data: { ...d, name: `${d.name} (copie)`.slice(0, 120) },
          source: { kind: 'manual', at: new Date().toISOString() }
        })
        emit(rec)
        sendJson(res, 201, rec)
      }
    },
    {
      method: 'GET',
      path: '/api/compositions/:id/preview',
      summary: 'Exactly what the other side will see',
      auth: true,
      handler: async ({ res, params }) => {
        const current = await compositionOr404(params.id ?? '')
        const did = node.identity?.did ?? ''
        const items = await call(() => previewComposition(node.vault, current, did))
        sendJson(res, 200, { holder: { did, name: node.name }, items })
      }
    },
    {
      method: 'POST',
      path: '/api/compositions/:id/presentation',
      summary:
        'Sign a presentation of a composition (bound to a challenge and domain), logged in the share ledger',
      auth: true,
      body: PresentationBody,
      handler: async ({ req, res, params }) => {
        const current = await compositionOr404(params.id ?? '')
        const body = await readJson(req, PresentationBody)
        const identity = node.identity
        if (!identity) throw new ApiError('LOCKED', 'the vault is locked')
        const { presentation, share } = await call(() =>
          makePresentation(node.vault, identity, current, {
            ...(body.challenge ? { challenge: body.challenge } : {}),
            ...(body.domain ? { domain: body.domain } : {}),
            ...(body.to ? { to: body.to } : {}),
            // online, self-declared items get a status entry: the person can withdraw them later
            ...(node.social ? { status: { allocate: () => node.social!.allocateStatus() } } : {})
          })
        )
        emit(share)
        sendJson(res, 201, { presentation, share })
      }
    },
    {
      method: 'POST',
      path: '/api/compositions/:id/cv',
      summary:
        'A printable CV of a composition: a signed presentation (domain musette:printed-cv, 90 days), its file, and a QR code to it',
      auth: true,
      body: PrintedCvBody,
      handler: async ({ req, res, params }) => {
        const current = await compositionOr404(params.id ?? '')
        // the body is optional: a request without one names no recipient
        const sent =
          req.headers['content-type'] !== undefined ||
          req.headers['transfer-encoding'] !== undefined ||
          Number(req.headers['content-length'] ?? 0) > 0
        const body = sent ? await readJson(req, PrintedCvBody) : {}
        const identity = node.identity
        if (!identity) throw new ApiError('LOCKED', 'the vault is locked')
        const cv = await call(() =>
          makePrintedCv(node.vault, identity, current, {
            ...(body.to?.name ? { to: { name: body.to.name } } : {}),
            ...(node.social ? { status: { allocate: () => node.social!.allocateStatus() } } : {})
          })
        )
        emit(cv.share)
        sendJson(res, 201, cv)
      }
    },
    {
      method: 'GET',
      path: '/api/compositions/:id/json-resume',
      summary:
        'A composition as a JSON Resume document (blurred items blurred, hidden ones and credentials left out)',
      auth: true,
      handler: async ({ res, params }) => {
        const current = await compositionOr404(params.id ?? '')
        const records = await call(() => compositionRecords(node.vault, current, node.identity?.did ?? ''))
        const jr = await import('../importers/json-resume.ts')
        sendJson(res, 200, jr.exportResume(records as Parameters<typeof jr.exportResume>[0]), {
          'Content-Disposition': 'attachment; filename="musette-profile-resume.json"'
        })
      }
    },
    {
      method: 'POST',
      path: '/api/presentation-requests',
      summary: 'As a verifier: a signed request for a presentation (link and QR code), single use',
      auth: true,
      body: CreateRequestBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, CreateRequestBody)
        const created = await call(() =>
          social().createPresentationRequest({
            asks: body.asks,
            ...(body.domain ? { domain: body.domain } : {}),
            ...(body.expiresInHours ? { hours: body.expiresInHours } : {})
          })
        )
        sendJson(res, 201, created)
      }
    },
    {
      method: 'POST',
      path: '/api/presentation-requests/open',
      summary: 'As a holder: who asks, what, for which domain, until when (nothing is sent)',
      auth: true,
      body: OpenRequestBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, OpenRequestBody)
        const r = await call(() => social().openPresentationRequest(body.request))
        sendJson(res, 200, {
          verifier: { did: r.did, name: r.name },
          asks: r.asks,
          domain: r.domain,
          expiresAt: new Date(r.exp * 1000).toISOString()
        })
      }
    },
    {
      method: 'POST',
      path: '/api/presentation-requests/answer',
      summary:
        'As a holder, after consent: present a composition to the verifier over /musette/present/1.0.0',
      auth: true,
      body: AnswerRequestBody,
      handler: async ({ req, res }) => {
        const body = await readJson(req, AnswerRequestBody)
        const share = await call(() => social().answerPresentationRequest(body.request, body.compositionId))
        emit(share)
        sendJson(res, 200, { share })
      }
    },
    {
      method: 'GET',
      path: '/api/verifications',
      summary: 'As a verifier: the requests made and the presentations received, verified',
      auth: true,
      handler: async ({ res }) => sendJson(res, 200, { verifications: await node.vault.list('verification') })
    },
    {
      method: 'POST',
      path: '/api/shares/:id/revoke',
      summary: 'Withdraw the self-declared credentials of a share: verifiers will see them revoked',
      auth: true,
      handler: async ({ res, params }) => {
        const id = validate(RecordId, params.id)
        const rec = await node.vault.get(id)
        if (!rec || rec.type !== 'share') throw new ApiError('NOT_FOUND', `no share ${id}`)
        const d = rec.data as StoredDataMap['share']
        const indexes = d.items.flatMap((i) => (i.statusIndex === undefined ? [] : [i.statusIndex]))
        if (indexes.length === 0) {
          throw new ApiError('INVALID_STATE', 'this share has no withdrawable self-declared credential')
        }
        if (!d.revokedAt) await social().revokeIndexes(indexes)
        const updated = d.revokedAt
          ? rec
          : await node.vault.update(rec.id, { ...d, revokedAt: new Date().toISOString() })
        emit(updated)
        sendJson(res, 200, { share: updated })
      }
    },
    {
      method: 'GET',
      path: '/api/shares',
      summary: 'The share ledger: who holds what about me',
      auth: true,
      handler: async ({ res }) => {
        const shares = (await node.vault.list('share')).sort((a, b) =>
          (b.data as StoredDataMap['share']).at.localeCompare((a.data as StoredDataMap['share']).at)
        )
        sendJson(res, 200, { shares })
      }
    }
  ]
}
