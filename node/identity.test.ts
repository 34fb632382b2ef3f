import { readFileSync } from 'node:fs'
import { peerIdFromString } from '@libp2p/peer-id'
import { base58btc } from 'multiformats/bases/base58'
import { describe, expect, it } from 'vitest'
import { InvalidDidError, isDidKey, publicKeyFromDidKey } from '../credentials/did-key.ts'
import { createIdentity, identityFromSeed, seedOf } from './identity.ts'

interface Vector {
  seed: string
  did: string
  publicKeyBase58: string
}
const { vectors } = JSON.parse(
  readFileSync(new URL('../tests/fixtures/did-key-ed25519.json', import.meta.url), 'utf8')
) as { vectors: Vector[] }

describe('identity: did:key (Ed25519) against the did:key specification vectors', () => {
  it.each(vectors)('seed …$seed gives $did', async ({ seed, did, publicKeyBase58 }) => {
    const identity = await identityFromSeed(Uint8Array.from(Buffer.from(seed, 'hex')))
    expect(identity.did).toBe(did)
    // the verification key of the vector, base58btc without multibase prefix
    expect(base58btc.baseEncode(identity.privateKey.publicKey.raw)).toBe(publicKeyBase58)
    expect(base58btc.baseEncode(publicKeyFromDidKey(did))).toBe(publicKeyBase58)
    // the libp2p PeerId is the same key
    const peerId = peerIdFromString(identity.peerId)
    expect(peerId.type).toBe('Ed25519')
    expect(Buffer.from(peerId.publicKey?.raw ?? []).equals(Buffer.from(publicKeyFromDidKey(did)))).toBe(true)
  })

  it('a fresh identity round-trips through its seed', async () => {
    const a = await createIdentity()
    const b = await identityFromSeed(seedOf(a))
    expect(b.did).toBe(a.did)
    expect(b.peerId).toBe(a.peerId)
    expect(a.did).toMatch(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/)
  })

  it.each([
    ['not a did', 'hello'],
    ['another method', 'did:web:example.org'],
    ['not base58btc', 'did:key:f00'],
    ['bad base58', 'did:key:z0OIl'],
    ['a secp256k1 key', 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme'],
    ['truncated', 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDoo'],
    ['too long', `did:key:z${'1'.repeat(3000)}`]
  ])('rejects %s', (_label, value) => {
    expect(isDidKey(value)).toBe(false)
    expect(() => publicKeyFromDidKey(value)).toThrow(InvalidDidError)
  })
})
