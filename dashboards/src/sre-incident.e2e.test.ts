/**
 * The SRE view during an incident, in real headless Chromium over a real Touchpoint: a filter
 * changes every panel (to the API's figures with that filter), the keyboard alone reaches every
 * row and picker, the legend shows the latest bucket before any hover, comparison with the
 * previous period, release markers, auto-refresh that keeps the focus, a chart that follows the
 * window's width, and one time zone for the axis, the tables and the status line.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconEvent } from '@touchpoint/protocol';
import type { Breakdown, Timeseries } from '@touchpoint/protocol/api/timeseries';
import type { ErrorsReport } from '@touchpoint/protocol/api/errors';
import type { PassRateReport } from '@touchpoint/protocol/api/pass-rate';
import type { ThirdParties } from '@touchpoint/protocol/api/third-parties';
import type { Sessions } from '@touchpoint/protocol/api/sessions';
import { quoteIdent } from '@touchpoint/collector/storage/clickhouse';
import { ADMIN_TOKEN, beacon, postBeacon, waitFor } from '@touchpoint/node/testing';
import { startDashboardsServer, type DashboardsServer } from './testing/dashboards-server.ts';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
/** The browser's own zone in this test (Chromium's timezoneId), offered by the time-zone picker. */
const BROWSER_ZONE = 'Australia/Sydney';

let server: DashboardsServer;
let browser: Browser;
let page: Page;

const now = () => Date.now();
const nav = (): BeaconEvent => ({ type: 'nav', at: now(), dns: 5, tcp: 10, tls: 12, ttfb: 180, download: 20, domInteractive: 700, domComplete: 1200, load: 1300 });
const lcp = (value: number): BeaconEvent => ({ type: 'vital', at: now(), name: 'LCP', value, attribution: { target: 'img.hero' } });
const inp = (value: number): BeaconEvent => ({ type: 'vital', at: now(), name: 'INP', value });
const error = (message: string): BeaconEvent => ({ type: 'error', at: now(), kind: 'js', message });
const failed = (url: string, status: number): BeaconEvent => ({ type: 'http', at: now(), method: 'POST', url, status, duration: 900 });
const resource = (host: string, bytes: number): BeaconEvent => ({ type: 'resource', at: now(), host, count: 2, bytes, p95: 200 });

async function send(path: string, events: BeaconEvent[], ua: string, country: string, connection: '4g' | '3g') {
  const res = await postBeacon(server.tp, beacon(events, { page: `https://shop.example${path}`, connection }), { headers: { 'user-agent': ua, 'x-country': country } });
  expect(res.status).toBe(204);
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}/api/v1/projects/demo/${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** The window the view asked for, as a query string. */
async function viewWindow() {
  const el = page.locator('section[data-view=sre]');
  return `from=${await el.getAttribute('data-from')}&to=${await el.getAttribute('data-to')}`;
}

/** Waits for the render an action caused: a new view in place of the marked one, done loading. */
async function rendered(action: () => Promise<unknown>) {
  await page.evaluate(() => document.querySelector('main section[data-view]')?.setAttribute('data-old', ''));
  await action();
  await page.waitForFunction(() => {
    const el = document.querySelector('main section[data-view]');
    return el && !el.hasAttribute('data-old') && document.querySelector('main')?.getAttribute('aria-busy') === 'false';
  }, null, { timeout: 15_000 });
}

/** Everything each panel shows, as text. */
async function panels() {
  const text = (sel: string) => page.locator(sel).first().textContent();
  const out: Record<string, string | null> = {};
  for (const id of ['passRate', 'lcpP75', 'inpP75', 'errorRate', 'failedRequestRate']) out[id] = await page.locator(`[data-kpi=${id}]`).getAttribute('data-value');
  out.chart = await text('[data-panel=chart] h3');
  for (const by of ['path', 'device', 'browser', 'country', 'connection']) out[by] = await text(`[data-breakdown=${by}]`);
  for (const id of ['slow-sessions', 'top-errors', 'failing-hosts', 'third-parties']) out[id] = await text(`[data-testid=${id}]`);
  return out;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startDashboardsServer({ TOUCHPOINT_COUNTRY_HEADER: 'x-country' });
  // The home page: desktop, AU, 4g, fast. The checkout: mobile, NZ, 3g, slow and failing.
  for (const v of [1200, 1300, 1400]) {
    await send('/', [nav(), lcp(v), inp(80), resource('cdn.home.example', 30_000)], DESKTOP, 'AU', '4g');
  }
  await send('/', [error('home widget broke'), failed('https://api.home.example/recs', 500)], DESKTOP, 'AU', '4g');
  for (const [v, i] of [[4000, 300], [4500, 600]] as const) {
    await send('/checkout', [nav(), lcp(v), inp(i), error('payment failed'), failed('https://api.pay.example/charge', 502), resource('cdn.pay.example', 90_000)], MOBILE, 'NZ', '3g');
  }
  // The hour before, for the comparison: faster LCPs, straight into the raw table.
  const db = quoteIdent(server.tp.storage.database);
  const before = now() - 90 * 60_000;
  await server.tp.storage.client.insert({
    table: `${db}.vitals`,
    format: 'JSONEachRow',
    values: [900, 1000, 1100, 1200].map((value, i) => ({
      project: 'demo', event_time: chTime(before + i), received_at: chTime(before + i), session: `prev-${i}`, customer: '', path: '/', device: 'desktop',
      browser: 'Chrome', os: 'Windows', country: 'AU', connection: '4g', name: 'LCP', value, rating: 'good', navigation_type: 'navigate', target: '', attribution_url: '', phases: {},
    })),
  });
  const t = now();
  await waitFor(async () => (await api<PassRateReport>(`vitals-pass-rate?from=${t - 3600_000}&to=${t + 60_000}`)).pageLoads === 5);
  await waitFor(async () => (await api<ErrorsReport>(`errors?from=${t - 3600_000}&to=${t + 60_000}`)).errors === 3);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, timezoneId: BROWSER_ZONE });
  page.on('pageerror', (err) => console.error('page error:', err));
  await page.goto(`${server.url}/dashboards/#sre?project=demo`);
  await page.fill('input[name=token]', ADMIN_TOKEN);
  await page.click('button[type=submit]');
  await page.waitForSelector('section[data-view=sre] [data-testid=chart] canvas');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the SRE view in an incident', () => {
  it('opens on the last hour, in one-minute buckets', async () => {
    const el = page.locator('section[data-view=sre]');
    const span = Number(await el.getAttribute('data-to')) - Number(await el.getAttribute('data-from'));
    expect(span).toBe(3600_000);
    expect(await page.inputValue('#range')).toBe('1h');
    expect(await page.textContent('[data-panel=chart] h3')).toContain('1-minute buckets');
  });

  it('shows the latest values in the legend before any hover', async () => {
    const series = await api<Timeseries>(`timeseries?metric=LCP&${await viewWindow()}`);
    const lastPoint = series.points.at(-1)!;
    const legend = await page.$$eval('.u-legend tr.u-series', (rows) => rows.map((r) => [r.querySelector('.u-label')?.textContent, r.querySelector('.u-value')?.textContent]));
    const value = (label: string) => legend.find(([l]) => l === label)?.[1];
    const fmt = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
    expect(value('p75')).toBe(fmt(lastPoint.p75));
    expect(value('p50')).toBe(fmt(lastPoint.p50));
    expect(value('p95')).toBe(fmt(lastPoint.p95));
    // and again after the cursor has been over the chart and left it
    await page.hover('[data-testid=chart] .u-over', { position: { x: 5, y: 5 } });
    await page.mouse.move(5, 900);
    await expect.poll(async () => (await page.$$eval('.u-legend tr.u-series', (rows) => rows.map((r) => r.querySelector('.u-value')?.textContent)))[2]).toBe(fmt(lastPoint.p75));
  });

  it('applies a filter to every panel', async () => {
    const all = await panels();
    // By keyboard: the path breakdown's row for /checkout.
    await rendered(async () => {
      await page.focus('[data-breakdown=path] button.rowbtn[aria-label="Filter by path /checkout"]');
      await page.keyboard.press('Enter');
    });
    expect(decodeURIComponent(page.url())).toContain('path=/checkout');
    const filtered = await panels();
    for (const [panel, text] of Object.entries(filtered)) expect(text, `${panel} did not change with the filter`).not.toBe(all[panel]);
    // …to what the API answers with the filter.
    const w = `${await viewWindow()}&path=%2Fcheckout`;
    const [pass, errors, third, slow, byDevice] = await Promise.all([
      api<PassRateReport>(`vitals-pass-rate?${w}`),
      api<ErrorsReport>(`errors?${w}`),
      api<ThirdParties>(`third-parties?${w}&limit=10`),
      api<Sessions>(`sessions?${w}&metric=LCP&limit=10`),
      api<Breakdown>(`breakdown?${w}&metric=LCP&by=device&limit=8`),
    ]);
    expect(pass.pageLoads).toBe(2);
    expect(filtered.passRate).toBe(String(pass.passRate));
    expect(filtered.errorRate).toBe(String(errors.errorRate));
    expect(filtered.failedRequestRate).toBe(String(errors.failedRequestRate));
    expect(errors.topMessages.map((m) => m.message)).toEqual(['payment failed']);
    expect(filtered['top-errors']).toContain('payment failed');
    expect(filtered['top-errors']).not.toContain('home widget broke');
    expect(filtered['failing-hosts']).toContain('api.pay.example');
    expect(filtered['failing-hosts']).not.toContain('api.home.example');
    expect(third.rows.map((r) => r.host)).toEqual(['cdn.pay.example']);
    expect(filtered['third-parties']).not.toContain('cdn.home.example');
    expect(await page.locator('[data-testid=slow-sessions] tbody tr').count()).toBe(slow.sessions.length);
    expect(await page.locator('[data-breakdown=device] tbody tr td:first-child').allTextContents()).toEqual(byDevice.rows.map((r) => r.value));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboards-sre-filtered.png'), fullPage: true });
    await rendered(() => page.click('[data-filter=path] button'));
  });

  it('reaches every row and every picker with the keyboard alone', async () => {
    const rows = await page.locator('tr.click').count();
    const links = await page.locator('main a.session').count();
    expect(rows).toBeGreaterThanOrEqual(15);
    expect(links).toBeGreaterThan(3);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const reachedRows = new Set<number>();
    const reachedLinks = new Set<number>();
    const reached = new Set<string>();
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const row = el.closest('tr.click');
        return {
          id: el.id || el.getAttribute('data-focus-key') || el.getAttribute('data-view') || el.tagName,
          row: row ? Array.from(document.querySelectorAll('tr.click')).indexOf(row) : -1,
          link: el.matches('main a.session') ? Array.from(document.querySelectorAll('main a.session')).indexOf(el) : -1,
        };
      });
      if (!at) continue;
      if (reached.has(`${at.id}/${at.row}/${at.link}`) && reachedRows.size === rows && reachedLinks.size === links) break;
      reached.add(`${at.id}/${at.row}/${at.link}`);
      if (at.row >= 0) reachedRows.add(at.row);
      if (at.link >= 0) reachedLinks.add(at.link);
    }
    expect(reachedRows.size).toBe(rows);
    expect(reachedLinks.size).toBe(links);
    const ids = [...reached].map((k) => k.split('/')[0]);
    for (const picker of ['project', 'range', 'tz', 'auto-refresh', 'refresh', 'metric:LCP', 'metric:INP', 'phase', 'compare']) expect(ids, picker).toContain(picker);
    // Screen readers: every table is labelled, every header is a column header.
    expect(await page.locator('main table:not([aria-label])').count()).toBe(0);
    expect(await page.locator('main table:not(.u-legend) th:not([scope=col])').count()).toBe(0);
    expect(await page.locator('main .u-legend th:not([scope=row])').count()).toBe(0);
    expect(await page.locator('button[data-metric=LCP]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('button[data-metric=INP]').getAttribute('aria-pressed')).toBe('false');
  });

  it('compares with the previous period: deltas on the cards, the previous p75 on the chart', async () => {
    await rendered(() => page.click('button[data-compare]'));
    expect(page.url()).toContain('compare=1');
    const el = page.locator('section[data-view=sre]');
    const from = Number(await el.getAttribute('data-from'));
    const to = Number(await el.getAttribute('data-to'));
    const [pass, prev] = await Promise.all([
      api<PassRateReport>(`vitals-pass-rate?from=${from}&to=${to}`),
      api<PassRateReport>(`vitals-pass-rate?from=${from - (to - from)}&to=${from}`),
    ]);
    expect(prev.pageLoads).toBe(4);
    const delta = Math.round((pass.p75.LCP! - prev.p75.LCP!) * 1e4) / 1e4;
    expect(delta).toBeGreaterThan(0);
    expect(await page.locator('[data-kpi=lcpP75] .delta').getAttribute('data-delta')).toBe(String(delta));
    expect(await page.locator('[data-kpi=lcpP75] .delta').textContent()).toContain('▲');
    expect(await page.locator('[data-kpi=lcpP75] .delta').getAttribute('class')).toContain('poor');
    expect(await page.locator('[data-kpi=passRate] .delta').count()).toBe(1);
    const previousSeries = page.locator('.u-legend tr.u-series', { hasText: 'p75, previous period' });
    expect(await previousSeries.getAttribute('class')).not.toContain('u-off');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboards-sre-compare.png'), fullPage: true });
    await rendered(() => page.click('button[data-compare]'));
    expect(await page.locator('[data-kpi=lcpP75] .delta').count()).toBe(0);
    expect(await page.locator('.u-legend tr.u-series', { hasText: 'previous period' }).count()).toBe(0);
  });

  it('marks the releases beacons reported', async () => {
    expect(await page.textContent('[data-testid=releases]')).toContain('No release reported in this window');
    // Rows as the collector writes them.
    const db = quoteIdent(server.tp.storage.database);
    const row = (release: string, at: number) => ({
      project: 'demo', received_at: chTime(at), sent_at: chTime(at), clock_skew_ms: 0, session: `rel-${at}`, customer: '', page_url: 'https://shop.example/', host: 'shop.example',
      path: '/', device: 'desktop', browser: 'Chrome', browser_version: '130', os: 'Windows', country: 'AU', connection: '4g', event_counts: {}, release,
    });
    const t = now();
    await server.tp.storage.client.insert({ table: `${db}.beacons`, format: 'JSONEachRow', values: [row('v41', t - 50 * 60_000), row('v42', t - 20 * 60_000), row('v42', t - 10 * 60_000)] });
    await rendered(() => page.click('#refresh'));
    const listed = await page.locator('[data-testid=releases] [data-release]').evaluateAll((els) => els.map((e) => e.getAttribute('data-release')));
    expect(listed).toEqual(['v41', 'v42']);
    // Both appeared inside the window (the first bucket had no release): two markers on the chart.
    expect(await page.locator('[data-testid=chart]').getAttribute('data-markers')).toBe('2');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboards-sre-releases.png'), clip: { x: 0, y: 0, width: 1400, height: 700 } });
  });

  it('tells time in one zone, picked once for the axis, the tables and the status line', async () => {
    expect(await page.textContent('[data-testid=slow-sessions] thead')).toContain('at (UTC)');
    const options = await page.locator('#tz option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(options).toEqual(['UTC', BROWSER_ZONE]);
    await rendered(() => page.selectOption('#tz', BROWSER_ZONE));
    expect(decodeURIComponent(page.url())).toContain(`tz=${BROWSER_ZONE}`);
    expect(await page.locator('section[data-view=sre]').getAttribute('data-zone')).toBe(BROWSER_ZONE);
    expect(await page.textContent('[data-testid=slow-sessions] thead')).toContain(`at (${BROWSER_ZONE})`);
    const w = await viewWindow();
    const slow = await api<Sessions>(`sessions?${w}&metric=LCP&limit=10`);
    const inZone = (ms: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: BROWSER_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);
    const cells = await page.locator('[data-testid=slow-sessions] tbody tr td:last-child').allTextContents();
    expect(cells).toEqual(slow.sessions.map((s) => inZone(s.at)));
    const series = await api<Timeseries>(`timeseries?metric=LCP&${w}`);
    expect(await page.locator('[data-testid=chart]').getAttribute('aria-label')).toContain(inZone(series.points.at(-1)!.t));
    expect(await page.textContent('[data-testid=window]')).toContain(`(${BROWSER_ZONE})`);
    await rendered(() => page.selectOption('#tz', 'UTC'));
  });

  it('refreshes on the interval picked, with fresh figures and the focus kept', async () => {
    await rendered(() => page.selectOption('#auto-refresh', '10s'));
    const key = 'breakdown-path:Filter by path /';
    await page.focus(`[data-focus-key="${key}"]`);
    await send('/', [error('fresh error after the pick')], DESKTOP, 'AU', '4g');
    // The next refresh comes within 10 s of the last render; allow for a busy machine.
    await page.waitForFunction(() => document.querySelector('[data-testid=top-errors]')?.textContent?.includes('fresh error after the pick'), null, { timeout: 30_000 });
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.focusKey)).toBe(key);
    await rendered(() => page.selectOption('#auto-refresh', 'off'));
    expect(page.url()).not.toContain('refresh=');
  });

  it('follows the window’s width', async () => {
    const width = () => page.locator('[data-testid=chart] .uplot').evaluate((e) => e.getBoundingClientRect().width);
    expect(await width()).toBeGreaterThan(1000);
    await page.setViewportSize({ width: 700, height: 1000 });
    await expect.poll(width).toBeLessThan(700);
    await page.setViewportSize({ width: 1400, height: 1000 });
    await expect.poll(width).toBeGreaterThan(1000);
  });
});
