import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
// Test-only: the collector's helper that runs a private redis-server.
import { startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
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
