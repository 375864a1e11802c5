/**
 * Nonces seen within the signature window. A nonce is kept until its request's timestamp leaves
 * the window (after that the request is refused as stale anyway), so memory is bounded by the
 * request rate times the window, and by `max`.
 */
export class NonceCache {
  readonly #expiresAt = new Map<string, number>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#expiresAt.size;
  }

  has(nonce: string, now: number): boolean {
    const expiresAt = this.#expiresAt.get(nonce);
    return expiresAt !== undefined && expiresAt >= now;
  }

  /** Remembers `nonce`; false when the cache is full of nonces that are all still live. */
  add(nonce: string, expiresAt: number, now: number): boolean {
    this.#sweepFront(now);
    if (this.#expiresAt.size >= this.#max) this.#sweepAll(now);
    // Forgetting a live nonce would let its request be replayed; refusing is the safe side.
    if (this.#expiresAt.size >= this.#max) return false;
    this.#expiresAt.set(nonce, expiresAt);
    return true;
  }

  // Insertion order is roughly expiry order, so the front holds the oldest: cheap per request.
  #sweepFront(now: number): void {
    for (const [nonce, expiresAt] of this.#expiresAt) {
      if (expiresAt >= now) return;
      this.#expiresAt.delete(nonce);
    }
  }

  #sweepAll(now: number): void {
    for (const [nonce, expiresAt] of this.#expiresAt) {
      if (expiresAt < now) this.#expiresAt.delete(nonce);
    }
  }
}
