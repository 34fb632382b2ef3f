/**
 * Anonymous questionnaires between six real nodes on 127.0.0.1 (and a seventh, not invited), driven through
 * their APIs: Émilie asks five contacts; each invitee's node gets its one blind token; an answer waits while no
 * other invitee is online; answers travel sealed through another invitee and a gossipsub batch, and each one
 * reaches the asker from a relay, not from its author; nothing the asker keeps or receives names an invitee;
 * results stay locked below the threshold; a changed answer replaces the earlier one.
 * Then the bad cases, each refused with its reason while the nodes keep working: a non-invitee, a second
 * token, a forged token, a replayed answer, an oversized message, a questionnaire that is not its sender's,
 * a tampered questionnaire, an answer after the closing date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import * as dagCbor from '@ipld/dag-cbor'
import { base64url } from 'multiformats/bases/base64'
import { publicKeyFromDidKey } from '../../credentials/did-key.ts'
import { encodeAnswer, openAnswer, signAnswer, sealAnswer } from '../../protocols/questionnaire/crypto.ts'
import { peerIdOfDid } from '../../protocols/peer.ts'
import { exchange, QuestionnaireRefusedError, topicOf } from '../../protocols/questionnaire-wire/index.ts'
import { pubsubOf } from '../../node/network/p2p.ts'
import { freePortPair } from './cli-node.ts'
import { api, startTestApi, type TestApi } from './helpers.ts'
import type { StoredDataMap } from '../../node/model/records.ts'

const PASS = 'une phrase de passe solide'

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 40_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 150))
  }
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof QuestionnaireRefusedError) return err.code
    throw err
  }
  return 'ACCEPTED'
}

type View = Record<string, unknown> & {
  qid: string
  answered?: number
  ready?: boolean
  mine?: { seq: number; status: string }
  results?: { count: number; locked: boolean; questions?: Array<Record<string, unknown>> }
}

const QUESTIONS = [
  {
    id: 'ecoute',
    level: 'savoir-etre',
    kind: 'scale',
    text: 'Émilie sait-elle écouter ?',
    low: 'Pas du tout',
    high: 'Tout à fait'
  },
  {
    id: 'force',
    level: 'savoir-faire',
    kind: 'single',
    text: 'Son point fort ?',
    options: ['La typographie', 'La gestion de projet', 'Le dessin']
  },
  { id: 'mot', level: 'savoir', kind: 'text', text: 'Un mot pour la décrire ?' }
]

describe('anonymous questionnaires between five nodes', () => {
  let offsetMs = 0
  const clock = () => new Date(Date.now() + offsetMs)
  const nodes: TestApi[] = []
  const names = ['Émilie', 'Karim', 'Sophie', 'Lucas', 'Inès', 'Zoé', 'Yann'] as const
  const dids: string[] = []
  let asker: TestApi
  let invitees: TestApi[]
  let outsider: TestApi
  let qid = ''

  beforeAll(async () => {
    for (const name of names) {
      const t = await startTestApi({
        network: true,
        p2pPort: await freePortPair(),
        batchSeconds: 1,
        now: clock
      })
      nodes.push(t)
      const res = await api(t, '/api/identity', { body: { name, passphrase: PASS } })
      expect(res.status).toBe(201)
      dids.push(res.json().did as string)
    }
    asker = nodes[0]!
    invitees = nodes.slice(1, 6)
    outsider = nodes[6]!
    // Émilie invites everyone (Yann too: a contact, but not invited to the questionnaire)
    for (const t of nodes.slice(1)) {
      const inv = await api(asker, '/api/invitations', { body: {} })
      const acc = await api(t, '/api/invitations/accept', { body: { invitation: inv.json().link as string } })
      expect(acc.status, acc.body).toBe(200)
    }
  }, 120_000)

  afterAll(async () => {
    await Promise.allSettled(nodes.map((n) => n.close()))
  })

  it('offers ready-made templates in both languages', async () => {
    const res = await api(asker, '/api/questionnaire-templates')
    expect(res.status).toBe(200)
    const langs = new Set((res.json().templates as { lang: string }[]).map((t) => t.lang))
    expect([...langs].sort()).toEqual(['en', 'fr'])
  })

  it('refuses a questionnaire to a non-contact or with too few invitees', async () => {
    const base = {
      title: 'Test',
      lang: 'fr',
      questions: QUESTIONS,
      closes: new Date(Date.now() + 3600_000).toISOString()
    }
    const stranger = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
    const r1 = await api(asker, '/api/questionnaires', {
      body: { ...base, invitees: [dids[1], dids[2], stranger] }
    })
    expect(r1.status).toBe(409)
    expect(r1.json().error?.code).toBe('NOT_A_CONTACT')
    const r2 = await api(asker, '/api/questionnaires', { body: { ...base, invitees: [dids[1], dids[2]] } })
    expect(r2.status).toBe(400)
    expect(r2.json().error?.fields?.reason).toEqual(['TOO_FEW_INVITEES'])
    const r3 = await api(asker, '/api/questionnaires', {
      body: { ...base, invitees: dids.slice(1, 6), threshold: 2 }
    })
    expect(r3.status).toBe(400)
  })

  it('sends a signed questionnaire by name; every invitee gets it and one token', async () => {
    const res = await api(asker, '/api/questionnaires', {
      body: {
        title: 'Comment me voyez-vous ?',
        intro: 'Pour préparer mon bilan de compétences.',
        lang: 'fr',
        questions: QUESTIONS,
        invitees: dids.slice(1, 6),
        closes: new Date(Date.now() + 3600_000).toISOString(),
        threshold: 3
      }
    })
    expect(res.status, res.body).toBe(201)
    qid = (res.json() as View).qid
    expect(qid).toMatch(/^q[a-z2-7]+$/)
    for (const t of invitees) {
      const v = await until('the invitee to hold its token', async () => {
        const r = await api(t, `/api/questionnaires/${qid}`)
        return r.status === 200 && (r.json() as View).ready ? (r.json() as View) : undefined
      })
      expect(v.role).toBe('invitee')
      expect(v.askerName).toBe('Émilie')
    }
    const a = (await api(asker, `/api/questionnaires/${qid}`)).json() as View
    expect(a).toMatchObject({ role: 'asker', invited: 5, delivered: 5, tokens: 5, answered: 0 })
    // Yann, a contact who is not invited, never got it
    expect((await api(outsider, `/api/questionnaires/${qid}`)).status).toBe(404)
  })

  const answer = (scale: number, choice: number, text: string) => ({
    body: {
      body: {
        answers: [
          { q: 'ecoute', scale },
          { q: 'force', choice },
          { q: 'mot', text }
        ]
      }
    }
  })

  // every answer message the asker's gossipsub took: who handed it over, and its bytes
  const received: Array<{ source: string; type: string; from?: unknown; data: Uint8Array }> = []
  // who published what on the questionnaire's topic (the invitees' own gossipsub publish calls)
  const published: Array<{ peerId: string; data: Uint8Array }> = []

  it('an answer waits while no other invitee is online, then goes through one', async () => {
    // on the prototype: a node that is locked and unlocked again starts a new libp2p (and gossipsub)
    const proto = Object.getPrototypeOf(pubsubOf(asker.node.network!.libp2p)) as {
      publish: (this: { components: { peerId: { toString(): string } } }, ...a: unknown[]) => unknown
    }
    const publish = proto.publish
    proto.publish = function (topic, data, ...rest) {
      if (topic === topicOf(qid) && data instanceof Uint8Array)
        published.push({ peerId: this.components.peerId.toString(), data })
      return publish.call(this, topic, data, ...rest)
    }
    pubsubOf(asker.node.network!.libp2p).addEventListener('gossipsub:message', (e) => {
      const { propagationSource, msg } = e.detail
      if (msg.topic !== topicOf(qid)) return
      received.push({
        source: propagationSource.toString(),
        type: msg.type,
        from: (msg as { from?: unknown }).from,
        data: msg.data
      })
    })
    const [karim, ...others] = invitees as [TestApi, ...TestApi[]]
    for (const t of others) expect((await api(t, '/api/lock', { method: 'POST' })).status).toBe(200)
    const r0 = await api(karim, `/api/questionnaires/${qid}/answer`, answer(5, 0, 'précise'))
    expect(r0.status, r0.body).toBe(200)
    await new Promise((r) => setTimeout(r, 3000))
    expect(((await api(karim, `/api/questionnaires/${qid}`)).json() as View).mine).toMatchObject({
      seq: 1,
      status: 'waiting'
    })
    expect(((await api(asker, `/api/questionnaires/${qid}`)).json() as View).answered).toBe(0)
    // Sophie comes back: Karim's node finds her and hands her the sealed answer; her batch reaches Émilie
    expect((await api(others[0]!, '/api/unlock', { body: { passphrase: PASS } })).status).toBe(200)
    await until('Karim’s answer relayed', async () => {
      const mine = ((await api(karim, `/api/questionnaires/${qid}`)).json() as View).mine
      return mine?.status === 'relayed' ? mine : undefined
    })
    await until('one answer at the asker', async () => {
      const v = (await api(asker, `/api/questionnaires/${qid}`)).json() as View
      return v.answered === 1 ? v : undefined
    })
    for (const t of others.slice(1)) {
      expect((await api(t, '/api/unlock', { body: { passphrase: PASS } })).status).toBe(200)
    }
  })

  it('answers reach the asker through a relay, unsigned on the topic; results stay locked below 3', async () => {
    const [karim, sophie, lucas] = invitees as [TestApi, TestApi, TestApi]
    expect((await api(sophie, `/api/questionnaires/${qid}/answer`, answer(4, 0, 'inventive'))).status).toBe(
      200
    )
    await until('two answers at the asker', async () => {
      const v = (await api(asker, `/api/questionnaires/${qid}`)).json() as View
      return v.answered === 2 ? v : undefined
    })
    const locked = (await api(asker, `/api/questionnaires/${qid}`)).json() as View
    expect(locked.results?.locked).toBe(true)
    expect(locked.results?.questions ?? []).toEqual([])
    for (const t of [karim, sophie]) {
      const mine = ((await api(t, `/api/questionnaires/${qid}`)).json() as View).mine
      expect(mine).toMatchObject({ seq: 1, status: 'relayed' })
    }

    expect((await api(lucas, `/api/questionnaires/${qid}/answer`, answer(4, 2, 'drôle'))).status).toBe(200)
    const open = await until('the third answer', async () => {
      const v = (await api(asker, `/api/questionnaires/${qid}`)).json() as View
      return v.answered === 3 ? v : undefined
    })
    expect(open.results?.locked).toBe(false)
    expect(open.results?.count).toBe(3)
    expect(JSON.stringify(open.results)).toContain('précise')
  })

  it('a changed answer replaces the earlier one (higher seq); the count stays', async () => {
    const karim = invitees[0]!
    expect((await api(karim, `/api/questionnaires/${qid}/answer`, answer(2, 1, 'exigeante'))).status).toBe(
      200
    )
    const v = await until('the new answer', async () => {
      const r = (await api(asker, `/api/questionnaires/${qid}`)).json() as View
      return JSON.stringify(r.results).includes('exigeante') ? r : undefined
    })
    expect(v.answered).toBe(3)
    expect(JSON.stringify(v.results)).not.toContain('précise')
    expect(((await api(karim, `/api/questionnaires/${qid}`)).json() as View).mine?.seq).toBe(2)
  })

  it('refuses bad input with a reason and keeps working', async () => {
    const askerPeer = peerIdOfDid(dids[0]!)
    const karim = invitees[0]!
    const karimLibp2p = karim.node.network!.libp2p
    const outsiderLibp2p = outsider.node.network!.libp2p
    const blinded = new Uint8Array(32).fill(7)

    // a token for a non-invitee, and a second token for an invitee
    expect(await refusal(exchange(outsiderLibp2p, askerPeer, { type: 'token', qid, blinded }))).toBe(
      'NOT_INVITED'
    )
    expect(await refusal(exchange(karimLibp2p, askerPeer, { type: 'token', qid, blinded }))).toBe('DUPLICATE')

    // a forged token, and a replay of an earlier answer, sent directly
    const rec = (await karim.node.vault.list('questionnaire'))[0]!.data as StoredDataMap['questionnaire']
    const body = (rec.signed as { body: { sealKey: Uint8Array } }).body
    const sign = (token: Uint8Array, seq: number) =>
      sealAnswer(
        body.sealKey,
        qid,
        signAnswer({
          id: qid,
          pseudonymSecret: rec.pseudonymSecret!,
          pseudonymKey: rec.pseudonymKey!,
          token,
          seq,
          body: { answers: [{ q: 'ecoute', scale: 1 }] }
        })
      )
    expect(
      await refusal(
        exchange(karimLibp2p, askerPeer, { type: 'answer', qid, sealed: sign(new Uint8Array(64), 9) })
      )
    ).toBe('FORGED_TOKEN')
    expect(
      await refusal(exchange(karimLibp2p, askerPeer, { type: 'answer', qid, sealed: sign(rec.token!, 1) }))
    ).toBe('REPLAY')
    // an answer from a non-invitee, sent directly
    expect(
      await refusal(exchange(outsiderLibp2p, askerPeer, { type: 'answer', qid, sealed: sign(rec.token!, 5) }))
    ).toBe('NOT_INVITED')
    // garbage that is not an answer at all, on the topic: the asker's validator rejects it
    const validator = pubsubOf(asker.node.network!.libp2p).topicValidators.get(topicOf(qid))!
    expect(
      await validator(peerIdOfDid(dids[1]!), {
        type: 'unsigned',
        topic: topicOf(qid),
        data: new Uint8Array(100).fill(1)
      })
    ).toBe(TopicValidatorResult.Reject)

    // oversized: refused before it is read
    const big = new Uint8Array(200 * 1024)
    await expect(exchange(karimLibp2p, askerPeer, { type: 'relay', qid, sealed: big })).rejects.toThrow()

    // a questionnaire that is not its sender's, and a tampered one
    const lucasPeer = peerIdOfDid(dids[3]!)
    const signed = rec.signed as { body: Record<string, unknown>; sig: Uint8Array }
    expect(
      await refusal(
        exchange(karimLibp2p, lucasPeer, { type: 'questionnaire', id: crypto.randomUUID(), signed })
      )
    ).toBe('WRONG_SENDER')
    const tampered = { ...signed, body: { ...signed.body, title: 'Autre chose' } }
    expect(
      await refusal(
        exchange(asker.node.network!.libp2p, lucasPeer, {
          type: 'questionnaire',
          id: crypto.randomUUID(),
          signed: tampered
        })
      )
    ).toBe('INVALID_QUESTIONNAIRE')

    // still working: Inès answers and it counts
    const ines = invitees[3]!
    expect((await api(ines, `/api/questionnaires/${qid}/answer`, answer(3, 1, 'calme'))).status).toBe(200)
    await until('the fourth answer', async () => {
      const v = (await api(asker, `/api/questionnaires/${qid}`)).json() as View
      return v.answered === 4 ? v : undefined
    })
  })

  it('nothing the asker kept or received ties an answer to its invitee', async () => {
    const contains = (hay: Uint8Array, needle: Uint8Array): boolean => {
      outer: for (let i = 0; i + needle.length <= hay.length; i++) {
        for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer
        return true
      }
      return false
    }
    const people = await Promise.all(
      invitees.map(async (t, i) => {
        const did = dids[i + 1]!
        const rec = (await t.node.vault.list('questionnaire'))[0]!.data as StoredDataMap['questionnaire']
        return {
          did,
          peerId: peerIdOfDid(did).toString(),
          key: publicKeyFromDidKey(did),
          pseudonym: base64url.baseEncode(rec.pseudonymKey!)
        }
      })
    )
    const identifying = (bytes: Uint8Array): string[] => {
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
      return people.flatMap((p) =>
        [
          text.includes(p.did) ? `${p.did} (DID)` : '',
          text.includes(p.peerId) ? `${p.peerId} (PeerId)` : '',
          contains(bytes, p.key) ? `${p.did} (key)` : ''
        ].filter(Boolean)
      )
    }
    // what it stored: the answers under their pseudonyms
    const kept = await asker.node.vault.list('qanswer')
    expect(kept.length).toBe(4)
    for (const r of kept) expect(identifying(dagCbor.encode(r.data))).toEqual([])

    // what it received on the topic: unsigned, published by a relay, never by the answer's author
    const q = (await asker.node.vault.list('questionnaire'))[0]!.data as StoredDataMap['questionnaire']
    const authors = new Set<string>()
    expect(received.length).toBeGreaterThanOrEqual(5) // four answers and one change
    for (const m of received) {
      expect(m.type).toBe('unsigned')
      expect(m.from).toBeUndefined()
      const opened = openAnswer(q.sealSecret!, qid, m.data)
      const author = people.find((p) => p.pseudonym === base64url.baseEncode(opened.pseudonym))
      expect(author, 'an answer from a pseudonym no invitee holds').toBeDefined()
      authors.add(author!.did)
      // published by another invitee (its relay), never by the author's node; the copy the asker took may
      // have been forwarded by any peer of the topic's mesh, the author's included, as for any message
      const publishers = published.filter((p) => Buffer.compare(p.data, m.data) === 0)
      expect(publishers.length, 'an answer no invitee published').toBeGreaterThan(0)
      for (const p of publishers) expect(p.peerId).not.toBe(author!.peerId)
      expect(identifying(encodeAnswer(opened))).toEqual([])
    }
    expect(authors.size).toBe(4)
  })

  it('after the closing date: answering is refused, and late answers are not taken', async () => {
    const karim = invitees[0]!
    const rec = (await karim.node.vault.list('questionnaire'))[0]!.data as StoredDataMap['questionnaire']
    offsetMs = 2 * 3600_000
    const res = await api(karim, `/api/questionnaires/${qid}/answer`, answer(1, 1, 'trop tard'))
    expect(res.status).toBe(409)
    expect(res.json().error?.fields?.reason).toEqual(['CLOSED'])
    const body = (rec.signed as { body: { sealKey: Uint8Array } }).body
    const sealed = sealAnswer(
      body.sealKey,
      qid,
      signAnswer({
        id: qid,
        pseudonymSecret: rec.pseudonymSecret!,
        pseudonymKey: rec.pseudonymKey!,
        token: rec.token!,
        seq: 50,
        body: { answers: [{ q: 'ecoute', scale: 1 }] }
      })
    )
    expect(
      await refusal(
        exchange(karim.node.network!.libp2p, peerIdOfDid(dids[0]!), { type: 'answer', qid, sealed })
      )
    ).toBe('CLOSED')
    const v = (await api(asker, `/api/questionnaires/${qid}`)).json() as View
    expect(v.answered).toBe(4)
    expect(v.open).toBe(false)
    offsetMs = 0
  })
})
