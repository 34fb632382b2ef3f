import { describe, expect, it } from 'vitest'
import { RateLimiter } from './rate-limit.ts'

describe('RateLimiter (token bucket per key)', () => {
  it('allows a burst of `capacity`, then refills at the given rate', () => {
    let now = 0
    const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 0.5, now: () => now })
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false])
    expect(limiter.retryAfterMs('a')).toBe(2000)
    now = 1999
    expect(limiter.take('a')).toBe(false)
    now = 2000
    expect(limiter.take('a')).toBe(true)
    expect(limiter.take('a')).toBe(false)
    now = 1_000_000 // never more than a full bucket
    expect(limiter.remaining('a')).toBe(3)
  })

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 0, now: () => 0 })
    expect(limiter.take('a')).toBe(true)
    expect(limiter.take('a')).toBe(false)
    expect(limiter.take('b')).toBe(true)
    expect(limiter.retryAfterMs('a')).toBe(Infinity)
  })

  it('bounds its memory by dropping the least recently active buckets', () => {
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 0, maxKeys: 2, now: () => 0 })
    limiter.take('a')
    limiter.take('b')
    limiter.take('c') // evicts a
    expect(limiter.take('b')).toBe(false)
    expect(limiter.take('a')).toBe(true) // a came back full
  })

  it('refuses nonsense settings', () => {
    expect(() => new RateLimiter({ capacity: 0 })).toThrow(RangeError)
    expect(() => new RateLimiter({ refillPerSecond: -1 })).toThrow(RangeError)
  })
})
