/**
 * Three real nodes on 127.0.0.1, driven through their local APIs as their UIs would: A invites B and C;
 * A asks both to attest a skill; B accepts with a testimony, C declines; A holds exactly one credential,
 * which verifies and is a valid Open Badge; a request made while B is offline reaches B when B is back,
 * and B's answer reaches A.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateOpenBadge } from '../../credentials/open-badges.ts'
import { verifyCredential, verifyPresentation } from '../../credentials/verify.ts'
import { freePortPair } from './cli-node.ts'
import { api, startTestApi, type TestApi } from './helpers.ts'

const PASS = 'une phrase de passe solide'

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

type Rec = { id: string; data: Record<string, unknown> }

describe('peer attestations between three nodes', () => {
  let a: TestApi, b: TestApi, c: TestApi
  const dids: Record<string, string> = {}
  beforeAll(async () => {
    const nodes = await Promise.all(
      [0, 1, 2].map(async () => startTestApi({ network: true, p2pPort: await freePortPair() }))
    )
    ;[a, b, c] = nodes as [TestApi, TestApi, TestApi]
    for (const [name, t] of [
      ['Émilie', a],
      ['Karim', b],
      ['Sophie', c]
    ] as const) {
      const res = await api(t!, '/api/identity', { body: { name, passphrase: PASS } })
      expect(res.status).toBe(201)
      dids[name] = res.json().did as string
    }
  })
  afterAll(async () => {
    await Promise.allSettled([a?.close(), b?.close(), c?.close()])
  })

  let contactB: string, contactC: string

  it('A invites B and C; both record each other', async () => {
    for (const [t, name] of [
      [b, 'Karim'],
      [c, 'Sophie']
    ] as const) {
      const inv = await api(a, '/api/invitations', { body: {} })
      expect(inv.status).toBe(201)
      const { link, qrSvg } = inv.json() as { link: string; qrSvg: string }
      expect(link).toMatch(/^musette:invite\?t=/)
      expect(qrSvg).toContain('<svg')
      const acc = await api(t, '/api/invitations/accept', { body: { invitation: link } })
      expect(acc.status, acc.body).toBe(200)
      expect((acc.json().contact as Rec).data).toMatchObject({ name: 'Émilie', did: dids['Émilie'] })
      // the invitation is single use
      const again = await api(t, '/api/invitations/accept', { body: { invitation: link } })
      expect(again.status).toBe(400)
      expect(again.json().error?.code).toBe('INVALID_INVITATION')
      void name
    }
    const contacts = (await api(a, '/api/contacts')).json().contacts as { record: Rec; online: boolean }[]
    const byName = (n: string) => contacts.find((x) => x.record.data.name === n)
    expect(byName('Karim')?.record.data.did).toBe(dids['Karim'])
    expect(byName('Sophie')?.online).toBe(true)
    contactB = byName('Karim')!.record.id
    contactC = byName('Sophie')!.record.id
  })

  it('refuses garbage invitations with a typed reason', async () => {
    const res = await api(b, '/api/invitations/accept', {
      body: { invitation: 'musette:invite?t=not.a.jwt' }
    })
    expect(res.status).toBe(400)
    expect(res.json().error?.code).toBe('INVALID_INVITATION')
  })

  it('A asks B and C; B attests with a testimony, C declines; A holds one valid Open Badge', async () => {
    const skill = await api(a, '/api/records', { body: { type: 'skill', data: { name: 'Typographie' } } })
    expect(skill.status).toBe(201)
    for (const contactId of [contactB, contactC]) {
      const r = await api(a, '/api/attestations', {
        body: {
          contactId,
          claim: { kind: 'skill', name: 'Typographie' },
          message: 'Tu te souviens de l’affiche ?'
        }
      })
      expect(r.status, r.body).toBe(201)
    }
    const inboxOf = async (t: TestApi) => (await api(t, '/api/attestations')).json().inbox as Rec[]
    const reqB = await until('B to receive the request', async () => (await inboxOf(b))[0])
    const reqC = await until('C to receive the request', async () => (await inboxOf(c))[0])
    expect(reqB.data).toMatchObject({ peer: dids['Émilie'], peerName: 'Émilie', state: 'pending' })

    const ok = await api(b, `/api/attestations/${reqB.id}/accept`, {
      body: { relationship: 'colleague', testimony: 'Une typographe précise et inventive.' }
    })
    expect(ok.status, ok.body).toBe(200)
    expect(
      (await api(b, `/api/attestations/${reqB.id}/accept`, { body: { relationship: 'colleague' } })).status
    ).toBe(409)
    const no = await api(c, `/api/attestations/${reqC.id}/decline`, {
      body: { reason: 'Nous n’avons pas travaillé ensemble.' }
    })
    expect(no.status).toBe(200)

    const outbox = await until('both answers at A', async () => {
      const o = (await api(a, '/api/attestations')).json().outbox as Rec[]
      return o.every((x) => x.data.state === 'accepted' || x.data.state === 'declined') ? o : undefined
    })
    expect(outbox.map((x) => x.data.state).sort()).toEqual(['accepted', 'declined'])
    expect(outbox.find((x) => x.data.state === 'declined')?.data.reason).toBe(
      'Nous n’avons pas travaillé ensemble.'
    )

    const creds = (await api(a, '/api/credentials?role=received')).json().credentials as Rec[]
    expect(creds.length).toBe(1)
    const vc = creds[0]!.data.credential as Record<string, unknown>
    expect((await verifyCredential(vc)).verified).toBe(true)
    expect(validateOpenBadge(vc)).toEqual({ ok: true, errors: [] })
    expect(creds[0]!.data).toMatchObject({
      issuer: dids['Karim'],
      subject: dids['Émilie'],
      name: 'Typographie'
    })
    const check = await api(a, `/api/credentials/${creds[0]!.id}/verify`, { method: 'POST' })
    expect(check.json().verified).toBe(true)

    const skills = (await api(a, '/api/skills/attestations')).json().skills as {
      name: string
      people: number
      attesters: { name: string }[]
    }[]
    expect(skills).toMatchObject([{ name: 'Typographie', people: 1, attesters: [{ name: 'Karim' }] }])
    // B keeps what it issued; the attestation is on A's time-line (not on B's)
    expect(((await api(b, '/api/credentials?role=issued')).json().credentials as Rec[]).length).toBe(1)
    const tl = (await api(a, '/api/timeline?type=credential')).json() as {
      years: { items: { title: string; subtitle?: string; type: string }[] }[]
    }
    expect(tl.years.flatMap((y) => y.items)).toMatchObject([
      { type: 'credential', title: 'Typographie', subtitle: 'Karim' }
    ])
    expect(((await api(b, '/api/timeline?type=credential')).json() as { total: number }).total).toBe(0)
  })

  it('a request made while B is offline reaches B when it comes back, and the answer reaches A', async () => {
    expect((await api(b, '/api/lock', { method: 'POST' })).status).toBe(200)
    const r = await api(a, '/api/attestations', {
      body: { contactId: contactB, claim: { kind: 'skill', name: 'Sérigraphie' } }
    })
    expect(r.status).toBe(201)
    expect((r.json() as Rec).data.state).toBe('pending')
    expect((await api(b, '/api/unlock', { body: { passphrase: PASS } })).status).toBe(200)
    const req = await until(
      'the waiting request at B',
      async () =>
        ((await api(b, '/api/attestations')).json().inbox as Rec[]).find(
          (x) => x.data.claim && (x.data.claim as { name: string }).name === 'Sérigraphie'
        ),
      40_000
    )
    expect(
      (await api(b, `/api/attestations/${req.id}/accept`, { body: { relationship: 'manager' } })).status
    ).toBe(200)
    await until('the credential at A', async () => {
      const creds = (await api(a, '/api/credentials?role=received')).json().credentials as Rec[]
      return creds.length === 2 ? creds : undefined
    })
  })

  it("B withdraws what it issued; A's verification then says revoked", async () => {
    const issued = (await api(b, '/api/credentials?role=issued')).json().credentials as Rec[]
    const first = issued.find((x) => x.data.name === 'Typographie')!
    expect(first.data.statusIndex).toBeTypeOf('number')
    const received = (await api(a, '/api/credentials?role=received')).json().credentials as Rec[]
    const mine = received.find((x) => x.data.name === 'Typographie')!
    const before = (await api(a, `/api/credentials/${mine.id}/verify`, { method: 'POST' })).json() as {
      verified: boolean
      checks: { name: string; ok: boolean; reason?: { code: string } }[]
    }
    expect(before.verified).toBe(true)
    expect(before.checks.find((c) => c.name === 'status')?.ok).toBe(true)

    const rev = await api(b, `/api/credentials/${first.id}/revoke`, { method: 'POST' })
    expect(rev.status, rev.body).toBe(200)
    expect((rev.json().credential as Rec).data.revokedAt).toBeTypeOf('string')
    // only what one issued can be withdrawn
    expect((await api(a, `/api/credentials/${mine.id}/revoke`, { method: 'POST' })).status).toBe(409)

    const after = (
      await api(a, `/api/credentials/${mine.id}/verify`, { method: 'POST' })
    ).json() as typeof before
    expect(after.verified).toBe(false)
    expect(after.checks.find((c) => c.name === 'status')?.reason?.code).toBe('REVOKED')
    // the other credential from B is still good
    const other = received.find((x) => x.data.name === 'Sérigraphie')!
    expect((await api(a, `/api/credentials/${other.id}/verify`, { method: 'POST' })).json().verified).toBe(
      true
    )
    // and a revoked attestation no longer counts for the skill
    const skills = (await api(a, '/api/skills/attestations')).json().skills as { name: string }[]
    expect(skills.map((x) => x.name)).toEqual(['Sérigraphie'])
    const tl = (await api(a, '/api/timeline?type=credential')).json() as {
      years: { items: { title: string }[] }[]
    }
    expect(tl.years.flatMap((y) => y.items).map((i) => i.title)).toEqual(['Sérigraphie'])
  })

  it('refuses answers that are not what was asked: replays, forwarded credentials, unknown requests', async () => {
    const { sendAttestMessage } = await import('../../protocols/attest/index.ts')
    const r = await api(a, '/api/attestations', {
      body: { contactId: contactC, claim: { kind: 'skill', name: 'Mise en page' } }
    })
    const requestId = (r.json() as Rec).data.requestId as string
    await until('C to receive it', async () =>
      ((await api(c, '/api/attestations')).json().inbox as Rec[]).find((x) => x.data.requestId === requestId)
    )
    const libp2pC = c.node.network!.libp2p
    const forwarded = ((await api(a, '/api/credentials?role=received')).json().credentials as Rec[])[0]!.data
      .credential as Record<string, unknown>
    const answer = (credential: Record<string, unknown>, req = requestId) => ({
      type: 'attest-response' as const,
      id: crypto.randomUUID(),
      requestId: req,
      from: dids['Sophie']!,
      to: dids['Émilie']!,
      status: 'accepted' as const,
      credential,
      sentAt: Date.now()
    })
    const target = a.node.network!.peerId
    const { peerIdFromString } = await import('@libp2p/peer-id')
    // a credential issued by someone else (B's, to A) passed off by C as its answer
    await expect(
      sendAttestMessage(libp2pC, peerIdFromString(target), answer(forwarded))
    ).rejects.toMatchObject({
      reason: 'INVALID_CREDENTIAL'
    })
    // an answer to a request A never sent to C
    await expect(
      sendAttestMessage(libp2pC, peerIdFromString(target), answer(forwarded, crypto.randomUUID()))
    ).rejects.toMatchObject({ reason: 'UNKNOWN_REQUEST' })
    // A still holds exactly what it held, and its request to C is still open
    const creds = (await api(a, '/api/credentials?role=received')).json().credentials as Rec[]
    expect(creds.length).toBe(2)
    const mine = ((await api(a, '/api/attestations')).json().outbox as Rec[]).find(
      (x) => x.data.requestId === requestId
    )
    expect(mine?.data.state).toBe('sent')
  })

  it('presents a composition with a peer attestation inside, as issued', async () => {
    const received = (await api(a, '/api/credentials?role=received')).json().credentials as Rec[]
    const good = received.find((x) => x.data.name === 'Sérigraphie')!
    const blur = await api(a, '/api/compositions', {
      body: { name: 'x', items: [{ id: good.id, visibility: 'blur' }] }
    })
    expect(blur.status).toBe(400)
    const comp = await api(a, '/api/compositions', {
      body: { name: 'Atelier', items: [{ id: good.id, visibility: 'show' }] }
    })
    expect(comp.status, comp.body).toBe(201)
    const id = (comp.json() as Rec).id
    const preview = (await api(a, `/api/compositions/${id}/preview`)).json() as {
      items: { origin: string }[]
    }
    expect(preview.items.map((i) => i.origin)).toEqual(['peer-attested'])
    const res = await api(a, `/api/compositions/${id}/presentation`, {
      body: { challenge: 'un-défi-du-recruteur', domain: 'rh.exemple.fr' }
    })
    const vp = res.json().presentation as Record<string, unknown>
    const result = await verifyPresentation(vp, {
      challenge: 'un-défi-du-recruteur',
      domain: 'rh.exemple.fr'
    })
    expect(result.verified, JSON.stringify(result)).toBe(true)
    expect(result.credentials?.[0]?.issuer).toBe(dids['Karim'])
  })
})
