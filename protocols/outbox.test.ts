import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { didKeyFromPublicKey } from '../credentials/did-key.ts'
import { MessageRejectedError } from './attest/errors.ts'
import { PeerUnreachableError } from './errors.ts'
import { MemoryOutboxStore, Outbox, type OutboxEvents, type OutboxSend } from './outbox.ts'
import type { Delivery } from './attest/attest.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

interface Msg {
  id: string
}

async function peer(): Promise<{ did: string; peerId: PeerId }> {
  const key = await generateKeyPair('Ed25519')
  return { did: didKeyFromPublicKey(key.publicKey.raw), peerId: peerIdFromPrivateKey(key) }
}

function setup(send: OutboxSend<Msg>, init = {}) {
  const libp2p = new EventTarget() as unknown as Pick<Libp2p, 'addEventListener' | 'removeEventListener'>
  const store = new MemoryOutboxStore<Msg>()
  const outbox = new Outbox<Msg>({ libp2p, store, send }, { baseDelayMs: 20, jitter: 0, ...init })
  const events: Array<[keyof OutboxEvents, unknown]> = []
  for (const type of ['delivered', 'attempt-failed', 'failed'] as const) {
    outbox.on(type, (detail) => events.push([type, detail]))
  }
  const connect = (peerId: PeerId): void => {
    ;(libp2p as unknown as EventTarget).dispatchEvent(new CustomEvent('peer:connect', { detail: peerId }))
  }
  return { outbox, store, events, connect }
}

const until = async (check: () => boolean, ms = 2_000): Promise<void> => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('Outbox', () => {
  it('retries with backoff until the peer answers, then deletes the entry', async () => {
    const bob = await peer()
    let calls = 0
    const { outbox, store, events } = setup(async (_peer, message): Promise<Delivery> => {
      calls++
      if (calls < 3) throw new PeerUnreachableError('offline')
      return { id: message.id, status: 'accepted' }
    })
    await outbox.start()
    await outbox.enqueue({ id: 'm1' }, bob.did)
    await until(() => events.some(([t]) => t === 'delivered'))
    expect(events.map(([t]) => t)).toEqual(['attempt-failed', 'attempt-failed', 'delivered'])
    expect(events[2]?.[1]).toEqual({ id: 'm1', toDid: bob.did, status: 'accepted', attempts: 3 })
    expect(await store.list()).toEqual([])
    await outbox.stop()
  })

  it('when the peer connects during a slow failing attempt, tries again as soon as that attempt ends', async () => {
    const bob = await peer()
    let online = false
    let release: (() => void) | undefined
    const { outbox, events, connect } = setup(
      async (_peer, message): Promise<Delivery> => {
        if (online) return { id: message.id, status: 'accepted' }
        // a dial to where the peer was, slow to fail
        await new Promise<void>((r) => (release = r))
        throw new PeerUnreachableError('offline')
      },
      { baseDelayMs: 60_000 }
    )
    await outbox.start()
    await outbox.enqueue({ id: 'm1' }, bob.did)
    await until(() => release !== undefined)
    online = true
    connect(bob.peerId) // the attempt in flight still waits for its dial
    release!()
    await until(() => events.some(([t]) => t === 'delivered'))
    expect(events.map(([t]) => t)).toEqual(['attempt-failed', 'delivered'])
    await outbox.stop()
  })

  it('a message withdrawn during a failing attempt stays withdrawn; one delivered meanwhile says so', async () => {
    const bob = await peer()
    let outcome: 'fail' | 'deliver' = 'fail'
    let release: (() => void) | undefined
    const { outbox, store } = setup(
      async (_peer, message): Promise<Delivery> => {
        await new Promise<void>((r) => (release = r))
        if (outcome === 'fail') throw new PeerUnreachableError('offline')
        return { id: message.id, status: 'accepted' }
      },
      { baseDelayMs: 60_000 }
    )
    await outbox.start()
    await outbox.enqueue({ id: 'm1' }, bob.did)
    await until(() => release !== undefined)
    const first = outbox.cancel('m1')
    release!()
    expect(await first).toBe(true)
    expect(await store.list()).toEqual([]) // the failed attempt did not store it again
    release = undefined
    outcome = 'deliver'
    await outbox.enqueue({ id: 'm2' }, bob.did)
    await until(() => release !== undefined)
    const second = outbox.cancel('m2')
    release!()
    expect(await second).toBe(false)
    expect(await outbox.cancel('never')).toBe(true)
    await outbox.stop()
  })

  it('a peer that does not handle the protocol yet (it is starting) is tried again within seconds', async () => {
    const bob = await peer()
    let calls = 0
    const { outbox, events } = setup(
      async (_peer, message): Promise<Delivery> => {
        if (++calls === 1)
          throw new PeerUnreachableError('cannot open /x: Protocol selection failed - could not negotiate /x')
        return { id: message.id, status: 'accepted' }
      },
      { baseDelayMs: 60_000 }
    )
    await outbox.start()
    await outbox.enqueue({ id: 'm1' }, bob.did)
    await until(() => events.some(([t]) => t === 'delivered'), 3_000)
    expect(events.map(([t]) => t)).toEqual(['attempt-failed', 'delivered'])
    await outbox.stop()
  })

  it('tries again at once when the peer connects, and counts `duplicate` as delivered', async () => {
    const bob = await peer()
    let online = false
    const { outbox, events, connect } = setup(
      async (_peer, message): Promise<Delivery> => {
        if (!online) throw new PeerUnreachableError('offline')
        return { id: message.id, status: 'duplicate' }
      },
      { baseDelayMs: 60_000 }
    )
    await outbox.start()
    await outbox.enqueue({ id: 'm1' }, bob.did)
    await until(() => events.length === 1)
    online = true
    connect((await peer()).peerId) // someone else: nothing happens
    connect(bob.peerId)
    await until(() => events.length === 2)
    expect(events[1]).toEqual(['delivered', { id: 'm1', toDid: bob.did, status: 'duplicate', attempts: 2 }])
    await outbox.stop()
  })

  it('gives up on a final nack, keeps retrying a transient one', async () => {
    const bob = await peer()
    const { outbox, store, events } = setup(async (_peer, message): Promise<Delivery> => {
      throw new MessageRejectedError(message.id === 'final' ? 'NOT_A_CONTACT' : 'RATE_LIMITED')
    })
    await outbox.start()
    await outbox.enqueue({ id: 'final' }, bob.did)
    await outbox.enqueue({ id: 'transient' }, bob.did)
    await until(() => events.filter(([t]) => t === 'attempt-failed').length >= 2)
    expect(events.find(([t]) => t === 'failed')?.[1]).toMatchObject({ id: 'final', attempts: 1 })
    expect((await store.list()).map((p) => p.id)).toEqual(['transient'])
    await outbox.stop()
  })

  it('picks up what a previous run left in the store, and refuses a non-did:key recipient', async () => {
    const bob = await peer()
    const sent: string[] = []
    const first = setup(async () => {
      throw new PeerUnreachableError('offline')
    })
    await first.outbox.enqueue({ id: 'left' }, bob.did) // not started: stored only
    await expect(first.outbox.enqueue({ id: 'x' }, 'did:web:example.org')).rejects.toThrow(/did:key/)
    const second = new Outbox<Msg>({
      libp2p: new EventTarget() as unknown as Pick<Libp2p, 'addEventListener' | 'removeEventListener'>,
      store: first.store,
      send: async (_p, m) => {
        sent.push(m.id)
        return { id: m.id, status: 'accepted' }
      }
    })
    await second.start()
    expect(sent).toEqual(['left'])
    expect(await first.store.list()).toEqual([])
    await second.stop()
  })
})
