/** Test helpers: temporary profiles, an in-process node + API, raw HTTP requests. */
import { mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiServer } from '../../node/api/server.ts'
import { prepareHome } from '../../node/home.ts'
import { MusetteNode } from '../../node/service.ts'

export const FAST_KDF = { alg: 'scrypt', N: 2 ** 10, r: 8, p: 1 } as const

export async function tempDir(
  prefix = 'musette-test-'
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

export interface TestApi {
  node: MusetteNode
  server: ApiServer
  token: string
  url: string
  home: string
  close(): Promise<void>
}

export async function startTestApi(
  options: {
    network?: boolean
    vcApiOrigins?: string[]
    p2pPort?: number
    home?: string
    /** Relays' batch interval for anonymous questionnaires (s). */
    batchSeconds?: number
    /** The node's clock (questionnaires' closing dates). */
    now?: () => Date
  } = {}
): Promise<TestApi> {
  const { dir, cleanup } = options.home
    ? { dir: options.home, cleanup: async () => undefined }
    : await tempDir()
  const { config, token } = await prepareHome(dir)
  const node = new MusetteNode({
    home: dir,
    config: {
      ...config,
      p2pPort: options.p2pPort ?? 0,
      vcApiOrigins: options.vcApiOrigins ?? [],
      questionnaires: { batchSeconds: options.batchSeconds ?? config.questionnaires.batchSeconds }
    },
    network: options.network ?? false,
    now: options.now,
    kdfParams: FAST_KDF
  })
  await node.load()
  const server = new ApiServer({ node, token, port: 0 })
  await server.listen()
  return {
    node,
    server,
    token,
    url: server.url,
    home: dir,
    async close() {
      await server.close()
      await node.stop()
      await cleanup()
    }
  }
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  json: () => { error?: { code: string; message: string; fields?: Record<string, string[]> } } & Record<
    string,
    unknown
  >
}

/** A raw HTTP request (fetch would refuse to set Host, and normalizes some headers). */
export function raw(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {}
): Promise<RawResponse> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) })
        })
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

/** JSON request with the token and the right Host. */
export function api(
  t: TestApi,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}
) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${t.token}`,
    host: new URL(t.url).host,
    ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...init.headers
  }
  return raw(t.url, path, {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined
  })
}

/** A test node with an identity already created (unlocked), for tests that start from a working profile. */
export async function startWithIdentity(
  name = 'Émilie',
  passphrase = 'une phrase de passe solide'
): Promise<TestApi> {
  const t = await startTestApi()
  const r = await api(t, '/api/identity', { method: 'POST', body: { name, passphrase } })
  if (r.status !== 201) throw new Error(`identity: ${r.status} ${r.body}`)
  return t
}

/** Poll `fn` every 100 ms until it returns something other than undefined; throws after `ms`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
