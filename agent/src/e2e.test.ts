/**
 * End to end in real headless Chromium: the demo shop loads agent.js from a running Touchpoint
 * (in this process: collector and worker, with a real SMTP peer as the customers' mail server),
 * a visitor walks product → cart → checkout, the payment fails, the visitor leaves, and the
 * summary API must show what the agent captured for that customer; the consented customer's
 * rescue email must reach the SMTP peer within a second or so of the click.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutreachList } from '@touchpoint/protocol/outreach';
import { startSmtpSink, type SmtpSink } from '@touchpoint/alerting/testing/smtp-sink';
import { loadConfig } from '@touchpoint/node/config';
import { startTouchpoint, type Touchpoint } from '@touchpoint/node';
import { waitFor } from '@touchpoint/node/testing';
import { buildAgent, type AgentBuild } from '../build.ts';
import { stamp } from './transport/split.ts';
import { UNSENT_KEY } from './transport/storage.ts';
import { DEMO_RELEASE, startDemoShop, type DemoShop } from '../demo-shop/serve.ts';
import { agentLoaded, launchChromium, rescueDrill } from '../testing/rescue-drill.ts';

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
let smtp: SmtpSink;
const since = Date.now() - 60_000;

beforeAll(async () => {
  // A clean clone has no dist/: build it, as `npm run build -w agent` would.
  agent = await buildAgent();
  dir = mkdtempSync(join(tmpdir(), 'tp-agent-e2e-'));
  smtp = await startSmtpSink();
  tp = await startTouchpoint(
    loadConfig({
      PORT: '0',
      DATA_DIR: dir,
      TOUCHPOINT_ADMIN_TOKEN: 'test-admin-token',
      LOG_LEVEL: 'warn',
      TOUCHPOINT_ROLES: 'collector,worker',
      TOUCHPOINT_SMTP_URL: smtp.url,
      TOUCHPOINT_OUTREACH_FROM: 'Kettle & Co. <help@kettle.example>',
    }),
  );
  const script = await fetch(`${tp.url}/agent.js`);
  if (script.status == 404) {
    throw new Error('GET /agent.js is 404: collector/src/app.ts must register collector/src/routes/agent-script.ts');
  }
  shop = await startDemoShop({ collectorUrl: tp.url });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await tp?.close();
  await smtp?.close();
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

/** Signs the visitor in as `customer` (the demo keeps it in localStorage, out of the URL), with their email if given. */
async function shopper(customer: string, email?: string): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext();
  await context.addInitScript(
    ([c, e]) => {
      localStorage.setItem('demo-customer', c);
      if (e) localStorage.setItem('demo-email', e);
    },
    [customer, email ?? ''] as const,
  );
  return { page: await context.newPage(), close: () => context.close() };
}

/** The beacon bodies the page sends while it lives (those sent during unload are not seen). */
function beaconPosts(page: Page): { at: number; body: string }[] {
  const posts: { at: number; body: string }[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${tp.url}/v1/beacon`)) posts.push({ at: Date.now(), body: r.postData() ?? '' });
  });
  return posts;
}

type SentBeacon = { customer?: string; test?: boolean; release?: string; events: { type: string; name?: string; step?: string; customer?: string; email?: string; consent?: { outreach: boolean } }[] };
// A beacon sent as a page unloads may show up without its body (Playwright loses it): skipped.
const parsed = (posts: { body: string }[]) => posts.filter((p) => p.body).map((p) => JSON.parse(p.body) as SentBeacon);
const withCustom = (beacons: SentBeacon[], name: string) => beacons.find((b) => b.events.some((e) => e.type == 'custom' && e.name == name));

/**
 * Keeps every body the agent hands to sendBeacon in the page (`window.__tpSent`): Playwright's own
 * request events miss some beacons, and a test must not depend on that.
 */
async function recordBeacons(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const sent: string[] = [];
    (window as unknown as { __tpSent: string[] }).__tpSent = sent;
    const send = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, body) => {
      sent.push(String(body));
      return send(url, body);
    };
  });
}

/**
 * A custom event, sent at once with sendBeacon: the page acts as if hidden; returns what this page
 * handed off so far. That is what it gave sendBeacon, and what its outbox kept for the next page
 * because a retry wait was on (a send that failed on a loaded box, seen once in CI): those leave
 * later, and they count as much for what the agent sends.
 */
async function trackAndHide(page: Page, name: string): Promise<SentBeacon[]> {
  const handed = await page.evaluate(([n, key]) => {
    (window as unknown as { Touchpoint: { track(name: string): void } }).Touchpoint.track(n);
    // Earlier pages' kept bodies may still be stored (this page takes them when idle): not this page's.
    const before = (JSON.parse(localStorage.getItem(key) ?? '{"bodies":[]}') as { bodies: string[] }).bodies;
    // As web-vitals' own tests do (a real hide would freeze the page), with the event bubbling to
    // window as the browser's own does, so the agent's hide handler runs.
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    const after = (JSON.parse(localStorage.getItem(key) ?? '{"bodies":[]}') as { bodies: string[] }).bodies;
    return { sent: (window as unknown as { __tpSent: string[] }).__tpSent, kept: after.filter((b) => !before.includes(b)) };
  }, [name, UNSENT_KEY] as const);
  // A kept body has no send time yet: the outbox stamps it as it leaves.
  return parsed([...handed.sent, ...handed.kept.map((b) => stamp(b))].map((body) => ({ body })));
}

/** The outreach log's answer for one customer. */
async function outreachOf(customer: string): Promise<OutreachList['contacts']> {
  const qs = new URLSearchParams({ from: String(since), to: String(Date.now() + 60_000), q: customer });
  const r = await fetch(`${tp.url}/api/v1/projects/demo/outreach?${qs}`, { headers: { authorization: 'Bearer test-admin-token' } });
  expect(r.status).toBe(200);
  return ((await r.json()) as OutreachList).contacts;
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

    // The prompt chunk, beside it: what the agent's import() fetches.
    const chunk = await fetch(`${tp.url}/agent-prompt.js`);
    expect(chunk.status).toBe(200);
    expect(chunk.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(chunk.headers.get('access-control-allow-origin')).toBe('*');
    expect(await chunk.text()).toBe(readFileSync(agent.prompt.file, 'utf8'));
    expect(agent.prompt.gzip).toBeLessThanOrEqual(agent.prompt.budget);
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
  it('hands the failed-payment email to the SMTP peer within a second or so of the click', async () => {
    const customer = `cust-mail-${Date.now().toString(36)}`;
    const t = await rescueDrill({ browser, shopUrl: shop.url, collectorUrl: tp.url, smtp, customer, email: `${customer}@shop.example` });
    console.log(
      `click → email handed to SMTP: ${t.clickToMailMs} ms (the demo's payment provider answers 502 after 120 ms; ` +
        `the beacon with the failure left ${t.clickToBeaconMs} ms after the click)`,
    );
    // Goal < 1 s on loopback (issue 17); batched, it took 3.7–4.4 s. 3 s leaves room for a CI box
    // whose two cores Chromium, chDB and the worker share, and still fails a 5 s batch.
    expect(t.clickToMailMs).toBeLessThan(3000);
    // The failure left at once, with the failed request, not with the next 5 s batch.
    const failure = JSON.parse(t.failureBeacon) as SentBeacon;
    expect(failure.events.map((e) => e.type)).toEqual(expect.arrayContaining(['http', 'checkout']));
    expect(t.mail.raw).toContain('help@kettle.example');
  });

  it('keeps a consented customer for the tab session, and forgets them at once when consent is withdrawn', async () => {
    const customer = `cust-tab-${Date.now().toString(36)}`;
    const { page, close } = await shopper(customer);
    await recordBeacons(page);
    const posts = beaconPosts(page);
    await page.goto(`${shop.url}/checkout.html?consent=1`);
    await agentLoaded(page);
    await expect.poll(() => posts.some((p) => p.body.includes('"identify"')), { timeout: 10_000 }).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('tp_cid'))).toBe(customer);

    // The product page calls no identify: its beacons still say who the customer is, and the
    // collector stores its events under them (the checkout page sends no custom event).
    await page.goto(`${shop.url}/`);
    await agentLoaded(page);
    const second = await trackAndHide(page, 'second_page');
    // On a loaded box the batch may have left by fetch before the hide (not seen in the page):
    // the collector's count under the customer is the proof either way.
    const seen = withCustom(second, 'second_page');
    if (seen) expect(seen.customer).toBe(customer);
    expect((await summaryUntil({ customer }, (x) => (x.events.custom ?? 0) >= 1)).events.custom).toBe(1);

    // The customer withdraws: the collector is told (no email), and the id stops at once.
    await page.evaluate((c) => (window as unknown as { Touchpoint: { identify(id: string, o: object): void } }).Touchpoint.identify(c, { consent: { outreach: false } }), customer);
    const after = await trackAndHide(page, 'after_withdrawal');
    expect(withCustom(after, 'after_withdrawal')?.customer).toBeUndefined();
    const withdrawal = after.flatMap((b) => b.events).find((e) => e.type == 'identify');
    expect(withdrawal).toEqual({ type: 'identify', at: expect.any(Number), customer, consent: { outreach: false } });
    expect(await page.evaluate(() => sessionStorage.getItem('tp_cid'))).toBeNull();

    // And on the next page load too.
    await page.goto(`${shop.url}/cart.html`);
    await agentLoaded(page);
    const third = await trackAndHide(page, 'third_page');
    expect(withCustom(third, 'third_page')).toBeDefined();
    expect(third.every((b) => b.customer === undefined)).toBe(true);
    await close();
  });

  it('forgets the kept customer when a later page has Global Privacy Control on', async () => {
    const customer = `cust-gpc-later-${Date.now().toString(36)}`;
    const { page, close } = await shopper(customer);
    await recordBeacons(page);
    // GPC switched on during the visit (the browser's setting, seen from the next page on).
    await page.addInitScript(() => {
      if (location.search.includes('gpc=1')) Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
    });
    const posts = beaconPosts(page);
    await page.goto(`${shop.url}/checkout.html?consent=1`);
    await agentLoaded(page);
    await expect.poll(() => posts.some((p) => p.body.includes('"identify"')), { timeout: 10_000 }).toBe(true);

    await page.goto(`${shop.url}/?gpc=1`);
    await agentLoaded(page);
    const later = await trackAndHide(page, 'under_gpc');
    expect(withCustom(later, 'under_gpc')).toBeDefined();
    expect(later.every((b) => b.customer === undefined)).toBe(true);
    // The one thing sent about the customer: that the consent the collector holds is withdrawn.
    expect(later.flatMap((b) => b.events).filter((e) => e.type == 'identify')).toEqual([
      { type: 'identify', at: expect.any(Number), customer, consent: { outreach: false } },
    ]);
    expect(await page.evaluate(() => sessionStorage.getItem('tp_cid'))).toBeNull();
    await close();
  });

  it('init({ test: true }) marks every beacon, and a consented failed checkout then emails nobody', async () => {
    const customer = `cust-test-${Date.now().toString(36)}`;
    const email = `${customer}@shop.example`;
    const { page, close } = await shopper(customer, email);
    const posts = beaconPosts(page);
    // ?test=1: the demo shop's tag gets data-test="true" (what init({ test: true }) sets).
    await failCheckout(page, 'consent=1&fail=1&test=1');
    await expect.poll(() => posts.some((p) => p.body.includes('"step":"error"')), { timeout: 10_000 }).toBe(true);
    expect(posts.length).toBeGreaterThan(0);
    for (const b of parsed(posts)) {
      expect(b.test).toBe(true);
      expect(b.release).toBe(DEMO_RELEASE);
    }
    // The worker decided about it, and the decision is: nobody is contacted for test traffic.
    const contacts = await waitFor(async () => {
      const c = await outreachOf(customer);
      return c.length > 0 && c;
    }, 20_000, 200);
    expect(contacts.map((c) => [c.customer, c.decision, c.skipReason])).toEqual([[customer, 'skipped', 'test_traffic']]);
    expect(smtp.mails.filter((m) => m.to.includes(email))).toEqual([]);
    await close();
  });
});
