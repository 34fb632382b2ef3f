/**
 * What a Musette protocol needs from the libp2p node: a libp2p 3 node satisfies it as it is, and tests can
 * pass a fake. The node injects it (protocols never import `node/`).
 */
import { multiaddr } from '@multiformats/multiaddr'
import { translate } from './codec.ts'
import { PeerUnreachableError } from './errors.ts'
import type { AbortOptions, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type ProtocolHost = Pick<
  Libp2p,
  'peerId' | 'handle' | 'unhandle' | 'dialProtocol' | 'getMultiaddrs' | 'logger'
>

/** A peer to reach: its PeerId (addresses from the peer store), a multiaddr string, or multiaddrs. */
export type PeerTarget = PeerId | Multiaddr | Multiaddr[] | string | string[]

export function toDialTarget(target: PeerTarget): PeerId | Multiaddr | Multiaddr[] {
  if (typeof target === 'string') return multiaddr(target)
  if (Array.isArray(target)) return target.map((t) => (typeof t === 'string' ? multiaddr(t) : t))
  return target
}

export interface OpenStreamOptions extends AbortOptions {
  /** Used to tell a timeout (this signal fired) from the caller's abort. */
  timer?: AbortSignal
  callerSignal?: AbortSignal
  runOnLimitedConnection?: boolean
}

/** Open a stream for `protocol`, mapping failures onto PeerUnreachableError, TimeoutError or AbortError. */
export async function openStream(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  target: PeerTarget,
  protocol: string,
  options: OpenStreamOptions = {}
): Promise<Stream> {
  try {
    return await libp2p.dialProtocol(toDialTarget(target), protocol, {
      signal: options.signal,
      runOnLimitedConnection: options.runOnLimitedConnection ?? true
    })
  } catch (err) {
    const translated = translate(err, options.timer, options.callerSignal)
    if (translated.name === 'TimeoutError' || translated.name === 'AbortError') throw translated
    throw new PeerUnreachableError(`cannot open ${protocol}: ${translated.message}`, { cause: err })
  }
}
