/**
 * The printable CV of a composition through the API (a real node with its network, for status entries):
 * a signed presentation bound to `musette:printed-cv`, its exact file, its SHA-256, and a QR code that
 * carries the whole file (deflated) or, for a big composition, only its fingerprint. Hidden values are in
 * neither; it verifies; it is in the share ledger; withdrawing the share revokes its self-declared part.
 */
import { createHash } from 'node:crypto'
import { inflateRawSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPresentation } from '../../credentials/verify.ts'
import { freePortPair } from './cli-node.ts'
import { api, startTestApi, type TestApi } from './helpers.ts'

type Rec = { id: string; version: number; data: Record<string, unknown> }
interface Cv {
  presentation: Record<string, unknown>
  share: Rec
  file: string
  sha256: string
  qr: { mode: 'embedded' | 'fingerprint'; text: string; svg: string }
  preview: { holder: { did: string; name: string }; items: { id: string; visibility: string }[] }
}

const SECRETS = [
  'HiddenTitleMarker',
  'HiddenOrgMarker',
  'SecretCorpXYZ',
  'blurred-description-marker',
  '2021-09-15',
  '2022-08-31'
]
const DAY = 24 * 3600_000

const proofOf = (vp: Record<string, unknown>) => {
  const p = vp.proof as { challenge?: string; domain?: string } | { challenge?: string; domain?: string }[]
  return Array.isArray(p) ? p[0]! : p
}

describe('printable CV of a composition', () => {
  let t: TestApi
  let did: string
  const ids: Record<string, string> = {}
  let small: Rec
  beforeAll(async () => {
    t = await startTestApi({ network: true, p2pPort: await freePortPair() })
    const created = await api(t, '/api/identity', {
      body: { name: 'Émilie Laurent', passphrase: 'une phrase de passe solide' }
    })
    expect(created.status, created.body).toBe(201)
    did = created.json().did as string
    const put = async (key: string, type: string, data: unknown) => {
      const r = await api(t, '/api/records', { body: { type, data } })
      expect(r.status, r.body).toBe(201)
      ids[key] = (r.json() as Rec).id
    }
    await put('festival', 'experience', {
      kind: 'mission',
      title: 'Affiche du festival Les Ondes Vertes',
      organisation: 'Festival Les Ondes Vertes',
      start: '2024-01',
      end: '2024-04',
      sphere: 'pro'
    })
    await put('studio', 'experience', {
      kind: 'job',
      title: 'Graphiste en CDD',
      organisation: 'SecretCorpXYZ',
      start: '2021-09-15',
      end: '2022-08-31',
      sphere: 'pro',
      description: 'blurred-description-marker'
    })
    await put('hidden', 'experience', {
      kind: 'volunteering',
      title: 'HiddenTitleMarker',
      organisation: 'HiddenOrgMarker',
      start: '2019',
      sphere: 'militant'
    })
    await put('typo', 'skill', { name: 'Typographie' })
    const r = await api(t, '/api/compositions', {
      body: {
        name: 'Candidature graphiste',
        description: 'Graphiste, affiches et identités visuelles',
        items: [
          { id: ids.festival, visibility: 'show' },
          { id: ids.studio, visibility: 'blur' },
          { id: ids.hidden, visibility: 'hide' },
          { id: ids.typo, visibility: 'show' }
        ]
      }
    })
    expect(r.status, r.body).toBe(201)
    small = r.json() as Rec
  })
  afterAll(() => t?.close())

  /** Everything a CV answer must hold, whatever its QR mode. */
  async function checkCv(cv: Cv): Promise<void> {
    // `file` is the presentation, and `sha256` is the fingerprint of exactly these bytes
    expect(JSON.parse(cv.file)).toEqual(cv.presentation)
    expect(cv.sha256).toBe(createHash('sha256').update(Buffer.from(cv.file, 'utf8')).digest('base64url'))
    expect(cv.qr.svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
    const proof = proofOf(cv.presentation)
    expect(proof.domain).toBe('musette:printed-cv')
    expect(proof.challenge).toMatch(/^[A-Za-z0-9_-]{16,}$/)
    // it verifies, in this process and through the node's VC-API
    const ok = await verifyPresentation(cv.presentation, {
      challenge: proof.challenge!,
      domain: 'musette:printed-cv'
    })
    expect(ok.verified, JSON.stringify(ok.checks)).toBe(true)
    expect(ok.holder).toBe(did)
    const viaApi = await api(t, '/presentations/verify', {
      body: {
        verifiablePresentation: JSON.parse(cv.file) as unknown,
        options: { challenge: proof.challenge, domain: 'musette:printed-cv' }
      }
    })
    expect(viaApi.status, viaApi.body).toBe(200)
    // self-declared items vouch for themselves 90 days
    for (const c of cv.presentation.verifiableCredential as { issuer: unknown; validUntil?: string }[]) {
      const until = Date.parse(c.validUntil ?? '')
      expect(until - Date.now()).toBeGreaterThan(89 * DAY)
      expect(until - Date.now()).toBeLessThan(91 * DAY)
    }
  }

  it('embeds the whole signed file in the QR code when it fits; hidden values are nowhere', async () => {
    const res = await api(t, `/api/compositions/${small.id}/cv`, { body: {} })
    expect(res.status, res.body).toBe(201)
    const cv = res.json() as unknown as Cv
    await checkCv(cv)
    expect(cv.qr.mode).toBe('embedded')
    expect(cv.qr.text.startsWith('MUSETTE-VP1:')).toBe(true)
    const inflated = inflateRawSync(Buffer.from(cv.qr.text.slice('MUSETTE-VP1:'.length), 'base64url'))
    expect(inflated.toString('utf8')).toBe(cv.file)
    for (const secret of SECRETS) {
      expect(cv.file, secret).not.toContain(secret)
      expect(cv.qr.text, secret).not.toContain(secret)
      expect(inflated.toString('utf8'), secret).not.toContain(secret)
      expect(JSON.stringify(cv.preview), secret).not.toContain(secret)
    }
    expect(cv.file).toContain('Festival Les Ondes Vertes')
    // the preview is the composition's visible items, as signed, in its order
    expect(cv.preview.holder).toEqual({ did, name: 'Émilie Laurent' })
    expect(cv.preview.items.map((i) => [i.id, i.visibility])).toEqual([
      [ids.festival, 'show'],
      [ids.studio, 'blur'],
      [ids.typo, 'show']
    ])
    // a fresh challenge each time
    const again = (
      await api(t, `/api/compositions/${small.id}/cv`, { method: 'POST' })
    ).json() as unknown as Cv
    expect(proofOf(again.presentation).challenge).not.toBe(proofOf(cv.presentation).challenge)
    expect(again.sha256).not.toBe(cv.sha256)
  })

  it('logs the CV in the share ledger, as "printed CV" or to the name given', async () => {
    const named = await api(t, `/api/compositions/${small.id}/cv`, { body: { to: { name: 'Agence Verte' } } })
    expect(named.status, named.body).toBe(201)
    const shares = (await api(t, '/api/shares')).json().shares as Rec[]
    const cvShares = shares.filter((s) => s.data.domain === 'musette:printed-cv')
    expect(cvShares.length).toBe(3)
    expect(cvShares.map((s) => (s.data.to as { name?: string }).name).sort()).toEqual([
      'Agence Verte',
      'printed CV',
      'printed CV'
    ])
    const share = cvShares.find((s) => (s.data.to as { name?: string }).name === 'Agence Verte')!
    expect(share.data).toMatchObject({ compositionId: small.id, compositionName: 'Candidature graphiste' })
    expect(
      (share.data.items as { id: string; visibility: string }[]).map((i) => [i.id, i.visibility])
    ).toEqual([
      [ids.festival, 'show'],
      [ids.studio, 'blur'],
      [ids.typo, 'show']
    ])
    expect(JSON.stringify(share)).not.toContain('HiddenTitleMarker')
  })

  it('puts only the fingerprint in the QR code when the file is too big for one', async () => {
    const skills: string[] = []
    for (let i = 0; i < 30; i++) {
      const r = await api(t, '/api/records', {
        body: {
          type: 'skill',
          data: {
            name: `Compétence numéro ${i} en conception graphique`,
            description: `Description ${i} : ${createHash('sha256').update(String(i)).digest('hex')}`
          }
        }
      })
      skills.push((r.json() as Rec).id)
    }
    const big = await api(t, '/api/compositions', {
      body: {
        name: 'Tout',
        items: [
          ...skills.map((id) => ({ id, visibility: 'show' })),
          { id: ids.hidden, visibility: 'hide' },
          { id: ids.studio, visibility: 'blur' }
        ]
      }
    })
    const res = await api(t, `/api/compositions/${(big.json() as Rec).id}/cv`, { body: {} })
    expect(res.status, res.body).toBe(201)
    const cv = res.json() as unknown as Cv
    await checkCv(cv)
    expect(cv.qr.mode).toBe('fingerprint')
    expect(cv.qr.text).toBe(`MUSETTE-VPH1:${cv.sha256}`)
    expect(cv.preview.items.length).toBe(31)
    for (const secret of SECRETS) expect(cv.file, secret).not.toContain(secret)
  })

  it('withdrawing the CV’s share makes its self-declared credentials revoked', async () => {
    const res = await api(t, `/api/compositions/${small.id}/cv`, { body: { to: { name: 'À retirer' } } })
    const cv = res.json() as unknown as Cv
    const items = cv.share.data.items as { statusIndex?: number }[]
    expect(items.every((i) => typeof i.statusIndex === 'number')).toBe(true)
    const check = () =>
      verifyPresentation(cv.presentation, {
        challenge: proofOf(cv.presentation).challenge!,
        domain: 'musette:printed-cv',
        checkStatus: (url) => t.node.social!.fetchStatusList(url)
      })
    expect((await check()).verified).toBe(true)
    const rev = await api(t, `/api/shares/${cv.share.id}/revoke`, { method: 'POST' })
    expect(rev.status, rev.body).toBe(200)
    const after = await check()
    expect(after.verified).toBe(false)
    expect(JSON.stringify(after.credentials)).toContain('REVOKED')
  })

  it('refuses an unknown composition and a bad body', async () => {
    const missing = await api(t, '/api/compositions/aaaaaaaaaaaaaaaaaaaaaaaaaa/cv', { body: {} })
    expect(missing.status).toBe(404)
    const bad = await api(t, `/api/compositions/${small.id}/cv`, { body: { to: { did: 'did:key:x' } } })
    expect(bad.status).toBe(400)
    expect(bad.json().error?.code).toBe('VALIDATION_FAILED')
  })
})
