/**
 * Project companies at the protocol level, between real libp2p nodes on 127.0.0.1 (gossipsub over TCP):
 * named and pseudonymous announcements reach every member; a newer version replaces, a tombstone withdraws,
 * an older version replayed is rejected; bad signatures, oversized and malformed messages, non-members of an
 * invite-only company and a flooding peer are rejected at validation with their reason — and the flooding
 * peer's score falls; a late joiner pulls the history page by page and checks every signature.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { MemoryBlockstore } from 'blockstore-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIdentity, seedOf, type Identity } from '../../node/identity.ts'
import { Network, pubsubOf } from '../../node/network/p2p.ts'
import {
  encode,
  issueMembership,
  keySigner,
  pseudonymFor,
  slotOf,
  signAnnouncement,
  signCompany
} from '../../protocols/company/company.ts'
import type { AnnouncementBody, CompanyBody, SignedCompany } from '../../protocols/company/schema.ts'
import {
  CompanyService,
  MemoryCompanyStore,
  topicOf,
  type JoinedCompany
} from '../../protocols/company/service.ts'
import { publicKeyFromDidKey } from '../../credentials/did-key.ts'

async function until<T>(
  what: string,
  fn: () => T | undefined | Promise<T | undefined>,
  ms = 20_000
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

interface Member {
  id: Identity
  net: Network
  store: MemoryCompanyStore
  svc: CompanyService
  rejects: Array<{ company: string; code: string; peer?: string }>
}

async function member(): Promise<Member> {
  const id = await createIdentity()
  const net = await Network.start({ privateKey: id.privateKey, blockstore: new MemoryBlockstore() })
  const store = new MemoryCompanyStore()
  const rejects: Member['rejects'] = []
  const svc = new CompanyService({ libp2p: net.libp2p, store, onReject: (r) => rejects.push(r) })
  await svc.start()
  return { id, net, store, svc, rejects }
}

const signerOf = (id: Identity) => async (m: Uint8Array) => id.privateKey.sign(m)

async function makeCompany(
  creator: Identity,
  mode: 'open' | 'invite'
): Promise<JoinedCompany & { signed: SignedCompany }> {
  const body: CompanyBody = {
    v: 1,
    name: mode === 'open' ? 'Repair cafés de la région' : 'Cercle des graphistes solidaires',
    description: 'Des projets de réparation, partagés entre pairs.',
    tags: ['réparation', 'économie circulaire'],
    mode,
    creator: creator.did,
    created: new Date().toISOString()
  }
  const { id, signed } = await signCompany(body, signerOf(creator))
  return { id, body, signed }
}

function projectBody(
  company: string,
  author: { key: Uint8Array; did?: string; name?: string },
  project: string,
  version: number,
  title: string
): AnnouncementBody {
  return {
    v: 1,
    company,
    project,
    version,
    author: author.key,
    ...(author.did ? { did: author.did, name: author.name } : {}),
    published: new Date().toISOString(),
    content: {
      title,
      summary: 'Un repair café mensuel dans un quartier sans atelier.',
      period: { start: '2023-01', ongoing: true },
      role: 'Coordinatrice',
      skills: ['Animation', 'Électronique'],
      outcomes: '300 objets réparés la première année.'
    }
  }
}

describe('project companies between real nodes', () => {
  let creator: Member, alice: Member, bob: Member, late: Member
  let open: JoinedCompany & { signed: SignedCompany }

  beforeAll(async () => {
    ;[creator, alice, bob, late] = await Promise.all([member(), member(), member(), member()])
    open = await makeCompany(creator.id, 'open')
    for (const m of [creator, alice, bob]) m.svc.join(open)
    for (const m of [alice, bob]) await m.net.dial(creator.net.listenAddrs()[0]!)
    await alice.net.dial(bob.net.listenAddrs()[0]!)
    // wait for the mesh: every member sees the two others on the topic
    for (const m of [creator, alice, bob]) {
      await until(
        'topic peers',
        () => pubsubOf(m.net.libp2p).getSubscribers(topicOf(open.id)).length >= 2 || undefined
      )
    }
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled(
      [creator, alice, bob, late].map(async (m) => {
        await m?.svc.stop()
        await m?.net.stop()
      })
    )
  })

  const projectId = crypto.randomUUID()

  it('a named announcement reaches every member', async () => {
    const a = await signAnnouncement(
      projectBody(
        open.id,
        { key: alice.id.privateKey.publicKey.raw, did: alice.id.did, name: 'Alice' },
        projectId,
        1,
        'Repair café du Crêt'
      ),
      signerOf(alice.id)
    )
    await alice.svc.publish(a)
    for (const m of [creator, bob]) {
      await until('the announcement', () => m.store.list(open.id).length === 1 || undefined)
    }
  })

  it('a pseudonymous announcement carries no DID, PeerId or key of its author', async () => {
    const pseudo = pseudonymFor(seedOf(bob.id), open.id)
    const a = await signAnnouncement(
      projectBody(open.id, { key: pseudo.key }, crypto.randomUUID(), 1, 'Atelier vélo itinérant'),
      keySigner(pseudo.secret)
    )
    await bob.svc.publish(a)
    const held = await until('the pseudonymous announcement', () =>
      creator.store
        .list(open.id)
        .find((h) => h.bytes.length > 0 && new TextDecoder().decode(h.bytes).includes('vélo'))
    )
    const text = new TextDecoder('utf-8', { fatal: false }).decode(held.bytes)
    expect(text).not.toContain(bob.id.did)
    expect(text).not.toContain(bob.net.peerId)
    const key = publicKeyFromDidKey(bob.id.did)
    const hay = held.bytes
    const found = hay.some((_, i) => key.every((b, j) => hay[i + j] === b))
    expect(found).toBe(false)
    // the same person keeps the same pseudonym in this company, another in another company
    expect(pseudonymFor(seedOf(bob.id), open.id).key).toEqual(pseudo.key)
    expect(pseudonymFor(seedOf(bob.id), 'c' + 'a'.repeat(52)).key).not.toEqual(pseudo.key)
  })

  let v1: Uint8Array
  it('a new version replaces the old; a tombstone withdraws; an old version replayed is rejected', async () => {
    const author = { key: alice.id.privateKey.publicKey.raw, did: alice.id.did, name: 'Alice' }
    v1 = encode(
      await signAnnouncement(
        projectBody(open.id, author, projectId, 1, 'Repair café du Crêt'),
        signerOf(alice.id)
      )
    )
    await alice.svc.publish(
      await signAnnouncement(
        projectBody(open.id, author, projectId, 2, 'Repair café du Crêt (2e saison)'),
        signerOf(alice.id)
      )
    )
    await until('version 2 at bob', () =>
      bob.store.list(open.id).find((h) => h.version === 2) ? true : undefined
    )
    // replay version 1 on the topic, raw
    await pubsubOf(alice.net.libp2p).publish(topicOf(open.id), v1)
    await until('STALE at bob', () => bob.rejects.some((r) => r.code === 'STALE') || undefined)
    const slot = slotOf({ company: open.id, author: author.key, project: projectId })
    expect(bob.store.get(slot)?.version).toBe(2)
    // withdraw
    const tomb: AnnouncementBody = {
      v: 1,
      company: open.id,
      project: projectId,
      version: 3,
      author: author.key,
      did: author.did,
      name: author.name,
      published: new Date().toISOString(),
      withdrawn: true
    }
    await alice.svc.publish(await signAnnouncement(tomb, signerOf(alice.id)))
    await until('the tombstone at creator', () =>
      creator.store.list(open.id).find((h) => h.version === 3) ? true : undefined
    )
  })

  it('rejects bad signatures, oversized and malformed messages, each with its reason', async () => {
    // sent by a peer of their own: whoever sends them is penalized (its score falls for a while)
    const villain = await member()
    villain.svc.join(open)
    await villain.net.dial(bob.net.listenAddrs()[0]!)
    await until(
      'the villain on the topic',
      () => pubsubOf(villain.net.libp2p).getSubscribers(topicOf(open.id)).length >= 1 || undefined
    )
    const pubsub = pubsubOf(villain.net.libp2p)
    const good = await signAnnouncement(
      projectBody(
        open.id,
        { key: alice.id.privateKey.publicKey.raw, did: alice.id.did },
        crypto.randomUUID(),
        1,
        'Vrai'
      ),
      signerOf(alice.id)
    )
    const forged = encode({
      ...good,
      body: { ...good.body, content: { ...good.body.content!, title: 'Faux' } }
    })
    await pubsub.publish(topicOf(open.id), forged)
    await pubsub.publish(topicOf(open.id), new Uint8Array(300 * 1024).fill(1))
    await pubsub.publish(topicOf(open.id), new Uint8Array([0xff, 0x00, 0x13]))
    // someone else's DID on a key that is not its own
    const stranger = ed25519.utils.randomSecretKey()
    const impostor = await signAnnouncement(
      projectBody(
        open.id,
        { key: ed25519.getPublicKey(stranger), did: bob.id.did },
        crypto.randomUUID(),
        1,
        'Usurpation'
      ),
      keySigner(stranger)
    ).catch(() => undefined)
    if (impostor) await pubsub.publish(topicOf(open.id), encode(impostor))
    await until('the three reasons at bob', () => {
      const codes = new Set(bob.rejects.map((r) => r.code))
      return ['BAD_SIGNATURE', 'TOO_LARGE', 'MALFORMED'].every((c) => codes.has(c)) || undefined
    })
    expect(bob.store.list(open.id).some((h) => new TextDecoder().decode(h.bytes).includes('Faux'))).toBe(
      false
    )
    await villain.svc.stop()
    await villain.net.stop()
  })

  it('a late joiner pulls the history and checks every signature', async () => {
    // the creator also holds one forged announcement (its store was tampered with)
    const good = await signAnnouncement(
      projectBody(
        open.id,
        { key: creator.id.privateKey.publicKey.raw, did: creator.id.did },
        crypto.randomUUID(),
        1,
        'Honnête'
      ),
      signerOf(creator.id)
    )
    const forged = { ...good, body: { ...good.body, content: { ...good.body.content!, title: 'Trafiqué' } } }
    creator.store.put('forged-slot', forged, encode(forged))
    late.svc.join(open)
    await late.net.dial(creator.net.listenAddrs()[0]!)
    const result = await late.svc.sync(open.id, creator.net.libp2p.peerId)
    const expected = creator.store.list(open.id).length - 1
    expect(result.accepted).toBe(expected)
    expect(result.refused).toEqual({ BAD_SIGNATURE: 1 })
    expect(late.store.list(open.id).length).toBe(expected)
  })

  it('an invite-only company: members publish, others are rejected, and only members sync', async () => {
    const closed = await makeCompany(creator.id, 'invite')
    const aliceKey = alice.id.privateKey.publicKey.raw
    const membership = await issueMembership(closed.id, aliceKey, signerOf(creator.id))
    creator.svc.join(closed)
    alice.svc.join({ ...closed, membership })
    bob.svc.join(closed)
    await until(
      'mesh',
      () => pubsubOf(alice.net.libp2p).getSubscribers(topicOf(closed.id)).length >= 2 || undefined
    )
    await alice.svc.publish(
      await signAnnouncement(
        {
          ...projectBody(closed.id, { key: aliceKey, did: alice.id.did }, crypto.randomUUID(), 1, 'Membre'),
          membership
        },
        signerOf(alice.id)
      )
    )
    await until('the member’s announcement', () => creator.store.list(closed.id).length === 1 || undefined)
    // bob is not a member: his announcement is dropped at validation
    const bobs = await signAnnouncement(
      projectBody(
        closed.id,
        { key: bob.id.privateKey.publicKey.raw, did: bob.id.did },
        crypto.randomUUID(),
        1,
        'Intrus'
      ),
      signerOf(bob.id)
    )
    await pubsubOf(bob.net.libp2p).publish(topicOf(closed.id), encode(bobs))
    await until('NOT_A_MEMBER', () => creator.rejects.some((r) => r.code === 'NOT_A_MEMBER') || undefined)
    // with alice's membership pasted in, it still fails: the membership is for alice's key
    const stolen = await signAnnouncement(
      {
        ...projectBody(
          closed.id,
          { key: bob.id.privateKey.publicKey.raw, did: bob.id.did },
          crypto.randomUUID(),
          1,
          'Volé'
        ),
        membership
      },
      signerOf(bob.id)
    )
    await pubsubOf(bob.net.libp2p).publish(topicOf(closed.id), encode(stolen))
    await new Promise((r) => setTimeout(r, 500))
    expect(creator.store.list(closed.id).length).toBe(1)
    await expect(bob.svc.sync(closed.id, creator.net.libp2p.peerId)).rejects.toThrow(/NOT_A_MEMBER/)
    const pulled = await alice.svc.sync(closed.id, creator.net.libp2p.peerId)
    expect(pulled.refused).toEqual({})
  })

  it('a flooding peer is rate limited at validation and loses score; the others keep working', async () => {
    // a fresh peer (bob was refused above: his score is still recovering)
    const spammer = await member()
    spammer.svc.join(open)
    await spammer.net.dial(creator.net.listenAddrs()[0]!)
    await until(
      'the spammer on the topic',
      () => pubsubOf(spammer.net.libp2p).getSubscribers(topicOf(open.id)).length >= 1 || undefined
    )
    const pubsub = pubsubOf(spammer.net.libp2p)
    const key = alice.id.privateKey.publicKey.raw
    const bobKey = spammer.id.privateKey.publicKey.raw
    // 120 valid announcements at once: past the burst of 40, the rest are refused RATE_LIMITED
    const flood = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        signAnnouncement(
          projectBody(open.id, { key: bobKey, did: spammer.id.did }, crypto.randomUUID(), 1, `Spam ${i}`),
          signerOf(spammer.id)
        )
      )
    )
    for (const a of flood) await pubsub.publish(topicOf(open.id), encode(a)).catch(() => undefined)
    await until(
      'RATE_LIMITED at creator',
      () => creator.rejects.some((r) => r.code === 'RATE_LIMITED') || undefined
    )
    const score = await until('the spammer’s score below zero at the creator', () => {
      const s = (pubsubOf(creator.net.libp2p) as unknown as { getScore(p: string): number }).getScore(
        spammer.net.libp2p.peerId.toString()
      )
      return s < 0 ? s : undefined
    })
    expect(score).toBeLessThan(0)
    // alice still publishes and it still arrives
    const a = await signAnnouncement(
      projectBody(open.id, { key, did: alice.id.did }, crypto.randomUUID(), 1, 'Toujours là'),
      signerOf(alice.id)
    )
    await alice.svc.publish(a)
    await until(
      'alice’s new announcement at creator',
      () =>
        creator.store.list(open.id).some((h) => new TextDecoder().decode(h.bytes).includes('Toujours')) ||
        undefined
    )
  })
})
