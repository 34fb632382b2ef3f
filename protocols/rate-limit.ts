/**
 * A token bucket per key (a remote DID): `capacity` tokens at most, refilled continuously at
 * `refillPerSecond`. The clock is injected so tests need no timers.
 */

export interface RateLimiterInit {
  /** Burst size: tokens in a full bucket. @default 20 */
  capacity?: number
  /** Tokens added per second. @default 0.2 (12 a minute) */
  refillPerSecond?: number
  /** Buckets kept at most; the fullest (least recently active) are dropped beyond it. @default 10_000 */
  maxKeys?: number
  /** The current time in ms. @default Date.now */
  now?: () => number
}

interface Bucket {
  tokens: number
  updatedAt: number
}

export class RateLimiter {
  readonly capacity: number
  readonly refillPerSecond: number
  private readonly maxKeys: number
  private readonly now: () => number
  private readonly buckets = new Map<string, Bucket>()

  constructor(init: RateLimiterInit = {}) {
    this.capacity = init.capacity ?? 20
    this.refillPerSecond = init.refillPerSecond ?? 0.2
    this.maxKeys = init.maxKeys ?? 10_000
    this.now = init.now ?? Date.now
    if (!(this.capacity > 0) || !(this.refillPerSecond >= 0) || !(this.maxKeys > 0)) {
      throw new RangeError('capacity and maxKeys must be positive, refillPerSecond not negative')
    }
  }

  /** Take `cost` tokens from `key`'s bucket: true if there were enough (and they are spent), else false. */
  take(key: string, cost = 1): boolean {
    const bucket = this.refill(key)
    if (bucket.tokens < cost) return false
    bucket.tokens -= cost
    return true
  }

  /** Tokens left for `key` now. */
  remaining(key: string): number {
    return this.refill(key).tokens
  }

  /** How long until `key` has `cost` tokens again (0 if it has them now; Infinity if it never will). */
  retryAfterMs(key: string, cost = 1): number {
    const missing = cost - this.refill(key).tokens
    if (missing <= 0) return 0
    if (this.refillPerSecond === 0 || cost > this.capacity) return Infinity
    return Math.ceil((missing / this.refillPerSecond) * 1000)
  }

  /** Forget every bucket. */
  clear(): void {
    this.buckets.clear()
  }

  private refill(key: string): Bucket {
    const now = this.now()
    let bucket = this.buckets.get(key)
    if (bucket == null) {
      bucket = { tokens: this.capacity, updatedAt: now }
      this.evict()
    } else {
      const elapsed = Math.max(0, now - bucket.updatedAt) / 1000
      bucket.tokens = Math.min(this.capacity, bucket.tokens + elapsed * this.refillPerSecond)
      bucket.updatedAt = now
      this.buckets.delete(key) // re-inserted below: the map stays ordered by last activity
    }
    this.buckets.set(key, bucket)
    return bucket
  }

  private evict(): void {
    // a bucket that is dropped comes back full: drop the least recently active ones, which are the fullest
    while (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next()
      if (oldest.done === true) return
      this.buckets.delete(oldest.value)
    }
  }
}
