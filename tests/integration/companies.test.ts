/**
 * Project companies between four real nodes on 127.0.0.1, through their APIs as their UIs would: Émilie
 * creates an open company and shares its link; Karim joins and publishes a named project, Émilie a
 * pseudonymous one (its announcement carries no DID, name or PeerId, and hidden fields are nowhere); Sophie
 * joins late and pulls the history; search and "projects like mine"; Sophie asks the pseudonymous author to
 * connect and becomes Émilie's contact; an organisation labels Karim's project, the label shows verified and
 * reaches Karim's vault; edits and withdrawal; muting; an invite-only company lets a contact in at once and
 * a stranger only on approval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeAnnouncement } from '../../protocols/company/company.ts'
import { freePortPair } from './cli-node.ts'
import { api, raw, startTestApi, type TestApi } from './helpers.ts'
import type { StoredDataMap } from '../../node/model/records.ts'
import type { SignedAnnouncement } from '../../protocols/company/schema.ts'

const PASS = 'une phrase de passe solide'

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 150))
  }
}

type Project = {
  slot: string
  version: number
  author: { id: string; did?: string; name?: string; pseudonymous: boolean; mine: boolean }
  content: { title: string; summary?: string; role?: string; skills?: string[] }
  labels: Array<{ issuer: string; issuerName?: string; verified: boolean }>
  score?: number
}

describe('project companies between four nodes', () => {
  let emilie: TestApi, karim: TestApi, sophie: TestApi, orga: TestApi
  const dids: Record<string, string> = {}
  let company = ''
  let link = ''

  const projects = async (t: TestApi, q = ''): Promise<Project[]> => {
    const r = await api(t, `/api/companies/${company}/projects${q}`)
    expect(r.status, r.body).toBe(200)
    return r.json().projects as Project[]
  }

  beforeAll(async () => {
    const names = ['Émilie', 'Karim', 'Sophie', 'Réseau des repair cafés'] as const
    const nodes: TestApi[] = []
    for (const name of names) {
      const t = await startTestApi({ network: true, p2pPort: await freePortPair() })
      const res = await api(t, '/api/identity', { body: { name, passphrase: PASS } })
      expect(res.status).toBe(201)
      dids[name] = res.json().did as string
      nodes.push(t)
    }
    ;[emilie, karim, sophie, orga] = nodes as [TestApi, TestApi, TestApi, TestApi]
    // Sophie's vault: skills and an experience close to Émilie's project
    await api(sophie, '/api/records', { body: { type: 'skill', data: { name: 'Électronique' } } })
    await api(sophie, '/api/records', {
      body: {
        type: 'experience',
        data: {
          kind: 'volunteering',
          title: 'Repair café de quartier',
          sphere: 'associative',
          skills: ['Animation']
        }
      }
    })
  }, 90_000)

  afterAll(async () => {
    await Promise.allSettled([emilie, karim, sophie, orga].map((t) => t?.close()))
  })

  it('creates an open company and shares it as a link and a QR code', async () => {
    const r = await api(emilie, '/api/companies', {
      body: {
        name: 'Compagnie des repair cafés',
        description: 'Réparer ensemble.',
        tags: ['réparation'],
        mode: 'open'
      }
    })
    expect(r.status, r.body).toBe(201)
    company = r.json().id as string
    const l = await api(emilie, `/api/companies/${company}/link`)
    expect(l.status).toBe(200)
    link = l.json().link as string
    expect(link).toMatch(/^musette:company\?c=/)
    expect(l.json().qrSvg as string).toContain('<svg')
    const bad = await api(karim, '/api/companies/join', { body: { link: 'musette:company?c=abcdef' } })
    expect(bad.status).toBe(400)
    const j = await api(karim, '/api/companies/join', { body: { link } })
    expect(j.status, j.body).toBe(200)
    expect(j.json()).toMatchObject({ id: company, status: 'joined', role: 'member' })
  })

  let karimPub = ''
  it('named and pseudonymous projects reach the members, each field as disclosed', async () => {
    const k = await api(karim, `/api/companies/${company}/publications`, {
      body: {
        mode: 'named',
        draft: {
          title: 'Radio-réveil ressuscité',
          summary: 'Un atelier de réparation de radios anciennes.',
          role: 'Réparateur',
          skills: ['Électronique', 'Soudure'],
          outcomes: 'Dix radios sauvées.'
        },
        disclosure: { summary: 'named', role: 'named', skills: 'named', outcomes: 'pseudonymous' }
      }
    })
    expect(k.status, k.body).toBe(201)
    karimPub = k.json().id as string
    const e = await api(emilie, `/api/companies/${company}/publications`, {
      body: {
        mode: 'pseudonymous',
        draft: {
          title: 'Repair café du Crêt',
          summary: 'Un repair café mensuel dans un quartier sans atelier.',
          role: 'Coordinatrice bénévole secrète',
          skills: ['Animation', 'Électronique'],
          period: { start: '2023-01', ongoing: true }
        },
        disclosure: { summary: 'pseudonymous', role: 'hidden', skills: 'pseudonymous', period: 'named' }
      }
    })
    expect(e.status, e.body).toBe(201)
    const seen = await until('both projects at Karim', async () => {
      const p = await projects(karim)
      return p.length === 2 ? p : undefined
    })
    const pseudo = seen.find((p) => p.author.pseudonymous)!
    expect(pseudo.content).toMatchObject({ title: 'Repair café du Crêt', summary: expect.any(String) })
    expect(pseudo.content.role).toBeUndefined()
    expect(pseudo.author.did).toBeUndefined()
    expect(pseudo.author.name).toBeUndefined()
    const named = seen.find((p) => !p.author.pseudonymous)!
    expect(named.author).toMatchObject({ did: dids['Karim'], name: 'Karim', mine: true })
    // a field disclosed only under a pseudonym stays out of a named publication
    expect((named.content as Record<string, unknown>).outcomes).toBeUndefined()
    // in the bytes Karim's node holds, nothing of Émilie: not her DID, name, PeerId, nor the hidden role
    const held = await karim.node.vault.list('announcement')
    for (const r of held) {
      const a = decodeAnnouncement((r.data as StoredDataMap['announcement']).bytes) as SignedAnnouncement
      if (a.body.did) continue
      const text = new TextDecoder('utf-8', { fatal: false }).decode(
        (r.data as StoredDataMap['announcement']).bytes
      )
      expect(text).not.toContain(dids['Émilie'])
      expect(text).not.toContain('Émilie')
      expect(text).not.toContain(emilie.node.network!.peerId)
      expect(text).not.toContain('secrète')
    }
  })

  it('a late joiner pulls the history; search and “projects like mine” work', async () => {
    const j = await api(sophie, '/api/companies/join', { body: { link } })
    expect(j.status, j.body).toBe(200)
    await until('the history at Sophie', async () =>
      (await projects(sophie)).length === 2 ? true : undefined
    )
    expect((await projects(sophie, '?q=radio')).map((p) => p.content.title)).toEqual([
      'Radio-réveil ressuscité'
    ])
    expect((await projects(sophie, '?skill=Animation')).map((p) => p.content.title)).toEqual([
      'Repair café du Crêt'
    ])
    expect((await projects(sophie, '?to=2022')).length).toBe(1)
    const similar = (await api(sophie, `/api/companies/${company}/similar`)).json().projects as Project[]
    expect(similar[0]?.content.title).toBe('Repair café du Crêt')
    expect(similar[0]?.score).toBeGreaterThan(similar[1]?.score ?? 0)
  })

  it('Sophie asks the pseudonymous author to connect; on acceptance they become contacts', async () => {
    const target = (await projects(sophie)).find((p) => p.author.pseudonymous)!
    const c = await api(sophie, `/api/companies/${company}/connect`, {
      body: { slot: target.slot, message: 'J’anime aussi un repair café : on échange ?' }
    })
    expect(c.status, c.body).toBe(201)
    const request = await until('the request at Émilie', async () => {
      const mail = (await api(emilie, `/api/companies/${company}/mail`)).json().mail as Array<{
        id: string
        data: { kind: string; from?: string; message?: string }
      }>
      return mail.find((m) => m.data.kind === 'connect')
    })
    expect(request.data).toMatchObject({
      from: dids['Sophie'],
      message: 'J’anime aussi un repair café : on échange ?'
    })
    const a = await api(emilie, `/api/company-mail/${request.id}/answer`, { body: { accept: true } })
    expect(a.status, a.body).toBe(200)
    await until('Émilie among Sophie’s contacts', async () => {
      const contacts = (await api(sophie, '/api/contacts')).json().contacts as Array<{
        record: { data: { did?: string } }
      }>
      return contacts.some((x) => x.record.data.did === dids['Émilie']) ? true : undefined
    })
  })

  it('an organisation labels a project: verified on the project, kept in the author’s vault', async () => {
    expect((await api(orga, '/api/companies/join', { body: { link } })).status).toBe(200)
    await until('the history at the organisation', async () =>
      (await projects(orga)).length === 2 ? true : undefined
    )
    const target = (await projects(orga)).find((p) => !p.author.pseudonymous)!
    const l = await api(orga, `/api/companies/${company}/label`, {
      body: { slot: target.slot, comment: 'Un atelier exemplaire, soutenu par le réseau.' }
    })
    expect(l.status, l.body).toBe(201)
    const labelled = await until('the label on the project at Sophie', async () => {
      const p = (await projects(sophie)).find((x) => x.slot === target.slot)
      return p && p.labels.length > 0 ? p : undefined
    })
    expect(labelled.labels[0]).toMatchObject({
      issuer: dids['Réseau des repair cafés'],
      issuerName: 'Réseau des repair cafés',
      verified: true
    })
    const creds = (await api(karim, '/api/credentials?role=received')).json().credentials as Array<{
      data: { issuer: string; name: string }
    }>
    expect(creds.some((c) => c.data.issuer === dids['Réseau des repair cafés'])).toBe(true)
  })

  it('an edit replaces the project everywhere; a withdrawal removes it', async () => {
    const e = await api(karim, `/api/publications/${karimPub}`, {
      method: 'PUT',
      body: { draft: { title: 'Radio-réveil ressuscité (saison 2)', skills: ['Électronique'] } }
    })
    expect(e.status, e.body).toBe(200)
    await until('the edit at Émilie', async () =>
      (await projects(emilie)).some((p) => p.content.title === 'Radio-réveil ressuscité (saison 2)')
        ? true
        : undefined
    )
    const w = await api(karim, `/api/publications/${karimPub}/withdraw`, { method: 'POST' })
    expect(w.status, w.body).toBe(200)
    await until('the withdrawal at Sophie', async () =>
      (await projects(sophie)).every((p) => !p.content.title.startsWith('Radio')) ? true : undefined
    )
  })

  it('muting an author hides their projects', async () => {
    const pseudo = (await projects(karim)).find((p) => p.author.pseudonymous)!
    expect(
      (await api(karim, '/api/mutes', { body: { who: pseudo.author.id, name: 'un pseudonyme' } })).status
    ).toBe(200)
    expect((await projects(karim)).some((p) => p.author.id === pseudo.author.id)).toBe(false)
    expect(
      (await api(karim, `/api/mutes/${encodeURIComponent(pseudo.author.id)}`, { method: 'DELETE' })).status
    ).toBe(200)
    expect((await projects(karim)).some((p) => p.author.id === pseudo.author.id)).toBe(true)
  })

  it('a project can carry images from the vault (small ones), shown to the others', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64'
    )
    const up = await raw(sophie.url, '/api/media?name=atelier.png&caption=L%E2%80%99atelier', {
      method: 'POST',
      headers: {
        host: new URL(sophie.url).host,
        authorization: `Bearer ${sophie.token}`,
        'content-type': 'image/png'
      },
      body: png
    })
    expect(up.status).toBe(201)
    const p = await api(sophie, `/api/companies/${company}/publications`, {
      body: {
        mode: 'named',
        draft: { title: 'Atelier couture', images: [up.json().id as string] },
        disclosure: { images: 'named' }
      }
    })
    expect(p.status, p.body).toBe(201)
    const seen = await until('the image at Émilie', async () =>
      (await projects(emilie)).find((x) => x.content.title === 'Atelier couture')
    )
    const images = (seen.content as { images?: Array<{ src: string; alt?: string }> }).images
    expect(images?.[0]?.src).toBe(`data:image/png;base64,${png.toString('base64')}`)
    expect(images?.[0]?.alt).toBe('L’atelier')
    const missing = await api(sophie, `/api/companies/${company}/publications`, {
      body: {
        mode: 'named',
        draft: { title: 'x', images: ['aaaaaaaaaaaaaaaaaaaaaaaaaa'] },
        disclosure: { images: 'named' }
      }
    })
    expect(missing.status).toBe(400)
  })

  it('invite-only: a contact is let in at once, a stranger on approval; non-members cannot publish', async () => {
    // Karim becomes Émilie's contact
    const inv = await api(emilie, '/api/invitations', { body: {} })
    expect(
      (await api(karim, '/api/invitations/accept', { body: { invitation: inv.json().link as string } }))
        .status
    ).toBe(200)
    const r = await api(emilie, '/api/companies', { body: { name: 'Cercle fermé', mode: 'invite' } })
    expect(r.status, r.body).toBe(201)
    const closed = r.json().id as string
    const closedLink = (await api(emilie, `/api/companies/${closed}/link`)).json().link as string
    expect((await api(karim, '/api/companies/join', { body: { link: closedLink } })).json().status).toBe(
      'pending'
    )
    await until('Karim let in', async () =>
      (await api(karim, `/api/companies/${closed}`)).json().status === 'joined' ? true : undefined
    )
    const p = await api(karim, `/api/companies/${closed}/publications`, {
      body: { mode: 'pseudonymous', draft: { title: 'Projet du cercle' }, disclosure: {} }
    })
    expect(p.status, p.body).toBe(201)
    await until('the member’s project at Émilie', async () => {
      const list = (await api(emilie, `/api/companies/${closed}/projects`)).json().projects as Project[]
      return list.length === 1 ? true : undefined
    })
    // the organisation is not a contact: pending until Émilie approves
    expect((await api(orga, '/api/companies/join', { body: { link: closedLink } })).json().status).toBe(
      'pending'
    )
    const refused = await api(orga, `/api/companies/${closed}/publications`, {
      body: { mode: 'named', draft: { title: 'Intrusion' }, disclosure: {} }
    })
    expect(refused.status).toBe(409)
    const request = await until('the join request at Émilie', async () => {
      const mail = (await api(emilie, `/api/companies/${closed}/mail`)).json().mail as Array<{
        id: string
        data: { kind: string; from?: string; state: string }
      }>
      return mail.find((m) => m.data.kind === 'join' && m.data.state === 'new')
    })
    expect(request.data.from).toBe(dids['Réseau des repair cafés'])
    expect(
      (await api(emilie, `/api/company-mail/${request.id}/answer`, { body: { accept: true } })).status
    ).toBe(200)
    await until('the organisation let in', async () =>
      (await api(orga, `/api/companies/${closed}`)).json().status === 'joined' ? true : undefined
    )
  })
})
