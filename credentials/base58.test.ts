import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { base58btc } from 'multiformats/bases/base58'
import { decodeBase58btc } from './base58.ts'

describe('base58btc decoding', () => {
  it('gives the same bytes as multiformats on random inputs, leading zeros included', () => {
    const inputs: Uint8Array[] = [new Uint8Array(0), new Uint8Array([0]), new Uint8Array([0, 0, 1, 255])]
    for (let n = 0; n < 600; n++) {
      const bytes = new Uint8Array(randomBytes(n % 80))
      if (n % 7 === 0 && bytes.length > 2) bytes.fill(0, 0, 1 + (n % 3))
      inputs.push(bytes)
    }
    for (const bytes of inputs) {
      const text = base58btc.encode(bytes).slice(1)
      expect(decodeBase58btc(text)).toEqual(bytes)
      expect(decodeBase58btc(text)).toEqual(base58btc.decode(`z${text}`))
    }
  })

  it('refuses characters outside the alphabet, as multiformats does', () => {
    for (const text of ['0abc', 'abcO', 'ab I', 'abcl', 'é', 'ab-c', ' ab']) {
      expect(() => decodeBase58btc(text)).toThrow()
      expect(() => base58btc.decode(`z${text}`)).toThrow()
    }
  })
})
