/**
 * Token buckets per key (a project and client address, a client address), in memory:
 * addresses are never stored. Each collector limits on its own; a limit protects storage or a
 * secret from one runaway client, not a whole census night, so a per-instance view is enough.
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #sweepAt = 0;

  /** `perSecond` 0 turns limiting off (load tests from one address); the burst defaults to two seconds' worth. */
  constructor(perSecond: number, burst = perSecond * 2) {
    this.#rate = perSecond;
    this.#burst = burst;
  }

  /** Whether `take` would succeed now, without taking. */
  available(key: string, now = Date.now()): boolean {
    if (this.#rate === 0) return true;
    const b = this.#buckets.get(key);
    return !b || Math.min(this.#burst, b.tokens + ((now - b.at) * this.#rate) / 1000) >= 1;
  }

  /** Seconds until `key` has a token again (at least 1). */
  retryAfterSeconds(key: string, now = Date.now()): number {
    const b = this.#buckets.get(key);
    if (!b || this.#rate === 0) return 1;
    const tokens = Math.min(this.#burst, b.tokens + ((now - b.at) * this.#rate) / 1000);
    return Math.max(1, Math.ceil((1 - tokens) / this.#rate));
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
