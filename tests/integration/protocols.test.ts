import { lpStream } from '@libp2p/utils'
import { MemoryBlockstore } from 'blockstore-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIdentity, type Identity } from '../../node/identity.ts'
import { Network } from '../../node/network/p2p.ts'
import { encodeMessage, messageStream, readMessage, writeMessage } from '../../protocols/codec.ts'
import {
  attest,
  ATTEST_PROTOCOL,
  MessageRejectedError,
  sendAttestMessage,
  type AttestMessage,
  type AttestService,
  type Receipt
} from '../../protocols/attest/index.ts'
import { Receipt as ReceiptSchema } from '../../protocols/attest/schema.ts'
import {
  contact,
  CONTACT_PROTOCOL,
  InvitationRejectedError,
  MemoryNonceStore,
  type ContactService,
  type NewContact
} from '../../protocols/contact/index.ts'
import { Answer } from '../../protocols/contact/schema.ts'
import {
  MemoryOutboxStore,
  attestOutbox,
  type DeliveredEvent,
  type AttemptFailedEvent
} from '../../protocols/outbox.ts'
import { peerIdOfDid } from '../../protocols/peer.ts'

/** Inbound attest messages per DID before B's limiter says RATE_LIMITED (A sends ~10 in these tests). */
const RATE_CAPACITY = 12

/** A node with the two protocols; its inbox keeps messages from contacts only (the node's policy). */
interface Peer {
  id: Identity
  name: string
  net: Network
  contact: ContactService
  attest: AttestService
  contacts: NewContact[]
  inbox: Map<string, AttestMessage>
}

async function startPeer(
  id: Identity,
  name: string,
  state: Pick<Peer, 'contacts' | 'inbox'> = { contacts: [], inbox: new Map() }
): Promise<Peer> {
  const net = await Network.start({ privateKey: id.privateKey, blockstore: new MemoryBlockstore() })
  const { contacts, inbox } = state
  const contactService = contact({ timeoutMs: 5_000 })({
    libp2p: net.libp2p,
    privateKey: id.privateKey,
    nonceStore: new MemoryNonceStore(),
    onContact: (c) => {
      contacts.push(c)
    },
    profile: () => ({ name })
  })
  const attestService = attest({
    timeoutMs: 5_000,
    rateLimit: { capacity: RATE_CAPACITY, refillPerSecond: 0.001 }
  })({
    libp2p: net.libp2p,
    onMessage: (message, { remoteDid }) => {
      if (!contacts.some((c) => c.did === remoteDid)) return { reject: 'NOT_A_CONTACT' }
      if (inbox.has(message.id)) return 'duplicate'
      inbox.set(message.id, message)
      return 'accepted'
    }
  })
  await contactService.start()
  await attestService.start()
  return { id, name, net, contact: contactService, attest: attestService, contacts, inbox }
}

function request(from: Identity, to: Identity, overrides: Partial<AttestMessage> = {}): AttestMessage {
  return {
    type: 'attest-request',
    id: crypto.randomUUID(),
    from: from.did,
    to: to.did,
    claim: { kind: 'skill', name: 'Mise en page', description: 'InDesign, grilles, typographie' },
    excerpt: { title: 'Graphiste', organisation: 'Atelier Lumen', start: '2021-03', end: '2023-06' },
    message: 'Bonjour, pourrais-tu attester cette compétence ?',
    sentAt: Date.now(),
    ...overrides
  } as AttestMessage
}

async function rejection(p: Promise<unknown>): Promise<Error & { reason?: string; code?: string }> {
  try {
    await p
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection')
}

function tcpAddr(peer: Peer): string {
  const addr = peer.net.listenAddrs().find((a) => a.includes('/tcp/') && !a.includes('/ws'))
  if (addr == null) throw new Error('no TCP address')
  return addr
}

function waitFor<T>(subscribe: (resolve: (value: T) => void) => () => void, ms = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error('timed out waiting for an event'))
    }, ms)
    const unsubscribe = subscribe((value) => {
      clearTimeout(timer)
      unsubscribe()
      resolve(value)
    })
  })
}

describe('Musette protocols between real libp2p nodes over 127.0.0.1', () => {
  let a: Peer, b: Peer, c: Peer
  beforeAll(async () => {
    const [ida, idb, idc] = await Promise.all([createIdentity(), createIdentity(), createIdentity()])
    ;[a, b, c] = await Promise.all([
      startPeer(ida, 'Émilie'),
      startPeer(idb, 'Bruno'),
      startPeer(idc, 'Chloé')
    ])
  })
  afterAll(async () => {
    await Promise.allSettled([a?.net.stop(), b?.net.stop(), c?.net.stop()])
  })

  describe('/musette/contact/1.0.0', () => {
    let link: string

    it('A invites B, B accepts: both record each other', async () => {
      const invitation = await a.contact.createInvitation()
      link = invitation.link
      const card = await b.contact.acceptInvitation(link)
      expect(card).toEqual({ did: a.id.did, name: 'Émilie' })
      expect(b.contacts).toEqual([
        { did: a.id.did, name: 'Émilie', via: 'invitation', role: 'invitee', addrs: expect.any(Array) }
      ])
      // the invitee's card says where it listens, so the inviter can reach it later
      const bAddrs = b.net.libp2p.getMultiaddrs().map((ma) => ma.toString())
      expect(a.contacts).toEqual([
        {
          did: b.id.did,
          name: 'Bruno',
          via: 'invitation',
          role: 'inviter',
          addrs: bAddrs.filter((x) => !x.includes('/p2p-circuit'))
        }
      ])
    })

    it('rejects a reused invitation', async () => {
      const err = await rejection(c.contact.acceptInvitation(link))
      expect(err).toBeInstanceOf(InvitationRejectedError)
      expect(err.name).toBe('InvitationRejectedError')
      expect(err.reason).toBe('INVITATION_USED')
      expect(a.contacts.map((x) => x.did)).not.toContain(c.id.did)
    })

    it('rejects a card claiming another DID than the connection’s peer, without burning the invitation', async () => {
      const { token } = await a.contact.createInvitation()
      const stream = await c.net.libp2p.dialProtocol(a.net.libp2p.peerId, CONTACT_PROTOCOL)
      const lp = messageStream(stream, { maxDataLength: 8192 })
      await writeMessage(lp, {
        type: 'accept',
        invitation: token,
        card: { did: b.id.did, name: 'Bruno (not)' }
      })
      expect(await readMessage(lp, Answer)).toEqual({ type: 'reject', reason: 'CARD_MISMATCH' })
      expect(a.contacts.filter((x) => x.did === b.id.did)).toHaveLength(1)
      // the honest accept of the same invitation still works
      expect(await c.contact.acceptInvitation(token)).toEqual({ did: a.id.did, name: 'Émilie' })
      expect(a.contacts.map((x) => x.did)).toContain(c.id.did)
    })

    it('rejects an invitation that is not the inviter’s own', async () => {
      const { token } = await b.contact.createInvitation()
      const stream = await c.net.libp2p.dialProtocol(a.net.libp2p.peerId, CONTACT_PROTOCOL)
      const lp = messageStream(stream, { maxDataLength: 8192 })
      await writeMessage(lp, { type: 'accept', invitation: token, card: { did: c.id.did, name: 'Chloé' } })
      expect(await readMessage(lp, Answer)).toEqual({ type: 'reject', reason: 'NOT_OUR_INVITATION' })
    })

    it('rate-limits a flood of accepts from one peer', async () => {
      // from B, whose earlier streams to A are all closed (A takes two inbound streams per connection)
      const { token } = await c.contact.createInvitation()
      const answers: unknown[] = []
      for (let i = 0; i < 8; i++) {
        const stream = await b.net.libp2p.dialProtocol(a.net.libp2p.peerId, CONTACT_PROTOCOL)
        const lp = messageStream(stream, { maxDataLength: 8192 })
        try {
          await writeMessage(lp, {
            type: 'accept',
            invitation: token,
            card: { did: b.id.did, name: 'Bruno' }
          })
          answers.push(await readMessage(lp, Answer))
        } finally {
          await stream.close()
        }
      }
      expect(answers).toContainEqual({ type: 'reject', reason: 'RATE_LIMITED' })
      expect(answers.at(-1)).toEqual({ type: 'reject', reason: 'RATE_LIMITED' })
    })
  })

  describe('/musette/attest/1.0.0', () => {
    it('delivers an attestation request A→B and acks it', async () => {
      const message = request(a.id, b.id)
      expect(await sendAttestMessage(a.net.libp2p, peerIdOfDid(b.id.did), message)).toEqual({
        id: message.id,
        status: 'accepted'
      })
      expect(b.inbox.get(message.id)).toEqual(message)
    })

    it('answers `duplicate` to a replay of the same id', async () => {
      const message = request(a.id, b.id)
      await a.attest.send(peerIdOfDid(b.id.did), message)
      expect(
        await a.attest.send(peerIdOfDid(b.id.did), { ...message, message: 'changed' } as AttestMessage)
      ).toEqual({ id: message.id, status: 'duplicate' })
      expect(b.inbox.get(message.id)).toEqual(message)
    })

    it('rejects a message whose `from` is not the connection’s peer', async () => {
      const forged = request(c.id, b.id) // claims to come from C, sent by A
      const err = await rejection(a.attest.send(peerIdOfDid(b.id.did), forged))
      expect(err).toBeInstanceOf(MessageRejectedError)
      expect(err.reason).toBe('WRONG_SENDER')
      expect(b.inbox.has(forged.id)).toBe(false)
    })

    it('rejects a message for someone else, and one from a stranger (the inbox’s policy)', async () => {
      expect((await rejection(a.attest.send(peerIdOfDid(b.id.did), request(a.id, c.id)))).reason).toBe(
        'WRONG_RECIPIENT'
      )
      const stranger = await startPeer(await createIdentity(), 'Inconnu')
      try {
        const err = await rejection(stranger.attest.send(tcpAddr(b), request(stranger.id, b.id)))
        expect(err.reason).toBe('NOT_A_CONTACT')
      } finally {
        await stranger.net.stop()
      }
    })

    it('rejects an oversized message without killing the node', async () => {
      const stream = await a.net.libp2p.dialProtocol(b.net.libp2p.peerId, ATTEST_PROTOCOL)
      const raw = lpStream(stream) // no cap on this side: a misbehaving sender
      const huge = encodeMessage(
        request(a.id, b.id, { message: 'x'.repeat(300_000) } as Partial<AttestMessage>)
      )
      const written = raw.write(huge).catch((err: unknown) => err)
      let receipt: Receipt | Error
      try {
        receipt = await readMessage(messageStream(stream, { maxDataLength: 1024 }), ReceiptSchema, {
          timeoutMs: 5_000
        })
      } catch (err) {
        receipt = err as Error
      }
      await written
      // either the nack made it before the reset, or the stream was reset: never an ack, never a hang
      if (receipt instanceof Error) expect(receipt.name).toBe('StreamClosedError')
      else expect(receipt).toEqual({ type: 'nack', code: 'MESSAGE_TOO_LARGE' })

      // garbage on a fresh stream gets a nack too
      const s2 = await a.net.libp2p.dialProtocol(b.net.libp2p.peerId, ATTEST_PROTOCOL)
      await lpStream(s2).write(new Uint8Array([0xa1, 0x61]))
      expect(await readMessage(messageStream(s2, { maxDataLength: 1024 }), ReceiptSchema)).toEqual({
        type: 'nack',
        code: 'INVALID_MESSAGE'
      })

      // B is alive and still serving A
      const message = request(a.id, b.id)
      expect((await a.attest.send(peerIdOfDid(b.id.did), message)).status).toBe('accepted')
    })

    it('rate-limits a flood of requests from one peer', async () => {
      // C is A's contact, not B's: make it one
      const { link } = await b.contact.createInvitation()
      await c.contact.acceptInvitation(link)
      const outcomes: string[] = []
      for (let i = 0; i < RATE_CAPACITY + 4; i++) {
        try {
          outcomes.push((await c.attest.send(peerIdOfDid(b.id.did), request(c.id, b.id))).status)
        } catch (err) {
          outcomes.push((err as MessageRejectedError).reason)
        }
      }
      expect(outcomes).toEqual([...Array(RATE_CAPACITY).fill('accepted'), ...Array(4).fill('RATE_LIMITED')])
      // the limit is per DID: A still gets through
      expect((await a.attest.send(peerIdOfDid(b.id.did), request(a.id, b.id))).status).toBe('accepted')
    })
  })

  describe('outbox', () => {
    it('holds a message while B is stopped and delivers it once B restarts and reconnects', async () => {
      const store = new MemoryOutboxStore()
      const outbox = attestOutbox(a.net.libp2p, store, { baseDelayMs: 60_000 })
      await outbox.start()
      try {
        await b.net.stop()
        const message = request(a.id, b.id, {
          message: 'envoyé pendant ton absence'
        } as Partial<AttestMessage>)
        const failed = waitFor<AttemptFailedEvent>((resolve) => outbox.on('attempt-failed', resolve))
        await outbox.enqueue(message, b.id.did)
        const attempt = await failed
        expect(attempt).toMatchObject({ id: message.id, toDid: b.id.did, attempts: 1 })
        expect(attempt.nextAttemptAt).toBeGreaterThan(Date.now() + 30_000)
        expect((await store.list()).map((p) => p.id)).toEqual([message.id])
        expect(b.inbox.has(message.id)).toBe(false)

        // B comes back (same identity, same inbox and contacts, new ports) and dials A
        b = await startPeer(b.id, 'Bruno', { contacts: b.contacts, inbox: b.inbox })
        const delivered = waitFor<DeliveredEvent>((resolve) => outbox.on('delivered', resolve))
        await b.net.dial(tcpAddr(a))
        expect(await delivered).toEqual({ id: message.id, toDid: b.id.did, status: 'accepted', attempts: 2 })
        expect(b.inbox.get(message.id)).toEqual(message)
        expect(await store.list()).toEqual([])
      } finally {
        await outbox.stop()
      }
    })

    it('counts a `duplicate` as delivered (exactly-once in effect)', async () => {
      const message = request(a.id, b.id)
      await a.attest.send(peerIdOfDid(b.id.did), message) // delivered, but say the ack was lost
      const store = new MemoryOutboxStore()
      const outbox = attestOutbox(a.net.libp2p, store)
      await outbox.start()
      try {
        const delivered = waitFor<DeliveredEvent>((resolve) => outbox.on('delivered', resolve))
        await outbox.enqueue(message, b.id.did)
        expect((await delivered).status).toBe('duplicate')
        expect(await store.list()).toEqual([])
      } finally {
        await outbox.stop()
      }
    })
  })
})
