/**
 * did:key ↔ PeerId. A Musette identity is one Ed25519 key: its did:key is the DID and the same key is the
 * libp2p PeerId, so the Noise handshake authenticates the DID of `connection.remotePeer`.
 */
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { didKeyFromPublicKey, publicKeyFromDidKey } from '../credentials/did-key.ts'
import type { PeerId } from '@libp2p/interface'

/** The did:key of a peer, or null when its key is not Ed25519. */
export function didOfPeerId(peerId: PeerId): string | null {
  return peerId.type === 'Ed25519' && peerId.publicKey != null
    ? didKeyFromPublicKey(peerId.publicKey.raw)
    : null
}

/** The PeerId of a did:key; throws `InvalidDidError` for anything but an Ed25519 did:key. */
export function peerIdOfDid(did: string): PeerId {
  return peerIdFromPublicKey(publicKeyFromRaw(publicKeyFromDidKey(did)))
}
