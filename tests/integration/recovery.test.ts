/**
 * Social key recovery (issue 7, item 3) between seven real nodes on 127.0.0.1, driven through their local
 * APIs: Émilie sets up a 3-of-5 set among five contacts (one of them offline: its share waits in the outbox
 * and reaches it when it is back), replaces it (the old shares are revoked), backs up her vault, then — on a
 * fresh node, passphrase lost — asks for her shares with two contacts offline. Two shares are not enough
 * (nothing written); forged shares are refused with their reason; the third share opens the backup under a
 * new passphrase, and the restored vault equals the original record by record and byte for byte. Turning
 * recovery off makes the holders forget their shares.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readBackup } from '../../node/backup.ts'
import { startEphemeralHost } from '../../node/network/ephemeral.ts'
import { Vault } from '../../node/vault/vault.ts'
import { didOfPeerId, peerIdOfDid, recoveryProtocol } from '../../protocols/index.ts'
import { MessageRejectedError } from '../../protocols/acked.ts'
import { freePortPair } from './cli-node.ts'
import { api, raw, startTestApi, until, type TestApi } from './helpers.ts'

const PASS = 'une phrase de passe solide'
const NEW_PASS = 'la nouvelle phrase, choisie après la perte'
const NAMES = ['Karim', 'Sophie', 'Inès', 'Lucas', 'Zoé'] as const

async function download(t: TestApi): Promise<Uint8Array> {
  const res = await fetch(`${t.url}/api/backup`, { headers: { authorization: `Bearer ${t.token}` } })
  expect(res.status).toBe(200)
  return new Uint8Array(await res.arrayBuffer())
}

function beginRecovery(t: TestApi, bytes: Uint8Array) {
  return raw(t.url, '/api/recovery/request', {
    method: 'POST',
    headers: {
      host: new URL(t.url).host,
      authorization: `Bearer ${t.token}`,
      'content-type': 'application/vnd.ipld.car'
    },
    body: bytes
  })
}

/** A contact reads the request in their Pilote, then gives the share it showed. */
async function give(t: TestApi, request: string) {
  const preview = await api(t, '/api/recovery/release/preview', { body: { request } })
  if (preview.status !== 200) return preview
  const shareId = (preview.json().share as { id: string }).id
  return api(t, '/api/recovery/release', { body: { request, shareId, confirmed: true } })
}

type Holder = { did: string; name: string; state: string; index: number }
type Held = { id: string; owner: string; ownerName: string; setId: string; k: number; n: number }

describe('social key recovery between real nodes', () => {
  let owner: TestApi
  let fresh: TestApi
  const contacts: TestApi[] = []
  const dids: string[] = []
  let ownerDid = ''
  const contactIds: string[] = []
  let preSetupBackup: Uint8Array
  let backup: Uint8Array
  let setId = ''
  let link = ''

  const held = async (t: TestApi): Promise<Held[]> =>
    (await api(t, '/api/recovery/held')).json().shares as Held[]
  const holders = async (): Promise<Holder[]> =>
    ((await api(owner, '/api/recovery')).json().set as { holders: Holder[] }).holders

  beforeAll(async () => {
    const nodes = await Promise.all(
      [0, 1, 2, 3, 4, 5, 6].map(async () => startTestApi({ network: true, p2pPort: await freePortPair() }))
    )
    owner = nodes[0]!
    fresh = nodes[6]!
    contacts.push(...nodes.slice(1, 6))
    const r = await api(owner, '/api/identity', { body: { name: 'Émilie', passphrase: PASS } })
    expect(r.status).toBe(201)
    ownerDid = r.json().did as string
    for (const [i, t] of contacts.entries()) {
      const me = await api(t, '/api/identity', { body: { name: NAMES[i], passphrase: PASS } })
      expect(me.status).toBe(201)
      dids.push(me.json().did as string)
      const inv = await api(owner, '/api/invitations', { body: {} })
      const acc = await api(t, '/api/invitations/accept', { body: { invitation: inv.json().link } })
      expect(acc.status, acc.body).toBe(200)
    }
    const list = (await api(owner, '/api/contacts')).json().contacts as Array<{
      record: { id: string; data: { did: string } }
    }>
    for (const did of dids) contactIds.push(list.find((c) => c.record.data.did === did)!.record.id)
    // the inviter keeps where each invitee listens (their card says), to reach them later
    const records = (await api(owner, '/api/records?type=contact')).json().records as Array<{
      data: { addrs?: string[] }
    }>
    expect(records.every((c) => (c.data.addrs?.length ?? 0) > 0)).toBe(true)
    // something to recover, with a marker, a second version and an image
    for (const body of [
      { type: 'experience', data: { kind: 'job', title: 'Graphiste', sphere: 'pro', organisation: 'Ecume' } },
      { type: 'note', data: { text: 'Marqueur de la récupération', date: '2026-12-01' } }
    ])
      expect((await api(owner, '/api/records', { body })).status).toBe(201)
    const note = ((await api(owner, '/api/records?type=note')).json().records as Array<{ id: string }>)[0]!
    await api(owner, `/api/records/${note.id}`, {
      method: 'PUT',
      body: { data: { text: 'Marqueur, deuxième version', date: '2026-12-02' } }
    })
    preSetupBackup = await download(owner)
  })
  afterAll(async () => {
    await Promise.allSettled([owner, fresh, ...contacts].map((t) => t?.close()))
  })

  it('refuses impossible sets with the reason', async () => {
    const cases: Array<[unknown, number]> = [
      [{ contactIds: contactIds.slice(0, 3), k: 4 }, 400],
      [{ contactIds: contactIds.slice(0, 1), k: 2 }, 400],
      [{ contactIds: [contactIds[0], contactIds[0], contactIds[1]], k: 3 }, 400],
      [{ contactIds: ['aaaaaaaaaaaaaaaaaaaaaaaaaa', contactIds[1]], k: 2 }, 404]
    ]
    for (const [body, status] of cases) {
      const r = await api(owner, '/api/recovery', { method: 'PUT', body })
      expect(r.status, JSON.stringify(body)).toBe(status)
    }
    expect((await api(owner, '/api/recovery')).json().set).toBeNull()
  })

  it('sets up 3 of 5: every contact keeps one share; one offline gets it when back', async () => {
    const first = await api(owner, '/api/recovery', { method: 'PUT', body: { contactIds, k: 3 } })
    expect(first.status, first.body).toBe(200)
    const firstSet = (first.json().set as { setId: string }).setId
    await until('five shares delivered', async () =>
      (await holders()).every((h) => h.state === 'delivered') ? true : undefined
    )
    for (const [i, t] of contacts.entries()) {
      const shares = await held(t)
      expect(shares).toHaveLength(1)
      expect(shares[0]).toMatchObject({ owner: ownerDid, ownerName: 'Émilie', setId: firstSet, k: 3, n: 5 })
      void i
    }
    // Zoé goes offline; the set is replaced: her new share (and the revocation of the old) wait for her
    expect((await api(contacts[4]!, '/api/lock', { body: {} })).status).toBe(200)
    const second = await api(owner, '/api/recovery', { method: 'PUT', body: { contactIds, k: 3 } })
    expect(second.status, second.body).toBe(200)
    const set = second.json().set as { setId: string; inKeyring: boolean; holders: Holder[] }
    setId = set.setId
    expect(setId).not.toBe(firstSet)
    expect(set.inKeyring).toBe(true)
    await until('four shares of the new set delivered', async () =>
      (await holders()).filter((h) => h.state === 'delivered').length === 4 ? true : undefined
    )
    expect((await holders()).find((h) => h.did === dids[4])?.state).toBe('pending')
    for (const t of contacts.slice(0, 4)) expect((await held(t)).map((s) => s.setId)).toEqual([setId])
    expect((await api(contacts[4]!, '/api/unlock', { body: { passphrase: PASS } })).status).toBe(200)
    await until('Zoé’s share delivered', async () =>
      (await holders()).every((h) => h.state === 'delivered') ? true : undefined
    )
    await until('Zoé holds only the new set', async () => {
      const s = await held(contacts[4]!)
      return s.length === 1 && s[0]!.setId === setId ? true : undefined
    })
  })

  it('every backup from now on carries the set, secret-free; an earlier one cannot be recovered', async () => {
    backup = await download(owner)
    const contents = await readBackup(backup)
    expect(Vault.recoveryOf(contents.manifest.keyring)).toMatchObject({ setId, k: 3, n: 5 })
    expect(Buffer.from(backup).toString('latin1')).not.toContain(ownerDid)
    const old = await beginRecovery(fresh, preSetupBackup)
    expect(old.status).toBe(409)
    expect(old.json().error?.fields?.reason).toEqual(['NO_RECOVERY'])
    expect((await beginRecovery(fresh, new TextEncoder().encode('pas une sauvegarde'))).status).toBe(400)
  })

  it('passphrase lost, two contacts offline: the request, two shares (not enough), forgeries refused', async () => {
    for (const t of contacts.slice(3)) expect((await api(t, '/api/lock', { body: {} })).status).toBe(200)
    const r = await beginRecovery(fresh, backup)
    expect(r.status, r.body).toBe(201)
    const view = r.json() as { link: string; k: number; n: number; qrSvg: string; received: unknown[] }
    expect(view).toMatchObject({ k: 3, n: 5, received: [] })
    expect(view.link).toMatch(/^musette:recover\?t=/)
    expect(view.qrSvg).toContain('<svg')
    link = view.link

    // a contact reads the request: whose share, which node; nothing is sent without the confirmation
    const preview = await api(contacts[0]!, '/api/recovery/release/preview', { body: { request: link } })
    expect(preview.status, preview.body).toBe(200)
    expect(preview.json()).toMatchObject({ share: { ownerName: 'Émilie', setId, k: 3, n: 5 } })
    const shareId = (preview.json().share as { id: string }).id
    const unconfirmed = await api(contacts[0]!, '/api/recovery/release', {
      body: { request: link, shareId }
    })
    expect(unconfirmed.status).toBe(400)
    // the confirmation is for the share the preview showed, no other
    const other = await api(contacts[0]!, '/api/recovery/release', {
      body: { request: link, shareId: 'a'.repeat(26), confirmed: true }
    })
    expect(other.status).toBe(404)
    expect(other.json().error?.fields?.reason).toEqual(['CHANGED'])
    expect(((await api(fresh, '/api/recovery/request')).json().received as unknown[]).length).toBe(0)
    // a node holding no share of this set says so
    const stranger = await api(owner, '/api/recovery/release/preview', { body: { request: link } })
    expect(stranger.status).toBe(404)
    expect(stranger.json().error?.fields?.reason).toEqual(['NO_SHARE'])
    const garbage = await api(contacts[0]!, '/api/recovery/release/preview', {
      body: { request: 'musette:recover?t=pas.un.jeton' }
    })
    expect(garbage.status).toBe(400)

    for (const t of contacts.slice(0, 2)) {
      const rel = await give(t, link)
      expect(rel.status, rel.body).toBe(200)
      expect((rel.json().share as { releases: unknown[] }).releases).toHaveLength(1)
    }
    const two = (await api(fresh, '/api/recovery/request')).json()
    expect(two).toMatchObject({ ready: false })
    expect((two.received as Array<{ holderName: string }>).map((x) => x.holderName).sort()).toEqual([
      'Karim',
      'Sophie'
    ])
    const early = await api(fresh, '/api/recovery/request/complete', { body: { passphrase: NEW_PASS } })
    expect(early.status).toBe(409)
    expect(early.json().error?.fields?.reason).toEqual(['NOT_ENOUGH_SHARES'])
    expect((await api(fresh, '/api/session')).json().initialized).toBe(false)

    // Inès's node, played as a forger: her own share bent three ways, sent straight over the protocol
    const ines = contacts[2]!
    const mine = (await ines.node.vault.list('recoveryshare'))[0]!
    const real = dagCbor.decode((mine.data as { signed: Uint8Array }).signed) as recoveryProtocol.SignedShare
    const sign = (m: Uint8Array) => ines.node.identity!.privateKey.sign(m)
    const parsed = await recoveryProtocol.parseRecoveryRequest(link)
    if (!parsed.ok) throw new Error(parsed.message)
    const forgeries: Array<[string, recoveryProtocol.SignedShare]> = [
      // signed by Inès as if the vault were hers
      ['WRONG_OWNER', await recoveryProtocol.signShare({ ...real.body, owner: dids[2]! }, sign)],
      // Émilie named, Inès's signature over other bytes
      [
        'BAD_SIGNATURE',
        await recoveryProtocol.signShare({ ...real.body, share: new Uint8Array(33).fill(1) }, sign)
      ],
      // a share of another set
      ['WRONG_SET', { ...real, body: { ...real.body, setId: 's' + 'b'.repeat(26) } }]
    ]
    for (const [reason, share] of forgeries) {
      const sent = recoveryProtocol.sendRecoveryMessage(ines.node.network!.libp2p, parsed.request.addrs, {
        type: 'release',
        id: crypto.randomUUID(),
        from: dids[2]!,
        to: parsed.request.did,
        request: parsed.request.token,
        holderName: 'Inès',
        share,
        sentAt: Date.now()
      })
      await expect(sent).rejects.toBeInstanceOf(MessageRejectedError)
      await expect(sent).rejects.toMatchObject({ reason })
    }
    // and a release answering some other request is refused too
    await expect(
      recoveryProtocol.sendRecoveryMessage(ines.node.network!.libp2p, parsed.request.addrs, {
        type: 'release',
        id: crypto.randomUUID(),
        from: dids[2]!,
        to: parsed.request.did,
        request: 'a.b.c',
        holderName: 'Inès',
        share: real,
        sentAt: Date.now()
      })
    ).rejects.toMatchObject({ reason: 'NOT_OUR_REQUEST' })
    const after = (await api(fresh, '/api/recovery/request')).json()
    expect((after.refused as Array<{ reason: string }>).map((x) => x.reason)).toEqual([
      'WRONG_OWNER',
      'BAD_SIGNATURE',
      'WRONG_SET'
    ])
    expect(after.received as unknown[]).toHaveLength(2)

    // a flood of bad releases from one-time keys fills only the (capped) list of refusals
    for (let i = 0; i < 52; i++) {
      const host = await startEphemeralHost({})
      try {
        const me = didOfPeerId(host.libp2p.peerId)!
        await expect(
          recoveryProtocol.sendRecoveryMessage(host.libp2p, parsed.request.addrs, {
            type: 'release',
            id: crypto.randomUUID(),
            from: me,
            to: parsed.request.did,
            request: parsed.request.token,
            holderName: `Inconnu ${i}`,
            share: forgeries[2]![1],
            sentAt: Date.now()
          })
        ).rejects.toMatchObject({ reason: 'WRONG_SET' })
      } finally {
        await host.stop()
      }
    }
    expect(((await api(fresh, '/api/recovery/request')).json().refused as unknown[]).length).toBe(50)
  })

  it('a contact who knows the set id cannot pass a share of their own for it, nor ask for it', async () => {
    // Inès becomes Karim's contact, then sends him a share she signed for Émilie's set id
    const inv = await api(contacts[0]!, '/api/invitations', { body: {} })
    expect(
      (await api(contacts[2]!, '/api/invitations/accept', { body: { invitation: inv.json().link } })).status
    ).toBe(200)
    const ines = contacts[2]!
    const mine = (await ines.node.vault.list('recoveryshare'))[0]!
    const real = dagCbor.decode((mine.data as { signed: Uint8Array }).signed) as recoveryProtocol.SignedShare
    const sign = (m: Uint8Array) => ines.node.identity!.privateKey.sign(m)
    const hers = await recoveryProtocol.signShare({ ...real.body, owner: dids[2]! }, sign)
    await expect(
      recoveryProtocol.sendRecoveryMessage(ines.node.network!.libp2p, peerIdOfDid(dids[0]!), {
        type: 'share',
        id: crypto.randomUUID(),
        from: dids[2]!,
        to: dids[0]!,
        ownerName: 'Inès',
        share: hers,
        sentAt: Date.now()
      })
    ).rejects.toMatchObject({ reason: 'SET_TAKEN' })
    // a request for that set id naming another owner does not reach Émilie's share at Karim's
    const host = await startEphemeralHost({})
    try {
      const req = await recoveryProtocol.createRecoveryRequest({
        privateKey: host.privateKey,
        addrs: host.libp2p.getMultiaddrs(),
        setId,
        ownerTag: recoveryProtocol.ownerTagOf(setId, dids[2]!),
        k: 3,
        n: 5
      })
      const r = await api(contacts[0]!, '/api/recovery/release/preview', { body: { request: req.link } })
      expect(r.status).toBe(404)
      expect(r.json().error?.fields?.reason).toEqual(['NO_SHARE'])
    } finally {
      await host.stop()
    }
  })

  it('the third share opens the backup under a new passphrase: the same vault, byte for byte', async () => {
    const rel = await give(contacts[2]!, link)
    expect(rel.status, rel.body).toBe(200)
    expect((await api(fresh, '/api/recovery/request')).json().ready).toBe(true)
    // a releasing node that tries again is told it is a duplicate, not counted twice
    const again = await give(contacts[2]!, link)
    expect(again.status).toBe(200)
    expect(((await api(fresh, '/api/recovery/request')).json().received as unknown[]).length).toBe(3)

    const short = await api(fresh, '/api/recovery/request/complete', { body: { passphrase: 'court' } })
    expect(short.status).toBe(400)
    const done = await api(fresh, '/api/recovery/request/complete', { body: { passphrase: NEW_PASS } })
    expect(done.status, done.body).toBe(200)
    expect(done.json().did).toBe(ownerDid)
    expect((await api(fresh, '/api/recovery/request')).status).toBe(404)

    const mine = await owner.node.vault.list()
    const theirs = await fresh.node.vault.list()
    expect(theirs.length).toBe(mine.length)
    for (const rec of mine) {
      const a = await owner.node.vault.versions(rec.id)
      const b = await fresh.node.vault.versions(rec.id)
      expect(b.length, `${rec.type} ${rec.id}`).toBe(a.length)
      for (let i = 0; i < a.length; i++) expect(dagCbor.encode(b[i]!)).toEqual(dagCbor.encode(a[i]!))
    }
    expect(theirs.some((r) => (r.data as { text?: string }).text === 'Marqueur, deuxième version')).toBe(true)
    // the new passphrase opens it from now on, the lost one no longer; the set still stands
    expect((await api(fresh, '/api/lock', { body: {} })).status).toBe(200)
    expect((await api(fresh, '/api/unlock', { body: { passphrase: PASS } })).status).toBe(401)
    expect((await api(fresh, '/api/unlock', { body: { passphrase: NEW_PASS } })).status).toBe(200)
    expect((await fresh.node.vault.recovery())?.setId).toBe(setId)
  })

  it('a set up cut short before its commit point (the keyring) is undone at the next start', async () => {
    // as a node stopped between writing the new set's record and held shares, and writing the keyring, leaves it
    const at = new Date().toISOString()
    const messageId = crypto.randomUUID()
    const half = 's' + 'c'.repeat(26)
    await owner.node.vault.put({
      type: 'recoveryset',
      data: {
        setId: half,
        k: 2,
        n: 2,
        createdAt: at,
        holders: [0, 1].map((i) => ({
          did: dids[i]!,
          name: NAMES[i]!,
          index: i + 1,
          messageId: i === 0 ? messageId : crypto.randomUUID(),
          state: 'pending' as const
        }))
      },
      source: { kind: 'manual', at }
    })
    await owner.node.vault.put({
      type: 'recoveryout',
      data: {
        messageId,
        to: dids[0]!,
        message: { type: 'revoke', id: messageId, from: ownerDid, to: dids[0]!, setId: half, sentAt: 0 },
        attempts: 0,
        createdAt: Date.now(),
        nextAttemptAt: Date.now() + 3600_000
      },
      source: { kind: 'manual', at }
    })
    expect((await api(owner, '/api/lock', { body: {} })).status).toBe(200)
    expect((await api(owner, '/api/unlock', { body: { passphrase: PASS } })).status).toBe(200)
    const left = (await owner.node.vault.list('recoveryout')).map((r) => r.data as { messageId: string })
    expect(left.map((d) => d.messageId)).not.toContain(messageId)
    const sets = await owner.node.vault.list('recoveryset')
    expect(sets.map((r) => (r.data as { setId: string }).setId)).toEqual([setId])
    expect((await api(owner, '/api/recovery')).json().set).toMatchObject({ setId, inKeyring: true })
  })

  it('on the same machine, vault locked and passphrase lost: the contacts reopen it in place', async () => {
    expect((await beginRecovery(fresh, new Uint8Array())).status).toBe(409) // unlocked: nothing to recover
    expect((await api(fresh, '/api/lock', { body: {} })).status).toBe(200)
    // a wrong passphrase or two first, as someone who forgot it would try
    for (const p of ['peut-être celle-ci', 'ou bien celle-là'])
      expect((await api(fresh, '/api/unlock', { body: { passphrase: p } })).status).toBe(401)
    expect((await beginRecovery(fresh, backup)).status).toBe(409) // a vault is here: no backup needed
    const r = await beginRecovery(fresh, new Uint8Array())
    expect(r.status, r.body).toBe(201)
    expect(r.json()).toMatchObject({ local: true, k: 3, n: 5, setId })
    const local = r.json().link as string
    for (const t of contacts.slice(0, 3)) {
      const rel = await give(t, local)
      expect(rel.status, rel.body).toBe(200)
    }
    const third = 'une troisième phrase, sur la même machine'
    const done = await api(fresh, '/api/recovery/request/complete', { body: { passphrase: third } })
    expect(done.status, done.body).toBe(200)
    expect((await api(fresh, '/api/session')).json()).toMatchObject({ locked: false, did: ownerDid })
    expect(
      (await fresh.node.vault.list()).some(
        (x) => (x.data as { text?: string }).text === 'Marqueur, deuxième version'
      )
    ).toBe(true)
    expect((await api(fresh, '/api/lock', { body: {} })).status).toBe(200)
    expect((await api(fresh, '/api/unlock', { body: { passphrase: NEW_PASS } })).status).toBe(401)
    expect((await api(fresh, '/api/unlock', { body: { passphrase: third } })).status).toBe(200)
  })

  it('turning recovery off makes the holders forget their shares', async () => {
    // the restored node plays the owner from here on; the first one stops so only one node has this DID
    await owner.close()
    for (const t of contacts.slice(3))
      expect((await api(t, '/api/unlock', { body: { passphrase: PASS } })).status).toBe(200)
    const off = await api(fresh, '/api/recovery', { method: 'DELETE' })
    expect(off.status, off.body).toBe(200)
    expect((await api(fresh, '/api/recovery')).json().set).toBeNull()
    expect(await fresh.node.vault.recovery()).toBeUndefined()
    for (const t of contacts)
      await until('shares revoked', async () => ((await held(t)).length === 0 ? true : undefined))
  })
})
