/**
 * The worker's share of an erasure on a real Redis and real BullMQ queues: queued work naming the
 * customer, their sessions or their checkouts goes; alerts about others in the same delivery stay;
 * a job running at the time is reported unfinished (and removed by the retry once it ran); the
 * queues' event streams and the store forget them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
import { loadAlertingConfig } from '../config.ts';
import type { CheckoutAlert } from '../interfaces/alert.ts';
import type { DeliveryJob } from '../interfaces/jobs.ts';
import { joinId } from '../lib/ids.ts';
import { createAlertingQueues, type AlertingQueues } from '../queues/alerting-queues.ts';
import { DELIVERIES_QUEUE } from '../queues/names.ts';
import { storeKeys } from '../store/keys.ts';
import { OutreachStore } from '../store/outreach-store.ts';
import { openAlertingEraser } from './alerting-eraser.ts';

const config = loadAlertingConfig({});
let server: PrivateRedis;
let redis: Redis;
let queues: AlertingQueues;
let store: OutreachStore;
let opened: ReturnType<typeof openAlertingEraser>;

beforeAll(async () => {
  server = await startPrivateRedis({ dir: mkdtempSync(join(tmpdir(), 'tp-eraser-')) });
  redis = new Redis(server.url);
  queues = createAlertingQueues({ url: server.url }, config);
  store = new OutreachStore(redis, storeKeys(config.keyPrefix), config.contactTtlMs);
  opened = openAlertingEraser(server.url, config);
});
afterAll(async () => {
  await opened?.close();
  await queues?.close();
  redis?.disconnect();
  await server?.stop();
});

const alert = (customer: string, checkout: string): CheckoutAlert => ({ kind: 'checkout', reason: 'checkout_error', project: 'p', shop: 'P', at: 1, checkout, customer, contact: { status: 'anonymous' }, link: 'https://x' });
const delivery = (id: string, over: Partial<DeliveryJob>): DeliveryJob => ({ id, audience: 'marketer', channel: 'email', project: 'p', reason: 'checkout_error', incident: joinId('checkout_error', 'co-x'), incidentAt: 1, startedAt: 1, ...over });
const HOUR = 3_600_000;

it('removes the queued work of the customer, their sessions and checkouts, and keeps the rest', async () => {
  await store.saveContact('p', 'gone', { consent: true, email: 'gone@x.invalid', updatedAt: 1 });
  await queues.addIncident({ project: 'p', incident: joinId('checkout_error', 'co-anon'), reason: 'checkout_error', session: 's-gone', at: 1, startedAt: 1 });
  await queues.addIncident({ project: 'p', incident: joinId('checkout_error', 'co-kept'), reason: 'checkout_error', customer: 'kept', at: 1, startedAt: 1 });
  await queues.scheduleStuck({ project: 'p', checkout: 'co-gone', seq: 1, dueAt: 1 }, HOUR);
  await queues.scheduleStuck({ project: 'p', checkout: 'co-kept', seq: 1, dueAt: 1 }, HOUR);
  await queues.addDelivery(delivery(joinId('customer', 'p', 'gone', 'i1', 'email'), { audience: 'customer', customer: 'gone' }), HOUR);
  await queues.addDelivery(delivery(joinId('marketer', 'p', 'i2', 'email'), { checkout: 'co-gone', alerts: [alert('gone', 'co-gone')] }), HOUR);
  // Alerts of several customers in one delivery (a digest, a group): only theirs goes.
  await queues.addDelivery(delivery(joinId('marketer', 'p', 'group', 'email'), { alerts: [alert('gone', 'co-gone'), alert('kept', 'co-kept')] }), HOUR);
  // Another project's customer of the same id is not this erasure's.
  await queues.addDelivery(delivery(joinId('customer', 'q', 'gone', 'i1', 'email'), { project: 'q', audience: 'customer', customer: 'gone' }), HOUR);

  const r = await opened.eraser.erase({ project: 'p', customer: 'gone', sessions: ['s-gone'], checkouts: ['co-gone'] });
  expect(r.unfinished).toEqual([]);
  expect(r.removed.queues).toMatchObject({ incidentJobs: 1, stuckTimers: 1, deliveryJobs: 2, alertsRewritten: 1 });
  expect(r.removed.queues!.events).toBeGreaterThan(0);
  expect(r.removed.redis!.keys).toBe(1);

  const left = async (q: typeof queues.incidents) => (await q.getJobs(['delayed', 'waiting', 'completed'])).map((j) => j.id).sort();
  expect(await left(queues.incidents)).toEqual([joinId('incident', 'p', joinId('checkout_error', 'co-kept')), joinId('stuck', 'p', 'co-kept', '1')].sort());
  expect(await left(queues.deliveries)).toEqual([joinId('customer', 'q', 'gone', 'i1', 'email'), joinId('marketer', 'p', 'group', 'email')].sort());
  const group = await queues.deliveries.getJob(joinId('marketer', 'p', 'group', 'email'));
  expect((group!.data as DeliveryJob).alerts!.map((a) => 'customer' in a && a.customer)).toEqual(['kept']);
  // No entry of the event streams names the customer or their checkout; the others' stay.
  const events = async (q: typeof queues.incidents) => JSON.stringify(await redis.xrange(q.keys.events!, '-', '+'));
  for (const q of [queues.incidents, queues.deliveries]) expect(await events(q)).not.toMatch(/co-gone|customer\/p\/gone/);
  expect(await events(queues.incidents)).toMatch(/co-kept/);
  expect(await events(queues.deliveries)).toMatch(/marketer\/p\/group/);
  expect(await store.contact('p', 'gone')).toBeNull();

  const again = await opened.eraser.erase({ project: 'p', customer: 'gone', sessions: ['s-gone'], checkouts: ['co-gone'] });
  expect(Object.values(again.removed.queues!).reduce((a, b) => a + b, 0)).toBe(0);
});

it('reports a job that runs meanwhile as unfinished, and removes it once it ran', async () => {
  let release!: () => void;
  const running = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const isRunning = new Promise<void>((resolve) => (started = resolve));
  const worker = new Worker(DELIVERIES_QUEUE, async () => {
    started();
    await running;
  }, { connection: { url: server.url, maxRetriesPerRequest: null } });
  try {
    await queues.addDelivery(delivery(joinId('customer', 'p', 'busy', 'i9', 'email'), { audience: 'customer', customer: 'busy' }));
    await isRunning;
    const first = await opened.eraser.erase({ project: 'p', customer: 'busy', sessions: [], checkouts: [] });
    expect(first.unfinished).toHaveLength(1);
    expect(first.removed.queues!.deliveryJobs).toBe(0);
    release();
    await new Promise<void>((resolve) => worker.once('completed', () => resolve()));
    const retry = await opened.eraser.erase({ project: 'p', customer: 'busy', sessions: [], checkouts: [] });
    expect(retry.unfinished).toEqual([]);
    expect(retry.removed.queues!.deliveryJobs).toBe(1);
  } finally {
    await worker.close();
  }
});
