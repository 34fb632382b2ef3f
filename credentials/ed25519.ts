/**
 * Ed25519 signature checks for credentials: WebCrypto where it supports Ed25519 (Node 20, current browsers),
 * @noble/curves otherwise. Imported public keys are cached by DID (a did:key *is* its public key, so the
 * cache can never hold a stale or wrong key).
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { publicKeyFromDidKey } from './did-key.ts'

const MAX_CACHED_KEYS = 4096
const keyCache = new Map<string, Promise<CryptoKey | null>>()
let webCryptoWorks: boolean | undefined

function subtle(): SubtleCrypto | undefined {
  const c = (globalThis as { crypto?: Crypto }).crypto
  return c?.subtle
}

async function importKey(publicKey: Uint8Array): Promise<CryptoKey | null> {
  const s = subtle()
  if (!s || webCryptoWorks === false) return null
  try {
    const key = await s.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, [
      'verify'
    ])
    webCryptoWorks = true
    return key
  } catch {
    webCryptoWorks = false
    return null
  }
}

function cachedKey(did: string, publicKey: Uint8Array): Promise<CryptoKey | null> {
  let entry = keyCache.get(did)
  if (!entry) {
    if (keyCache.size >= MAX_CACHED_KEYS) {
      const oldest = keyCache.keys().next().value
      if (oldest !== undefined) keyCache.delete(oldest)
    }
    entry = importKey(publicKey)
    keyCache.set(did, entry)
  }
  return entry
}

/** A platform's own synchronous Ed25519 check (Node registers node:crypto's); undefined = not available. */
export type NativeEd25519Verifier = (
  publicKey: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array
) => boolean

let nativeVerifier: NativeEd25519Verifier | undefined

/** Use a faster, synchronous verifier where the platform has one (credentials/ itself imports no `node:`). */
export function setNativeEd25519Verifier(fn: NativeEd25519Verifier | undefined): void {
  nativeVerifier = fn
}

/** Whether a native (synchronous) verifier is registered. */
export function hasNativeEd25519Verifier(): boolean {
  return nativeVerifier !== undefined
}

/** The registered native verifier, if any: for other synchronous checks (project announcements). */
export function nativeEd25519Verifier(): NativeEd25519Verifier | undefined {
  return nativeVerifier
}

/** Checks an Ed25519 signature by the key of `did` (a did:key, without fragment). Never throws. */
export async function verifyEd25519(did: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (signature.length !== 64) return false
  let publicKey: Uint8Array
  try {
    publicKey = publicKeyFromDidKey(did)
  } catch {
    return false
  }
  if (nativeVerifier) {
    try {
      return nativeVerifier(publicKey, data, signature)
    } catch {
      return false
    }
  }
  const key = await cachedKey(did, publicKey)
  const s = subtle()
  if (key && s) {
    try {
      return await s.verify(
        { name: 'Ed25519' },
        key,
        signature as Uint8Array<ArrayBuffer>,
        data as Uint8Array<ArrayBuffer>
      )
    } catch {
      return false
    }
  }
  try {
    return ed25519.verify(signature, data, publicKey, { zip215: false })
  } catch {
    return false
  }
}

/** Signs with a 32-byte Ed25519 seed (noble: the same in Node and browsers). */
export function signEd25519(seed: Uint8Array, data: Uint8Array): Uint8Array {
  return ed25519.sign(data, seed)
}

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(seed)
}
