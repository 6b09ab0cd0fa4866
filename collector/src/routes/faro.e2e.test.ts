/**
 * The published Grafana Faro Web SDK in real headless Chromium, pointed at a running Touchpoint
 * with the collector and worker roles: its LCP, errors and failed requests must reach the summary
 * and the query API, and a checkout that fails through Faro's pushEvent/pushError (the
 * convention in docs/faro-compat.md) must reach the rescue worker: one email over real SMTP and
 * one outreach webhook, as a failed checkout of the agent's does.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '@touchpoint/alerting/testing/smtp-sink';
import { startWebhookSink, type WebhookSink } from '@touchpoint/alerting/testing/webhook-sink';
import { launchChromium } from '../receivers/testing/browser.ts';
import { hidePage } from '../receivers/testing/hide-page.ts';
import { startSdkShop, type SdkShop } from '../receivers/testing/sdk-shop.ts';
import { getJson, startTestTouchpoint, summary, waitFor } from '@touchpoint/node/testing';
import type { Touchpoint } from '@touchpoint/node';

let tp: Touchpoint;
let shop: SdkShop;
let browser: Browser;
let smtp: SmtpSink;
let hooks: WebhookSink;
const since = Date.now() - 60_000;

beforeAll(async () => {
  [smtp, hooks, shop, browser] = await Promise.all([startSmtpSink(), startWebhookSink(), startSdkShop(), launchChromium()]);
  tp = await startTestTouchpoint({
    TOUCHPOINT_ROLES: 'collector,worker',
    TOUCHPOINT_SMTP_URL: smtp.url,
    TOUCHPOINT_OUTREACH_WEBHOOK: `${hooks.url}/outreach`,
    TOUCHPOINT_ALERT_WEBHOOK: `${hooks.url}/alerts`,
    // One marketer alert per checkout, as this test reads them (grouping has its own tests).
    TOUCHPOINT_ALERT_GROUPING: 'off',
  });
});
afterAll(async () => {
  await browser?.close();
  await tp?.close();
  await Promise.all([shop?.close(), smtp?.close(), hooks?.close()]);
});

async function visit(path: string): Promise<{ page: Page; session: string }> {
  const page = await browser.newPage();
  await page.goto(shop.pageUrl('faro', path, { collector: tp.url, key: 'demo' }), { waitUntil: 'load' });
  const session = await page.waitForFunction('window.faro?.api.getSession()?.id');
  return { page, session: String(await session.jsonValue()) };
}

it('LCP, errors and failed requests from Faro reach the summary and the query API', async () => {
  const { page, session } = await visit('/products/kettle');
  await page.evaluate('window.shop.throwError()');
  expect(await page.evaluate('window.shop.failedRequest()')).toBe(500);
  // A click makes LCP final; the hide makes web-vitals report LCP, CLS and INP.
  await page.click('#buy');
  await hidePage(page);

  const s = await waitFor(async () => {
    const s = await summary(tp, { session });
    return (s.vitals.LCP?.count ?? 0) >= 1 && (s.events.error ?? 0) >= 1 && (s.events.http ?? 0) >= 1 && s;
  });
  expect(s.vitals.LCP!.p50).toBeGreaterThan(0);
  for (const v of ['FCP', 'TTFB']) expect(s.vitals[v]?.count, v).toBe(1);
  expect(s.events.nav).toBe(1);

  const q = new URLSearchParams({ from: String(since), to: String(Date.now() + 60_000) });
  const errors = await getJson<{ topMessages: { message: string }[]; topHosts: { host: string; serverErrors: number }[] }>(tp, `/api/v1/projects/demo/errors?${q}`);
  expect(errors.status).toBe(200);
  expect(errors.body.topMessages.map((m) => m.message)).toContain("Cannot read properties of undefined (reading 'price')");
  expect(errors.body.topHosts).toContainEqual(expect.objectContaining({ host: new URL(shop.origin).host, serverErrors: 1 }));
  // initializeFaro's app.version is the page's release.
  const releases = await getJson<{ releases: { release: string }[] }>(tp, `/api/v1/projects/demo/releases?${q}`);
  expect(releases.body.releases.map((r) => r.release)).toEqual(['1.0.0']);
  await page.close();
});

it.each([
  ['a payment request answered 502, then pushError', 'pay', 'cust-faro-pay', 'co-faro-pay', 'Payment failed: 502'],
  ['pushError alone (the card is declined, no request fails)', 'decline', 'cust-faro-decline', 'co-faro-decline', 'card_declined'],
])('a checkout failed through pushEvent and %s reaches the rescue worker: one email, one webhook', async (_how, action, customer, checkout, reason) => {
  const email = `${customer}@example.com`;
  const { page } = await visit('/checkout/payment');
  await page.evaluate(`window.shop.identify('${customer}', '${email}', true)`);
  await page.evaluate(`window.shop.startCheckout('${checkout}')`);
  const failed = Date.now();
  await page.evaluate(`window.shop.${action}('${checkout}')`);

  const mail = await waitFor(async () => smtp.mails.find((m) => m.to.includes(email)), 30_000);
  const hook = await waitFor(async () => hooks.on('/outreach').find((h) => h.body.checkout === checkout), 30_000);
  console.log(`Faro ${action} → email ${mail.at - failed} ms, webhook ${hook.at - failed} ms (includes Faro's 100 ms batch window)`);
  expect(hook.body).toMatchObject({ kind: 'customer-outreach', project: 'demo', customer, reason: 'checkout_error', checkout, channel: 'webhook' });
  expect(mail.raw).toContain('149.95');
  const alert = await waitFor(async () => hooks.on('/alerts').find((h) => h.body.checkout === checkout));
  expect(alert.body).toMatchObject({ kind: 'marketer-alert', reason: 'checkout_error', customer, value: 149.95, currency: 'AUD' });
  // The checkout's error step is stored with the reason pushError gave (or the error itself).
  const stored = await waitFor(async () => {
    const rs = await tp.storage.client.query({ query: "SELECT reason FROM touchpoint.checkouts WHERE checkout_id = {c:String} AND step = 'error'", query_params: { c: checkout }, format: 'JSONEachRow' });
    const rows = await rs.json<{ reason: string }>();
    return rows.length > 0 && rows;
  });
  expect(stored.map((r) => r.reason)).toEqual([expect.stringContaining(reason)]);
  // One message per incident, however many signals said so (a 502, the error, its checkout step).
  await new Promise((r) => setTimeout(r, 1000));
  expect(smtp.mails.filter((m) => m.to.includes(email))).toHaveLength(1);
  await page.close();
});
