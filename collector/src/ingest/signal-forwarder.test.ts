import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SIGNALS_QUEUE, type SignalBatch } from '@touchpoint/protocol/signals';
import type { Touchpoint } from '@touchpoint/node';
import { beacon, postBeacon, startTestTouchpoint, waitFor } from '@touchpoint/node/testing';

let tp: Touchpoint;
let queue: Queue<SignalBatch>;
beforeAll(async () => {
  // A long flush interval: only the fast lane can deliver signals quickly.
  tp = await startTestTouchpoint({ TOUCHPOINT_FLUSH_INTERVAL_MS: '5000' });
  queue = new Queue<SignalBatch>(SIGNALS_QUEUE, { connection: { url: tp.redisUrl } });
});
afterAll(async () => {
  await queue?.close();
  await tp?.close();
});

const jobsFor = async (session: string) =>
  (await queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'prioritized'])).filter((j) => j.data.signals.some((s) => s.session === session));

it('hands checkout signals to the queue well before the segment is sealed, and only once', async () => {
  const b = beacon(
    [
      { type: 'checkout', at: Date.now(), step: 'start', id: 'co-1', value: 20, currency: 'AUD' },
      { type: 'checkout', at: Date.now(), step: 'error', id: 'co-1', reason: 'card declined' },
      { type: 'vital', at: Date.now(), name: 'FCP', value: 100 },
    ],
    { customer: 'cust-fast', page: 'https://shop.example/checkout' },
  );
  const t0 = Date.now();
  expect((await postBeacon(tp, b)).status).toBe(204);
  const [job] = await waitFor(async () => {
    const jobs = await jobsFor(b.session);
    return jobs.length > 0 && jobs;
  }, 3000, 10);
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(job!.data.signals.map((s) => s.event.type)).toEqual(['checkout', 'checkout']);
  expect(job!.data.signals[0]).toMatchObject({ project: 'demo', customer: 'cust-fast', page: 'https://shop.example/checkout' });

  // Sealing the segment finds every signal already delivered: no second job.
  await tp.ingest!.writer.flush();
  expect(tp.ingest!.spool.sealed).toHaveLength(0);
  expect(await jobsFor(b.session)).toHaveLength(1);
});

it('lets signals that act over minutes wait for the relaxed lane, and an urgent one take them along in order', async () => {
  const identify = beacon([{ type: 'identify', at: Date.now(), customer: 'cust-relaxed', consent: { outreach: true } }], { customer: 'cust-relaxed' });
  expect((await postBeacon(tp, identify)).status).toBe(204);
  // The relaxed lane flushes after 500 ms: nothing yet, then one job.
  await new Promise((r) => setTimeout(r, 150));
  expect(await jobsFor(identify.session)).toHaveLength(0);
  await waitFor(async () => (await jobsFor(identify.session)).length === 1, 3000, 20);

  // A contact then a checkout error: the error is urgent and carries the contact with it, first.
  const session = `s-urgent-${Date.now()}`;
  const first = beacon([{ type: 'identify', at: Date.now(), customer: 'cust-urgent', consent: { outreach: true } }], { customer: 'cust-urgent', session });
  const second = beacon([{ type: 'checkout', at: Date.now(), step: 'error', id: 'co-urgent', reason: 'card declined' }], { customer: 'cust-urgent', session, page: 'https://shop.example/checkout' });
  const t0 = Date.now();
  expect((await postBeacon(tp, first)).status).toBe(204);
  expect((await postBeacon(tp, second)).status).toBe(204);
  const [job] = await waitFor(async () => {
    const jobs = await jobsFor(session);
    return jobs.length > 0 && jobs;
  }, 3000, 10);
  expect(Date.now() - t0).toBeLessThan(400);
  expect(job!.data.signals.map((s) => s.event.type)).toEqual(['identify', 'checkout']);
});
