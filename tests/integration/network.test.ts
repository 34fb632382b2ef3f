import { MemoryBlockstore } from 'blockstore-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIdentity, type Identity } from '../../node/identity.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { isLoopback, Network } from '../../node/network/p2p.ts'

describe('two real nodes over 127.0.0.1', () => {
  let a: Network, b: Network, ida: Identity, idb: Identity
  beforeAll(async () => {
    ida = await createIdentity()
    idb = await createIdentity()
    a = await Network.start({ privateKey: ida.privateKey, blockstore: new MemoryBlockstore() })
    b = await Network.start({ privateKey: idb.privateKey, blockstore: new MemoryBlockstore() })
  })
  afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()])
  })

  it('listen on loopback TCP and WebSockets, with the PeerId of the identity', () => {
    expect(a.peerId).toBe(ida.peerId)
    const addrs = a.listenAddrs()
    expect(addrs.some((x) => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//.test(x))).toBe(true)
    expect(addrs.some((x) => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//.test(x))).toBe(true)
  })

  it('connect over TCP, authenticate the DID through Noise, and ping', async () => {
    const tcpAddr = b.listenAddrs().find((x) => !x.includes('/ws') && x.includes('/tcp/'))
    if (!tcpAddr) throw new Error('no TCP address')
    expect(await a.dial(tcpAddr)).toBe(idb.peerId)
    const rtt = await a.ping(tcpAddr)
    expect(rtt).toBeGreaterThanOrEqual(0)
    const seenByA = a.status().peers.find((p) => p.peerId === idb.peerId)
    expect(seenByA?.did).toBe(idb.did)
    expect(seenByA?.direction).toBe('outbound')
    // b sees a, with a's DID, as an inbound connection
    const seenByB = b.status().peers.find((p) => p.peerId === ida.peerId)
    expect(seenByB?.did).toBe(ida.did)
    expect(seenByB?.direction).toBe('inbound')
  })

  it('connect over WebSockets too', async () => {
    const c = await Network.start({
      privateKey: (await createIdentity()).privateKey,
      blockstore: new MemoryBlockstore()
    })
    try {
      const wsAddr = b.listenAddrs().find((x) => x.includes('/ws/'))
      if (!wsAddr) throw new Error('no WebSocket address')
      expect(await c.dial(wsAddr)).toBe(idb.peerId)
      expect(await c.ping(wsAddr)).toBeGreaterThanOrEqual(0)
    } finally {
      await c.stop()
    }
  })

  it('classifies addresses for the loopback-only dial gater (no packet is sent anywhere)', () => {
    expect(isLoopback(multiaddr('/ip4/127.0.0.1/tcp/1'))).toBe(true)
    expect(isLoopback(multiaddr('/ip6/::1/tcp/1/ws'))).toBe(true)
    expect(isLoopback(multiaddr('/dns4/localhost/tcp/1'))).toBe(true)
    expect(isLoopback(multiaddr('/ip4/10.1.2.3/tcp/4001'))).toBe(false)
    expect(isLoopback(multiaddr('/ip4/192.168.1.2/tcp/4001'))).toBe(false)
    expect(isLoopback(multiaddr('/dns4/example.org/tcp/443/wss'))).toBe(false)
  })
})
