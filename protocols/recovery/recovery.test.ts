import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { didKeyFromPublicKey } from '../../credentials/did-key.ts'
import {
  combineShares,
  commitmentOf,
  createRecoverySet,
  createRecoveryRequest,
  ownerTagOf,
  parseRecoveryRequest,
  RecoveryError,
  signShare,
  verifyShare,
  type SignedShare
} from './index.ts'

async function owner() {
  const key = await generateKeyPair('Ed25519')
  return { key, did: didKeyFromPublicKey(key.publicKey.raw), sign: (m: Uint8Array) => key.sign(m) }
}

describe('recovery shares', () => {
  it('any k of n verified shares give R back; the commitment and owner tag describe the set', async () => {
    const o = await owner()
    const set = await createRecoverySet({ owner: o.did, sign: o.sign, k: 3, n: 5 })
    expect(set.shares).toHaveLength(5)
    expect(set.block.commitment).toEqual(commitmentOf(set.block.setId, set.secret))
    expect(set.block.ownerTag).toEqual(ownerTagOf(set.block.setId, o.did))
    expect(set.shares.map((s) => s.body.index)).toEqual([1, 2, 3, 4, 5])
    for (const s of set.shares) expect(verifyShare(s, set.block).ok).toBe(true)
    for (const pick of [
      [0, 1, 2],
      [2, 3, 4],
      [4, 0, 3],
      [0, 1, 2, 3, 4]
    ]) {
      const r = await combineShares(
        pick.map((i) => set.shares[i]!),
        set.block
      )
      expect(r).toEqual(set.secret)
    }
  })

  it('k − 1 shares are refused before combining; duplicates are refused', async () => {
    const o = await owner()
    const set = await createRecoverySet({ owner: o.did, sign: o.sign, k: 3, n: 5 })
    await expect(combineShares(set.shares.slice(0, 2), set.block)).rejects.toMatchObject({
      name: 'RecoveryError',
      code: 'NOT_ENOUGH_SHARES'
    })
    const s0 = set.shares[0]!
    await expect(combineShares([s0, s0, set.shares[1]!], set.block)).rejects.toMatchObject({
      code: 'DUPLICATE_SHARE'
    })
  })

  it('a share that passes every other check but does not fit (signed by the owner, wrong bytes) is caught by the commitment', async () => {
    // only the owner's own key could make such a share: this is the last line of defence, and nothing is
    // returned when it fails
    const o = await owner()
    const set = await createRecoverySet({ owner: o.did, sign: o.sign, k: 3, n: 5 })
    for (let i = 0; i < 8; i++) {
      const fake = crypto.getRandomValues(new Uint8Array(33))
      fake[32] = set.shares[2]!.body.share[32]!
      const forged = await signShare({ ...set.shares[2]!.body, share: fake }, o.sign)
      expect(verifyShare(forged, set.block).ok).toBe(true)
      await expect(combineShares([set.shares[0]!, set.shares[1]!, forged], set.block)).rejects.toMatchObject({
        code: 'COMMITMENT_MISMATCH'
      })
    }
  })

  it('refuses a share of another set, other parameters, another owner, or altered bytes, with the reason', async () => {
    const o = await owner()
    const other = await owner()
    const set = await createRecoverySet({ owner: o.did, sign: o.sign, k: 2, n: 3 })
    const elsewhere = await createRecoverySet({ owner: o.did, sign: o.sign, k: 2, n: 3 })
    const s = set.shares[0]!
    const reason = (v: unknown) => {
      const r = verifyShare(v, set.block)
      return r.ok ? 'ok' : r.reason
    }
    expect(reason(elsewhere.shares[0])).toBe('WRONG_SET')
    // the right set and parameters, but signed by someone else who claims to be the owner
    expect(reason(await signShare({ ...s.body, owner: other.did }, other.sign))).toBe('WRONG_OWNER')
    // the right owner named, another key's signature
    expect(reason(await signShare(s.body, other.sign))).toBe('BAD_SIGNATURE')
    // altered bytes under the owner's signature
    const altered: SignedShare = { ...s, body: { ...s.body, share: new Uint8Array(33).fill(7) } }
    expect(reason(altered)).toBe('BAD_SIGNATURE')
    expect(reason({ ...s, body: { ...s.body, k: 3 } })).toBe('WRONG_PARAMETERS')
    expect(reason({ ...s, body: { ...s.body, commitment: new Uint8Array(32) } })).toBe('WRONG_PARAMETERS')
    expect(reason({ body: s.body })).toBe('MALFORMED')
    expect(reason('garbage')).toBe('MALFORMED')
    expect(reason({ ...s, body: { ...s.body, share: new Uint8Array(5000) } })).toBe('MALFORMED')
  })

  it('refuses impossible sets', async () => {
    const o = await owner()
    for (const [k, n] of [
      [1, 3],
      [4, 3],
      [2, 11],
      [2.5, 3]
    ] as const) {
      await expect(createRecoverySet({ owner: o.did, sign: o.sign, k, n })).rejects.toBeInstanceOf(
        RecoveryError
      )
    }
  })
})

describe('recovery requests', () => {
  it('round-trips, and refuses expired, altered, foreign-address and garbage requests', async () => {
    const key = await generateKeyPair('Ed25519')
    const setId = 's' + 'a'.repeat(26)
    const made = await createRecoveryRequest({
      privateKey: key,
      addrs: ['/ip4/127.0.0.1/tcp/4001'],
      setId,
      ownerTag: new Uint8Array(32).fill(9),
      k: 2,
      n: 3,
      now: 1_000_000_000_000
    })
    const ok = await parseRecoveryRequest(made.link, { now: 1_000_000_000_000 })
    expect(ok.ok && ok.request).toMatchObject({
      setId,
      k: 2,
      n: 3,
      did: made.did,
      ownerTag: new Uint8Array(32).fill(9)
    })
    expect(ok.ok && ok.request.addrs[0]).toMatch(/\/p2p\/12D3KooW/)
    const reason = async (text: unknown, now = 1_000_000_000_000) => {
      const r = await parseRecoveryRequest(text, { now })
      return r.ok ? 'ok' : r.reason
    }
    expect(await reason(made.link, 1_000_000_000_000 + 2 * 3600_000)).toBe('EXPIRED')
    const [h, p, s] = made.token.split('.')
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString())
    const tampered = Buffer.from(JSON.stringify({ ...claims, k: 3 })).toString('base64url')
    expect(await reason(`${h}.${tampered}.${s}`)).toBe('BAD_SIGNATURE')
    const foreign = Buffer.from(
      JSON.stringify({
        ...claims,
        addrs: ['/ip4/127.0.0.1/tcp/1/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo']
      })
    ).toString('base64url')
    expect(await reason(`${h}.${foreign}.${s}`)).toBe('MALFORMED')
    // a request cannot be made to live for years (a stolen link would never age)
    const long = await createRecoveryRequest({
      privateKey: key,
      addrs: ['/ip4/127.0.0.1/tcp/4001'],
      setId,
      ownerTag: new Uint8Array(32),
      k: 2,
      n: 3,
      ttlMs: 365 * 24 * 3600_000,
      now: 1_000_000_000_000
    })
    expect(await reason(long.link)).toBe('MALFORMED')
    // nor dated in the future
    const future = await createRecoveryRequest({
      privateKey: key,
      addrs: ['/ip4/127.0.0.1/tcp/4001'],
      setId,
      ownerTag: new Uint8Array(32),
      k: 2,
      n: 3,
      now: 1_000_000_000_000 + 3600_000
    })
    expect(await reason(future.link)).toBe('MALFORMED')
    expect(await reason('musette:recover?t=a.b.c')).toBe('MALFORMED')
    expect(await reason(42)).toBe('MALFORMED')
    expect(await reason('x'.repeat(10_000))).toBe('TOO_LARGE')
  })
})
