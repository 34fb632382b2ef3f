/**
 * Registers node:crypto's synchronous Ed25519 verify and SHA-256 with credentials/ (which must stay
 * browser-safe): ~1.6× faster than WebCrypto's async path for a credential check, and several times faster
 * than @noble/hashes for the canonicalization's hashes. Imported for its effect by the node's modules that
 * verify credentials.
 */
import * as nodeCrypto from 'node:crypto'
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'
import { setNativeEd25519Verifier } from '../credentials/ed25519.ts'
import { setNativeSha256 } from '../credentials/hash.ts'

/** DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410): the raw 32 bytes follow. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const MAX_KEYS = 4096
const keys = new Map<string, KeyObject>()

function keyOf(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString('base64')
  let key = keys.get(id)
  if (!key) {
    if (keys.size >= MAX_KEYS) {
      const oldest = keys.keys().next().value
      if (oldest !== undefined) keys.delete(oldest)
    }
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
    keys.set(id, key)
  }
  return key
}

setNativeEd25519Verifier((publicKey, data, signature) =>
  publicKey.length === 32 ? verify(null, data, keyOf(publicKey), signature) : false
)

// crypto.hash (one-shot, Node ≥ 20.12) is about twice as fast as createHash for the many small hashes of
// RDFC-1.0; both hash a string's UTF-8 bytes
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: string) => unknown }).hash
setNativeSha256(
  typeof oneShot === 'function'
    ? {
        hex: (text) => oneShot('sha256', text, 'hex') as string,
        bytes: (text) => oneShot('sha256', text, 'buffer') as Buffer
      }
    : {
        hex: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
        bytes: (text) => createHash('sha256').update(text, 'utf8').digest()
      }
)
