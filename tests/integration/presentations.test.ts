/**
 * A verifier node and a holder node on 127.0.0.1: the verifier's signed request, the holder's consent, the
 * presentation over /musette/present/1.0.0, verified at the verifier; replay, tamper, another holder's
 * presentation and an expired request refused with their reasons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPresentation } from '../../credentials/verify.ts'
import { presentProtocol } from '../../protocols/index.ts'
import { freePortPair } from './cli-node.ts'
import { api, startTestApi, type TestApi } from './helpers.ts'

type Rec = { id: string; data: Record<string, unknown> }

describe('presentation requests between a verifier node and a holder node', () => {
  let holder: TestApi, verifier: TestApi, other: TestApi
  let compositionId: string
  beforeAll(async () => {
    const nodes = await Promise.all(
      [0, 1, 2].map(async () => startTestApi({ network: true, p2pPort: await freePortPair() }))
    )
    ;[holder, verifier, other] = nodes as [TestApi, TestApi, TestApi]
    for (const [t, name] of [
      [holder, 'Émilie Laurent'],
      [verifier, 'Agence Verte'],
      [other, 'Mallory']
    ] as const) {
      expect(
        (await api(t, '/api/identity', { body: { name, passphrase: 'une phrase de passe solide' } })).status
      ).toBe(201)
    }
    const skill = await api(holder, '/api/records', {
      body: { type: 'skill', data: { name: 'Éco-conception' } }
    })
    const comp = await api(holder, '/api/compositions', {
      body: { name: 'Profil écologie', items: [{ id: (skill.json() as Rec).id, visibility: 'show' }] }
    })
    compositionId = (comp.json() as Rec).id
  })
  afterAll(async () => {
    await Promise.allSettled([holder?.close(), verifier?.close(), other?.close()])
  })

  const request = async (asks = 'Vos compétences en éco-conception') => {
    const r = await api(verifier, '/api/presentation-requests', {
      body: { asks, domain: 'agence-verte.exemple.fr' }
    })
    expect(r.status, r.body).toBe(201)
    return r.json() as { id: string; link: string; challenge: string; qrSvg: string }
  }

  it('request, consent, presentation, verified at the verifier', async () => {
    const req = await request()
    expect(req.link).toMatch(/^musette:present\?t=/)
    expect(req.qrSvg).toContain('<svg')
    const opened = await api(holder, '/api/presentation-requests/open', { body: { request: req.link } })
    expect(opened.json()).toMatchObject({
      verifier: { name: 'Agence Verte' },
      asks: 'Vos compétences en éco-conception',
      domain: 'agence-verte.exemple.fr'
    })
    const answer = await api(holder, '/api/presentation-requests/answer', {
      body: { request: req.link, compositionId }
    })
    expect(answer.status, answer.body).toBe(200)
    expect((answer.json().share as Rec).data).toMatchObject({
      to: { name: 'Agence Verte' },
      domain: 'agence-verte.exemple.fr'
    })
    const v = ((await api(verifier, '/api/verifications')).json().verifications as Rec[]).find(
      (x) => x.id === req.id
    )!
    expect(v.data).toMatchObject({ verified: true, holder: (await api(holder, '/api/session')).json().did })
    // the same request cannot be answered twice
    const again = await api(holder, '/api/presentation-requests/answer', {
      body: { request: req.link, compositionId }
    })
    expect(again.status).toBe(409)
    expect(again.json().error?.fields?.reason).toEqual(['ALREADY_ANSWERED'])
  })

  it('refuses a replay for another request, a tampered presentation, and another holder’s presentation', async () => {
    const first = await request('Première demande')
    const second = await request('Seconde demande')
    // a presentation made for the first request
    const made = await api(holder, `/api/compositions/${compositionId}/presentation`, {
      body: { challenge: first.challenge, domain: 'agence-verte.exemple.fr' }
    })
    const vp = made.json().presentation as Record<string, unknown>
    const parsedSecond = await presentProtocol.parseRequest(second.link)
    if (!parsedSecond.ok) throw new Error(parsedSecond.message)
    const libp2pOf = (t: TestApi) => t.node.network!.libp2p
    // replayed against the second request: its challenge differs
    await expect(
      presentProtocol.sendPresentation(libp2pOf(holder), parsedSecond.request, vp)
    ).rejects.toMatchObject({
      reason: 'CHALLENGE_MISMATCH'
    })
    // tampered
    const tampered = structuredClone(vp) as {
      verifiableCredential: { credentialSubject: { achievement: { name: string } } }[]
    }
    tampered.verifiableCredential[0]!.credentialSubject.achievement.name = 'Expertise mondiale'
    const parsedFirst = await presentProtocol.parseRequest(first.link)
    if (!parsedFirst.ok) throw new Error(parsedFirst.message)
    await expect(
      presentProtocol.sendPresentation(
        libp2pOf(holder),
        parsedFirst.request,
        tampered as Record<string, unknown>
      )
    ).rejects.toMatchObject({ reason: 'TAMPERED' })
    // someone else sends the holder's presentation: the sender is not its holder
    await expect(
      presentProtocol.sendPresentation(libp2pOf(other), parsedFirst.request, vp)
    ).rejects.toMatchObject({
      reason: 'WRONG_SENDER'
    })
    // none of these answered the requests
    const vs = (await api(verifier, '/api/verifications')).json().verifications as Rec[]
    expect(vs.filter((x) => x.id === first.id || x.id === second.id).every((x) => !x.data.answeredAt)).toBe(
      true
    )
  })

  it('refuses an expired request, and a request that is not a request', async () => {
    const req = await request()
    const parsed = await presentProtocol.parseRequest(req.link, { now: Date.now() + 48 * 3600_000 })
    expect(parsed).toMatchObject({ ok: false, reason: 'EXPIRED' })
    const bad = await api(holder, '/api/presentation-requests/open', {
      body: { request: 'musette:present?t=a.b.c' }
    })
    expect(bad.status).toBe(400)
    expect(bad.json().error?.code).toBe('INVALID_REQUEST')
    // an invitation is not a presentation request
    const inv = await api(verifier, '/api/invitations', { body: {} })
    const mixed = await api(holder, '/api/presentation-requests/open', {
      body: { request: (inv.json().link as string).replace('musette:invite?', 'musette:present?') }
    })
    expect(mixed.status).toBe(400)
  })

  it('the holder withdraws what it shared: the verifier then sees the self-declared credentials revoked', async () => {
    const shares = (await api(holder, '/api/shares')).json().shares as Rec[]
    const share = shares.find((x) => (x.data.to as { name?: string }).name === 'Agence Verte')!
    expect((share.data.items as { statusIndex?: number }[])[0]?.statusIndex).toBeTypeOf('number')
    const verification = ((await api(verifier, '/api/verifications')).json().verifications as Rec[]).find(
      (x) => x.data.verified === true
    )!
    const vp = verification.data.presentation as Record<string, unknown>
    const check = () =>
      verifyPresentation(vp, {
        challenge: verification.data.challenge as string,
        domain: verification.data.domain as string,
        checkStatus: (url) => verifier.node.social!.fetchStatusList(url)
      })
    expect((await check()).verified).toBe(true)
    const rev = await api(holder, `/api/shares/${share.id}/revoke`, { method: 'POST' })
    expect(rev.status, rev.body).toBe(200)
    expect((rev.json().share as Rec).data.revokedAt).toBeTypeOf('string')
    const after = await check()
    expect(after.verified).toBe(false)
    expect(JSON.stringify(after.credentials)).toContain('REVOKED')
  })
})
