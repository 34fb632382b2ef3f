/**
 * The local API and UI server: JSON over HTTP on 127.0.0.1 only.
 *
 * Every request: `Host` must be 127.0.0.1:<port> or localhost:<port> (DNS rebinding), a present `Origin`
 * must be this server's own (CSRF), and every /api route but health and openapi.json needs the bearer token.
 * Every body is capped and validated with the zod schemas of node/model before anything is written.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { z } from 'zod'
import {
  CreateIdentityBody,
  DialBody,
  IdParam,
  ImportBody,
  MediaContentType,
  MediaQuery,
  RecordsQuery,
  TimelineQuery,
  UnlockBody,
  UpdateRecordBody
} from '../model/api.ts'
import { CreateRecordInput, isRecordType, MAX_MEDIA_BYTES, type VaultRecord } from '../model/records.ts'
import { buildTimeline } from '../model/timeline.ts'
import { MusetteNode, UnlockThrottledError, VERSION } from '../service.ts'
import { VaultError, type AnyRecord } from '../vault/vault.ts'
import {
  ApiError,
  readBody,
  readJson,
  SECURITY_HEADERS,
  sendBytes,
  sendError,
  sendJson,
  validate,
  type ErrorCode
} from './http.ts'
import { buildOpenApi } from './openapi.ts'
import { EventHub } from './events.ts'
import { isVcApiPath, vcApiRoutes } from './vc-api.ts'
import { socialRoutes } from './social-routes.ts'
import { composeRoutes } from './compose-routes.ts'
import { questionnaireRoutes } from './questionnaire-routes.ts'
import { companyRoutes } from './company-routes.ts'
import { dataRoutes } from './data-routes.ts'
import { importRoutes } from './import-routes.ts'
import { recoveryRoutes } from './recovery-routes.ts'

export interface ApiServerInit {
  node: MusetteNode
  token: string
  /** 0 = any free port. */
  port: number
  /** Directory of the built UI (index.html…); without it only the API is served. */
  uiDir?: string
  /** Told about unexpected (500) errors; the client only gets `INTERNAL`. */
  onError?: (err: unknown) => void
}

interface Ctx {
  req: IncomingMessage
  res: ServerResponse
  params: Record<string, string>
  url: URL
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  summary: string
  auth: boolean
  body?: z.ZodType
  bodyType?: string
  query?: z.ZodType
  responses?: Record<string, string>
  handler: (ctx: Ctx) => Promise<void> | void
}

function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of url.searchParams) out[k] = v
  return out
}

function normalizeText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
}

const BASE_CSP =
  "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2'
}

export class ApiServer {
  readonly node: MusetteNode
  readonly #token: Buffer
  readonly #uiDir: string | undefined
  readonly #routes: Route[]
  readonly #server: Server
  readonly hub = new EventHub()
  #port: number
  #cspCache: { mtime: number; csp: string } | undefined

  constructor(init: ApiServerInit) {
    this.node = init.node
    this.#token = Buffer.from(init.token)
    this.#uiDir = init.uiDir
    this.#port = init.port
    this.#routes = this.#defineRoutes()
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        const apiErr = toApiError(err)
        if (apiErr.status >= 500) init.onError?.(err)
        if (!req.complete) {
          // the body was refused unread: do not keep a connection whose next bytes are that body
          res.shouldKeepAlive = false
          res.setHeader('Connection', 'close')
          res.on('finish', () => req.socket?.destroy())
        }
        sendError(res, apiErr)
      })
    })
    this.#server.requestTimeout = 60_000
    this.#server.headersTimeout = 10_000
    this.#server.maxHeadersCount = 100
    this.hub.attach(init.node)
  }

  get port(): number {
    return this.#port
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`
  }

  get routes(): readonly Route[] {
    return this.#routes
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject)
        resolve()
      })
    })
    const addr = this.#server.address()
    if (addr && typeof addr === 'object') this.#port = addr.port
  }

  async close(): Promise<void> {
    this.hub.close()
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve())
      this.#server.closeAllConnections()
    })
  }

  /**
   * SvelteKit's index.html has inline bootstrap scripts: allow exactly those, by hash. Recomputed when
   * index.html changes (a rebuild while the node runs).
   */
  async #cspFor(indexFile: string): Promise<string> {
    let mtime = 0
    try {
      mtime = (await stat(indexFile)).mtimeMs
    } catch {
      return BASE_CSP
    }
    if (this.#cspCache?.mtime === mtime) return this.#cspCache.csp
    const html = await readFile(indexFile, 'utf8')
    const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
      (m) =>
        `'sha256-${createHash('sha256')
          .update(m[1] ?? '')
          .digest('base64')}'`
    )
    const csp = BASE_CSP.replace("script-src 'self'", `script-src 'self' ${hashes.join(' ')}`)
    this.#cspCache = { mtime, csp }
    return csp
  }

  /** Returns the foreign origin allowed for this request (VC-API only), if any. */
  #checkHostAndOrigin(req: IncomingMessage, pathname: string): string | undefined {
    const allowedHosts = [`127.0.0.1:${this.#port}`, `localhost:${this.#port}`]
    const host = String(req.headers.host ?? '').toLowerCase()
    if (!allowedHosts.includes(host)) {
      throw new ApiError('MISDIRECTED_HOST', `this server answers only to ${allowedHosts.join(' or ')}`)
    }
    const origin = req.headers.origin
    if (origin === undefined || allowedHosts.some((h) => origin.toLowerCase() === `http://${h}`))
      return undefined
    if (isVcApiPath(pathname) && this.node.config.vcApiOrigins.includes(origin)) return origin
    throw new ApiError('FORBIDDEN_ORIGIN', 'requests from other web pages are refused')
  }

  #checkToken(req: IncomingMessage): void {
    const header = String(req.headers.authorization ?? '')
    const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header)
    const given = Buffer.from(match?.[1] ?? '')
    if (!match || given.length !== this.#token.length || !timingSafeEqual(given, this.#token)) {
      throw new ApiError(
        'UNAUTHORIZED',
        'missing or wrong API token: open the URL printed by `musette start`'
      )
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url)
    const foreignOrigin = this.#checkHostAndOrigin(req, url.pathname)
    if (foreignOrigin) {
      res.setHeader('Access-Control-Allow-Origin', foreignOrigin)
      res.setHeader('Vary', 'Origin')
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'Access-Control-Allow-Methods': 'GET, POST',
          'Access-Control-Allow-Headers': 'authorization, content-type',
          'Access-Control-Max-Age': '600'
        })
        res.end()
        return
      }
    }
    if (!url.pathname.startsWith('/api/') && !isVcApiPath(url.pathname)) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new ApiError('METHOD_NOT_ALLOWED', 'the UI is read-only')
      }
      return this.#serveUi(url.pathname, res)
    }
    let pathMatched = false
    for (const route of this.#routes) {
      const params = matchPath(route.path, url.pathname)
      if (!params) continue
      pathMatched = true
      if (route.method !== req.method) continue
      if (route.auth) this.#checkToken(req)
      if (route.query) validate(route.query, queryObject(url))
      await route.handler({ req, res, params, url })
      return
    }
    throw pathMatched
      ? new ApiError('METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on ${url.pathname}`)
      : new ApiError('NOT_FOUND', `no route ${url.pathname}`)
  }

  async #serveUi(pathname: string, res: ServerResponse): Promise<void> {
    if (!this.#uiDir) throw new ApiError('NOT_FOUND', 'the UI is not built: run `npm run build`')
    let rel: string
    try {
      rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '')
    } catch {
      throw new ApiError('BAD_REQUEST', 'bad path')
    }
    let file = join(this.#uiDir, rel)
    if (!file.startsWith(this.#uiDir + sep) && file !== this.#uiDir)
      throw new ApiError('NOT_FOUND', 'no such file')
    let isFile = false
    try {
      isFile = (await stat(file)).isFile()
    } catch {
      isFile = false
    }
    if (!isFile) file = join(this.#uiDir, 'index.html') // SPA fallback
    const bytes = await readFile(file).catch(() => {
      throw new ApiError('NOT_FOUND', 'the UI is not built: run `npm run build`')
    })
    const immutable = file.includes(`${sep}_app${sep}immutable${sep}`)
    sendBytes(res, 200, bytes, MIME[extname(file)] ?? 'application/octet-stream', {
      'Content-Security-Policy': await this.#cspFor(join(this.#uiDir, 'index.html')),
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache'
    })
  }

  #defineRoutes(): Route[] {
    const node = this.node
    const session = () => ({
      initialized: node.state !== 'uninitialized',
      locked: node.state !== 'unlocked',
      ...(node.identity ? { did: node.identity.did, peerId: node.identity.peerId, name: node.name } : {})
    })
    const recordOr404 = async (id: string): Promise<VaultRecord> => {
      validate(IdParam, id)
      const record = await node.vault.get(id)
      // the node's own records (credentials, requests, outbox) have their own routes
      if (!record || !isUserRecord(record)) throw new ApiError('NOT_FOUND', `no record ${id}`)
      return record
    }
    const emitPut = (r: AnyRecord) => node.emit('record', { op: 'put', id: r.id, type: r.type })
    const src = (kind: 'manual' | 'import', name?: string) => ({
      kind,
      at: new Date().toISOString(),
      ...(name ? { name } : {})
    })

    return [
      {
        method: 'GET',
        path: '/api/health',
        summary: 'Liveness: the node answers',
        auth: false,
        handler: ({ res }) => sendJson(res, 200, { ok: true, version: VERSION })
      },
      {
        method: 'GET',
        path: '/api/openapi.json',
        summary: 'This API, as OpenAPI 3.1, generated from the zod schemas',
        auth: false,
        handler: ({ res }) => sendJson(res, 200, buildOpenApi(this.#routes, VERSION))
      },
      {
        method: 'GET',
        path: '/api/session',
        summary: 'Whether an identity exists and whether the vault is locked',
        auth: true,
        handler: ({ res }) => sendJson(res, 200, session())
      },
      {
        method: 'POST',
        path: '/api/identity',
        summary: 'Create the identity (one Ed25519 key: DID and PeerId) and the encrypted vault',
        auth: true,
        body: CreateIdentityBody,
        handler: async ({ req, res }) => {
          const body = await readJson(req, CreateIdentityBody)
          const id = await node.createIdentity(body.name, body.passphrase)
          sendJson(res, 201, { did: id.did, peerId: id.peerId })
        }
      },
      {
        method: 'POST',
        path: '/api/unlock',
        summary: 'Unlock the vault with the passphrase (throttled after 5 failures)',
        auth: true,
        body: UnlockBody,
        handler: async ({ req, res }) => {
          const body = await readJson(req, UnlockBody)
          const id = await node.unlock(body.passphrase)
          sendJson(res, 200, { did: id.did, peerId: id.peerId, name: node.name })
        }
      },
      {
        method: 'POST',
        path: '/api/lock',
        summary: 'Lock: forget every key, stop the network',
        auth: true,
        handler: async ({ res }) => {
          await node.lock()
          sendJson(res, 200, { locked: true })
        }
      },
      {
        method: 'GET',
        path: '/api/status',
        summary: 'Node status: identity, listen addresses, connected peers, record counts',
        auth: true,
        handler: ({ res }) => {
          const vault = node.vault
          const id = node.identity
          const net = node.network?.status()
          sendJson(res, 200, {
            did: id?.did,
            peerId: id?.peerId,
            name: node.name,
            home: node.home,
            version: VERSION,
            apiUrl: this.url,
            online: net !== undefined,
            networkError: node.networkError,
            listenAddrs: net?.listenAddrs ?? [],
            peers: net?.peers ?? [],
            records: { total: vault.size, byType: vault.countByType() }
          })
        }
      },
      {
        method: 'POST',
        path: '/api/peers',
        summary: 'Connect to a peer by multiaddr (…/p2p/<PeerId>)',
        auth: true,
        body: DialBody,
        handler: async ({ req, res }) => {
          const { addr } = await readJson(req, DialBody)
          node.requireUnlocked()
          const net = node.network
          if (!net) throw new ApiError('NETWORK_OFFLINE', node.networkError ?? 'the network is not running')
          try {
            const peerId = await net.dial(addr)
            sendJson(res, 200, { peerId })
          } catch (err) {
            throw new ApiError(
              'DIAL_FAILED',
              `could not connect: ${err instanceof Error ? err.message : String(err)}`
            )
          }
        }
      },
      {
        method: 'GET',
        path: '/api/records',
        summary: 'List records, newest first, by type and text',
        auth: true,
        query: RecordsQuery,
        handler: async ({ res, url }) => {
          const q = validate(RecordsQuery, queryObject(url))
          let records = (await node.vault.list(q.type)).filter(isUserRecord)
          if (q.q) {
            const needle = normalizeText(q.q.trim())
            records = records.filter((r) => normalizeText(JSON.stringify(r.data)).includes(needle))
          }
          sendJson(res, 200, { records })
        }
      },
      {
        method: 'POST',
        path: '/api/records',
        summary: 'Create a record (media are uploaded with POST /api/media)',
        auth: true,
        body: CreateRecordInput,
        handler: async ({ req, res }) => {
          const input = await readJson(req, CreateRecordInput)
          const record = await node.vault.put({ ...input, source: src('manual') })
          emitPut(record)
          sendJson(res, 201, record)
        }
      },
      {
        method: 'GET',
        path: '/api/records/:id',
        summary: 'One record',
        auth: true,
        handler: async ({ res, params }) => sendJson(res, 200, await recordOr404(params.id ?? ''))
      },
      {
        method: 'PUT',
        path: '/api/records/:id',
        summary: "Replace a record's data (a new version; the old one is kept)",
        auth: true,
        body: UpdateRecordBody,
        handler: async ({ req, res, params }) => {
          const current = await recordOr404(params.id ?? '')
          const body = await readJson(req, UpdateRecordBody)
          const schema = CreateRecordInput.options.find((o) => o.shape.type.value === current.type)
          let input = body.data
          if (current.type === 'contact') {
            // the node's own fields of a contact (its DID, where it was reached) survive an edit in the UI
            const { did, addrs } = current.data as { did?: string; addrs?: string[] }
            input = { ...(did ? { did } : {}), ...(addrs ? { addrs } : {}), ...input }
          }
          const data = current.type === 'media' || !schema ? input : validate(schema.shape.data, input)
          const record = await node.vault.update(current.id, data, body.version)
          emitPut(record)
          sendJson(res, 200, record)
        }
      },
      {
        method: 'DELETE',
        path: '/api/records/:id',
        summary: 'Delete a record: its key is forgotten, every version unreadable',
        auth: true,
        handler: async ({ res, params }) => {
          const current = await recordOr404(params.id ?? '')
          await node.vault.delete(current.id)
          node.emit('record', { op: 'delete', id: current.id, type: current.type })
          res.writeHead(204, SECURITY_HEADERS)
          res.end()
        }
      },
      {
        method: 'GET',
        path: '/api/records/:id/versions',
        summary: 'Every version of a record, newest first',
        auth: true,
        handler: async ({ res, params }) => {
          const current = await recordOr404(params.id ?? '')
          const versions = await node.vault.versions(current.id)
          sendJson(res, 200, {
            versions: versions.map((v) => ({ version: v.version, updatedAt: v.updatedAt, data: v.data }))
          })
        }
      },
      {
        method: 'POST',
        path: '/api/media',
        summary: 'Upload an image (raw bytes, PNG/JPEG/WebP/GIF, 5 MiB max)',
        auth: true,
        query: MediaQuery,
        bodyType: 'image/*',
        handler: async ({ req, res, url }) => {
          const meta = validate(MediaQuery, queryObject(url))
          const type = String(req.headers['content-type'] ?? '')
            .split(';')[0]
            ?.trim()
            .toLowerCase()
          const mime = MediaContentType.safeParse(type)
          if (!mime.success) {
            throw new ApiError(
              'UNSUPPORTED_MEDIA_TYPE',
              'images only: image/png, image/jpeg, image/webp, image/gif'
            )
          }
          node.requireUnlocked() // 423 before reading 5 MiB
          const bytes = await readBody(req, MAX_MEDIA_BYTES)
          if (!sniffImage(bytes, mime.data)) {
            throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `the bytes are not a ${mime.data} image`)
          }
          const record = await node.vault.putMedia(bytes, { ...meta, mime: mime.data }, src('manual'))
          emitPut(record)
          sendJson(res, 201, record)
        }
      },
      {
        method: 'GET',
        path: '/api/media/:id/blob',
        summary: "An image's bytes",
        auth: true,
        handler: async ({ res, params }) => {
          await recordOr404(params.id ?? '')
          const blob = await node.vault.getMediaBlob(params.id ?? '')
          if (!blob) throw new ApiError('NOT_FOUND', 'not an image')
          sendBytes(res, 200, blob.bytes, blob.mime, { 'Cache-Control': 'private, no-store' })
        }
      },
      {
        method: 'GET',
        path: '/api/timeline',
        summary: 'Dated items by year, newest first, with filters',
        auth: true,
        query: TimelineQuery,
        handler: ({ res, url }) => {
          const q = validate(TimelineQuery, queryObject(url))
          sendJson(res, 200, buildTimeline(node.vault.summaries(), q))
        }
      },
      {
        method: 'POST',
        path: '/api/import/json-resume/preview',
        summary: 'Preview what a JSON Resume document would import (nothing is written)',
        auth: true,
        bodyType: 'application/json',
        handler: async ({ req, res }) => {
          const jr = await import('../importers/json-resume.ts')
          node.requireUnlocked()
          const doc = await readJson(req, z.unknown(), jr.MAX_RESUME_BYTES)
          const resume = parseResumeOrThrow(jr, doc)
          sendJson(res, 200, jr.planImport(resume))
        }
      },
      {
        method: 'POST',
        path: '/api/import/json-resume',
        summary: 'Import the chosen items of a JSON Resume document, atomically (progress on /api/events)',
        auth: true,
        body: ImportBody,
        handler: async ({ req, res }) => {
          const jr = await import('../importers/json-resume.ts')
          node.requireUnlocked()
          const body = await readJson(req, ImportBody, jr.MAX_RESUME_BYTES + 256 * 1024)
          const resume = parseResumeOrThrow(jr, body.resume)
          const plan = jr.planImport(resume)
          const byKey = new Map(plan.items.map((i) => [i.key, i]))
          const unknown = body.keys.filter((k) => !byKey.has(k))
          if (unknown.length > 0) {
            throw new ApiError('VALIDATION_FAILED', `unknown item keys: ${unknown.slice(0, 5).join(', ')}`, {
              keys: unknown.slice(0, 20).map((k) => `no item ${k} in this document`)
            })
          }
          const chosen = [...new Set(body.keys)].map((k) => byKey.get(k)!)
          const records = await node.vault.putMany(
            chosen.map((i) => ({ type: i.type, data: i.data, source: src('import', 'JSON Resume') })),
            node.progressReporter()
          )
          node.announceRecords(records)
          sendJson(res, 200, { imported: records.length, ids: records.map((r) => r.id) })
        }
      },
      {
        method: 'GET',
        path: '/api/export/json-resume',
        summary: "The vault's profile, experiences and skills as a JSON Resume document",
        auth: true,
        handler: async ({ res }) => {
          const jr = await import('../importers/json-resume.ts')
          const records = (await node.vault.list()).filter(isUserRecord)
          sendJson(res, 200, jr.exportResume(records), {
            'Content-Disposition': 'attachment; filename="musette-resume.json"'
          })
        }
      },
      {
        method: 'GET',
        path: '/api/events',
        summary: 'Server-sent events: record, lock, unlock, peer, import.progress',
        auth: true,
        handler: ({ req, res }) => this.hub.subscribe(req, res)
      },
      ...socialRoutes(node),
      ...composeRoutes(node),
      ...questionnaireRoutes(node),
      ...companyRoutes(node),
      ...dataRoutes(node),
      ...importRoutes(node),
      ...recoveryRoutes(node),
      ...vcApiRoutes(node)
    ]
  }
}

function isUserRecord(r: AnyRecord): r is VaultRecord {
  return isRecordType(r.type)
}

type JsonResumeModule = typeof import('../importers/json-resume.ts')

function parseResumeOrThrow(jr: JsonResumeModule, doc: unknown) {
  const parsed = jr.parseResume(doc)
  if (!parsed.ok) {
    throw new ApiError(parsed.error.code as ErrorCode, parsed.error.message, parsed.error.fields)
  }
  return parsed.resume
}

/** Check an image's magic bytes against its declared type. */
export function sniffImage(b: Uint8Array, mime: string): boolean {
  const starts = (...sig: number[]) => sig.every((v, i) => b[i] === v)
  switch (mime) {
    case 'image/png':
      return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)
    case 'image/jpeg':
      return starts(0xff, 0xd8, 0xff)
    case 'image/gif':
      return starts(0x47, 0x49, 0x46, 0x38)
    case 'image/webp':
      return (
        starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50
      )
    default:
      return false
  }
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/')
  const a = path.split('/')
  if (p.length !== a.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] ?? ''
    const val = a[i] ?? ''
    if (seg.startsWith(':')) {
      if (val === '') return undefined
      params[seg.slice(1)] = val
    } else if (seg !== val) return undefined
  }
  return params
}

const VAULT_STATUS: Record<VaultError['code'], ErrorCode> = {
  WRONG_PASSPHRASE: 'WRONG_PASSPHRASE',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  CORRUPT: 'CORRUPT',
  LOCKED: 'LOCKED',
  ALREADY_INITIALIZED: 'ALREADY_INITIALIZED',
  NOT_INITIALIZED: 'NOT_INITIALIZED',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  TOO_LARGE: 'PAYLOAD_TOO_LARGE'
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof VaultError) {
    const fields =
      err.code === 'VALIDATION_FAILED' && err.cause instanceof z.ZodError
        ? Object.fromEntries(err.cause.issues.map((i) => [`data.${i.path.join('.')}`, [i.message]]))
        : undefined
    return new ApiError(VAULT_STATUS[err.code], err.message, fields)
  }
  if (err instanceof UnlockThrottledError) {
    return new ApiError('TOO_MANY_ATTEMPTS', err.message, undefined, {
      'Retry-After': String(Math.ceil(err.retryAfterMs / 1000))
    })
  }
  return new ApiError('INTERNAL', 'internal error')
}
