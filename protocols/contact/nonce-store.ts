/** Single-use invitation nonces: issued when an invitation is created, taken once when it is accepted. */

export interface NonceStore {
  /** Record a nonce just issued, valid until `expiresAt` (ms since the epoch). */
  issue(nonce: string, expiresAt: number): Promise<void>
  /**
   * Consume a nonce: true the first time for a nonce this node issued and that has not expired, false
   * otherwise. Must be atomic (two concurrent takes of one nonce: one true, one false).
   */
  take(nonce: string): Promise<boolean>
}

/** In memory (tests, and a node that accepts losing open invitations at restart). */
export class MemoryNonceStore implements NonceStore {
  private readonly nonces = new Map<string, number>()

  constructor(private readonly now: () => number = Date.now) {}

  async issue(nonce: string, expiresAt: number): Promise<void> {
    this.prune()
    this.nonces.set(nonce, expiresAt)
  }

  async take(nonce: string): Promise<boolean> {
    const expiresAt = this.nonces.get(nonce)
    // delete before any await: a second take of the same nonce can never see it
    this.nonces.delete(nonce)
    return expiresAt != null && expiresAt > this.now()
  }

  get size(): number {
    return this.nonces.size
  }

  private prune(): void {
    const now = this.now()
    for (const [nonce, expiresAt] of this.nonces) if (expiresAt <= now) this.nonces.delete(nonce)
  }
}
