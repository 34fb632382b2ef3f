/**
 * One Ed25519 key per person: its did:key is the person's DID, and the same key is the libp2p PeerId, so the
 * Noise handshake proves that a remote peer holds the key behind its DID.
 */
import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { didKeyFromPublicKey } from '../credentials/did-key.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

export interface Identity {
  readonly privateKey: Ed25519PrivateKey
  /** `did:key:z6Mk…` of the public key. */
  readonly did: string
  /** The libp2p PeerId string (`12D3KooW…`) of the same key. */
  readonly peerId: string
}

export function identityFromPrivateKey(privateKey: Ed25519PrivateKey): Identity {
  return {
    privateKey,
    did: didKeyFromPublicKey(privateKey.publicKey.raw),
    peerId: peerIdFromPrivateKey(privateKey).toString()
  }
}

export async function createIdentity(): Promise<Identity> {
  return identityFromPrivateKey(await generateKeyPair('Ed25519'))
}

/** Rebuild an identity from its 32-byte seed (what the vault stores, encrypted). */
export async function identityFromSeed(seed: Uint8Array): Promise<Identity> {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed has 32 bytes')
  return identityFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed))
}

/** The 32-byte seed of an identity's key (libp2p's raw Ed25519 private key is seed ‖ public key). */
export function seedOf(identity: Identity): Uint8Array {
  return identity.privateKey.raw.slice(0, 32)
}
