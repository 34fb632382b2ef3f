import { describe, expect, it } from 'vitest'
import { didKeyFromPublicKey, isDidKey, publicKeyFromDidKey } from './did-key.ts'
import { publicKeyFromSeed } from './ed25519.ts'

describe('did:key', () => {
  it('round-trips, refuses what is not an Ed25519 did:key, and hands out copies of cached keys', () => {
    const key = publicKeyFromSeed(new Uint8Array(32).fill(9))
    const did = didKeyFromPublicKey(key)
    expect(publicKeyFromDidKey(did)).toEqual(key)
    expect(publicKeyFromDidKey(`${did}#${did.slice(8)}`)).toEqual(key)
    const first = publicKeyFromDidKey(did)
    first.fill(0) // a caller scribbling on its copy does not change the next answer
    expect(publicKeyFromDidKey(did)).toEqual(key)
    expect(isDidKey(did)).toBe(true)
    for (const bad of ['did:key:zNotAKey', 'did:web:example.com', `${did.slice(0, -1)}0`, 42, '']) {
      expect(isDidKey(bad)).toBe(false)
      expect(isDidKey(bad)).toBe(false) // failures are not cached as successes
    }
    expect(() => publicKeyFromDidKey('did:key:zNotAKey')).toThrow(/base58btc|Ed25519/)
  })
})
