/**
 * Time-to-outreach on this machine: beacon acknowledged (Signal.ackedAt) → message handed to the
 * channel, with a real redis-server, SMTP server and webhook receiver. Goal: p95 under 1 s.
 * Also the rules' throughput on a large batch of ordinary checkout signals.
 *   node --import tsx alerting/bench/time-to-outreach.ts [incidents=300] [perSecond=20]
 * (TOUCHPOINT_SIGNALS_CONCURRENCY from the environment, default 1.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { DELIVERIES_QUEUE, INCIDENTS_QUEUE } from '../src/queues/names.ts';
import { startPrivateRedis } from '../../collector/src/redis/private-redis.ts';
import { loadAlertingConfig } from '../src/config.ts';
import { startAlerting } from '../src/start-alerting.ts';
import { MemoryOutreachLog } from '../src/testing/memory-outreach-log.ts';
import { noRollups } from '../src/testing/no-rollups.ts';
import { signal, SignalProducer, silentLogger, waitFor } from '../src/testing/signals.ts';
import { startSmtpSink } from '../src/testing/smtp-sink.ts';
import { startWebhookSink } from '../src/testing/webhook-sink.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const incidents = Number(process.argv[2] ?? 300);
const perSecond = Number(process.argv[3] ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'tp-bench-tto-'));
const redis = await startPrivateRedis({ dir });
const smtp = await startSmtpSink();
const hooks = await startWebhookSink();
const log = new MemoryOutreachLog();
const alerting = await startAlerting({
  redisUrl: redis.url,
  config: loadAlertingConfig({ TOUCHPOINT_SMTP_URL: smtp.url, TOUCHPOINT_OUTREACH_WEBHOOK: `${hooks.url}/o`, TOUCHPOINT_ALERT_WEBHOOK: `${hooks.url}/a`, TOUCHPOINT_ERROR_RATE_THRESHOLD: '1000000', TOUCHPOINT_SIGNALS_CONCURRENCY: process.env.TOUCHPOINT_SIGNALS_CONCURRENCY ?? '1' }),
  outreachLog: log,
  rollups: noRollups,
  registry: new Registry(),
  logger: silentLogger,
  projects: [],
});
const producer = new SignalProducer(redis.url);

// Each customer: identify + start in one batch, then the failing payment in a later one (as a
// real session would send them), paced at `perSecond` failures per second.
for (let i = 0; i < incidents; i++) {
  const c = `bench-${i}`;
  await producer.send([
    signal('shop', `s-${c}`, c, { type: 'identify', customer: c, email: `${c}@mail.example`, consent: { outreach: true } }),
    signal('shop', `s-${c}`, c, { type: 'checkout', step: 'start', id: `co-${c}`, value: 50, currency: 'EUR' }),
  ]);
}
// Let the set-up batches drain first: only the failures are timed.
await waitFor('the set-up batches', async () => (await producer.queue.getJobCounts('wait', 'active')).wait === 0 && (await producer.queue.getJobCounts('active')).active === 0, 60_000, 20);
const t0 = Date.now();
for (let i = 0; i < incidents; i++) {
  const c = `bench-${i}`;
  await producer.send([signal('shop', `s-${c}`, c, { type: 'http', method: 'POST', url: 'https://shop.example/api/pay', status: 502, duration: 900 }), signal('shop', `s-${c}`, c, { type: 'checkout', step: 'error', id: `co-${c}` })]);
  const due = t0 + ((i + 1) * 1000) / perSecond;
  if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
}
await waitFor('every message', () => log.entries.filter((e) => e.status === 'sent').length >= incidents * 2, 120_000, 50);

const result: Record<string, unknown> = { incidents, perSecond, signalsConcurrency: process.env.TOUCHPOINT_SIGNALS_CONCURRENCY ?? '1', loadAverage: loadavg()[0] };
for (const channel of ['email', 'webhook'] as const) {
  const xs = log.entries.filter((e) => e.status === 'sent' && e.channel === channel).map((e) => e.timeToOutreachMs ?? NaN);
  result[channel] = { count: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), max: Math.max(...xs) };
}

// Where the time goes: queue wait and run time per stage, from BullMQ's own job timestamps.
for (const [name, queue] of [['signals', producer.queue], ['incidents', new Queue(INCIDENTS_QUEUE, { connection: { url: redis.url } })], ['deliveries', new Queue(DELIVERIES_QUEUE, { connection: { url: redis.url } })]] as const) {
  const jobs = (await queue.getCompleted(0, 5000)).filter((j) => j.processedOn && j.finishedOn && j.timestamp >= t0);
  const wait = jobs.map((j) => (j.processedOn ?? 0) - j.timestamp);
  const run = jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0));
  result[`stage:${name}`] = { jobs: jobs.length, waitP50: pct(wait, 50), waitP95: pct(wait, 95), runP50: pct(run, 50), runP95: pct(run, 95) };
  if (name !== 'signals') await queue.close();
}

// Throughput of the rules on ordinary traffic: 5,000 checkout signals without incidents.
const big = [];
for (let i = 0; i < 1000; i++) {
  const c = `tp-${i}`;
  big.push(
    signal('shop', `s-${c}`, c, { type: 'identify', customer: c, consent: { outreach: false } }),
    signal('shop', `s-${c}`, c, { type: 'checkout', step: 'start', id: `co-${c}` }),
    signal('shop', `s-${c}`, c, { type: 'checkout', step: 'step', id: `co-${c}`, name: 'payment' }),
    signal('shop', `s-${c}`, c, { type: 'vital', name: 'LCP', value: 1800, rating: 'good' }),
    signal('shop', `s-${c}`, c, { type: 'checkout', step: 'complete', id: `co-${c}` }),
  );
}
const seg = await producer.send(big);
const t1 = Date.now();
await waitFor('the big batch', async () => (await producer.queue.getJobState(seg)) === 'completed', 120_000, 20);
result.signalsPerSecond = Math.round(big.length / ((Date.now() - t1) / 1000));

console.log(JSON.stringify(result, null, 2));
await producer.close();
await alerting.close();
await hooks.close();
await smtp.close();
await redis.stop();
rmSync(dir, { recursive: true, force: true });
