import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
// Test-only: the collector's helper that runs a private redis-server.
import { startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
import type { CheckoutAlert } from '../interfaces/alert.ts';
import { AlertDigest } from './alert-digest.ts';
import { AlertGroups } from './alert-groups.ts';
import { storeKeys } from './keys.ts';
import { OutreachStore } from './outreach-store.ts';

let server: PrivateRedis;
let redis: Redis;
let store: OutreachStore;
const keys = storeKeys('tp-test');

beforeAll(async () => {
  server = await startPrivateRedis({ dir: mkdtempSync(join(tmpdir(), 'tp-store-')) });
  redis = new Redis(server.url);
  store = new OutreachStore(redis, keys, 60_000);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

it('keeps the newest identify: a late, older one does not undo a consent choice', async () => {
  await store.saveContact('p', 'c1', { consent: true, email: 'a@x.invalid', language: 'en-AU', updatedAt: 2000 });
  await store.saveContact('p', 'c1', { consent: false, updatedAt: 1000 });
  expect(await store.contact('p', 'c1')).toEqual({ consent: true, email: 'a@x.invalid', language: 'en-AU', updatedAt: 2000 });
  const ttl = await redis.pttl(keys.contact('p', 'c1'));
  expect(ttl).toBeGreaterThan(50_000);
  expect(ttl).toBeLessThanOrEqual(60_000);
});

it('a newer identify replaces consent and keeps the details it does not carry', async () => {
  await store.saveContact('p', 'c2', { consent: true, email: 'b@x.invalid', language: 'de-DE', updatedAt: 1000 });
  await store.saveContact('p', 'c2', { consent: false, updatedAt: 3000 });
  expect(await store.contact('p', 'c2')).toEqual({ consent: false, email: 'b@x.invalid', language: 'de-DE', updatedAt: 3000 });
  await store.saveContact('p', 'c2', { consent: true, email: 'new@x.invalid', updatedAt: 4000 });
  expect(await store.contact('p', 'c2')).toEqual({ consent: true, email: 'new@x.invalid', language: 'de-DE', updatedAt: 4000 });
});

it('settles racing identifies on the newest, whatever order they land in', async () => {
  await Promise.all([5, 1, 4, 2, 3].map((t) => store.saveContact('p', 'c3', { consent: t % 2 === 1, updatedAt: t * 1000 })));
  expect(await store.contact('p', 'c3')).toMatchObject({ consent: true, updatedAt: 5000 });
});

it('erasure takes the customer out of marketer alerts held for a digest, and leaves the others', async () => {
  const digest = new AlertDigest(redis, keys, 60_000);
  const alert = (customer: string, at: number): CheckoutAlert => ({ kind: 'checkout', reason: 'checkout_error', project: 'p', shop: 'P', at, customer, contact: { status: 'anonymous' }, link: 'https://x' });
  expect(await digest.hold('p', 'd0', alert('c-first', 1), 1)).toEqual({ send: 'now' });
  await digest.hold('p', 'd1', alert('c-gone', 2), 2);
  await digest.hold('p', 'd2', alert('c-kept', 3), 3);
  await store.eraseCustomer('p', 'c-gone');
  expect((await digest.take('p', 'digest-1', 4)).map((a) => 'customer' in a && a.customer)).toEqual(['c-kept']);
});

it('erasure takes the customer out of alerts held in an alert group, told or not yet, and leaves the others', async () => {
  const groups = new AlertGroups(redis, keys, { waitMs: 1000, intervalMs: 5000, repeatMs: 60_000 });
  const g = { project: 'p', audience: 'marketer' as const, key: 'checkout_error', channel: 'webhook' };
  const alert = (customer: string, at: number): CheckoutAlert => ({ kind: 'checkout', reason: 'checkout_error', project: 'p', shop: 'P', at, checkout: `co-${customer}`, customer, contact: { status: 'anonymous' }, link: 'https://x' });
  const add = (customer: string, at: number) => groups.add(g, { delivery: `d-${customer}`, alert: alert(customer, at), member: `co-${customer}`, state: 'event' }, at);
  const flush = await add('c-told-gone', 1);
  await add('c-told-kept', 2);
  // The first flush takes both; its answer is kept for a retry. Then two more wait for the next.
  expect((await groups.take(g, flush, 1001)).alerts.map((a) => 'customer' in a && a.customer)).toEqual(['c-told-gone', 'c-told-kept']);
  await add('c-gone', 1002);
  await add('c-kept', 1003);
  await store.eraseCustomer('p', 'c-gone');
  await store.eraseCustomer('p', 'c-told-gone');
  const retried = await groups.take(g, flush, 1500);
  expect(retried.alerts.map((a) => 'customer' in a && a.customer)).toEqual(['c-told-kept']);
  expect((await groups.take(g, retried.next!, 6001)).alerts.map((a) => 'customer' in a && a.customer)).toEqual(['c-kept']);
});
