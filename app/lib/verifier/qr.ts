/**
 * The texts a printed CV's QR code carries (node/compose.ts makes them):
 * - `MUSETTE-VP1:` + base64url(deflate-raw(file)): the whole signed presentation file;
 * - `MUSETTE-VPH1:` + base64url(SHA-256(file)): only its fingerprint, when the file is too big for a QR code.
 * Decoding runs in the browser with no node: DecompressionStream('deflate-raw'), read at most up to the same
 * cap as a dropped file, so that a small text that unfolds into gigabytes stops with a clear error.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { MAX_INPUT_BYTES } from './report'

export const QR_EMBEDDED_PREFIX = 'MUSETTE-VP1:'
export const QR_FINGERPRINT_PREFIX = 'MUSETTE-VPH1:'

export type QrText = { kind: 'embedded'; payload: string } | { kind: 'fingerprint'; sha256: string }
export type QrError = 'QR_MALFORMED' | 'QR_CORRUPT' | 'QR_TOO_LARGE' | 'FINGERPRINT'

/** Whether a pasted text is a printed CV's QR text (case of the prefix and surrounding blanks ignored). */
export function readQrText(text: string): QrText | undefined {
  const trimmed = text.trim()
  const upper = trimmed.slice(0, QR_FINGERPRINT_PREFIX.length).toUpperCase()
  if (upper.startsWith(QR_FINGERPRINT_PREFIX)) {
    return { kind: 'fingerprint', sha256: trimmed.slice(QR_FINGERPRINT_PREFIX.length).trim() }
  }
  if (upper.startsWith(QR_EMBEDDED_PREFIX)) {
    // a QR reader may wrap long text: blanks inside are not part of it
    return { kind: 'embedded', payload: trimmed.slice(QR_EMBEDDED_PREFIX.length).replace(/\s+/g, '') }
  }
  return undefined
}

/** A SHA-256 in base64url without padding: 43 characters. */
export function isFingerprint(s: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(s)
}

export function base64urlToBytes(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)
  try {
    const bin = atob(b64)
    const out = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    return out
  } catch {
    return undefined
  }
}

function bytesToBase64url(bytes: Uint8Array): string {
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** base64url SHA-256 of some bytes, as the node writes a CV's fingerprint. */
export function fingerprintOf(bytes: Uint8Array): string {
  return bytesToBase64url(sha256(bytes))
}

/**
 * Whether these bytes are the file a fingerprint names. A pasted text may have gained or lost a final
 * line break on the way: that alone does not count (it changes nothing in a JSON document).
 */
export function matchesFingerprint(bytes: Uint8Array, expected: string): boolean {
  if (fingerprintOf(bytes) === expected) return true
  let end = bytes.length
  while (end > 0 && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--
  const trimmed = bytes.subarray(0, end)
  const withBreak = new Uint8Array(end + 1)
  withBreak.set(trimmed)
  withBreak[end] = 0x0a
  return fingerprintOf(trimmed) === expected || fingerprintOf(withBreak) === expected
}

/** Inflates a `MUSETTE-VP1:` payload, reading at most `max` bytes of output. */
export async function inflateQrPayload(
  payload: string,
  max = MAX_INPUT_BYTES
): Promise<{ ok: true; text: string; bytes: Uint8Array } | { ok: false; error: QrError }> {
  // deflate never shrinks text a thousandfold: a payload bigger than the cap is refused unread
  if (payload.length === 0 || payload.length > max) return { ok: false, error: 'QR_MALFORMED' }
  const compressed = base64urlToBytes(payload)
  if (!compressed) return { ok: false, error: 'QR_MALFORMED' }
  const stream = new Blob([compressed as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'))
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > max) {
        await reader.cancel().catch(() => undefined)
        return { ok: false, error: 'QR_TOO_LARGE' }
      }
      chunks.push(value)
    }
  } catch {
    return { ok: false, error: 'QR_CORRUPT' }
  }
  const bytes = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    bytes.set(c, at)
    at += c.byteLength
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), bytes }
  } catch {
    return { ok: false, error: 'QR_CORRUPT' }
  }
}
