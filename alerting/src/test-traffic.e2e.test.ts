/**
 * Test traffic never reaches people, end to end: beacons tagged as the k6 scenarios tag them
 * (the X-Touchpoint-Load-Test header, `k6-<run>-…` sessions, a `loadtest` event opening each
 * session; load-tests/README.md "Tagged") go through a real collector (chDB, spool, fast lane)
 * to a real worker with a real SMTP peer and a real webhook receiver standing in for customers'
 * inboxes, the outreach webhook, the marketers' email and webhook and the SREs' webhook. Consented
 * customers with failed and stuck checkouts: tagged, nothing arrives anywhere and the outreach
 * log says why; the same traffic untagged reaches customers and marketers. A project's test
 * recipient is the one exception. SRE threshold rules read the real rollups: slow, failing pages
 * under a load test fire nothing, the same pages untagged fire. (Test-only imports of the
 * collector and node.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Beacon, BeaconEvent } from '@touchpoint/protocol';
import { createRollupReader } from '@touchpoint/collector/storage/alert-metrics';
import { createOutreachLog } from '@touchpoint/collector/storage/outreach-log';
import type { Touchpoint } from '@touchpoint/node';
import { postBeacon, startTestTouchpoint, tempDir } from '@touchpoint/node/testing';
import { loadAlertingConfig } from './config.ts';
import { startAlerting, type Alerting } from './start-alerting.ts';
import { silentLogger, waitFor } from './testing/signals.ts';
import { startSmtpSink, type SmtpSink } from './testing/smtp-sink.ts';
import { startWebhookSink, type WebhookSink } from './testing/webhook-sink.ts';

const MARKETING = 'marketing@demo.example';
const SRE = 'sre@demo.example';
const RUN = 'census-1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let tp: Touchpoint;
let alerting: Alerting;
let smtp: SmtpSink;
let hooks: WebhookSink;
const registry = new Registry();

beforeAll(async () => {
  smtp = await startSmtpSink();
  hooks = await startWebhookSink();
  const projectsFile = join(tempDir('test-traffic-projects'), 'projects.json');
  writeFileSync(projectsFile, JSON.stringify({ projects: [{ id: 'demo', key: 'demo', origins: ['*'], name: 'Demo Shop', testRecipients: ['qa-1'] }] }));
  tp = await startTestTouchpoint({ TOUCHPOINT_PROJECTS: projectsFile });
  alerting = await startAlerting({
    redisUrl: tp.redisUrl,
    config: loadAlertingConfig({
      TOUCHPOINT_PUBLIC_URL: tp.url,
      TOUCHPOINT_SMTP_URL: smtp.url,
      TOUCHPOINT_OUTREACH_FROM: 'Demo Shop <help@demo.example>',
      TOUCHPOINT_OUTREACH_WEBHOOK: `${hooks.url}/outreach`,
      TOUCHPOINT_ALERT_EMAIL: MARKETING,
      TOUCHPOINT_ALERT_WEBHOOK: `${hooks.url}/alerts`,
      TOUCHPOINT_SRE_EMAIL: SRE,
      TOUCHPOINT_SRE_WEBHOOK: `${hooks.url}/sre`,
      TOUCHPOINT_STUCK_AFTER: '1s',
      // Alerts as they happen: this test is about whether anything is sent, not how it is grouped.
      TOUCHPOINT_ALERT_GROUPING: 'off',
      // Evaluated when the test asks (evaluateSre), on few samples: a handful of page loads is an incident here.
      TOUCHPOINT_SRE_INTERVAL: '1h',
      TOUCHPOINT_SRE_RULES: JSON.stringify([
        { id: 'lcp-p75', kind: 'timing', metric: 'LCP', quantile: 0.75, above: 2500, window: '5m', minCount: 5 },
        { id: 'errors', kind: 'error_rate', above: 5, window: '5m', minCount: 5 },
      ]),
    }),
    outreachLog: createOutreachLog(tp.storage),
    rollups: createRollupReader(tp.storage),
    registry,
    logger: silentLogger,
    projects: [{ id: 'demo', name: 'Demo Shop', testRecipients: ['qa-1'] }],
  });
});
afterAll(async () => {
  await alerting?.close();
  await tp?.close();
  await hooks?.close();
  await smtp?.close();
});

interface Visit {
  beacons: Beacon[];
  headers: Record<string, string>;
}

/**
 * One consented customer's checkout, failed or left stuck, as two beacons of one session the way
 * the k6 generator sends them (load-tests/k6/lib/beacons.js): tagged, or the same visit untagged.
 */
function visit(customer: string, checkout: string, outcome: 'error' | 'stuck', tagged: boolean): Visit {
  const now = Date.now();
  const session = tagged ? `k6-${RUN}-${checkout}-0badf00d` : `s${checkout.replace(/\W/g, '')}`;
  const first: BeaconEvent[] = [
    ...(tagged ? [{ type: 'custom', at: now - 3000, name: 'loadtest', props: { tool: 'k6', run: RUN } } as BeaconEvent] : []),
    { type: 'identify', at: now - 3000, customer, email: `${customer}@shop.example`, language: 'en', consent: { outreach: true } },
    { type: 'checkout', at: now - 2500, step: 'start', id: checkout, value: 60, currency: 'EUR' },
  ];
  const second: BeaconEvent[] = [{ type: 'checkout', at: now - 1000, step: 'step', id: checkout, name: 'payment' }];
  if (outcome === 'error') second.push({ type: 'checkout', at: now - 500, step: 'error', id: checkout, reason: 'card_declined' });
  const page = 'https://shop.example/checkout';
  return {
    beacons: [
      { v: 1, session, page, sentAt: now, events: first },
      { v: 1, session, customer, page, sentAt: now, events: second },
    ],
    headers: tagged ? { 'x-touchpoint-load-test': `k6/${RUN}` } : {},
  };
}

async function send(v: Visit) {
  for (const b of v.beacons) expect((await postBeacon(tp, b, { headers: v.headers })).status).toBe(204);
}

async function counted(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

const customersOf = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('k6-tagged traffic with consented customers', () => {
  const customers = customersOf(4, `k6-c-${RUN}`);

  it('sends nothing to anyone, and logs and counts why', async () => {
    for (const [i, c] of customers.entries()) await send(visit(c, `co-k6-${i}`, i % 2 ? 'stuck' : 'error', true));
    // Two failed and two stuck checkouts: every one an incident the worker saw and set aside.
    await waitFor('the four test incidents', async () => (await counted('touchpoint_test_traffic_incidents_total', { outcome: 'skipped' })) === 4, 20_000, 100);
    const log = createOutreachLog(tp.storage);
    const report = await waitFor('the skips in the outreach log', async () => {
      const r = await log.list({ project: 'demo', from: Date.now() - 3_600_000, to: Date.now() + 60_000, limit: 100, readDelayMs: 60_000 });
      return r.contacts.length === 4 && r;
    }, 15_000, 200);
    expect(report.contacts.map((i) => [i.customer, i.decision, i.skipReason]).sort()).toEqual(customers.map((c) => [c, 'skipped', 'test_traffic']));
    // Anything queued would have gone by now (deliveries take milliseconds here): give it a second more.
    await sleep(1500);
    expect(smtp.attempts).toBe(0);
    expect(smtp.mails).toEqual([]);
    expect(hooks.hooks).toEqual([]);
    expect(await counted('touchpoint_alerts_sent_total')).toBe(0);
    // The load test's identify did not become contact details or consent.
    expect(await alerting.store.contact('demo', customers[0]!)).toBeNull();
  });

  it('while the same traffic untagged reaches the customers and the marketers', async () => {
    const real = customersOf(4, 'cust');
    for (const [i, c] of real.entries()) await send(visit(c, `co-real-${i}`, i % 2 ? 'stuck' : 'error', false));
    for (const c of real) await waitFor(`the email to ${c}`, () => smtp.mails.find((m) => m.to.includes(`${c}@shop.example`)), 20_000);
    await waitFor('a marketer email per checkout', () => smtp.mails.filter((m) => m.to.includes(MARKETING)).length === 4, 20_000);
    await waitFor('the outreach webhook per customer', () => hooks.on('/outreach').length === 4, 20_000);
    await waitFor('a marketer webhook per checkout', () => hooks.on('/alerts').length === 4, 20_000);
    // None of it about the load test's customers.
    expect(JSON.stringify([...smtp.mails.map((m) => m.raw), ...hooks.hooks.map((h) => h.raw)])).not.toContain(`k6-c-${RUN}`);
  });
});

describe("a project's test recipients", () => {
  it('are the only ones test traffic may contact, and no marketer hears of it', async () => {
    const marketerMails = smtp.mails.filter((m) => m.to.includes(MARKETING)).length;
    const marketerHooks = hooks.on('/alerts').length;
    await send(visit('qa-1', 'co-qa-1', 'error', true));
    await send(visit('qa-2', 'co-qa-2', 'error', true));
    await waitFor('the email to the test recipient', () => smtp.mails.find((m) => m.to.includes('qa-1@shop.example')), 20_000);
    await waitFor('both test incidents', async () => (await counted('touchpoint_test_traffic_incidents_total', { outcome: 'test_recipient' })) === 1 && (await counted('touchpoint_test_traffic_incidents_total', { outcome: 'skipped' })) === 5, 20_000, 100);
    await sleep(1500);
    expect(smtp.mails.filter((m) => m.to.includes('qa-2@shop.example'))).toEqual([]);
    expect(smtp.mails.filter((m) => m.to.includes(MARKETING))).toHaveLength(marketerMails);
    expect(hooks.on('/alerts')).toHaveLength(marketerHooks);
  });
});

describe('SRE threshold rules on k6-tagged traffic', () => {
  const PAGE = 'https://shop.example/slow-sre';
  /** A page load over the LCP threshold with a JS error: tagged as the k6 scenarios tag it, or not. */
  const slowLoad = (i: number, tagged: boolean): Visit => {
    const now = Date.now();
    const b: Beacon = {
      v: 1, session: tagged ? `k6-${RUN}-sre-${i}-0badf00d` : `ssre${i}`, page: PAGE, sentAt: now, events: [
        { type: 'nav', at: now - 3000, dns: 1, tcp: 2, tls: 3, ttfb: 400, download: 50, domInteractive: 2000, domComplete: 5000, load: 5200 },
        { type: 'vital', at: now - 2000, name: 'LCP', value: 6000 + i },
        { type: 'error', at: now - 1000, kind: 'js', message: 'render failed' },
      ],
    };
    return { beacons: [b], headers: tagged ? { 'x-touchpoint-load-test': `k6/${RUN}` } : {} };
  };
  const stored = (tagged: boolean) => async () => {
    const rs = await tp.storage.client.query({
      query: `SELECT toUInt32(count()) AS n FROM {db:Identifier}.vitals WHERE project = 'demo' AND path = '/slow-sre' AND (test_traffic != '') = {tagged:Bool}`,
      query_params: { db: tp.storage.database, tagged },
      format: 'JSONEachRow',
    });
    const [r] = await rs.json<{ n: number }>();
    return r?.n === 10;
  };

  it('fire no SRE alert for slow, failing pages under a load test, and fire for the same pages untagged', async () => {
    for (let i = 0; i < 10; i++) await send(slowLoad(i, true));
    // Stored (the rows are there, marked), and still nothing to fire on.
    await waitFor('the load test\'s page loads stored', stored(true), 20_000, 100);
    expect(await alerting.evaluateSre()).toEqual([]);
    await sleep(1000);
    expect(hooks.on('/sre')).toEqual([]);
    expect(smtp.mails.filter((m) => m.to.includes(SRE))).toEqual([]);

    for (let i = 0; i < 10; i++) await send(slowLoad(i, false));
    await waitFor('the real page loads stored', stored(false), 20_000, 100);
    const fired = await alerting.evaluateSre();
    expect(fired.map((t) => [t.series, t.state, t.measurement?.count]).sort()).toEqual([['errors', 'firing', 10], ['lcp-p75:/slow-sre', 'firing', 10]]);
    await waitFor('both SRE webhooks', () => hooks.on('/sre').length === 2, 20_000);
    await waitFor('both SRE emails', () => smtp.mails.filter((m) => m.to.includes(SRE)).length === 2, 20_000);
  });
});
