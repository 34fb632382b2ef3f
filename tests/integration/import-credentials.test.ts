/**
 * Credentials earned elsewhere, through the API of a real node (issue 7): a wallet export (a presentation
 * holding an Open Badge and a VC-JWT from an issuer on did:web) previewed with each credential's verdict,
 * imported as `imported` credentials onto the time-line; a file with one altered credential refused whole,
 * naming it, with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { badge, enc, vcJwt } from '../fixtures/import/credentials.ts'
import { api, raw, startWithIdentity, type TestApi } from './helpers.ts'

let t: TestApi

beforeAll(async () => {
  t = await startWithIdentity()
})
afterAll(async () => t.close())

const preview = (bytes: Uint8Array, name: string) =>
  raw(t.url, `/api/import/credentials/preview?name=${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/octet-stream' },
    body: bytes
  })

describe('importing credentials', () => {
  it('previews with verdicts, imports onto the time-line, refuses a forged file whole', async () => {
    const ob = await badge('Animation d’ateliers')
    const web = await vcJwt('Master Design', 'did:web:univ-nantes.fr')
    const vp = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      verifiableCredential: [ob, web]
    }
    const p = await preview(enc(vp), 'wallet.json')
    expect(p.status, p.body).toBe(200)
    const { token, items } = p.json() as {
      token: string
      items: Array<{ key: string; data: { status: { state: string; reason?: string } } }>
    }
    expect(items.map((i) => i.data.status.state)).toEqual(['verified', 'unverifiable'])
    const done = await api(t, '/api/import/credentials', {
      method: 'POST',
      body: { token, keys: items.map((i) => i.key) }
    })
    expect(done.status, done.body).toBe(200)
    const held = (await api(t, '/api/credentials?role=imported')).json() as {
      credentials: Array<{ source: { name: string }; data: { name: string; role: string } }>
    }
    expect(held.credentials.map((c) => [c.data.name, c.source.name])).toEqual(
      expect.arrayContaining([
        ['Animation d’ateliers', 'Credentials'],
        ['Master Design', 'Credentials']
      ])
    )
    const timeline = (await api(t, '/api/timeline')).json() as {
      years: Array<{ year: number; items: Array<{ title: string }> }>
    }
    expect(timeline.years.find((y) => y.year === 2025)?.items.map((i) => i.title)).toContain(
      'Animation d’ateliers'
    )

    // the same badge again: flagged; an altered one: the file refused, naming it, nothing written
    const again = (await preview(enc(ob), 'again.json')).json() as { items: Array<{ duplicateOf?: string }> }
    expect(again.items[0]!.duplicateOf).toBeDefined()
    const altered = structuredClone(await badge('Soudure')) as { credentialSubject: Record<string, unknown> }
    altered.credentialSubject.id = 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH'
    const bad = await preview(enc([await badge('Typographie'), altered]), 'badges.json')
    expect(bad.status).toBe(400)
    expect(bad.body).toContain('badges.json, credential 2')
    const after = (await api(t, '/api/credentials?role=imported')).json() as { credentials: unknown[] }
    expect(after.credentials.length).toBe(2)
  })
})
