/**
 * The dashboards in real headless Chromium over a real Touchpoint: sign in, both views over
 * seeded data with the numbers checked against the API, the live strip moving when beacons
 * arrive; screenshots of both views go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconEvent } from '@touchpoint/protocol';
import { createOutreachLog } from '@touchpoint/collector/storage/outreach-log';
import { ADMIN_TOKEN, beacon, postBeacon, waitFor } from '@touchpoint/node/testing';
import { startDashboardsServer, type DashboardsServer } from './testing/dashboards-server.ts';
import { checkoutLink } from '@touchpoint/alerting/lib/dashboard-links';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

let server: DashboardsServer;
let browser: Browser;
let page: Page;

const at = (msAgo = 0) => Date.now() - msAgo;
const vital = (name: 'LCP' | 'INP' | 'CLS', value: number, target?: string): BeaconEvent => ({ type: 'vital', at: at(), name, value, ...(target ? { attribution: { target } } : {}) });
const nav = (): BeaconEvent => ({ type: 'nav', at: at(), dns: 5, tcp: 10, tls: 12, ttfb: 180, download: 20, domInteractive: 700, domComplete: 1200, load: 1300 });
const co = (step: 'start' | 'step' | 'error' | 'complete', id: string, msAgo: number, extra: Record<string, unknown> = {}) =>
  ({ type: 'checkout', at: at(msAgo), step, id, ...extra }) as BeaconEvent;

async function send(path: string, events: BeaconEvent[], o: { ua?: string; session?: string; customer?: string } = {}) {
  const b = beacon(events, { page: `https://shop.example${path}`, ...(o.session ? { session: o.session } : {}), ...(o.customer ? { customer: o.customer } : {}) });
  const res = await postBeacon(server.tp, b, { headers: { 'user-agent': o.ua ?? DESKTOP, 'x-country': 'AU' } });
  expect(res.status).toBe(204);
}

async function api<T = Record<string, unknown>>(path: string): Promise<T> {
  const res = await fetch(`${server.url}/api/v1/projects/demo/${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** The window the view fetched, from its data-from / data-to. */
async function viewWindow(view: 'sre' | 'marketer') {
  const el = page.locator(`section[data-view=${view}]`);
  return `from=${await el.getAttribute('data-from')}&to=${await el.getAttribute('data-to')}`;
}
const kpi = (id: string) => page.locator(`[data-kpi=${id}]`);

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startDashboardsServer({ TOUCHPOINT_COUNTRY_HEADER: 'x-country', TOUCHPOINT_STUCK_AFTER: '2s' });
  // Latency: five page loads on two paths, one slow on mobile with its elements.
  await send('/products/kettle', [nav(), vital('LCP', 1800), vital('INP', 120), vital('CLS', 0.02)]);
  await send('/products/kettle', [nav(), vital('LCP', 2200), vital('INP', 90), vital('CLS', 0.05)]);
  await send('/products/kettle', [nav(), vital('LCP', 5200, 'img.hero'), vital('INP', 480, 'button#add'), vital('CLS', 0.3)], { ua: MOBILE, session: 's-slow-mobile' });
  await send('/checkout', [nav(), vital('LCP', 2600), { type: 'error', at: at(), kind: 'js', message: 'cart is undefined' },
    { type: 'http', at: at(), method: 'POST', url: 'https://api.pay.example/charge', status: 502, duration: 2400 }]);
  await send('/checkout', [nav(), vital('LCP', 1500), { type: 'resource', at: at(), host: 'cdn.example', count: 4, bytes: 250_000, p95: 300 }]);
  // Checkouts: one completes, one fails, one gets stuck.
  await send('/checkout', [co('start', 'e2e-1', 3000, { value: 120, currency: 'AUD' }), co('step', 'e2e-1', 2000, { name: 'payment' }), co('complete', 'e2e-1', 0)], { customer: 'cust-a' });
  await send('/checkout', [co('start', 'e2e-2', 3000, { value: 80, currency: 'AUD' }), co('step', 'e2e-2', 2000, { name: 'payment' }), co('error', 'e2e-2', 1000, { reason: 'card_declined' })], { customer: 'cust-b' });
  await send('/checkout', [co('start', 'e2e-3', 30_000, { value: 45.5, currency: 'AUD' })], { customer: 'cust-c' });
  // Outreach: cust-b contacted, cust-c in the holdout.
  const log = createOutreachLog(server.tp.storage);
  await log.record({ project: 'demo', incident: 'inc-b', customer: 'cust-b', reason: 'checkout_error', channel: 'email', status: 'sent', checkout: 'e2e-2', at: at(500), timeToOutreachMs: 300 });
  await log.record({ project: 'demo', incident: 'inc-c', customer: 'cust-c', reason: 'checkout_stuck', channel: 'none', status: 'holdout', checkout: 'e2e-3', at: at(400) });
  const now = Date.now();
  await waitFor(async () => (await api<{ checkouts: number }>(`funnel?from=${now - 3600_000}&to=${now + 60_000}`)).checkouts === 3);
  await waitFor(async () => (await api<{ pageLoads: number }>(`vitals-pass-rate?from=${now - 3600_000}&to=${now + 60_000}`)).pageLoads === 5);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (err) => console.error('page error:', err));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('dashboards in Chromium', () => {
  it('refuses a wrong token and signs in with the admin token, which stays out of the URL', async () => {
    await page.goto(`${server.url}/dashboards/#sre?range=1h`);
    await page.waitForSelector('form.signin');
    expect(await page.isVisible('header.top')).toBe(false);
    await page.fill('input[name=token]', 'not-the-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('form.signin [role=alert]')).toContain('not accepted');
    await page.fill('input[name=token]', ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('section[data-view=sre]');
    expect(page.url()).not.toContain(ADMIN_TOKEN);
    expect(page.url()).toContain('project=demo');
    expect(await page.evaluate(() => sessionStorage.getItem('touchpoint.adminToken'))).toBe(ADMIN_TOKEN);
  });

  it('shows the SRE figures the API gives', async () => {
    const w = await viewWindow('sre');
    const pass = await api<{ passRate: number; pageLoads: number; p75: { LCP: number; INP: number; CLS: number } }>(`vitals-pass-rate?${w}`);
    const errors = await api<{ errorRate: number; failedRequestRate: number }>(`errors?${w}`);
    expect(pass.pageLoads).toBe(5);
    expect(await kpi('passRate').getAttribute('data-value')).toBe(String(pass.passRate));
    expect(await kpi('passRate').locator('.v').textContent()).toBe(`${(pass.passRate * 100).toFixed(1)} %`);
    expect(await kpi('lcpP75').getAttribute('data-value')).toBe(String(pass.p75.LCP));
    expect(await kpi('inpP75').getAttribute('data-value')).toBe(String(pass.p75.INP));
    expect(await kpi('errorRate').getAttribute('data-value')).toBe(String(errors.errorRate));
    expect(await kpi('failedRequestRate').getAttribute('data-value')).toBe(String(errors.failedRequestRate));
    // breakdown by path: the API's order and counts
    const bd = await api<{ rows: { value: string; count: number }[] }>(`breakdown?metric=LCP&by=path&limit=8&${w}`);
    const cells = await page.locator('[data-breakdown=path] tbody tr td:first-child').allTextContents();
    expect(cells).toEqual(bd.rows.map((r) => r.value));
    // the chart drew
    expect(await page.locator('[data-testid=chart] canvas').count()).toBe(1);
    // drill-down: the slowest page load with its device, browser, country and elements
    const first = page.locator('[data-testid=slow-sessions] tbody tr').first();
    const text = await first.textContent();
    for (const s of ['5.20 s', '/products/kettle', 'mobile', 'Safari', 'AU', 'img.hero', 'button#add', 's-slow-mobile']) expect(text).toContain(s);
    expect(await page.locator('[data-testid=top-errors]').textContent()).toContain('cart is undefined');
    expect(await page.locator('[data-testid=failing-hosts]').textContent()).toContain('api.pay.example');
    expect(await page.locator('[data-testid=third-parties]').textContent()).toContain('cdn.example');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboards-sre.png'), fullPage: true });
  });

  it('moves the live strip within 2 s of new beacons', async () => {
    await page.waitForFunction(() => document.querySelector('[data-live=status]')?.textContent?.startsWith('live'), null, { timeout: 5_000 });
    // quiet first: the strip shows 0 beacons/s
    await page.waitForFunction(() => document.querySelector('[data-live=beacons]')?.textContent === '0', null, { timeout: 5_000 });
    const sentAt = Date.now();
    const sending = (async () => {
      while (Date.now() - sentAt < 2_000) await send('/products/kettle', [vital('INP', 64)]);
    })();
    await page.waitForFunction(() => Number(document.querySelector('[data-live=beacons]')?.textContent) > 0, null, { timeout: 2_000 });
    expect(Date.now() - sentAt).toBeLessThanOrEqual(2_000);
    await sending;
    expect(await page.textContent('[data-live=collectors]')).toBe('1');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboards-live-strip.png'), clip: { x: 0, y: 0, width: 1400, height: 120 } });
  });

  it('filters by a clicked path and keeps the state in the URL across a reload', async () => {
    await page.locator('[data-breakdown=path] tbody tr', { hasText: '/checkout' }).click();
    await page.waitForSelector('[data-filter=path]');
    expect(decodeURIComponent(page.url())).toContain('path=/checkout');
    await page.reload();
    await page.waitForSelector('section[data-view=sre] [data-filter=path]');
    const w = await viewWindow('sre');
    const pass = await api<{ pageLoads: number; passRate: number }>(`vitals-pass-rate?path=%2Fcheckout&${w}`);
    expect(pass.pageLoads).toBe(2);
    expect(await kpi('passRate').getAttribute('data-value')).toBe(String(pass.passRate));
    await page.click('[data-filter=path] button');
    await page.waitForFunction(() => !location.hash.includes('path='));
  });

  it('shows the marketer figures the API gives', async () => {
    await page.click('nav a[data-view=marketer]');
    await page.waitForSelector('section[data-view=marketer]');
    // the view changed, the range and project did not
    expect(page.url()).toContain('#marketer?');
    expect(page.url()).toContain('range=1h');
    expect(await page.inputValue('#range')).toBe('1h');
    expect(await page.isVisible('#live')).toBe(true); // the live strip is on both views
    const w = await viewWindow('marketer');
    const f = await api<{ started: number; completed: number; failed: number; stuck: number; steps: { step: string; checkouts: number }[]; revenue: { currency: string; atRisk: number }[] }>(`funnel?${w}`);
    expect(f).toMatchObject({ started: 3, completed: 1, failed: 1, stuck: 1 });
    for (const k of ['started', 'completed', 'failed', 'stuck'] as const) {
      expect(await kpi(k).locator('.v').textContent()).toBe(String(f[k]));
    }
    expect(await kpi('atRisk').locator('.v').textContent()).toBe('AUD 125.50');
    expect(await page.locator('[data-testid=funnel] tbody tr td:first-child').allTextContents()).toEqual(f.steps.map((s) => s.step));
    const problems = await page.locator('[data-testid=problems] tbody tr').allTextContents();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('AUD 80.00');
    expect(problems[0]).toContain('card_declined');
    expect(problems[1]).toContain('stuck');
    const o = await api<{ totals: { contacted: number; holdout: number; lift: number | null } }>(`outreach?${w}`);
    expect(o.totals).toMatchObject({ contacted: 1, holdout: 1 });
    expect(await kpi('contacted').locator('.v').textContent()).toBe('1');
    expect(await kpi('holdout').locator('.v').textContent()).toBe('1');
    expect(await kpi('lift').getAttribute('data-value')).toBe(String(o.totals.lift));
    expect(await page.locator('[data-testid=outreach]').textContent()).toContain('cust-b');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboards-marketer.png'), fullPage: true });
  });

  it('opens on the checkout an alert links to, over the link’s window', async () => {
    const link = checkoutLink(server.url, 'demo', 'e2e-2', Date.now());
    await page.goto(link);
    const focus = page.locator('[data-testid=focus][data-checkout=e2e-2]');
    await focus.waitFor();
    expect(await focus.getAttribute('data-status')).toBe('failed');
    const text = (await focus.textContent()) ?? '';
    for (const part of ['AUD 80.00', 'card_declined', 'payment', 'cust-b']) expect(text).toContain(part);
    const state = new URLSearchParams(new URL(link).hash.split('?')[1]);
    expect(await page.locator('section[data-view=marketer]').getAttribute('data-from')).toBe(state.get('from'));
    expect(await page.locator('section[data-view=marketer]').getAttribute('data-to')).toBe(state.get('to'));
    expect(await page.inputValue('#range')).toBe('fixed'); // the picker says it is the link's window
    await page.screenshot({ path: join(ARTIFACTS, 'dashboards-marketer-checkout.png'), fullPage: true });
  });

  describe('the marketer view in words', () => {
    const outreachApi = (q = '') => api<{ contacts: { customer: string; checkout?: string }[]; matched: number; nextCursor: string | null; trend: { day: number; contacted: number }[] }>(`outreach?${q}`);
    const rows = () => page.locator('[data-testid=outreach] tbody tr');

    beforeAll(async () => {
      const log = createOutreachLog(server.tp.storage);
      // One contact on two channels, and one skipped as test traffic: one row each, in words.
      await log.record({ project: 'demo', incident: 'inc-d', customer: 'cust-d', reason: 'checkout_stuck', channel: 'email', status: 'sent', checkout: 'e2e-d', at: at(700), timeToOutreachMs: 250 });
      await log.record({ project: 'demo', incident: 'inc-d', customer: 'cust-d', reason: 'checkout_stuck', channel: 'webhook', status: 'sent', checkout: 'e2e-d', at: at(690), timeToOutreachMs: 260 });
      await log.record({ project: 'demo', incident: 'inc-t', customer: 'k6-c-run-1', reason: 'checkout_error', channel: 'none', status: 'skipped', skipReason: 'test_traffic', checkout: 'e2e-t', at: at(800) });
      // Thirty more, so the list has a second page.
      for (let i = 0; i < 30; i++) {
        await log.record({ project: 'demo', incident: `inc-p-${i}`, customer: `cust-p-${i}`, reason: 'checkout_error', channel: 'none', status: 'skipped', skipReason: 'no_consent', checkout: `e2e-p-${i}`, at: at(60_000 + i * 1000) });
      }
      // From the previous test's checkout link back to the plain view, rendered anew (no focus panel).
      await page.goto(`${server.url}/dashboards/#marketer?project=demo&range=1h`);
      await page.waitForFunction(() => !document.querySelector('[data-testid=focus]') && document.querySelector('[data-testid=outreach]')?.textContent?.includes('cust-d'));
    });

    it('shows the live strip, and every reason and decision in words, never as a code', async () => {
      expect(await page.isVisible('#live')).toBe(true);
      await page.waitForFunction(() => document.querySelector('[data-live=status]')?.textContent?.startsWith('live'), null, { timeout: 5_000 });
      const text = (await page.locator('section[data-view=marketer] [data-testid=outreach]').textContent()) ?? '';
      for (const code of ['checkout_error', 'checkout_stuck', 'no_consent', 'test_traffic', 'skipped']) expect(text, code).not.toContain(code);
      expect(await rows().filter({ hasText: 'cust-c' }).textContent()).toContain('Held back on purpose (holdout group)');
      expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
      const d = await rows().filter({ hasText: 'cust-d' }).allTextContents();
      expect(d).toHaveLength(1); // one row per contact, not one per channel
      expect(d[0]).toContain('Checkout stuck');
      expect(d[0]).toContain('Contacted by email and the outreach webhook');
      expect(await rows().filter({ hasText: 'k6-c-run-1' }).textContent()).toContain('Not contacted: test traffic (a load test or test mode)');
      expect(await page.locator('[data-testid=came-back-rule]').textContent()).toMatch(/started at least 1 min after the message was sent.*within 24 h/);
    });

    it('pages through every contact the API lists, and says how many there are', async () => {
      const w = await viewWindow('marketer');
      const firstPage = await outreachApi(`${w}&limit=25`);
      expect(firstPage.matched).toBe(34); // cust-b, cust-c, cust-d, the load test's and thirty more
      expect(await rows().count()).toBe(25);
      expect(await page.locator('[data-testid=outreach-count]').textContent()).toBe('25 of 34 contacts');
      await page.click('[data-testid=more]');
      await expect.poll(() => rows().count()).toBe(34);
      expect(await page.isVisible('[data-testid=more]')).toBe(false);
      expect(await page.locator('[data-testid=outreach-count]').textContent()).toBe('34 of 34 contacts');
      // The same contacts, in the API's order.
      const all = await outreachApi(`${w}&limit=100`);
      const shown = await page.locator('[data-testid=outreach] tbody tr td:nth-child(2)').allTextContents();
      expect(shown).toEqual(all.contacts.map((c) => c.customer));
    });

    it('searches by customer or checkout, kept in the URL', async () => {
      await page.fill('[data-testid=outreach-search] input[name=q]', 'CUST-P-1');
      await page.press('[data-testid=outreach-search] input[name=q]', 'Enter');
      await page.waitForFunction(() => location.hash.includes('q=CUST-P-1'));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=outreach] tbody tr').length === 11);
      const w = await viewWindow('marketer');
      const found = await outreachApi(`${w}&q=CUST-P-1`);
      expect(found.matched).toBe(11); // cust-p-1 and cust-p-10 … 19
      expect((await page.locator('[data-testid=outreach] tbody tr td:nth-child(2)').allTextContents()).sort()).toEqual(found.contacts.map((c) => c.customer).sort());
      expect(await page.locator('[data-testid=outreach-count]').textContent()).toBe('11 of 11 contacts matching “CUST-P-1”');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('q'); // the search box keeps the focus
      await page.click('[data-testid=outreach-search] a');
      await page.waitForFunction(() => !location.hash.includes('q='));
      await expect.poll(() => rows().count()).toBe(25);
    });

    it('shows the trend per day the API gives', async () => {
      const w = await viewWindow('marketer');
      const o = await outreachApi(w);
      const days = await page.locator('[data-testid=trend] tbody tr').allTextContents();
      expect(days).toHaveLength(o.trend.length);
      const last = o.trend[o.trend.length - 1]!;
      expect(days[days.length - 1]).toContain(new Date(last.day).toISOString().slice(0, 10));
      expect(await page.locator('[data-testid=trend] tbody tr').last().locator('td').nth(1).textContent()).toBe(String(last.contacted));
    });

    it('reaches every failed, stuck and contacted checkout by keyboard alone, and Enter opens it', async () => {
      await page.click('[data-testid=more]');
      await expect.poll(() => rows().count()).toBe(34);
      const expected = new Set([
        ...(await page.locator('[data-testid=problems] tbody tr td:last-child').allTextContents()),
        ...(await page.locator('[data-testid=outreach] tbody tr td:last-child').allTextContents()),
      ]);
      await page.focus('#range');
      const reached = new Set<string>();
      for (let i = 0; i < 150 && reached.size < expected.size; i++) {
        await page.keyboard.press('Tab');
        const link = await page.evaluate(() => {
          const el = document.activeElement;
          return el instanceof HTMLAnchorElement && el.closest('[data-testid=outreach], [data-testid=problems]') ? el.textContent : null;
        });
        if (link) reached.add(link);
      }
      expect([...expected].filter((c) => !reached.has(c))).toEqual([]);
      // Enter on the focused contact's link opens that checkout's story.
      const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
      await page.keyboard.press('Enter');
      await page.waitForSelector(`[data-testid=focus][data-checkout="${focused}"], [data-testid=focus]:has-text("No checkout ${focused}")`);
      expect(decodeURIComponent(page.url())).toContain(`checkout=${focused}`);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboards-marketer-outreach.png'), fullPage: true });
    });
  });
});
