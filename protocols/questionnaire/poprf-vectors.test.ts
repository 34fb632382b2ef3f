/**
 * RFC 9497, Appendix A.1.3: the POPRF test vectors of ristretto255-SHA512, run through @noble/curves the way
 * crypto.ts calls it (deterministic key derivation, blinding with the given scalar, evaluation with the given
 * proof scalar, finalisation against our own tweaked key), so we know we use the library correctly.
 *
 * The values are copied from the RFC as carried by noble-curves' test/vectors/rfc9497-oprf.json (commit
 * 4376f012), read through the reference library; they are the RFC's Appendix A.1.3 figures.
 */
import { ristretto255_oprf } from '@noble/curves/ed25519.js'
import { bytesToNumberLE, hexToBytes, numberToBytesLE } from '@noble/curves/utils.js'
import { describe, expect, it } from 'vitest'
import { tweakedKey } from './crypto.ts'

const COMMON = {
  seed: 'a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3',
  keyInfo: '74657374206b6579', // "test key"
  skSm: '145c79c108538421ac164ecbe131942136d5570b16d8bf41a24d4337da981e07',
  pkSm: 'c647bef38497bc6ec077c22af65b696efa43bff3b4a1975a3e8e0a1c5a79d631'
}

interface Vector {
  name: string
  Input: string[]
  Info: string
  Blind: string[]
  BlindedElement: string[]
  EvaluationElement: string[]
  Proof: string
  ProofRandomScalar: string
  Output: string[]
}

const VECTORS: Vector[] = [
  {
    name: 'Test Vector 1, Batch Size 1',
    Input: ['00'],
    Info: '7465737420696e666f', // "test info"
    Blind: ['64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706'],
    BlindedElement: ['c8713aa89241d6989ac142f22dba30596db635c772cbf25021fdd8f3d461f715'],
    EvaluationElement: ['1a4b860d808ff19624731e67b5eff20ceb2df3c3c03b906f5693e2078450d874'],
    Proof:
      '41ad1a291aa02c80b0915fbfbb0c0afa15a57e2970067a602ddb9e8fd6b7100d' +
      'e32e1ecff943a36f0b10e3dae6bd266cdeb8adf825d86ef27dbc6c0e30c52206',
    ProofRandomScalar: '222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e',
    Output: [
      'ca688351e88afb1d841fde4401c79efebb2eb75e7998fa9737bd5a82a152406d' +
        '38bd29f680504e54fd4587eddcf2f37a2617ac2fbd2993f7bdf45442ace7d221'
    ]
  },
  {
    name: 'Test Vector 2, Batch Size 1',
    Input: ['5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a'],
    Info: '7465737420696e666f',
    Blind: ['64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706'],
    BlindedElement: ['f0f0b209dd4d5f1844dac679acc7761b91a2e704879656cb7c201e82a99ab07d'],
    EvaluationElement: ['8c3c9d064c334c6991e99f286ea2301d1bde170b54003fb9c44c6d7bd6fc1540'],
    Proof:
      '4c39992d55ffba38232cdac88fe583af8a85441fefd7d1d4a8d0394cd1de7701' +
      '8bf135c174f20281b3341ab1f453fe72b0293a7398703384bed822bfdeec8908',
    ProofRandomScalar: '222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e',
    Output: [
      '7c6557b276a137922a0bcfc2aa2b35dd78322bd500235eb6d6b6f91bc5b56a52' +
        'de2d65612d503236b321f5d0bebcbc52b64b92e426f29c9b8b69f52de98ae507'
    ]
  },
  {
    name: 'Test Vector 3, Batch Size 2',
    Input: ['00', '5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a'],
    Info: '7465737420696e666f',
    Blind: [
      '64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706',
      '222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e'
    ],
    BlindedElement: [
      'c8713aa89241d6989ac142f22dba30596db635c772cbf25021fdd8f3d461f715',
      '423a01c072e06eb1cce96d23acce06e1ea64a609d7ec9e9023f3049f2d64e50c'
    ],
    EvaluationElement: [
      '1a4b860d808ff19624731e67b5eff20ceb2df3c3c03b906f5693e2078450d874',
      'aa1f16e903841036e38075da8a46655c94fc92341887eb5819f46312adfc0504'
    ],
    Proof:
      '43fdb53be399cbd3561186ae480320caa2b9f36cca0e5b160c4a677b8bbf4301' +
      'b28f12c36aa8e11e5a7ef551da0781e863a6dc8c0b2bf5a149c9e00621f02006',
    ProofRandomScalar: '419c4f4f5052c53c45f3da494d2b67b220d02118e0857cdbcf037f9ea84bbe0c',
    Output: [
      'ca688351e88afb1d841fde4401c79efebb2eb75e7998fa9737bd5a82a152406d' +
        '38bd29f680504e54fd4587eddcf2f37a2617ac2fbd2993f7bdf45442ace7d221',
      '7c6557b276a137922a0bcfc2aa2b35dd78322bd500235eb6d6b6f91bc5b56a52' +
        'de2d65612d503236b321f5d0bebcbc52b64b92e426f29c9b8b69f52de98ae507'
    ]
  }
]

/** The order of ristretto255. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n

/**
 * An RNG that makes noble's random scalar come out as `scalarHex`: noble draws 48 bytes and maps them to
 * (x mod (L − 1)) + 1 (RFC 9380's hash_to_field style), so feeding scalar − 1 yields the scalar itself.
 */
function fixedScalar(scalarHex: string) {
  const s = bytesToNumberLE(hexToBytes(scalarHex))
  expect(s > 0n && s < L).toBe(true)
  return (length = 48) => {
    expect(length).toBe(48)
    return numberToBytesLE(s - 1n, length)
  }
}

const h = hexToBytes

describe('RFC 9497 POPRF, ristretto255-SHA512 (Appendix A.1.3)', () => {
  it('derives skSm and pkSm from the seed and key info', () => {
    const keys = ristretto255_oprf
      .poprf(h('7465737420696e666f'))
      .deriveKeyPair(h(COMMON.seed), h(COMMON.keyInfo))
    expect(keys.secretKey).toEqual(h(COMMON.skSm))
    expect(keys.publicKey).toEqual(h(COMMON.pkSm))
  })

  for (const v of VECTORS) {
    describe(v.name, () => {
      const poprf = ristretto255_oprf.poprf(h(v.Info))
      const sk = h(COMMON.skSm)
      const pk = h(COMMON.pkSm)
      const items = v.Input.map((input, i) => ({
        input: h(input),
        blind: h(v.Blind[i] as string),
        blinded: h(v.BlindedElement[i] as string),
        evaluated: h(v.EvaluationElement[i] as string),
        output: h(v.Output[i] as string)
      }))

      it('blinds the input with the given scalar', () => {
        for (const item of items) {
          const b = poprf.blind(item.input, pk, fixedScalar(Buffer.from(item.blind).toString('hex')))
          expect(b.blind).toEqual(item.blind)
          expect(b.blinded).toEqual(item.blinded)
          // our tweaked key (computed without blinding) is the library's
          expect(tweakedKey(pk, h(v.Info))).toEqual(b.tweakedKey)
        }
      })

      it('evaluates with the given proof scalar: same elements, same proof', () => {
        const batch = poprf.blindEvaluateBatch(
          sk,
          items.map((i) => i.blinded),
          fixedScalar(v.ProofRandomScalar)
        )
        expect(batch.evaluated).toEqual(items.map((i) => i.evaluated))
        expect(batch.proof).toEqual(h(v.Proof))
        if (items.length === 1) {
          const one = poprf.blindEvaluate(sk, items[0]!.blinded, fixedScalar(v.ProofRandomScalar))
          expect(one.evaluated).toEqual(items[0]!.evaluated)
          expect(one.proof).toEqual(h(v.Proof))
        }
      })

      it('verifies the proof against our tweaked key and finalises to the Output', () => {
        const tweaked = tweakedKey(pk, h(v.Info))
        expect(poprf.finalizeBatch(items, h(v.Proof), tweaked)).toEqual(items.map((i) => i.output))
        if (items.length === 1) {
          const i = items[0]!
          expect(poprf.finalize(i.input, i.blind, i.evaluated, i.blinded, h(v.Proof), tweaked)).toEqual(
            i.output
          )
        }
        // a different key (the VOPRF pkSm of the same appendix) does not verify
        const other = tweakedKey(
          h('c803e2cc6b05fc15064549b5920659ca4a77b2cca6f04f6b357009335476ad4e'),
          h(v.Info)
        )
        expect(() => poprf.finalizeBatch(items, h(v.Proof), other)).toThrow()
      })

      it('evaluates non-interactively (what checkAnswer recomputes) to the Output', () => {
        for (const i of items) expect(poprf.evaluate(sk, i.input)).toEqual(i.output)
      })
    })
  }
})
