/**
 * Compositions and presentations through the API: per-item visibility, a holder-signed presentation bound
 * to a challenge and domain that verifies, hidden values absent from its bytes, tamper and replay refused,
 * the share ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPresentation } from '../../credentials/verify.ts'
import { api, startTestApi, type TestApi } from './helpers.ts'

type Rec = { id: string; version: number; data: Record<string, unknown> }

describe('compositions and presentations', () => {
  let t: TestApi
  let did: string
  const ids: Record<string, string> = {}
  beforeAll(async () => {
    t = await startTestApi()
    did = (
      await api(t, '/api/identity', {
        body: { name: 'Émilie Laurent', passphrase: 'une phrase de passe solide' }
      })
    ).json().did as string
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
      sphere: 'pro',
      description: 'Affiche, programme et déclinaisons.'
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
    await put('typo', 'skill', { name: 'Typographie', level: 4, description: 'Composition de textes longs.' })
  })
  afterAll(() => t.close())

  let composition: Rec
  it('creates a composition, refuses bad items, previews exactly what will be shown', async () => {
    const items = [
      { id: ids.festival, visibility: 'show' },
      { id: ids.studio, visibility: 'blur' },
      { id: ids.hidden, visibility: 'hide' },
      { id: ids.typo, visibility: 'show' }
    ]
    const bad = await api(t, '/api/compositions', {
      body: { name: 'Profil', items: [{ id: 'aaaaaaaaaaaaaaaaaaaaaaaaaa', visibility: 'show' }] }
    })
    expect(bad.status).toBe(400)
    expect(
      (await api(t, '/api/compositions', { body: { name: 'Profil', items: [items[0], items[0]] } })).status
    ).toBe(400)
    const created = await api(t, '/api/compositions', { body: { name: 'Profil écologie', items } })
    expect(created.status, created.body).toBe(201)
    composition = created.json() as Rec
    const preview = (await api(t, `/api/compositions/${composition.id}/preview`)).json() as {
      items: { id: string; visibility: string; origin: string; view: Record<string, unknown> }[]
    }
    expect(preview.items.map((i) => i.id)).toEqual([ids.festival, ids.studio, ids.typo])
    expect(preview.items[1]).toMatchObject({
      visibility: 'blur',
      origin: 'self-declared',
      view: { kind: 'job', title: 'Graphiste en CDD', start: '2021', end: '2022' }
    })
    expect(preview.items[1]?.view.organisation).toBeUndefined()
    const dup = await api(t, `/api/compositions/${composition.id}/duplicate`, { method: 'POST' })
    expect((dup.json() as Rec).data.name).toBe('Profil écologie (copie)')
  })

  it('signs a presentation bound to the challenge and domain; hidden values are nowhere in its bytes', async () => {
    const res = await api(t, `/api/compositions/${composition.id}/presentation`, {
      body: {
        challenge: 'challenge-from-the-agency',
        domain: 'agence.exemple.fr',
        to: { name: 'Agence Verte' }
      }
    })
    expect(res.status, res.body).toBe(201)
    const vp = res.json().presentation as Record<string, unknown>
    const bytes = JSON.stringify(vp)
    for (const secret of [
      'HiddenTitleMarker',
      'HiddenOrgMarker',
      'SecretCorpXYZ',
      'blurred-description-marker',
      '2021-09-15',
      '2022-08-31'
    ]) {
      expect(bytes, secret).not.toContain(secret)
    }
    expect(bytes).toContain('Festival Les Ondes Vertes')
    const ok = await verifyPresentation(vp, {
      challenge: 'challenge-from-the-agency',
      domain: 'agence.exemple.fr'
    })
    expect(ok.verified, JSON.stringify(ok.checks)).toBe(true)
    expect(ok.holder).toBe(did)
    expect(ok.credentials?.length).toBe(3)
    expect(ok.credentials?.every((c) => c.issuer === did)).toBe(true)

    // a replay with another challenge or domain, and one claim changed, are refused with their reason
    const replay = await verifyPresentation(vp, {
      challenge: 'another-challenge',
      domain: 'agence.exemple.fr'
    })
    expect(replay.checks.find((c) => !c.ok)?.reason?.code).toBe('CHALLENGE_MISMATCH')
    const elsewhere = await verifyPresentation(vp, {
      challenge: 'challenge-from-the-agency',
      domain: 'evil.exemple'
    })
    expect(elsewhere.checks.find((c) => !c.ok)?.reason?.code).toBe('DOMAIN_MISMATCH')
    const tampered = structuredClone(vp) as {
      verifiableCredential: { credentialSubject: { achievement: { name: string } } }[]
    }
    tampered.verifiableCredential[2]!.credentialSubject.achievement.name = 'Typographie experte'
    const bad = await verifyPresentation(tampered, {
      challenge: 'challenge-from-the-agency',
      domain: 'agence.exemple.fr'
    })
    expect(bad.verified).toBe(false)
    expect(JSON.stringify(bad)).toContain('TAMPERED')

    // the VC-API says the same
    const viaApi = await api(t, '/presentations/verify', {
      body: {
        verifiablePresentation: vp,
        options: { challenge: 'challenge-from-the-agency', domain: 'agence.exemple.fr' }
      }
    })
    expect(viaApi.status).toBe(200)
  })

  it('without a challenge, self-declared items expire soon; every presentation is in the share ledger', async () => {
    const res = await api(t, `/api/compositions/${composition.id}/presentation`, { body: {} })
    const vp = res.json().presentation as { verifiableCredential: { validUntil?: string }[] }
    const until = Date.parse(vp.verifiableCredential[0]?.validUntil ?? '')
    expect(until - Date.now()).toBeGreaterThan(6 * 24 * 3600_000)
    expect(until - Date.now()).toBeLessThan(8 * 24 * 3600_000)
    const shares = (await api(t, '/api/shares')).json().shares as Rec[]
    expect(shares.length).toBe(2)
    const first = shares.find((s) => (s.data.to as { name?: string }).name === 'Agence Verte')!
    expect(first.data).toMatchObject({ compositionName: 'Profil écologie', domain: 'agence.exemple.fr' })
    expect(
      (first.data.items as { id: string; visibility: string }[]).map((i) => [i.id, i.visibility])
    ).toEqual([
      [ids.festival, 'show'],
      [ids.studio, 'blur'],
      [ids.typo, 'show']
    ])
  })

  it('exports a composition as JSON Resume: blurred items blurred, hidden ones absent', async () => {
    const res = await api(t, `/api/compositions/${composition.id}/json-resume`)
    expect(res.status).toBe(200)
    const text = res.body
    for (const secret of ['HiddenTitleMarker', 'SecretCorpXYZ', 'blurred-description-marker', '2021-09-15']) {
      expect(text, secret).not.toContain(secret)
    }
    const doc = res.json() as {
      basics?: { name?: string }
      work?: { position?: string; startDate?: string }[]
      skills?: { name: string }[]
    }
    expect(doc.basics?.name).toBe('Émilie Laurent')
    expect(doc.work?.find((w) => w.position === 'Graphiste en CDD')?.startDate).toBe('2021')
    expect(doc.skills?.map((s) => s.name)).toEqual(['Typographie'])
  })
})
