/**
 * The vault's cryptography: XChaCha20-Poly1305 (@noble/ciphers) for every stored byte, scrypt for the
 * passphrase. Pure: the browser node will reuse it with @noble/hashes' scrypt as its KDF.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'

export const KEY_LENGTH = 32
export const NONCE_LENGTH = 24
export const TAG_LENGTH = 16

export class DecryptError extends Error {
  readonly code = 'DECRYPT_FAILED'
  constructor(message = 'ciphertext does not authenticate (wrong key, or tampered data)') {
    super(message)
    this.name = 'DecryptError'
  }
}

/** Random bytes come from a 4 KiB pool refilled by getRandomValues: one system call for many keys and nonces. */
const POOL_SIZE = 4096
let pool = new Uint8Array(0)
let poolOffset = 0

export function randomBytes(n: number): Uint8Array {
  if (n > 256) {
    const out = new Uint8Array(n)
    // getRandomValues fills at most 65,536 bytes a call
    for (let i = 0; i < n; i += 65_536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65_536)))
    return out
  }
  if (poolOffset + n > pool.length) {
    pool = new Uint8Array(POOL_SIZE)
    crypto.getRandomValues(pool)
    poolOffset = 0
  }
  const out = pool.slice(poolOffset, poolOffset + n)
  // never hand out the same bytes twice
  pool.fill(0, poolOffset, poolOffset + n)
  poolOffset += n
  return out
}

const encoder = new TextEncoder()
export const aadOf = (label: string): Uint8Array => encoder.encode(label)

/** Encrypt with a fresh random nonce: returns nonce ‖ ciphertext ‖ tag. `aad` binds the context. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_LENGTH)
  const ct = xchacha20poly1305(key, nonce, aad).encrypt(plaintext)
  const out = new Uint8Array(NONCE_LENGTH + ct.length)
  out.set(nonce, 0)
  out.set(ct, NONCE_LENGTH)
  return out
}

/** Decrypt what `seal` produced; throws DecryptError if the key, the AAD or any byte is wrong. */
export function open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  if (sealed.length < NONCE_LENGTH + TAG_LENGTH) throw new DecryptError('ciphertext too short')
  try {
    return xchacha20poly1305(key, sealed.subarray(0, NONCE_LENGTH), aad).decrypt(
      sealed.subarray(NONCE_LENGTH)
    )
  } catch {
    throw new DecryptError()
  }
}

/** An authenticated cipher with the output format of `seal`: nonce ‖ ciphertext ‖ tag. */
export interface Aead {
  seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array
  open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array
}

/** XChaCha20-Poly1305 from @noble/ciphers: runs everywhere. */
export const nobleAead: Aead = { seal, open }

/** scrypt parameters, stored beside the wrapped key so they can be raised later. */
export interface KdfParams {
  alg: 'scrypt'
  /** CPU/memory cost, a power of two. 2^16 with r = 8 uses 64 MiB and ~0.3 s here (docs/BENCHMARKS.md). */
  N: number
  r: number
  p: number
  salt: Uint8Array
}

export const DEFAULT_KDF = { alg: 'scrypt', N: 2 ** 16, r: 8, p: 1 } as const
/** Bounds on parameters read from disk, so a tampered keyring cannot make unlock hang or exhaust memory. */
export const MAX_KDF_N = 2 ** 20

/** Derives a 32-byte key from a passphrase; injected (node:crypto natively, noble in a browser). */
export type Kdf = (passphrase: string, params: KdfParams) => Promise<Uint8Array>
