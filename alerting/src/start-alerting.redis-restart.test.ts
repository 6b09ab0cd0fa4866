/**
 * A signal batch the collector handed to Redis (queue.add resolved: that is when the collector
 * lets go of it) survives redis-server being killed and restarted on the same data directory
 * (AOF, appendfsync everysec), and a running worker reconnects by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
import { loadAlertingConfig } from './config.ts';
import { startAlerting, type Alerting } from './start-alerting.ts';
import { MemoryOutreachLog } from './testing/memory-outreach-log.ts';
import { noRollups } from './testing/no-rollups.ts';
import { signal, SignalProducer, silentLogger, waitFor } from './testing/signals.ts';
import { startSmtpSink, type SmtpSink } from './testing/smtp-sink.ts';

let dir: string;
let redis: PrivateRedis;
let smtp: SmtpSink;
let alerting: Alerting | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-restart-'));
  redis = await startPrivateRedis({ dir });
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await alerting?.close();
  await smtp?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function killAndRestartRedis() {
  const exited = new Promise((r) => redis.process.once('exit', r));
  redis.process.kill('SIGKILL'); // no shutdown fsync: only what the AOF already holds survives
  await exited;
  redis = await startPrivateRedis({ dir, port: redis.port });
}

const failure = (customer: string) => [
  signal('shop', `s-${customer}`, customer, { type: 'identify', customer, email: `${customer}@mail.example`, consent: { outreach: true } }),
  signal('shop', `s-${customer}`, customer, { type: 'checkout', step: 'start', id: `co-${customer}` }),
  signal('shop', `s-${customer}`, customer, { type: 'checkout', step: 'error', id: `co-${customer}` }),
];

const startWorker = () =>
  startAlerting({
    redisUrl: redis.url,
    config: loadAlertingConfig({ TOUCHPOINT_SMTP_URL: smtp.url, TOUCHPOINT_DELIVERY_BACKOFF: '200ms' }),
    outreachLog: new MemoryOutreachLog(),
    rollups: noRollups,
    registry: new Registry(),
    logger: silentLogger,
    projects: [],
  });

it('an acknowledged batch is processed after redis-server is killed and restarted', async () => {
  const producer = new SignalProducer(redis.url);
  await producer.send(failure('cust-before')); // acknowledged; no worker running yet
  await producer.close();
  await killAndRestartRedis();

  alerting = await startWorker();
  await waitFor('the mail for the batch sent before the restart', () => smtp.mails.find((m) => m.to.includes('cust-before@mail.example')), 15_000);
});

it('a running worker survives a Redis restart and processes batches sent after it', async () => {
  await killAndRestartRedis();
  const producer = new SignalProducer(redis.url);
  await producer.send(failure('cust-after'));
  await producer.close();
  await waitFor('the mail for the batch sent after the restart', () => smtp.mails.find((m) => m.to.includes('cust-after@mail.example')), 20_000);
  expect(smtp.mails.filter((m) => m.to.includes('cust-before@mail.example'))).toHaveLength(1);
});
