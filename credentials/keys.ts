/**
 * Signing keys for credentials, from a person's 32-byte Ed25519 seed: the same key as their did:key and their
 * libp2p PeerId. The seed is never cached here.
 */
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import { Ed25519VerificationKey2020 } from '@digitalbazaar/ed25519-verification-key-2020'
import { didKeyFromPublicKey, InvalidDidError } from './did-key.ts'
import { publicKeyFromSeed } from './ed25519.ts'
import { didKeyFingerprint } from './loader.ts'

export interface IssuerKey {
  seed: Uint8Array
  did: string
}

export interface DataIntegritySigner {
  did: string
  /** `${did}#${fingerprint}` */
  verificationMethod: string
  keyPair: Ed25519Multikey.Ed25519MultikeyKeyPair
  signer: Ed25519Multikey.Ed25519Signer
}

/** Throws InvalidDidError unless `did` is the did:key of `seed`'s public key. */
export function assertSeedMatchesDid({ seed, did }: IssuerKey): void {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new InvalidDidError('an Ed25519 seed has 32 bytes', did)
  }
  const expected = didKeyFromPublicKey(publicKeyFromSeed(seed))
  if (expected !== did) throw new InvalidDidError('the seed does not belong to this DID', did)
}

export function verificationMethodOf(did: string): string {
  return `${did}#${didKeyFingerprint(did)}`
}

/** A Data Integrity signer (Multikey) for the person whose seed this is. */
export async function createSigner(key: IssuerKey): Promise<DataIntegritySigner> {
  assertSeedMatchesDid(key)
  const id = verificationMethodOf(key.did)
  const keyPair = await Ed25519Multikey.generate({ seed: key.seed, controller: key.did, id })
  return { did: key.did, verificationMethod: id, keyPair, signer: keyPair.signer() }
}

/** The same key as an Ed25519VerificationKey2020 (for the legacy Ed25519Signature2020 suite). */
export async function createEd25519VerificationKey2020(key: IssuerKey): Promise<Ed25519VerificationKey2020> {
  assertSeedMatchesDid(key)
  return Ed25519VerificationKey2020.generate({
    seed: key.seed,
    controller: key.did,
    id: verificationMethodOf(key.did)
  })
}
