/**
 * The session view in real headless Chromium over a real Touchpoint: opened from a slow page
 * load's session link, from a top error and from a failing host, it shows the seeded session's
 * device, country and release, and one timeline whose entries and figures are the API's; the
 * view has its own URL (a reload shows it again) and says so when a session is not in the window.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconEvent } from '@touchpoint/protocol';
import type { Session } from '@touchpoint/protocol/api/session';
import { createOutreachLog } from '@touchpoint/collector/storage/outreach-log';
import { ADMIN_TOKEN, beacon, postBeacon, waitFor } from '@touchpoint/node/testing';
import { startDashboardsServer, type DashboardsServer } from './testing/dashboards-server.ts';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const SESSION = 's-story-e2e';
const STACK = 'TypeError: card is undefined\n    at pay (https://shop.example/app.js:42:7)\n    at onClick (https://shop.example/app.js:9:3)';

let server: DashboardsServer;
let browser: Browser;
let page: Page;

const at = (msAgo: number) => Date.now() - msAgo;
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;

async function send(path: string, events: BeaconEvent[], over: Record<string, unknown> = {}, ua = MOBILE) {
  const b = beacon(events, { page: `https://shop.example${path}`, session: SESSION, customer: 'cust-e2e', connection: '3g', ...over });
  const res = await postBeacon(server.tp, b, { headers: { 'user-agent': ua, 'x-country': 'NZ' } });
  expect(res.status).toBe(204);
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}/api/v1/projects/demo/${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** The session the view shows, as the API gives it for the view's own window. */
async function shownByApi(): Promise<Session> {
  const el = page.locator('section[data-view=session]');
  const id = await el.getAttribute('data-session');
  return api<Session>(`sessions/${encodeURIComponent(id!)}?from=${await el.getAttribute('data-from')}&to=${await el.getAttribute('data-to')}`);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startDashboardsServer({ TOUCHPOINT_COUNTRY_HEADER: 'x-country' });
  await send('/products/kettle', [
    { type: 'nav', at: at(20_000), dns: 4, tcp: 9, tls: 11, ttfb: 320, download: 25, domInteractive: 900, domComplete: 1500, load: 1600, transferSize: 52_000 },
    { type: 'vital', at: at(19_000), name: 'LCP', value: 6100, rating: 'poor', attribution: { target: 'img.hero', url: 'https://cdn.example/hero.jpg', phases: { ttfb: 320, loadDelay: 900, loadDuration: 4500, renderDelay: 380 } } },
    { type: 'resource', at: at(18_000), host: 'cdn.example', count: 6, bytes: 420_000, p95: 880 },
    { type: 'resource', at: at(18_000), host: 'fonts.example', count: 2, bytes: 40_000, p95: 120 },
  ]);
  await send('/checkout', [
    { type: 'checkout', at: at(12_000), step: 'start', id: 'co-e2e', value: 129, currency: 'AUD' },
    { type: 'checkout', at: at(11_000), step: 'step', id: 'co-e2e', name: 'payment' },
    { type: 'vital', at: at(10_500), name: 'INP', value: 420, rating: 'poor', attribution: { target: 'button#pay', phases: { inputDelay: 60, processingDuration: 310, presentationDelay: 50 } } },
    { type: 'http', at: at(10_000), method: 'POST', url: 'https://api.pay.example/charge', status: 502, duration: 2400 },
    { type: 'error', at: at(9_900), kind: 'js', message: 'card is undefined', stack: STACK, source: 'https://shop.example/app.js', line: 42, col: 7 },
    { type: 'checkout', at: at(9_800), step: 'error', id: 'co-e2e', reason: 'card_declined' },
    { type: 'feedback', at: at(9_000), prompt: 'survey/co-e2e', survey: 'ces', score: 2, comment: 'The card form kept failing', trigger: 'nudge', checkout: 'co-e2e', step: 'payment' },
  ]);
  // Someone else, faster, so the slow page load above tops the list.
  await postBeacon(server.tp, beacon([{ type: 'vital', at: at(5000), name: 'LCP', value: 1200 }], { session: 's-other' }), { headers: { 'user-agent': DESKTOP } });
  await waitFor(async () => (await api<{ errors: number }>(`errors?from=${at(3600_000)}&to=${at(-60_000)}`)).errors === 1);
  await createOutreachLog(server.tp.storage).record({ project: 'demo', incident: 'inc-e2e', customer: 'cust-e2e', reason: 'checkout_error', channel: 'email', status: 'sent', checkout: 'co-e2e', at: Date.now(), timeToOutreachMs: 350 });

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (err) => console.error('page error:', err));
  await page.goto(`${server.url}/dashboards/#sre?project=demo`);
  await page.fill('input[name=token]', ADMIN_TOKEN);
  await page.click('button[type=submit]');
  await page.waitForSelector('section[data-view=sre] [data-testid=slow-sessions] a.session');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the session view', () => {
  it('opens from a slow page load’s session link, on a URL of its own', async () => {
    const first = page.locator('[data-testid=slow-sessions] tbody tr').first();
    expect(await first.textContent()).toContain('6.10 s');
    await first.locator(`a.session[data-session=${SESSION}]`).click();
    await page.waitForSelector(`section[data-view=session][data-session=${SESSION}] [data-testid=timeline]`);
    const hash = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    expect(page.url()).toContain('#session?');
    expect(hash.get('session')).toBe(SESSION);
    expect(Number(hash.get('to')) - Number(hash.get('from'))).toBeLessThanOrEqual(7 * 86_400_000);
    expect(await page.isVisible('#live')).toBe(false);
  });

  it('shows who and on what, as the API gives it', async () => {
    const s = await shownByApi();
    const fact = (k: string) => page.locator(`[data-fact=${k}]`).textContent();
    expect(await fact('customer')).toBe(s.customer);
    expect(await fact('device')).toBe('mobile');
    expect(await fact('browser')).toBe(`${s.browser} ${s.browserVersion}`.trim());
    expect(await fact('os')).toBe(s.os);
    expect(await fact('country')).toBe('NZ');
    expect(await fact('connection')).toBe('3g');
    expect(s.release).toBeNull();
    expect(await fact('release')).toContain('none reported');
    expect(await page.textContent('[data-testid=window]')).toContain(`${s.beacons} beacons, ${s.pages.length} pages`);
  });

  it('shows the whole timeline in time order, each entry with the API’s figures', async () => {
    const s = await shownByApi();
    const kinds = await page.locator('[data-testid=timeline] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    const count = (k: string) => kinds.filter((x) => x === k).length;
    expect(count('page')).toBe(s.pages.length);
    expect(count('navigation')).toBe(s.navigations.length);
    expect(count('vital')).toBe(s.vitals.length);
    expect(count('error')).toBe(s.errors.length);
    expect(count('request')).toBe(s.requests.length);
    expect(count('checkout')).toBe(s.checkouts.length);
    expect(count('feedback')).toBe(s.feedback.length);
    expect(count('outreach')).toBe(s.outreach.length);
    expect([s.pages.length, s.vitals.length, s.errors.length, s.requests.length, s.checkouts.length, s.feedback.length, s.outreach.length]).toEqual([2, 2, 1, 1, 3, 1, 1]);
    // In event time, in the screen's zone (UTC unless picked).
    const times = await page.locator('[data-testid=timeline] tbody tr td:first-child').allTextContents();
    const expected = [
      ...s.pages.map((p) => p.firstAt), ...s.navigations.map((n) => n.at), ...s.vitals.map((v) => v.at), ...s.errors.map((e) => e.at),
      ...s.requests.map((r) => r.at), ...s.checkouts.map((c) => c.at), ...s.feedback.map((f) => f.at), ...s.outreach.map((o) => o.at),
    ].sort((a, b) => a - b).map(utc);
    expect(times).toEqual(expected);
    // The LCP with its element, resource and phases; the INP with its phases.
    const lcp = page.locator('[data-testid=timeline] tr[data-kind=vital]', { has: page.locator('[data-vital=LCP]') });
    const lcpApi = s.vitals.find((v) => v.name === 'LCP')!;
    expect(await lcp.locator('[data-vital=LCP]').getAttribute('data-value')).toBe(String(lcpApi.value));
    expect(await lcp.textContent()).toContain('LCP 6.10 s');
    expect(await lcp.textContent()).toContain('element img.hero · resource https://cdn.example/hero.jpg · ttfb 320 ms · loadDelay 900 ms · loadDuration 4.50 s · renderDelay 380 ms');
    const inp = page.locator('[data-testid=timeline] tr[data-kind=vital]', { has: page.locator('[data-vital=INP]') });
    expect(await inp.textContent()).toContain('inputDelay 60 ms · processingDuration 310 ms · presentationDelay 50 ms');
    // The error with its stack, the failed request, the checkout steps and the outreach.
    const error = page.locator('[data-testid=timeline] tr[data-kind=error]');
    expect(await error.locator('summary').textContent()).toBe('card is undefined (https://shop.example/app.js:42:7)');
    expect(await error.locator('pre.stack').textContent()).toBe(s.errors[0]!.stack);
    expect(await page.textContent('[data-testid=timeline] tr[data-kind=request]')).toContain('POST 502');
    const steps = await page.locator('[data-testid=timeline] tr[data-kind=checkout]').allTextContents();
    expect(steps[0]).toContain('checkout start');
    expect(steps[0]).toContain('AUD 129.00');
    expect(steps[1]).toContain('checkout step payment');
    expect(steps[2]).toContain('reason card_declined');
    expect(await page.textContent('[data-testid=timeline] tr[data-kind=outreach]')).toContain('outreach sent');
    // The customer's survey answer, in words, with the comment they wrote.
    expect(s.feedback[0]).toMatchObject({ survey: 'ces', score: 2, comment: 'The card form kept failing', trigger: 'nudge', checkout: 'co-e2e', step: 'payment', path: '/checkout' });
    const answer = await page.textContent('[data-testid=timeline] tr[data-kind=feedback]');
    expect(answer).toContain('Ease 2 of 7');
    expect(answer).toContain('after the help in the page · co-e2e at payment · “The card form kept failing”');
    // Resources by host and the vitals' phases beside it.
    const hosts = await page.locator('[data-testid=resources] tbody tr td:first-child').allTextContents();
    expect(hosts).toEqual(s.resources.map((r) => r.host));
    expect(await page.textContent('[data-testid=resources] tbody tr:first-child')).toContain('410.2 KiB');
    expect(await page.locator('[data-testid=vitals] tbody tr').count()).toBe(s.vitals.length);
    await page.click('[data-testid=timeline] tr[data-kind=error] summary');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboards-session.png'), fullPage: true });
  });

  it('shows the same session again after a reload', async () => {
    await page.reload();
    await page.waitForSelector(`section[data-view=session][data-session=${SESSION}] [data-testid=timeline]`);
    expect(await page.locator('[data-testid=timeline] tbody tr').count()).toBeGreaterThan(8);
  });

  it('opens from a top error and from a failing host too', async () => {
    for (const [panel, text] of [['top-errors', 'card is undefined'], ['failing-hosts', 'api.pay.example']] as const) {
      await page.goto(`${server.url}/dashboards/#sre?project=demo`);
      const row = page.locator(`[data-testid=${panel}] tbody tr`, { hasText: text });
      await row.locator('a.session').click();
      await page.waitForSelector(`section[data-view=session][data-session=${SESSION}] [data-testid=timeline]`);
    }
  });

  it('says so when the session has no beacon in the window', async () => {
    await page.goto(`${server.url}/dashboards/#session?project=demo&session=never-seen&from=${at(3600_000)}&to=${at(0)}`);
    await expect.poll(() => page.textContent('main p.err')).toContain('No beacon of this session was received in the window');
  });
});
