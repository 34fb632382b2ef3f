import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { didKeyFromPublicKey } from '../credentials/did-key.ts'
import {
  publicKeyFromSeed,
  setNativeEd25519Verifier,
  signEd25519,
  verifyEd25519
} from '../credentials/ed25519.ts'
import './native-verify.ts'

describe('node:crypto Ed25519 verifier registered with credentials/', () => {
  afterAll(() => setNativeEd25519Verifier(undefined))

  it('accepts a good signature and refuses a tampered one, a wrong key and a short signature', async () => {
    const seed = new Uint8Array(randomBytes(32))
    const did = didKeyFromPublicKey(publicKeyFromSeed(seed))
    const data = new TextEncoder().encode('Une typographe précise')
    const sig = signEd25519(seed, data)
    expect(await verifyEd25519(did, data, sig)).toBe(true)
    const other = didKeyFromPublicKey(publicKeyFromSeed(new Uint8Array(randomBytes(32))))
    expect(await verifyEd25519(other, data, sig)).toBe(false)
    const bad = sig.slice()
    bad[10] = (bad[10] ?? 0) ^ 1
    expect(await verifyEd25519(did, data, bad)).toBe(false)
    expect(await verifyEd25519(did, data, sig.slice(0, 63))).toBe(false)
    expect(await verifyEd25519(did, new TextEncoder().encode('Une typographe précise!'), sig)).toBe(false)
  })
})
