/**
 * Exactly once across a crash: the worker is killed with SIGKILL while it is handing the email to
 * the SMTP server; a second worker takes the job over and the customer gets one message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
import { signal, SignalProducer, waitFor } from './testing/signals.ts';
import { startSmtpSink, type SmtpSink } from './testing/smtp-sink.ts';
import { startWebhookSink, type WebhookSink } from './testing/webhook-sink.ts';

const ENTRY = fileURLToPath(new URL('./testing/worker-process.ts', import.meta.url));
let dir: string;
let redis: PrivateRedis;
let smtp: SmtpSink;
let hooks: WebhookSink;
let producer: SignalProducer;
const children: ChildProcess[] = [];

function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      TOUCHPOINT_SMTP_URL: smtp.url,
      TOUCHPOINT_OUTREACH_WEBHOOK: `${hooks.url}/outreach`,
      TOUCHPOINT_ALERT_WEBHOOK: `${hooks.url}/alerts`,
      TOUCHPOINT_ALERT_GROUPING: 'off',
      // A killed worker's job is taken over once its lock lapses: keep that short for the test.
      TOUCHPOINT_WORKER_LOCK: '1s',
      TOUCHPOINT_DELIVERY_BACKOFF: '100ms',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-crash-'));
  redis = await startPrivateRedis({ dir });
  smtp = await startSmtpSink();
  hooks = await startWebhookSink();
  producer = new SignalProducer(redis.url);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await producer?.close();
  await hooks?.close();
  await smtp?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('worker kill -9 mid-send → the customer gets the message once', async () => {
  const first = await startWorker();
  smtp.holdRcpt = 60_000; // the first worker's SMTP transaction hangs mid-way
  const c = 'cust-crash';
  await producer.send([
    signal('shop', 's-crash', c, { type: 'identify', customer: c, email: 'crash@mail.example', consent: { outreach: true } }),
    signal('shop', 's-crash', c, { type: 'checkout', step: 'start', id: 'co-crash' }),
    signal('shop', 's-crash', c, { type: 'checkout', step: 'error', id: 'co-crash' }),
  ]);
  await waitFor('the first worker to be mid-send', () => smtp.rcpts > 0, 15_000);
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  expect(smtp.mails).toHaveLength(0);
  smtp.holdRcpt = 0;

  await startWorker();
  await waitFor('the mail from the second worker', () => smtp.mails[0], 20_000);
  await waitFor('the outreach webhook', () => hooks.on('/outreach')[0], 20_000);
  await new Promise((r) => setTimeout(r, 2500)); // more than a lock period: nothing else arrives
  expect(smtp.mails.map((m) => m.to)).toEqual([['crash@mail.example']]);
  expect(hooks.on('/outreach')).toHaveLength(1);
  expect(hooks.on('/alerts')).toHaveLength(1);
});
