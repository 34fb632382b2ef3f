/**
 * Registers node:crypto's synchronous Ed25519 verify with credentials/ (which must stay browser-safe):
 * ~1.6× faster than WebCrypto's async path for a credential check. Imported for its effect by the node's
 * modules that verify credentials.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { setNativeEd25519Verifier } from '../credentials/ed25519.ts'

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
