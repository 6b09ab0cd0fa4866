/**
 * Alerts people can read and trust, end to end on a real Touchpoint (collector, chDB, Redis) and
 * a real alerting worker, with a real SMTP peer and real HTTP receivers standing in for the
 * marketers' inbox, a generic webhook, Slack and Teams:
 * - a failed consented checkout: one marketer email in words, with the amount, what failed and a
 *   dashboards link that opens on that checkout; the same alert on the webhook, Slack and Teams
 *   in their documented formats, signed;
 * - SRE alerts firing and resolving on real rollups, on Slack and Teams;
 * - the customer's unsubscribe link suppresses exactly them, at once; a changed one is refused.
 * (Test-only imports of the collector: alerting's runtime code never imports it.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Beacon, BeaconEvent } from '@touchpoint/protocol';
import { createRollupReader } from '@touchpoint/collector/storage/alert-metrics';
import { createOutreachLog } from '@touchpoint/collector/storage/outreach-log';
import { ADMIN_TOKEN, postBeacon, startTestTouchpoint, tempDir } from '@touchpoint/node/testing';
import type { Touchpoint } from '@touchpoint/node';
import { loadAlertingConfig } from './config.ts';
import { sign } from './lib/webhook-signature.ts';
import { startAlerting, type Alerting } from './start-alerting.ts';
import { mimeHeader, mimePart } from './testing/mime.ts';
import { slackErrors, teamsErrors, webhookV1Errors } from './testing/schemas.ts';
import { silentLogger, waitFor } from './testing/signals.ts';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from './testing/smtp-sink.ts';
import { startWebhookSink, type ReceivedHook, type WebhookSink } from './testing/webhook-sink.ts';

const MARKETING = 'marketing@demo.example';
const SLACK_SECRET = 'slack-proxy-secret-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let tp: Touchpoint;
let alerting: Alerting;
let smtp: SmtpSink;
let hooks: WebhookSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  hooks = await startWebhookSink();
  const projectsFile = join(tempDir('alerts-projects'), 'projects.json');
  writeFileSync(projectsFile, JSON.stringify({ projects: [{ id: 'demo', key: 'demo', origins: ['*'], name: 'Demo Shop' }] }));
  tp = await startTestTouchpoint({ TOUCHPOINT_PROJECTS: projectsFile });
  alerting = await startAlerting({
    redisUrl: tp.redisUrl,
    config: loadAlertingConfig({
      TOUCHPOINT_PUBLIC_URL: tp.url,
      TOUCHPOINT_SMTP_URL: smtp.url,
      TOUCHPOINT_OUTREACH_FROM: 'Touchpoint <help@demo.example>',
      TOUCHPOINT_ALERT_EMAIL: MARKETING,
      TOUCHPOINT_ALERT_WEBHOOK: `${hooks.url}/alerts`,
      TOUCHPOINT_ALERT_SLACK_WEBHOOK: `${hooks.url}/slack`,
      TOUCHPOINT_ALERT_SLACK_WEBHOOK_SECRET: SLACK_SECRET,
      TOUCHPOINT_ALERT_TEAMS_WEBHOOK: `${hooks.url}/teams`,
      TOUCHPOINT_SRE_SLACK_WEBHOOK: `${hooks.url}/sre-slack`,
      TOUCHPOINT_SRE_TEAMS_WEBHOOK: `${hooks.url}/sre-teams`,
      // One message per customer per cooldown: make it short, so only suppression can stop a second one.
      TOUCHPOINT_OUTREACH_COOLDOWN: '1ms',
      TOUCHPOINT_SRE_INTERVAL: '1h',
      // One message per alert, at once: grouping has its own tests (workers/alert-groups.test.ts).
      TOUCHPOINT_ALERT_GROUPING: 'off',
    }),
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
});

/** The example failed checkout, now, for a customer and checkout of the test's choosing. */
function failedCheckout(customer: string, checkout: string, email: string): Beacon {
  const now = Date.now();
  const t = (msAgo: number) => now - msAgo;
  const events: BeaconEvent[] = [
    { type: 'identify', at: t(50_000), customer, email, language: 'en-AU', consent: { outreach: true } },
    { type: 'checkout', at: t(40_000), step: 'start', id: checkout, value: 149.95, currency: 'AUD' },
    { type: 'checkout', at: t(20_000), step: 'step', id: checkout, name: 'payment' },
    { type: 'http', at: t(2000), method: 'POST', url: 'https://shop.example/api/pay?attempt=2', status: 502, duration: 3120 },
    { type: 'checkout', at: t(1000), step: 'error', id: checkout, reason: 'payment_declined' },
  ];
  return { v: 1, session: `s-${checkout}`, customer, page: 'https://shop.example/checkout/payment', sentAt: now, events };
}

const mailsTo = (to: string) => smtp.mails.filter((m) => m.to.includes(to));
const text = (m: ReceivedMail) => mimePart(m.raw, 'text/plain');
const withCheckout = (path: string, checkout: string) => hooks.on(path).filter((x) => JSON.stringify(x.body).includes(checkout));

describe('a failed consented checkout', () => {
  let mail: ReceivedMail;

  beforeAll(async () => {
    expect((await postBeacon(tp, failedCheckout('cust-kim', 'co-99', 'kim@example.com'))).status).toBe(204);
    mail = await waitFor('the marketer email', () => mailsTo(MARKETING)[0], 15_000);
    await waitFor('Slack, Teams and the webhook', () => withCheckout('/slack', 'co-99')[0] && withCheckout('/teams', 'co-99')[0] && withCheckout('/alerts', 'co-99')[0], 10_000);
  });

  it('gives one marketer email, in words, with the amount, the step, what failed and whether the customer is contacted', async () => {
    await sleep(500);
    expect(mailsTo(MARKETING)).toHaveLength(1);
    // Intl writes the currency code with a no-break space before the amount: \s matches it.
    expect(mail.subject).toMatch(/^Checkout failed at Demo Shop: AUD\s149\.95$/);
    expect(mimeHeader(mail.raw, 'From')).toMatch(/Touchpoint · Demo Shop.*<help@demo\.example>/);
    const body = text(mail);
    expect(body).toMatch(/AUD\s149\.95/);
    expect(body).toContain('payment step');
    expect(body).toContain('the request POST /api/pay answered HTTP 502');
    expect(body).not.toContain('attempt=2'); // the request's path, not its query
    expect(body).toMatch(/Touchpoint is contacting them by email now/);
    expect(body).toContain('cust-kim');
    // No JSON anywhere in it.
    expect(body).not.toMatch(/[{}[\]]|"\w+"\s*:/);
    expect(mimePart(mail.raw, 'text/html')).toContain('Demo Shop');
  });

  it('links to the dashboards, which answer, and the link opens the marketer view on that checkout', async () => {
    const link = /(http:\/\/127\.0\.0\.1:\d+\/dashboards\/#marketer\?\S+)/.exec(text(mail))?.[1];
    expect(link).toBeDefined();
    const url = new URL(link!);
    expect(url.origin).toBe(tp.url);
    const page = await fetch(url); // the fragment stays in the browser
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Touchpoint</title>');
    const state = new URLSearchParams(url.hash.split('?')[1]);
    expect(state.get('project')).toBe('demo');
    expect(state.get('checkout')).toBe('co-99');
    // What the view fetches for that state: the funnel of the link's window, focused on the checkout.
    const q = new URLSearchParams({ from: state.get('from')!, to: state.get('to')!, checkout: 'co-99', limit: '50' });
    const funnel = await waitFor('the checkout in storage', async () => {
      const res = await fetch(`${tp.url}/api/v1/projects/demo/funnel?${q}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const body = (await res.json()) as { focus: { status: string; value: number; reason: string } | null };
      return res.status === 200 && body.focus ? body : undefined;
    }, 15_000, 200);
    expect(funnel.focus).toMatchObject({ status: 'failed', value: 149.95, reason: 'payment_declined' });
  });

  it('sends the same alert to the webhook (schema v1), Slack and Teams in their documented formats', () => {
    const [generic] = withCheckout('/alerts', 'co-99');
    expect(webhookV1Errors(generic!.body)).toEqual([]);
    expect(generic!.body).toMatchObject({ version: 1, kind: 'marketer-alert', reason: 'checkout_error', shop: 'Demo Shop', value: 149.95, currency: 'AUD', step: 'payment', customerContact: { status: 'contacting', channels: ['email'] } });
    expect((generic!.body.failures as unknown[])[0]).toEqual({ kind: 'request', method: 'POST', path: '/api/pay', status: 502 });

    const [slack] = withCheckout('/slack', 'co-99');
    expect(slackErrors(slack!.body)).toEqual([]);
    expect(slack!.body.text).toMatch(/^Checkout failed at Demo Shop: AUD\s149\.95$/);
    const [teams] = withCheckout('/teams', 'co-99');
    expect(teamsErrors(teams!.body)).toEqual([]);
    expect(JSON.stringify(teams!.body)).toContain(`${tp.url}/dashboards/#marketer?`);
  });

  it('signs Slack with its secret, and leaves Teams (no secret) unsigned', () => {
    const [slack] = withCheckout('/slack', 'co-99') as [ReceivedHook];
    const ts = Number(slack.headers['x-touchpoint-timestamp']);
    expect(slack.headers['x-touchpoint-signature']).toBe(`v1=${sign(SLACK_SECRET, ts, slack.raw)}`);
    expect(withCheckout('/teams', 'co-99')[0]?.headers['x-touchpoint-signature']).toBeUndefined();
  });
});

describe('SRE threshold alerts on Slack and Teams', () => {
  const lcps = (n: number, value: number): Beacon[] =>
    Array.from({ length: n }, (_, i) => ({ v: 1, session: `sre-${value}-${i}`, page: 'https://shop.example/slow', sentAt: Date.now(), events: [{ type: 'vital', at: Date.now(), name: 'LCP', value }] }));

  it('fires with the figure, the threshold and a dashboards link, then resolves', async () => {
    for (const b of lcps(25, 3200)) expect((await postBeacon(tp, b)).status).toBe(204);
    await waitFor('the rule firing', async () => (await alerting.evaluateSre()).some((t) => t.state === 'firing' && t.series === 'lcp-p75:/slow'), 15_000, 300);
    const slack = await waitFor('the firing Slack message', () => hooks.on('/sre-slack').find((x) => JSON.stringify(x.body).includes('/slow')));
    const teams = await waitFor('the firing Teams message', () => hooks.on('/sre-teams').find((x) => JSON.stringify(x.body).includes('/slow')));
    expect(slackErrors(slack.body)).toEqual([]);
    expect(teamsErrors(teams.body)).toEqual([]);
    expect(slack.body.text).toBe('LCP p75 above its threshold on /slow at Demo Shop');
    const words = JSON.stringify(teams.body);
    expect(words).toContain('3,200 ms');
    expect(words).toContain('2,500 ms');
    expect(words).toContain(`${tp.url}/dashboards/#sre?project=demo&metric=LCP&path=%2Fslow`);
    // No marketer channel hears about it.
    expect(hooks.on('/slack').filter((x) => JSON.stringify(x.body).includes('/slow'))).toHaveLength(0);

    for (const b of lcps(80, 900)) expect((await postBeacon(tp, b)).status).toBe(204);
    await waitFor('the rule resolving', async () => (await alerting.evaluateSre()).some((t) => t.state === 'resolved' && t.series === 'lcp-p75:/slow'), 15_000, 300);
    const resolved = await waitFor('the resolved Slack message', () => hooks.on('/sre-slack').find((x) => String(x.body.text).startsWith('Resolved')));
    expect(slackErrors(resolved.body)).toEqual([]);
    await waitFor('the resolved Teams message', () => hooks.on('/sre-teams').length === 2);
    expect(teamsErrors(hooks.on('/sre-teams')[1]!.body)).toEqual([]);
    expect(JSON.stringify(hooks.on('/sre-teams')[1]!.body)).toContain('Resolved');
  });
});

describe('unsubscribe', () => {
  let link: string;

  beforeAll(async () => {
    await waitFor('the customer email', () => mailsTo('kim@example.com')[0], 15_000);
  });

  it('customer emails carry List-Unsubscribe (https link) and one-click, and the link in both bodies', () => {
    const mail = mailsTo('kim@example.com')[0]!;
    expect(mimeHeader(mail.raw, 'From')).toMatch(/^"?Demo Shop"? <help@demo\.example>$/);
    expect(mail.subject).toBe('Your order at Demo Shop did not go through');
    const header = mimeHeader(mail.raw, 'List-Unsubscribe');
    link = /^<([^>]+)>$/.exec(header)?.[1] ?? '';
    expect(link).toMatch(new RegExp(`^${tp.url}/unsubscribe\\?token=`));
    expect(header).not.toContain('mailto:');
    expect(mimeHeader(mail.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const plain = mimePart(mail.raw, 'text/plain');
    expect(plain).toContain(`Unsubscribe: ${link}`);
    expect(plain).not.toMatch(/charged|basket is saved|our fault/i);
    expect(mimePart(mail.raw, 'text/html')).toContain(`href="${link.replace(/&/g, '&#38;')}"`);
  });

  it('GET shows a page and changes nothing; the one-click POST suppresses that customer at once', async () => {
    const page = await fetch(link, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Stop emails from Demo Shop?');
    expect(await alerting.store.isSuppressed('demo', 'cust-kim')).toBe(false);
    const res = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed');
    expect(await alerting.store.isSuppressed('demo', 'cust-kim')).toBe(true);
  });

  it('refuses the link changed to another customer', async () => {
    const token = new URL(link).searchParams.get('token')!;
    const forged = `${Buffer.from(JSON.stringify(['demo', 'cust-lee'])).toString('base64url')}.${token.split('.')[1]}`;
    const res = await fetch(`${tp.url}/unsubscribe?token=${forged}`, { method: 'POST' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'TP_ERR_UNSUBSCRIBE_LINK_INVALID' });
    expect(await alerting.store.isSuppressed('demo', 'cust-lee')).toBe(false);
  });

  it('a second failure sends the unsubscribed customer nothing, while another customer still gets mail', async () => {
    const before = mailsTo('kim@example.com').length;
    expect((await postBeacon(tp, failedCheckout('cust-kim', 'co-100', 'kim@example.com'))).status).toBe(204);
    expect((await postBeacon(tp, failedCheckout('cust-lee', 'co-101', 'lee@example.com'))).status).toBe(204);
    await waitFor('the other customer’s email', () => mailsTo('lee@example.com')[0], 15_000);
    const alert = await waitFor('the marketer alert for the second failure', () => mailsTo(MARKETING).find((m) => text(m).includes('co-100')), 15_000);
    expect(text(alert)).toContain('not contacted: they are on the do-not-contact list');
    await sleep(1000);
    expect(mailsTo('kim@example.com')).toHaveLength(before);
    const log = createOutreachLog(tp.storage);
    const report = await waitFor('the skip in the outreach log', async () => {
      const r = await log.list({ project: 'demo', from: Date.now() - 3_600_000, to: Date.now() + 60_000, limit: 100, readDelayMs: 60_000 });
      return r.contacts.some((i) => i.checkout === 'co-100') && r;
    }, 15_000, 200);
    expect(report.contacts.filter((i) => i.checkout === 'co-100')).toMatchObject([{ decision: 'skipped', skipReason: 'suppressed' }]);
  });
});
