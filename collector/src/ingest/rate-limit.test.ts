import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Touchpoint } from '@touchpoint/node';
import { beacon, postBeacon, startTestTouchpoint, vital } from '@touchpoint/node/testing';
import { RateLimiter } from '../lib/rate-limiter.ts';

let tp: Touchpoint;
beforeAll(async () => {
  tp = await startTestTouchpoint({ TOUCHPOINT_RATE_LIMIT: '5' });
});
afterAll(async () => tp?.close());

it('answers 429 with Retry-After once a client exceeds the burst', async () => {
  const statuses: number[] = [];
  let limited: Awaited<ReturnType<typeof postBeacon>> | undefined;
  for (let i = 0; i < 20; i++) {
    const res = await postBeacon(tp, beacon([vital('LCP', 1)]));
    statuses.push(res.status);
    if (res.status === 429) limited ??= res;
  }
  expect(statuses.filter((s) => s === 204).length).toBeGreaterThanOrEqual(10);
  expect(limited?.headers.get('retry-after')).toBe('1');
  expect(limited?.body).toMatchObject({ statusCode: 429, code: 'TP_ERR_RATE_LIMITED' });
});

it('refills at the configured rate and keeps clients apart', () => {
  const rl = new RateLimiter(10);
  let t = 1_000_000;
  let ok = 0;
  for (let i = 0; i < 30; i++) if (rl.take('a', t)) ok++;
  expect(ok).toBe(20);
  expect(rl.take('b', t)).toBe(true);
  t += 500;
  ok = 0;
  for (let i = 0; i < 30; i++) if (rl.take('a', t)) ok++;
  expect(ok).toBe(5);
  expect(new RateLimiter(0).take('x')).toBe(true);
});
