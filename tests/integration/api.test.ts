import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, raw, startTestApi, type TestApi } from './helpers.ts'

const PASS = 'une phrase de passe solide'
const experience = {
  kind: 'volunteering',
  title: 'Ateliers de réparation',
  organisation: 'Repair Café Nantes',
  start: '2021-09',
  sphere: 'associative',
  skills: ['animation']
}

describe('local API: guards', () => {
  let t: TestApi
  beforeAll(async () => {
    t = await startTestApi()
  })
  afterAll(() => t.close())

  it('answers health and the OpenAPI document without a token', async () => {
    const host = new URL(t.url).host
    const health = await raw(t.url, '/api/health', { headers: { host } })
    expect(health.status).toBe(200)
    expect(health.json()).toMatchObject({ ok: true })
    const doc = (await raw(t.url, '/api/openapi.json', { headers: { host } })).json() as {
      openapi: string
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, { schema: { anyOf?: unknown[]; oneOf?: unknown[] } }> } }
        >
      >
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/records', '/api/records/{id}', '/api/timeline'])
    )
    // the create-record body is the discriminated union of every record type, from the zod schemas
    const schema = doc.paths['/api/records']?.post?.requestBody?.content['application/json']?.schema
    expect((schema?.oneOf ?? schema?.anyOf)?.length).toBe(6)
  })

  it('refuses a missing or wrong token with 401 UNAUTHORIZED', async () => {
    const host = new URL(t.url).host
    for (const authorization of [undefined, 'Bearer nope', `Basic ${t.token}`, `Bearer ${t.token}x`]) {
      const res = await raw(t.url, '/api/session', {
        headers: { host, ...(authorization ? { authorization } : {}) }
      })
      expect(res.status).toBe(401)
      expect(res.json().error?.code).toBe('UNAUTHORIZED')
    }
  })

  it('refuses a foreign Origin with 403, even with the token (CSRF)', async () => {
    for (const origin of [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${Number(new URL(t.url).port) + 1}`
    ]) {
      const res = await api(t, '/api/identity', {
        body: { name: 'x', passphrase: PASS },
        headers: { origin }
      })
      expect(res.status).toBe(403)
      expect(res.json().error?.code).toBe('FORBIDDEN_ORIGIN')
    }
    expect(t.node.state).toBe('uninitialized')
    const same = await api(t, '/api/session', { headers: { origin: t.url } })
    expect(same.status).toBe(200)
  })

  it('refuses a Host other than 127.0.0.1 or localhost with 421 (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${new URL(t.url).port}`, '127.0.0.1:1']) {
      const res = await raw(t.url, '/api/health', { headers: { host, authorization: `Bearer ${t.token}` } })
      expect(res.status).toBe(421)
      expect(res.json().error?.code).toBe('MISDIRECTED_HOST')
    }
    const ok = await raw(t.url, '/api/health', { headers: { host: `localhost:${new URL(t.url).port}` } })
    expect(ok.status).toBe(200)
  })

  it('says the vault is uninitialized, then locked, with typed errors', async () => {
    expect((await api(t, '/api/session')).json()).toEqual({ initialized: false, locked: true })
    const res = await api(t, '/api/records')
    expect(res.status).toBe(409)
    expect(res.json().error?.code).toBe('NOT_INITIALIZED')
  })

  it('validates the identity body with field errors', async () => {
    const res = await api(t, '/api/identity', { body: { name: '', passphrase: 'short', extra: 1 } })
    expect(res.status).toBe(400)
    const err = res.json().error
    expect(err?.code).toBe('VALIDATION_FAILED')
    expect(Object.keys(err?.fields ?? {})).toEqual(expect.arrayContaining(['name', 'passphrase']))
    expect(t.node.state).toBe('uninitialized')
  })
})

describe('local API: the vault through HTTP', () => {
  let t: TestApi
  beforeAll(async () => {
    t = await startTestApi()
    const res = await api(t, '/api/identity', { body: { name: 'Émilie Laurent', passphrase: PASS } })
    expect(res.status).toBe(201)
    expect(res.json().did).toMatch(/^did:key:z6Mk/)
  })
  afterAll(() => t.close())

  it('creates, reads, updates with versions, lists and deletes records', async () => {
    const created = await api(t, '/api/records', { body: { type: 'experience', data: experience } })
    expect(created.status).toBe(201)
    const rec = created.json() as { id: string; version: number; source: { kind: string } }
    expect(rec.version).toBe(1)
    expect(rec.source.kind).toBe('manual')

    const updated = await api(t, `/api/records/${rec.id}`, {
      method: 'PUT',
      body: { data: { ...experience, title: 'Animatrice des ateliers' }, version: 1 }
    })
    expect(updated.status).toBe(200)
    expect(updated.json().version).toBe(2)
    const stale = await api(t, `/api/records/${rec.id}`, {
      method: 'PUT',
      body: { data: experience, version: 1 }
    })
    expect(stale.status).toBe(409)
    expect(stale.json().error?.code).toBe('CONFLICT')

    const versions = (await api(t, `/api/records/${rec.id}/versions`)).json().versions as {
      version: number
    }[]
    expect(versions.map((v) => v.version)).toEqual([2, 1])

    const list = (await api(t, '/api/records?type=experience&q=ANIMATRICE')).json().records as {
      id: string
    }[]
    expect(list.map((r) => r.id)).toEqual([rec.id])

    const timeline = (await api(t, '/api/timeline?sphere=associative')).json() as {
      years: { year: number; items: { id: string }[] }[]
    }
    expect(timeline.years[0]?.year).toBe(2021)
    expect(timeline.years[0]?.items[0]?.id).toBe(rec.id)

    const del = await api(t, `/api/records/${rec.id}`, { method: 'DELETE' })
    expect(del.status).toBe(204)
    expect((await api(t, `/api/records/${rec.id}`)).status).toBe(404)
  })

  it('rejects wrong types, unknown fields and bad ids with 400 and writes nothing', async () => {
    const before = (await api(t, '/api/status')).json().records as { total: number }
    const bad: unknown[] = [
      { type: 'experience', data: { ...experience, start: 2021 } },
      { type: 'experience', data: { ...experience, sphere: 'galactic' } },
      { type: 'experience', data: { ...experience, end: '2020-01' } },
      { type: 'experience', data: { ...experience, admin: true } },
      { type: 'skill', data: { name: 'x'.repeat(101) } },
      { type: 'media', data: {} },
      { type: 'wizard', data: {} },
      { data: experience },
      'not an object',
      null
    ]
    for (const body of bad) {
      const res = await api(t, '/api/records', { body })
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect(res.json().error?.code).toBe('VALIDATION_FAILED')
    }
    const res = await api(t, '/api/records', {
      body: { type: 'experience', data: { ...experience, start: 2021 } }
    })
    expect(res.json().error?.fields?.['data.start']).toBeDefined()
    expect((await api(t, '/api/records/not-an-id')).status).toBe(400)
    expect((await api(t, '/api/records/aaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404)
    const after = (await api(t, '/api/status')).json().records as { total: number }
    expect(after.total).toBe(before.total)
  })

  it('rejects non-JSON, malformed JSON and oversize bodies', async () => {
    const host = new URL(t.url).host
    const headers = { host, authorization: `Bearer ${t.token}` }
    const notJson = await raw(t.url, '/api/records', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain' },
      body: 'hi'
    })
    expect(notJson.status).toBe(415)
    const malformed = await raw(t.url, '/api/records', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"type":'
    })
    expect(malformed.status).toBe(400)
    expect(malformed.json().error?.code).toBe('BAD_REQUEST')
    const big = JSON.stringify({ type: 'note', data: { text: 'x'.repeat(2 * 1024 * 1024), date: '2026' } })
    const oversize = await raw(t.url, '/api/records', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: big
    })
    expect(oversize.status).toBe(413)
    expect(oversize.json().error?.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('stores images, checks their bytes against their type, and serves them back', async () => {
    const host = new URL(t.url).host
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64'
    )
    const headers = { host, authorization: `Bearer ${t.token}` }
    const up = await raw(t.url, '/api/media?name=pixel.png&date=2024', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'image/png' },
      body: png
    })
    expect(up.status).toBe(201)
    const id = up.json().id as string
    const blob = await raw(t.url, `/api/media/${id}/blob`, { headers })
    expect(blob.status).toBe(200)
    expect(blob.headers['content-type']).toBe('image/png')
    const lie = await raw(t.url, '/api/media?name=x.png', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'image/png' },
      body: Buffer.from('<svg onload=alert(1)>')
    })
    expect(lie.status).toBe(415)
    const svg = await raw(t.url, '/api/media?name=x.svg', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'image/svg+xml' },
      body: '<svg/>'
    })
    expect(svg.status).toBe(415)
  })

  it('imports a JSON Resume atomically, with progress events, and exports one', async () => {
    const resume = JSON.parse(
      readFileSync(new URL('../fixtures/json-resume/emilie.json', import.meta.url), 'utf8')
    )
    const preview = await api(t, '/api/import/json-resume/preview', { body: resume })
    expect(preview.status).toBe(200)
    const items = preview.json().items as { key: string; type: string }[]
    expect(items.length).toBeGreaterThan(10)

    // listen to the event stream while importing
    const ctrl = new AbortController()
    const events: string[] = []
    const stream = fetch(`${t.url}/api/events`, {
      headers: { authorization: `Bearer ${t.token}` },
      signal: ctrl.signal
    })
      .then(async (res) => {
        const reader = res.body!.getReader()
        const dec = new TextDecoder()
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          events.push(dec.decode(value))
        }
      })
      .catch(() => undefined)
    await new Promise((r) => setTimeout(r, 100))

    const before = ((await api(t, '/api/status')).json().records as { total: number }).total
    const chosen = items.filter((i) => i.type === 'experience').map((i) => i.key)
    const bad = await api(t, '/api/import/json-resume', { body: { resume, keys: [...chosen, 'work.999'] } })
    expect(bad.status).toBe(400)
    expect(((await api(t, '/api/status')).json().records as { total: number }).total).toBe(before)

    const ok = await api(t, '/api/import/json-resume', { body: { resume, keys: chosen } })
    expect(ok.status).toBe(200)
    expect(ok.json().imported).toBe(chosen.length)
    await new Promise((r) => setTimeout(r, 100))
    ctrl.abort()
    await stream
    const text = events.join('')
    expect(text).toContain('event: import.progress')
    expect(text).toContain(`"done":${chosen.length},"total":${chosen.length}`)

    const imported = (await api(t, '/api/records?type=experience')).json().records as {
      source: { kind: string; name?: string }
    }[]
    expect(imported.filter((r) => r.source.kind === 'import' && r.source.name === 'JSON Resume').length).toBe(
      chosen.length
    )

    const exported = await api(t, '/api/export/json-resume')
    expect(exported.status).toBe(200)
    expect((exported.json().work as unknown[]).length).toBeGreaterThan(0)
  })

  it('names the problem in an invalid resume and imports nothing', async () => {
    const before = ((await api(t, '/api/status')).json().records as { total: number }).total
    const res = await api(t, '/api/import/json-resume/preview', {
      body: { work: [{ name: 'X', startDate: 'yesterday' }] }
    })
    expect(res.status).toBe(400)
    expect(res.json().error?.code).toBe('INVALID_RESUME')
    expect(res.json().error?.message).toContain('work[0].startDate')
    const notResume = await api(t, '/api/import/json-resume/preview', { body: { hello: 'world' } })
    expect(notResume.json().error?.code).toBe('NOT_A_RESUME')
    expect(((await api(t, '/api/status')).json().records as { total: number }).total).toBe(before)
  })

  it("keeps the node's own records (credentials…) out of the person's records", async () => {
    const did = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'
    const cred = await t.node.vault.put({
      type: 'credential',
      data: {
        role: 'received',
        credential: {},
        issuer: did,
        subject: did,
        kind: 'skill',
        name: 'Sérigraphie',
        validFrom: '2026-11-23T10:00:00.000Z'
      },
      source: { kind: 'peer', name: 'Karim', at: '2026-11-23T10:00:00.000Z' }
    })
    const all = (await api(t, '/api/records')).json().records as { id: string }[]
    expect(all.some((r) => r.id === cred.id)).toBe(false)
    expect((await api(t, `/api/records/${cred.id}`)).status).toBe(404)
    expect((await api(t, `/api/records/${cred.id}`, { method: 'DELETE' })).status).toBe(404)
    expect((await api(t, '/api/records?type=credential')).status).toBe(400)
  })

  it('locks, refuses a wrong passphrase, throttles, and unlocks', async () => {
    expect((await api(t, '/api/lock', { method: 'POST' })).status).toBe(200)
    const locked = await api(t, '/api/records')
    expect(locked.status).toBe(423)
    expect(locked.json().error?.code).toBe('LOCKED')
    for (let i = 0; i < 5; i++) {
      const wrong = await api(t, '/api/unlock', { body: { passphrase: 'wrong passphrase' } })
      expect(wrong.status).toBe(401)
      expect(wrong.json().error?.code).toBe('WRONG_PASSPHRASE')
    }
    const throttled = await api(t, '/api/unlock', { body: { passphrase: PASS } })
    expect(throttled.status).toBe(429)
    expect(throttled.headers['retry-after']).toBeDefined()
    await new Promise((r) => setTimeout(r, 1100))
    const ok = await api(t, '/api/unlock', { body: { passphrase: PASS } })
    expect(ok.status).toBe(200)
    expect(ok.json().name).toBe('Émilie Laurent')
  })
})
