import { expect, it } from 'vitest';
import { inHoldout } from '../lib/holdout.ts';
import { joinId } from '../lib/ids.ts';
import { rateDecision } from './error-rate.ts';
import { isFailedRequest } from './checkout-error.ts';
import { isPoorLcp } from './slow-experience.ts';

it('checkout error: 5xx and network failures, not 4xx', () => {
  const http = (status: number) => ({ type: 'http' as const, at: 0, method: 'POST', url: '/pay', status, duration: 1 });
  expect([0, 500, 502, 504].every((s) => isFailedRequest(http(s)))).toBe(true);
  expect([200, 400, 404, 429].some((s) => isFailedRequest(http(s)))).toBe(false);
});

it('slow experience: the rating decides, the value when there is none', () => {
  expect(isPoorLcp({ type: 'vital', at: 0, name: 'LCP', value: 5000, rating: 'needs-improvement' })).toBe(false);
  expect(isPoorLcp({ type: 'vital', at: 0, name: 'LCP', value: 1000, rating: 'poor' })).toBe(true);
  expect(isPoorLcp({ type: 'vital', at: 0, name: 'LCP', value: 4001 })).toBe(true);
});

it('error rate: individual up to the threshold, one rate alert, then folded', () => {
  expect([1, 2, 3, 4, 5, 6].map((n) => rateDecision(n, 3))).toEqual(['individual', 'individual', 'individual', 'rate-alert', 'folded', 'folded']);
});

it('holdout: stable per customer, close to the share', () => {
  const ids = Array.from({ length: 4000 }, (_, i) => `c${i}`);
  const held = ids.filter((c) => inHoldout('shop', c, 0.1)).length;
  expect(held).toBeGreaterThan(320);
  expect(held).toBeLessThan(480);
  expect(ids.every((c) => inHoldout('shop', c, 0.1) === inHoldout('shop', c, 0.1))).toBe(true);
  expect(ids.some((c) => inHoldout('shop', c, 0))).toBe(false);
});

it('ids: parts cannot run into each other', () => {
  expect(joinId('a-b', 'c')).not.toBe(joinId('a', 'b-c'));
  expect(joinId('a/b', 'c')).not.toBe(joinId('a', 'b/c'));
  expect(joinId('p', 'x:y')).not.toContain(':');
});
