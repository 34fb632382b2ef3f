/**
 * did:key for Ed25519 public keys (https://w3c-ccg.github.io/did-method-key/): `did:key:z` +
 * base58btc(0xed 0x01 ‖ public key). Pure: runs in a browser too.
 */
import { base58btc } from 'multiformats/bases/base58'

/** The multicodec prefix of an Ed25519 public key (ed25519-pub, 0xed, as an unsigned varint). */
export const ED25519_PUB_MULTICODEC = new Uint8Array([0xed, 0x01])
export const ED25519_PUBLIC_KEY_LENGTH = 32
/** A did:key for Ed25519 is 56 characters; anything much longer is not one of ours. */
export const MAX_DID_LENGTH = 2048

export class InvalidDidError extends Error {
  readonly code = 'INVALID_DID'
  constructor(
    message: string,
    readonly value: string
  ) {
    super(message)
    this.name = 'InvalidDidError'
  }
}

export function didKeyFromPublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new InvalidDidError(`an Ed25519 public key has 32 bytes, not ${publicKey.length}`, '')
  }
  const bytes = new Uint8Array(2 + ED25519_PUBLIC_KEY_LENGTH)
  bytes.set(ED25519_PUB_MULTICODEC, 0)
  bytes.set(publicKey, 2)
  return `did:key:${base58btc.encode(bytes)}`
}

/**
 * Decoded did:keys, by the exact DID string (a did:key *is* its public key: the same string always decodes
 * to the same key). Only valid ones are kept; callers get copies.
 */
const MAX_CACHED = 4096
const decoded = new Map<string, Uint8Array>()

function decodeCached(did: string): Uint8Array {
  let key = decoded.get(did)
  if (key === undefined) {
    key = decodeDidKey(did)
    if (decoded.size >= MAX_CACHED) {
      const oldest = decoded.keys().next().value
      if (oldest !== undefined) decoded.delete(oldest)
    }
    decoded.set(did, key)
  }
  return key
}

/** The Ed25519 public key behind a did:key; throws InvalidDidError for anything else. */
export function publicKeyFromDidKey(did: string): Uint8Array {
  if (typeof did !== 'string') throw new InvalidDidError('a DID is a string', String(did))
  return decodeCached(did).slice()
}

function decodeDidKey(did: string): Uint8Array {
  if (did.length > MAX_DID_LENGTH) {
    throw new InvalidDidError(`DID is too long (${MAX_DID_LENGTH} chars max)`, did.slice(0, 64))
  }
  const prefix = 'did:key:'
  if (!did.startsWith(prefix)) throw new InvalidDidError('not a did:key', did)
  const id = did.slice(prefix.length).split('#')[0] ?? ''
  if (!id.startsWith('z')) throw new InvalidDidError('did:key must be base58btc multibase (z…)', did)
  let bytes: Uint8Array
  try {
    bytes = base58btc.decode(id)
  } catch {
    throw new InvalidDidError('did:key is not valid base58btc', did)
  }
  if (bytes.length !== 2 + ED25519_PUBLIC_KEY_LENGTH || bytes[0] !== 0xed || bytes[1] !== 0x01) {
    throw new InvalidDidError('did:key is not an Ed25519 public key', did)
  }
  return bytes.slice(2)
}

export function isDidKey(value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    decodeCached(value)
    return true
  } catch {
    return false
  }
}
