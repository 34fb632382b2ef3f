import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, raw, startTestApi, type TestApi } from './helpers.ts'

describe('VC-API endpoints', () => {
  let t: TestApi
  let did: string
  beforeAll(async () => {
    t = await startTestApi({ vcApiOrigins: ['http://localhost:5555'] })
    const res = await api(t, '/api/identity', {
      body: { name: 'Karim Benali', passphrase: 'une phrase assez longue' }
    })
    did = res.json().did as string
  })
  afterAll(() => t.close())

  const unsigned = () => ({
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential'],
    credentialSubject: { id: 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp' }
  })

  it('issues (201) as the node, verifies (200), and refuses a tampered credential with problem details (400)', async () => {
    const issued = await api(t, '/credentials/issue', { body: { credential: unsigned() } })
    expect(issued.status).toBe(201)
    const vc = issued.json().verifiableCredential as Record<string, unknown>
    expect(vc.issuer).toBe(did)
    expect((vc.proof as { cryptosuite: string }).cryptosuite).toBe('eddsa-rdfc-2022')

    const ok = await api(t, '/credentials/verify', { body: { verifiableCredential: vc } })
    expect(ok.status).toBe(200)
    expect(ok.json().errors).toEqual([])
    expect(ok.json().checks).toContain('proof')

    const tampered = { ...vc, credentialSubject: { id: did } }
    const bad = await api(t, '/credentials/verify', { body: { verifiableCredential: tampered } })
    expect(bad.status).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    const problem = bad.json() as { type?: string; title?: string; errors?: { code: string }[] }
    expect(problem.title).toBe('Verification failed')
    expect(problem.errors?.map((e) => e.code)).toContain('TAMPERED')
  })

  it('refuses to issue as someone else', async () => {
    const res = await api(t, '/credentials/issue', {
      body: {
        credential: { ...unsigned(), issuer: 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG' }
      }
    })
    expect(res.status).toBe(400)
  })

  it('hands out challenges and resolves did:key locally', async () => {
    const c = await api(t, '/challenges', { method: 'POST' })
    expect(c.status).toBe(201)
    expect(c.json().challenge).toMatch(/^[\w-]{22}$/)
    const r = await api(t, `/1.0/identifiers/${encodeURIComponent(did)}`)
    expect(r.status).toBe(200)
    expect((r.json().didDocument as { id: string }).id).toBe(did)
    expect((await api(t, '/1.0/identifiers/did%3Aweb%3Aexample.org')).status).toBe(404)
  })

  it('keeps the token rule, and opens CORS only to the configured origins, only on VC-API paths', async () => {
    const host = new URL(t.url).host
    expect((await raw(t.url, '/challenges', { method: 'POST', headers: { host } })).status).toBe(401)
    const foreign = await api(t, '/challenges', {
      method: 'POST',
      headers: { origin: 'http://evil.example' }
    })
    expect(foreign.status).toBe(403)
    const tool = await api(t, '/challenges', { method: 'POST', headers: { origin: 'http://localhost:5555' } })
    expect(tool.status).toBe(201)
    expect(tool.headers['access-control-allow-origin']).toBe('http://localhost:5555')
    const preflight = await raw(t.url, '/credentials/verify', {
      method: 'OPTIONS',
      headers: { host, origin: 'http://localhost:5555', 'access-control-request-method': 'POST' }
    })
    expect(preflight.status).toBe(204)
    // the rest of the API stays closed to that origin
    const session = await api(t, '/api/session', { headers: { origin: 'http://localhost:5555' } })
    expect(session.status).toBe(403)
  })
})
