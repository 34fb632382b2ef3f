import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { didKeyFromPublicKey } from '../credentials/did-key.ts'
import {
  publicKeyFromSeed,
  setNativeEd25519Verifier,
  signEd25519,
  verifyEd25519
} from '../credentials/ed25519.ts'
import { hasNativeSha256, sha256Hex, sha256Utf8, setNativeSha256 } from '../credentials/hash.ts'
import './native-verify.ts'

describe('node:crypto Ed25519 verifier registered with credentials/', () => {
  afterAll(() => {
    setNativeEd25519Verifier(undefined)
    setNativeSha256(undefined)
  })

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

  it('the registered SHA-256 hashes strings as @noble/hashes does (UTF-8, lone surrogates as U+FFFD)', () => {
    const texts = ['', 'abc', 'é 漢字 😀', 'lone \ud800 and \udfff surrogates', 'x'.repeat(70_000)]
    expect(hasNativeSha256()).toBe(true)
    const native = texts.map((t) => [sha256Hex(t), Buffer.from(sha256Utf8(t)).toString('hex')])
    setNativeSha256(undefined)
    const noble = texts.map((t) => [sha256Hex(t), Buffer.from(sha256Utf8(t)).toString('hex')])
    expect(native).toEqual(noble)
    expect(noble[1]).toEqual([
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    ])
  })
})
