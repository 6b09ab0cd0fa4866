import { describe, expect, it } from 'vitest';
import { isRetryable, MAX_DELAY_MS, retryDelay } from './retry.ts';

describe('retry', () => {
  it('retries network failures, 429 and 5xx; not 2xx or other 4xx', () => {
    expect([0, 429, 500, 502, 503].map(isRetryable)).toEqual([true, true, true, true, true]);
    expect([204, 202, 400, 401, 403, 413].map(isRetryable)).toEqual([false, false, false, false, false, false]);
  });

  it('honours Retry-After in seconds and as an HTTP date', () => {
    expect(retryDelay(0, '7')).toBe(7000);
    const now = Date.parse('2026-11-24T09:00:00Z');
    expect(retryDelay(3, 'Tue, 24 Nov 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(retryDelay(0, '99999')).toBe(MAX_DELAY_MS);
  });

  it('backs off exponentially with jitter when the server says nothing', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect(retryDelay(0, null, 0, low)).toBe(500);
    expect(retryDelay(0, null, 0, high)).toBeCloseTo(1000, 0);
    expect(retryDelay(3, null, 0, low)).toBe(4000);
    expect(retryDelay(3, 'garbage', 0, high)).toBeCloseTo(8000, 0);
    expect(retryDelay(30, null, 0, high)).toBeLessThanOrEqual(MAX_DELAY_MS);
  });
});
