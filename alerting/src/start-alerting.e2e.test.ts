/**
 * The whole rescue path on the real collector: a beacon POSTed to /v1/beacon → durable spool →
 * signal batch on BullMQ → rules → email over SMTP and webhook → outreach log in ClickHouse.
 * (Test-only imports of the collector: alerting's runtime code never imports it.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Beacon } from '@touchpoint/protocol';
import { loadConfig } from '@touchpoint/node/config';
import { createRollupReader } from '@touchpoint/collector/storage/alert-metrics';
import { createOutreachLog } from '@touchpoint/collector/storage/outreach-log';
import { startTouchpoint, type Touchpoint } from '@touchpoint/node';
import { loadAlertingConfig } from './config.ts';
import { startAlerting, type Alerting } from './start-alerting.ts';
import { silentLogger, waitFor } from './testing/signals.ts';
import { startSmtpSink, type SmtpSink } from './testing/smtp-sink.ts';
import { startWebhookSink, type WebhookSink } from './testing/webhook-sink.ts';

let dir: string;
let tp: Touchpoint;
let alerting: Alerting;
let smtp: SmtpSink;
let hooks: WebhookSink;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-rescue-e2e-'));
  smtp = await startSmtpSink();
  hooks = await startWebhookSink();
  tp = await startTouchpoint(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, TOUCHPOINT_ADMIN_TOKEN: 'test-admin-token', TOUCHPOINT_ROLES: 'collector', LOG_LEVEL: 'warn' }));
  alerting = await startAlerting({
    redisUrl: tp.redisUrl,
    config: loadAlertingConfig({ TOUCHPOINT_SMTP_URL: smtp.url, TOUCHPOINT_OUTREACH_WEBHOOK: `${hooks.url}/outreach`, TOUCHPOINT_ALERT_WEBHOOK: `${hooks.url}/alerts`, TOUCHPOINT_ALERT_GROUPING: 'off' }),
    outreachLog: createOutreachLog(tp.storage),
    rollups: createRollupReader(tp.storage),
    registry: new Registry(),
    logger: silentLogger,
    projects: [{ id: 'demo', name: 'Demo Shop' }],
  });
});
afterAll(async () => {
  await alerting?.close();
  await tp?.close();
  await hooks?.close();
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a failed checkout beacon → one email, one webhook, one marketer alert, and the outreach log', async () => {
  const example = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@touchpoint/protocol/examples/checkout-failure.json'), 'utf8')) as Beacon;
  const now = Date.now();
  const shift = now - example.sentAt;
  const beacon: Beacon = { ...example, sentAt: now, events: example.events.map((e) => ({ ...e, at: e.at + shift })) };
  const res = await fetch(`${tp.url}/v1/beacon?key=demo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(beacon) });
  const acked = Date.now();
  expect(res.status).toBe(204);

  const mail = await waitFor('the email', () => smtp.mails[0], 15_000);
  const hook = await waitFor('the webhook', () => hooks.on('/outreach')[0], 15_000);
  console.log(`beacon 204 → email ${mail.at - acked} ms, webhook ${hook.at - acked} ms (includes the collector's spool interval)`);
  expect(mail.to).toEqual(['kim@example.com']);
  expect(mail.subject).toBe('Your order at Demo Shop did not go through');
  expect(mail.raw).toContain('149.95 AUD');
  expect(hook.body).toMatchObject({ kind: 'customer-outreach', project: 'demo', customer: 'cust-4821', reason: 'checkout_error', checkout: 'co-99', channel: 'webhook' });
  await waitFor('the marketer alert', () => hooks.on('/alerts')[0]);
  expect(hooks.on('/alerts')[0]?.body).toMatchObject({ kind: 'marketer-alert', project: 'demo', reason: 'checkout_error', customer: 'cust-4821', checkout: 'co-99', value: 149.95, currency: 'AUD' });

  const log = createOutreachLog(tp.storage);
  const report = await waitFor('the outreach log rows', async () => {
    const r = await log.list({ project: 'demo', from: now - 60_000, to: Date.now() + 60_000, limit: 10, readDelayMs: 60_000 });
    return r.contacts[0]?.channels.length === 2 && r;
  });
  expect(report.contacts).toHaveLength(1);
  expect(report.contacts[0]?.channels.map((c) => c.channel).sort()).toEqual(['email', 'webhook']);
  expect(report.totals).toMatchObject({ contacted: 1, completedAfterContact: 0 });
  // No contact details reach ClickHouse.
  const rs = await tp.storage.client.query({ query: `SELECT count() AS n FROM ${tp.storage.database}.outreach_log WHERE position(toString(tuple(*)), 'kim@') > 0`, format: 'JSONEachRow' });
  expect(Number((await rs.json<{ n: number | string }>())[0]?.n)).toBe(0);

  // The customer comes back and buys: the outcome turns up in the log.
  const complete: Beacon = { v: 1, session: beacon.session, customer: 'cust-4821', page: 'https://shop.example/checkout/done', sentAt: Date.now(), events: [{ type: 'checkout', at: Date.now(), step: 'complete', id: 'co-100', value: 149.95, currency: 'AUD' }] };
  expect((await fetch(`${tp.url}/v1/beacon?key=demo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(complete) })).status).toBe(204);
  // A new checkout, begun after the email: with no read delay it counts at once (the delay has its own tests).
  await waitFor('the completion after contact', async () => (await log.list({ project: 'demo', from: now - 60_000, to: Date.now() + 60_000, limit: 10, readDelayMs: 0 })).totals.completedAfterContact === 1, 15_000, 200);
  expect(smtp.mails).toHaveLength(1);
});
