import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { describe, expect, it } from 'vitest'
import { aadOf, DecryptError, nobleAead, randomBytes } from './crypto.ts'
import { nativeAead, sealWithNonce } from './native-aead.ts'

describe('native XChaCha20-Poly1305', () => {
  const aead = nativeAead
  if (!aead) throw new Error('this test expects a little-endian machine')

  it('produces the same bytes as @noble/ciphers for the same nonce', () => {
    for (const size of [0, 1, 63, 64, 65, 2048, 100_000]) {
      const key = randomBytes(32)
      const nonce = randomBytes(24)
      const pt = randomBytes(size)
      const aad = randomBytes(size % 40)
      const ours = sealWithNonce(key, nonce, pt, aad)
      const noble = xchacha20poly1305(key, nonce, aad).encrypt(pt)
      expect(Buffer.from(ours.subarray(24)).equals(Buffer.from(noble))).toBe(true)
    }
  })

  it('opens what noble sealed and the other way round', () => {
    const key = randomBytes(32)
    const pt = new TextEncoder().encode('Émilie, graphiste')
    expect(Buffer.from(aead.open(key, nobleAead.seal(key, pt, aadOf('x')), aadOf('x'))).toString()).toBe(
      'Émilie, graphiste'
    )
    expect(Buffer.from(nobleAead.open(key, aead.seal(key, pt, aadOf('x')), aadOf('x'))).toString()).toBe(
      'Émilie, graphiste'
    )
  })

  it('rejects a wrong key, a wrong context, a flipped bit, a short input', () => {
    const key = randomBytes(32)
    const sealed = aead.seal(key, randomBytes(100), aadOf('a'))
    expect(() => aead.open(randomBytes(32), sealed, aadOf('a'))).toThrow(DecryptError)
    expect(() => aead.open(key, sealed, aadOf('b'))).toThrow(DecryptError)
    for (const i of [0, 23, 24, 60, sealed.length - 1]) {
      const t = sealed.slice()
      t[i] = (t[i] ?? 0) ^ 0x80
      expect(() => aead.open(key, t, aadOf('a'))).toThrow(DecryptError)
    }
    expect(() => aead.open(key, sealed.slice(0, 39), aadOf('a'))).toThrow(DecryptError)
  })
})
