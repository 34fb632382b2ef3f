/**
 * A one-time libp2p node for a node that has no identity yet: the recovering side of social key recovery
 * (docs/RECOVERY.md). A fresh Ed25519 key, TCP and WebSockets, Noise, Yamux, identify — no DHT, no gossip,
 * no relay, in-memory stores; loopback-only like the main network when it listens on loopback.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { MemoryDatastore } from 'datastore-core'
import { createLibp2p } from 'libp2p'
import { INBOUND_CONNECTION_THRESHOLD, isLoopback } from './p2p.ts'
import type { Ed25519PrivateKey, Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface EphemeralHost {
  libp2p: Libp2p
  privateKey: Ed25519PrivateKey
  stop(): Promise<void>
}

export async function startEphemeralHost(init: { host?: string; port?: number }): Promise<EphemeralHost> {
  const host = init.host ?? '127.0.0.1'
  const ip = host.includes(':') ? 'ip6' : 'ip4'
  const localOnly = /^127\./.test(host) || host === '::1'
  const privateKey = await generateKeyPair('Ed25519')
  const make = (port: number) =>
    createLibp2p({
      privateKey,
      datastore: new MemoryDatastore(),
      addresses: {
        listen: [`/${ip}/${host}/tcp/${port}`, `/${ip}/${host}/tcp/${port === 0 ? 0 : port + 1}/ws`]
      },
      transports: [tcp(), webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { inboundConnectionThreshold: INBOUND_CONNECTION_THRESHOLD },
      connectionGater: localOnly
        ? { denyDialMultiaddr: (ma: Multiaddr) => !isLoopback(ma) }
        : { denyDialMultiaddr: () => false },
      services: { identify: identify() }
    })
  let libp2p: Libp2p
  try {
    libp2p = await make(init.port ?? 0)
  } catch {
    // the configured ports are taken (another program): any free port does, the request names it
    libp2p = await make(0)
  }
  return {
    libp2p,
    privateKey,
    stop: async () => {
      await libp2p.stop()
    }
  }
}
