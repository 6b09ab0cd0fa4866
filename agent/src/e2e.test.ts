/**
 * End to end in real headless Chromium: the demo shop loads agent.js from a running Touchpoint
 * (in this process), a visitor walks product → cart → checkout, the payment fails, the visitor
 * leaves, and the summary API must show what the agent captured for that customer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@touchpoint/node/config';
import { startTouchpoint, type Touchpoint } from '@touchpoint/node';
import { buildAgent, type AgentBuild } from '../build.ts';
import { startDemoShop, type DemoShop } from '../demo-shop/serve.ts';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Summary {
  beacons: number;
  events: Record<string, number>;
  vitals: Record<string, { count: number; p50: number; p75: number; p95: number }>;
}

let dir: string;
let tp: Touchpoint;
let shop: DemoShop;
let browser: Browser;
let agent: AgentBuild;
const since = Date.now() - 60_000;

beforeAll(async () => {
  // A clean clone has no dist/: build it, as `npm run build -w agent` would.
  agent = await buildAgent();
  dir = mkdtempSync(join(tmpdir(), 'tp-agent-e2e-'));
  tp = await startTouchpoint(loadConfig({ PORT: '0', DATA_DIR: dir, TOUCHPOINT_ADMIN_TOKEN: 'test-admin-token', LOG_LEVEL: 'warn' }));
  const script = await fetch(`${tp.url}/agent.js`);
  if (script.status == 404) {
    throw new Error('GET /agent.js is 404: collector/src/app.ts must register collector/src/routes/agent-script.ts');
  }
  shop = await startDemoShop({ collectorUrl: tp.url });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await tp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function summary(query: Record<string, string>): Promise<Summary> {
  const qs = new URLSearchParams({ from: String(since), to: String(Date.now() + 60_000), ...query });
  const r = await fetch(`${tp.url}/api/v1/projects/demo/summary?${qs}`, { headers: { authorization: 'Bearer test-admin-token' } });
  expect(r.status).toBe(200);
  return (await r.json()) as Summary;
}

/** Polls the summary until `done` holds (rows show up within ~2 s of the 204), or times out. */
async function summaryUntil(query: Record<string, string>, done: (s: Summary) => boolean, ms = 30_000): Promise<Summary> {
  const end = Date.now() + ms;
  let last = await summary(query);
  while (!done(last) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 500));
    last = await summary(query);
  }
  return last;
}

/** The agent has loaded once the stub's queue is gone from window.Touchpoint. */
const agentLoaded = (page: Page) =>
  page.waitForFunction(() => {
    const tp = (window as { Touchpoint?: object }).Touchpoint;
    return tp !== undefined && !('q' in tp);
  }, undefined, { timeout: 10_000 });

/** Signs the visitor in as `customer` (the demo keeps it in localStorage, out of the URL). */
async function shopper(customer: string): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext();
  await context.addInitScript((c) => localStorage.setItem('demo-customer', c), customer);
  return { page: await context.newPage(), close: () => context.close() };
}

async function failCheckout(page: Page, query: string): Promise<void> {
  await page.goto(`${shop.url}/?${query}`);
  await agentLoaded(page);
  await page.click('#add');
  await page.waitForURL(/cart\.html/);
  await agentLoaded(page);
  await page.click('#checkout');
  await page.waitForURL(/checkout\.html/);
  await agentLoaded(page);
  await page.waitForLoadState('load');
  await page.click('#pay');
  await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('failed'));
  // Navigation timing is read at idle time after load; give the page a moment as a visitor would.
  await page.waitForTimeout(500);
}

// Chromium, chDB and the other test files share 2 cores in CI: room beyond the 60 s default.
describe('browser agent in Chromium', { timeout: 120_000 }, () => {
  it('GET /agent.js serves the built agent with caching headers, an ETag and 304 on revalidation', async () => {
    const r = await fetch(`${tp.url}/agent.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('public, max-age=300');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(await r.text()).toBe(readFileSync(agent.file, 'utf8'));
    const etag = r.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await fetch(`${tp.url}/agent.js`, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(agent.gzip).toBeLessThanOrEqual(agent.budget);
  });

  it('stores the vitals, timings, error, failed request and checkout events of a failed checkout', async () => {
    const customer = `cust-e2e-${Date.now().toString(36)}`;
    const { page, close } = await shopper(customer);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await failCheckout(page, 'consent=1&fail=1');
    expect(shop.payments).toContain(502);
    // Leaving unloads the checkout page: pagehide/visibilitychange send the last beacons.
    await page.goto(`${shop.url}/bye.html`);

    const s = await summaryUntil(
      { customer },
      (x) =>
        (x.events.checkout ?? 0) >= 4 &&
        (x.events.error ?? 0) >= 1 &&
        (x.events.http ?? 0) >= 1 &&
        (x.events.nav ?? 0) >= 1 &&
        (x.events.resource ?? 0) >= 1 &&
        ['LCP', 'FCP', 'TTFB', 'INP'].every((v) => (x.vitals[v]?.count ?? 0) >= 1),
    );
    expect(pageErrors).toContain('Payment failed: 502');
    expect(s.beacons).toBeGreaterThanOrEqual(1);
    // start, step "details", step "payment", error
    expect(s.events.checkout).toBeGreaterThanOrEqual(4);
    expect(s.events.error).toBeGreaterThanOrEqual(1);
    expect(s.events.http).toBeGreaterThanOrEqual(1);
    expect(s.events.nav).toBeGreaterThanOrEqual(1);
    // The payments widget comes from another host name: a third-party resource summary.
    expect(s.events.resource).toBeGreaterThanOrEqual(1);
    for (const v of ['LCP', 'FCP', 'TTFB', 'INP']) expect(s.vitals[v]?.count, v).toBeGreaterThanOrEqual(1);
    expect(s.vitals.LCP?.p50).toBeGreaterThan(0);
    await close();
  });

  it('sends no customer id and no identify event before consent, and both once consent is given', async () => {
    const customer = `cust-private-${Date.now().toString(36)}`;
    const { page, close } = await shopper(customer);
    // Beacons sent while the page lives (the 5 s batch timer, fetch keepalive) are visible here;
    // those sent during unload are not, so this test stays on the checkout page.
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${tp.url}/v1/beacon`)) posts.push(r.postData() ?? '');
    });

    await failCheckout(page, 'fail=1');
    await expect.poll(() => posts.some((p) => p.includes('"type":"checkout"')), { timeout: 20_000 }).toBe(true);
    const beforeConsent = posts.join('\n');
    expect(beforeConsent).toContain('"type":"http"');
    expect(beforeConsent).not.toContain(customer);
    expect(beforeConsent).not.toContain('"customer"');
    expect(beforeConsent).not.toContain('"identify"');
    expect(beforeConsent).not.toContain('kim@example.com');
    // The collector agrees: nothing is stored under that customer.
    expect((await summary({ customer })).beacons).toBe(0);

    // The visitor ticks the consent box: identify and the id now leave the browser.
    const before = posts.length;
    await page.check('#consent');
    await expect.poll(() => posts.slice(before).some((p) => p.includes('"identify"')), { timeout: 20_000 }).toBe(true);
    const after = posts.slice(before).join('\n');
    expect(after).toContain(`"customer":"${customer}"`);
    expect(after).toContain('"consent":{"outreach":true}');
    expect(after).toContain('kim@example.com');
    await close();
  });

  it('respects Global Privacy Control: nothing about the customer leaves, even with the box ticked', async () => {
    const customer = `cust-gpc-${Date.now().toString(36)}`;
    const { page, close } = await shopper(customer);
    // Chromium has no GPC switch; Brave and Firefox expose it like this.
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${tp.url}/v1/beacon`)) posts.push(r.postData() ?? '');
    });
    await failCheckout(page, 'consent=1&fail=1');
    await expect.poll(() => posts.some((p) => p.includes('"step":"error"')), { timeout: 20_000 }).toBe(true);
    const all = posts.join('\n');
    expect(all).not.toContain(customer);
    expect(all).not.toContain('"identify"');
    expect(all).not.toContain('kim@example.com');
    await close();
  });

  it('gives each SPA route change its own page context', async () => {
    const { page, close } = await shopper('cust-spa');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${tp.url}/v1/beacon`)) posts.push(r.postData() ?? '');
    });
    await page.goto(`${shop.url}/`);
    await agentLoaded(page);
    await page.evaluate(() => {
      const tpApi = (window as unknown as { Touchpoint: { track(name: string): void } }).Touchpoint;
      tpApi.track('on_landing');
      history.pushState({}, '', '/spa/kettles?sort=price');
      tpApi.track('after_route_change');
    });
    const beacons = async () => posts.map((p) => JSON.parse(p) as { page: string; events: { type: string; name?: string }[] });
    await expect.poll(async () => (await beacons()).some((b) => b.events.some((e) => e.name == 'after_route_change')), { timeout: 20_000 }).toBe(true);
    const pageOf = async (name: string) => (await beacons()).find((b) => b.events.some((e) => e.name == name))?.page;
    expect(await pageOf('on_landing')).toBe(`${shop.url}/`);
    expect(await pageOf('after_route_change')).toBe(`${shop.url}/spa/kettles?sort=price`);
    await close();
  });

  it('honours Retry-After, keeps unsent beacons in localStorage and sends them from the next page', async () => {
    const { page, close } = await shopper('cust-retry');
    const seen: { status: number; body: string }[] = [];
    let refuse = true;
    // The collector is overloaded for this visitor: 503 + Retry-After, exposed to the page by CORS.
    await page.route(`${tp.url}/v1/beacon*`, async (route) => {
      const body = route.request().postData() ?? '';
      if (refuse) {
        seen.push({ status: 503, body });
        await route.fulfill({
          status: 503,
          headers: { 'retry-after': '3', 'access-control-allow-origin': shop.url, 'access-control-expose-headers': 'retry-after' },
          body: '{}',
        });
      } else {
        seen.push({ status: 0, body });
        await route.continue();
      }
    });
    await page.goto(`${shop.url}/`);
    await agentLoaded(page);
    await page.evaluate(() => (window as unknown as { Touchpoint: { track(name: string): void } }).Touchpoint.track('kept_for_later'));
    await expect.poll(() => seen.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    // Within the 3 s the collector asked for, the page is left: the body goes to localStorage.
    await page.goto(`${shop.url}/bye.html`);
    const stored = await page.evaluate(() => localStorage.getItem('tp_unsent') ?? '');
    expect(stored).toContain('kept_for_later');
    expect(seen.filter((s) => s.body.includes('kept_for_later'))).toHaveLength(1);

    refuse = false;
    const t0 = Date.now();
    await page.goto(`${shop.url}/cart.html`);
    await agentLoaded(page);
    await expect.poll(() => seen.some((s) => s.status == 0 && s.body.includes('kept_for_later')), { timeout: 20_000 }).toBe(true);
    // Not before the Retry-After deadline set on the first page.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(await page.evaluate(() => localStorage.getItem('tp_unsent'))).toBeNull();
    await close();
  });

  it('attributes LCP to its element and phases and CLS to what moved, and scrubs the page URL', async () => {
    const { page, close } = await shopper('cust-lcp');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${tp.url}/v1/beacon`)) posts.push(r.postData() ?? '');
    });
    await page.goto(`${shop.url}/?email=kim%40example.com&token=abc123&ref=home`);
    await agentLoaded(page);
    await page.waitForLoadState('load');
    // The vitals observers start at idle time: hidden before that, LCP would come with a later beacon.
    await page.waitForTimeout(1000);
    // A banner pushed in above the content: the heading, text and kettle move down.
    await page.evaluate(() => {
      const banner = document.createElement('div');
      banner.style.height = '200px';
      document.querySelector('main')!.prepend(banner);
    });
    // LCP is final at the first input (the faked hide below does not end it in web-vitals).
    await page.click('h1');
    await page.waitForTimeout(300);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    type Vital = { type: string; name?: string; value?: number; attribution?: { target?: string; url?: string; phases?: Record<string, number> } };
    const beacons = () => posts.map((p) => JSON.parse(p) as { page: string; events: Vital[] });
    const vital = (name: string) => beacons().flatMap((b) => b.events).find((e) => e.type == 'vital' && e.name == name);
    await expect.poll(() => vital('LCP') && vital('CLS'), { timeout: 15_000 }).toBeDefined();
    const lcp = vital('LCP')!;
    // This Chromium does not take an SVG <img> as LCP: the text is it, with no resource to load
    // (as web-vitals' attribution build reports it too).
    expect(lcp.attribution?.target).toBe('html>body>main>p');
    expect(lcp.attribution?.url).toBeUndefined();
    expect(Object.keys(lcp.attribution?.phases ?? {}).sort()).toEqual(['loadDelay', 'loadDuration', 'renderDelay', 'ttfb']);
    expect(lcp.attribution?.phases?.loadDuration).toBe(0);
    // The four phases are the LCP time cut in four (each rounded to the millisecond).
    const sum = Object.values(lcp.attribution!.phases!).reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - lcp.value!)).toBeLessThanOrEqual(3);
    expect(vital('CLS')!.value).toBeGreaterThan(0);
    expect(vital('CLS')!.attribution?.target).toBe('html>body>main>img.hero');
    for (const b of beacons()) {
      expect(b.page).toContain('ref=home');
      expect(b.page).not.toMatch(/kim|abc123/);
    }
    await close();
  });

  it('attributes a slow interaction (INP) to its element, phases and script', async () => {
    const { page, close } = await shopper('cust-inp');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${tp.url}/v1/beacon`)) posts.push(r.postData() ?? '');
    });
    // A third-party script whose click handler blocks the main thread for 250 ms.
    await page.route(`${shop.url}/slow-widget.js`, (route) =>
      route.fulfill({
        contentType: 'application/javascript',
        body: `document.getElementById('add').addEventListener('click', function slowWidget(e) {
          e.stopImmediatePropagation();
          const t = performance.now();
          while (performance.now() - t < 250);
        }, true);`,
      }),
    );
    await page.goto(`${shop.url}/`);
    await agentLoaded(page);
    await page.addScriptTag({ url: `${shop.url}/slow-widget.js` });
    await page.click('#add');
    await page.waitForTimeout(300);
    // INP is final when the page is hidden. A real hide here would unload or freeze the page and
    // hide its beacons from Playwright, so the page's visibility is switched as web-vitals' own tests do.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    type Vital = { type: string; name?: string; value?: number; attribution?: { target?: string; url?: string; phases?: Record<string, number> } };
    const inp = () =>
      posts.flatMap((p) => (JSON.parse(p) as { events: Vital[] }).events).find((e) => e.type == 'vital' && e.name == 'INP');
    await expect.poll(inp, { timeout: 10_000 }).toBeDefined();
    const e = inp();
    expect(e?.value).toBeGreaterThanOrEqual(200);
    expect(e?.attribution?.target).toBe('#add');
    expect(e?.attribution?.phases?.processingDuration).toBeGreaterThanOrEqual(200);
    expect(Object.keys(e?.attribution?.phases ?? {}).sort()).toEqual(['inputDelay', 'presentationDelay', 'processingDuration']);
    expect(e?.attribution?.url).toBe(`${shop.url}/slow-widget.js`);
    await close();
  });
});
