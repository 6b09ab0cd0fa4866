import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
// Test-only: the collector's helper that runs a private redis-server.
import { startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
import type { CheckoutAlert } from '../interfaces/alert.ts';
import { AlertDigest } from './alert-digest.ts';
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
