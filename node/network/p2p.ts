/**
 * The node's network: libp2p 3 (TCP + WebSockets, Noise, Yamux, identify, ping, a private kad-dht,
 * gossipsub, circuit relay v2, optional mDNS) with Helia (light build) over the vault's blockstore.
 *
 * - libp2p and Helia get in-memory datastores: the peer store would otherwise write peer ids and addresses
 *   (who you talk to) to disk in clear. Only the vault writes to disk, and only ciphertext.
 * - Helia has no block broker: vault blocks are never served to the network (docs/ARCHITECTURE.md).
 * - When the node listens on loopback only (the default), a connection gater also refuses to dial any
 *   non-loopback address, so a local node never sends a packet off the machine.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'
import { withLibp2pLight } from '@helia/libp2p'
import { didKeyFromPublicKey } from '../../credentials/did-key.ts'
import type { Ed25519PrivateKey, Libp2p, PeerId } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'

/** Our DHT is private to Musette nodes: it never joins the public IPFS DHT. */
export const DHT_PROTOCOL = '/musette/kad/1.0.0'
/** Inbound connections per second per host; tests and the demo open many from 127.0.0.1. */
export const INBOUND_CONNECTION_THRESHOLD = 100
export const DIAL_TIMEOUT_MS = 10_000

export interface NetworkInit {
  privateKey: Ed25519PrivateKey
  blockstore: Blockstore
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string
  /** TCP port (0 = any free port); WebSockets listens on the next port (or any, if 0). @default 0 */
  port?: number
  /** Discover peers on the LAN with mDNS. @default false */
  mdns?: boolean
}

export interface PeerStatus {
  peerId: string
  did: string | null
  addrs: string[]
  direction: 'inbound' | 'outbound'
  latencyMs?: number
}

export interface NetworkStatus {
  peerId: string
  listenAddrs: string[]
  peers: PeerStatus[]
}

const LOOPBACK_V4 = /^127\./

export function isLoopback(ma: Multiaddr): boolean {
  for (const c of ma.getComponents()) {
    if (c.name === 'ip4') return LOOPBACK_V4.test(c.value ?? '')
    if (c.name === 'ip6') return c.value === '::1'
    if (c.name === 'dns' || c.name === 'dns4' || c.name === 'dns6') return c.value === 'localhost'
  }
  // no IP component (a /p2p-circuit address relayed through a loopback peer is checked on its own parts)
  return true
}

export function didOfPeer(peerId: PeerId): string | null {
  return peerId.type === 'Ed25519' && peerId.publicKey ? didKeyFromPublicKey(peerId.publicKey.raw) : null
}

export type MusetteLibp2p = Libp2p<Record<string, unknown>>

/** The node's gossipsub service. */
export function pubsubOf(libp2p: MusetteLibp2p): GossipSub {
  return libp2p.services.pubsub as GossipSub
}

/** The gossipsub mesh degree (target, low and high water marks): see `Network.start`. */
export const GOSSIP_MESH = { D: 4, Dlo: 3, Dhi: 6 } as const

export class Network {
  private constructor(
    readonly libp2p: MusetteLibp2p,
    private readonly helia: { stop(): Promise<unknown> }
  ) {}

  static async start(init: NetworkInit): Promise<Network> {
    const host = init.host ?? '127.0.0.1'
    const port = init.port ?? 0
    const wsPort = port === 0 ? 0 : port + 1
    const ip = host.includes(':') ? 'ip6' : 'ip4'
    const localOnly = LOOPBACK_V4.test(host) || host === '::1'
    const helia = withLibp2pLight(
      createHeliaLight({ blockstore: init.blockstore, datastore: new MemoryDatastore() }),
      {
        privateKey: init.privateKey,
        datastore: new MemoryDatastore(),
        addresses: {
          listen: [`/${ip}/${host}/tcp/${port}`, `/${ip}/${host}/tcp/${wsPort}/ws`, '/p2p-circuit']
        },
        transports: [tcp(), webSockets(), circuitRelayTransport()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        connectionManager: { inboundConnectionThreshold: INBOUND_CONNECTION_THRESHOLD },
        connectionGater: localOnly
          ? { denyDialMultiaddr: (ma: Multiaddr) => !isLoopback(ma) }
          : { denyDialMultiaddr: () => false },
        peerDiscovery: init.mdns ? [mdns()] : [],
        services: {
          identify: identify(),
          ping: ping(),
          dht: kadDHT({
            protocol: DHT_PROTOCOL,
            clientMode: false,
            peerInfoMapper: passthroughMapper
          }),
          // Unsigned messages (no `from`, no seqno): what a questionnaire's relays publish must not name them,
          // and company announcements carry their own signatures (by a DID or a per-company pseudonym).
          // Message ids are then the SHA-256 of the data, so a republished answer is a duplicate.
          // IDONTWANT only for messages of 16 KiB or more (gossipsub's default is 512 bytes): for a ~1 KiB
          // project announcement a peer has always forwarded it before our IDONTWANT arrives, so it only adds a
          // frame per mesh peer (scripts/scale/companies.ts: the same copies either way, half the frames).
          // A loopback-only node's peers all come from 127.0.0.1 or ::1: the IP colocation penalty (score P6,
          // past 10 peers on one IP) would graylist them all, so it is off for loopback addresses there.
          // A smaller mesh than gossipsub's default (D 4 in 3–6 rather than 6 in 4–12) and no flood publishing:
          // our topics are communities of tens to hundreds of people, where D = 4 plus IHAVE gossip to 6 more
          // peers still reaches everyone, with ~4 copies of each message per node instead of ~7 (scripts/scale:
          // the burst of 100 announcements to 30 nodes on 2 cores goes under 2 s). Without flood publishing only
          // the mesh peers receive a message first-hand from its publisher, which also tells fewer peers who
          // published a pseudonymous announcement or relayed an anonymous answer (docs/BENCHMARKS.md).
          pubsub: gossipsub({
            allowPublishToZeroTopicPeers: true,
            emitSelf: false,
            globalSignaturePolicy: 'StrictNoSign',
            idontwantMinDataSize: 16 * 1024,
            ...GOSSIP_MESH,
            floodPublish: false,
            ...(localOnly
              ? { scoreParams: { IPColocationFactorWhitelist: new Set(['127.0.0.1', '::1']) } }
              : {})
          }),
          relay: circuitRelayServer()
        }
      }
    )
    await helia.start()
    return new Network(helia.libp2p as unknown as MusetteLibp2p, helia)
  }

  get peerId(): string {
    return this.libp2p.peerId.toString()
  }

  listenAddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((ma) => ma.toString())
  }

  status(): NetworkStatus {
    const byPeer = new Map<string, PeerStatus>()
    for (const conn of this.libp2p.getConnections()) {
      const id = conn.remotePeer.toString()
      const existing = byPeer.get(id)
      if (existing) {
        existing.addrs.push(conn.remoteAddr.toString())
        continue
      }
      byPeer.set(id, {
        peerId: id,
        did: didOfPeer(conn.remotePeer),
        addrs: [conn.remoteAddr.toString()],
        direction: conn.direction
      })
    }
    return { peerId: this.peerId, listenAddrs: this.listenAddrs(), peers: [...byPeer.values()] }
  }

  /** Dial a peer by multiaddr (with /p2p/<id>); resolves once connected. */
  async dial(addr: string, signal = AbortSignal.timeout(DIAL_TIMEOUT_MS)): Promise<string> {
    const conn = await this.libp2p.dial(multiaddr(addr), { signal })
    return conn.remotePeer.toString()
  }

  /** Round-trip time to a connected (or dialable) peer, in milliseconds. */
  async ping(addr: string, signal = AbortSignal.timeout(DIAL_TIMEOUT_MS)): Promise<number> {
    const svc = this.libp2p.services.ping as {
      ping(ma: Multiaddr, o: { signal: AbortSignal }): Promise<number>
    }
    return svc.ping(multiaddr(addr), { signal })
  }

  async stop(): Promise<void> {
    await this.helia.stop()
  }
}
