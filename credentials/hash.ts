/**
 * SHA-256 for canonicalization and Data Integrity hashes: @noble/hashes (synchronous, the same in Node and
 * browsers) unless the platform registered a native one (the node registers node:crypto's, see
 * node/native-verify.ts; credentials/ itself imports no `node:`). Both hash the UTF-8 bytes of a string
 * (lone surrogates become U+FFFD in both, as with TextEncoder).
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'

export interface NativeSha256 {
  /** SHA-256 of the UTF-8 encoding of `text`, lowercase hex */
  hex(text: string): string
  /** SHA-256 of the UTF-8 encoding of `text` */
  bytes(text: string): Uint8Array
}

let native: NativeSha256 | undefined
const encoder = new TextEncoder()

/** Use a faster synchronous SHA-256 where the platform has one; undefined restores @noble/hashes. */
export function setNativeSha256(impl: NativeSha256 | undefined): void {
  native = impl
}

/** Whether a native SHA-256 is registered (for tests and benchmarks). */
export function hasNativeSha256(): boolean {
  return native !== undefined
}

/** SHA-256 of the UTF-8 encoding of `text`, lowercase hex. */
export function sha256Hex(text: string): string {
  return native ? native.hex(text) : bytesToHex(nobleSha256(encoder.encode(text)))
}

/** SHA-256 of the UTF-8 encoding of `text`. */
export function sha256Utf8(text: string): Uint8Array {
  return native ? native.bytes(text) : nobleSha256(encoder.encode(text))
}

/** Above this size (UTF-16 code units) and without a native hash, WebCrypto's digest is worth its async hop. */
const SUBTLE_THRESHOLD = 32 * 1024

/**
 * SHA-256 of the UTF-8 encoding of `text`; for large texts in browsers, WebCrypto's (native, async) digest,
 * falling back to @noble/hashes where WebCrypto is missing (insecure contexts).
 */
export async function sha256Utf8Async(text: string): Promise<Uint8Array> {
  if (native || text.length < SUBTLE_THRESHOLD) return sha256Utf8(text)
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle
  const bytes = encoder.encode(text)
  if (subtle) {
    try {
      return new Uint8Array(await subtle.digest('SHA-256', bytes))
    } catch {
      // fall through
    }
  }
  return nobleSha256(bytes)
}
