/**
 * Token buckets per project and client address, in memory (addresses are never stored).
 * Each collector limits on its own; the limit protects storage from one runaway client, not
 * a whole census night, so a per-instance view is enough.
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #sweepAt = 0;

  /** `perSecond` 0 turns limiting off (load tests from one address). */
  constructor(perSecond: number) {
    this.#rate = perSecond;
    this.#burst = perSecond * 2;
  }

  /** Takes a token; false when the bucket is empty. */
  take(key: string, now = Date.now()): boolean {
    if (this.#rate === 0) return true;
    if (now > this.#sweepAt) this.#sweep(now);
    let b = this.#buckets.get(key);
    if (!b) {
      b = { tokens: this.#burst, at: now };
      this.#buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) * this.#rate) / 1000);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Buckets idle long enough to be full again carry no state worth keeping. */
  #sweep(now: number): void {
    const idle = (this.#burst / this.#rate) * 1000;
    for (const [k, b] of this.#buckets) if (now - b.at > idle) this.#buckets.delete(k);
    this.#sweepAt = now + 10_000;
  }
}
