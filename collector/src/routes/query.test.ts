import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconEvent } from '@touchpoint/protocol';
import { quoteIdent } from '../storage/clickhouse.ts';
import { ADMIN_TOKEN, beacon, postBeacon, startTestTouchpoint, vital, waitFor } from '@touchpoint/node/testing';
import type { Touchpoint } from '@touchpoint/node';

const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const SHOP = 'https://shop.example';

let tp: Touchpoint;
let base: string;
const t0 = Date.now();
const from = t0 - 3600_000;
const to = t0 + 600_000;
const win = `from=${from}&to=${to}`;

async function get<T = Record<string, unknown>>(path: string, token: string | null = ADMIN_TOKEN) {
  const res = await fetch(`${base}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}

async function send(page: string, events: BeaconEvent[], opts: { ua?: string; country?: string; session?: string; customer?: string; release?: string; loadTest?: string } = {}) {
  const headers: Record<string, string> = { 'user-agent': opts.ua ?? DESKTOP };
  if (opts.country) headers['x-country'] = opts.country;
  if (opts.loadTest) headers['x-touchpoint-load-test'] = opts.loadTest;
  const over = {
    page: `${SHOP}${page}`,
    ...(opts.session ? { session: opts.session } : {}),
    ...(opts.customer ? { customer: opts.customer } : {}),
    ...(opts.release ? { release: opts.release } : {}),
  };
  const res = await postBeacon(tp, beacon(events, over), { headers });
  expect(res.status).toBe(204);
}

/** DateTime64(3, 'UTC') text. */
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const at = (msAgo = 0) => Date.now() - msAgo;
const vitalWith = (name: 'LCP' | 'INP' | 'CLS', value: number, target = ''): BeaconEvent => ({
  type: 'vital', at: at(), name, value, ...(target ? { attribution: { target, url: `${SHOP}/hero.jpg` } } : {}),
});
const checkout = (step: 'start' | 'step' | 'error' | 'complete', id: string, msAgo: number, extra: Record<string, unknown> = {}): BeaconEvent =>
  ({ type: 'checkout', at: at(msAgo), step, id, ...extra }) as BeaconEvent;

interface Pct { count: number; p50: number; p75: number; p95: number; p99: number }

beforeAll(async () => {
  tp = await startTestTouchpoint({ TOUCHPOINT_COUNTRY_HEADER: 'x-country', TOUCHPOINT_STUCK_AFTER: '2s' });
  base = tp.url;

  // Known percentiles: LCP 1..100 ms on one path.
  await send('/known', Array.from({ length: 100 }, (_, i) => vital('LCP', i + 1)));
  // Breakdown: slower on mobile, and by country.
  await send('/bd', Array.from({ length: 20 }, (_, i) => vital('LCP', 1000 + i)), { country: 'AU' });
  await send('/bd', Array.from({ length: 20 }, (_, i) => vital('LCP', 3000 + i)), { ua: MOBILE, country: 'NZ' });
  // Pass rate: four page loads on /cwv, two good.
  await send('/cwv', [vitalWith('LCP', 2000), vitalWith('INP', 100), vitalWith('CLS', 0.05)], { session: 'cwv-good-1' });
  await send('/cwv', [vitalWith('LCP', 3000, 'img.hero'), vitalWith('INP', 150, 'button#buy'), vitalWith('CLS', 0.05)], { session: 'cwv-slow-lcp', ua: MOBILE, country: 'NZ' });
  await send('/cwv', [vitalWith('LCP', 2000)], { session: 'cwv-good-no-inp' });
  await send('/cwv', [vitalWith('LCP', 2000), vitalWith('INP', 300), vitalWith('CLS', 0.01)], { session: 'cwv-slow-inp' });
  // Errors: two page loads, three errors, two failed requests.
  const nav = (): BeaconEvent => ({ type: 'nav', at: at(), dns: 1, tcp: 2, tls: 3, ttfb: 100, download: 10, domInteractive: 300, domComplete: 500, load: 600 });
  await send('/err', [nav(), { type: 'error', at: at(), kind: 'js', message: 'x is undefined' }, { type: 'error', at: at(), kind: 'js', message: 'x is undefined' },
    { type: 'http', at: at(), method: 'POST', url: 'https://api.pay.example/charge', status: 502, duration: 3000 }]);
  await send('/err', [nav(), { type: 'error', at: at(), kind: 'promise', message: 'Payment failed' },
    { type: 'http', at: at(), method: 'GET', url: 'https://cdn.example/a.js', status: 0, duration: 10 }]);
  // Third parties.
  const res = (host: string, bytes: number, p95: number): BeaconEvent => ({ type: 'resource', at: at(), host, count: 3, bytes, p95 });
  await send('/tp', [res('cdn.example', 1000, 100), res('ads.example', 500, 900)]);
  await send('/tp', [res('cdn.example', 1000, 120)]);
  // Checkouts: co1 completes, co2 fails, co3 stops at shipping 10 s ago (stuck after 2 s).
  await send('/checkout', [checkout('start', 'co1', 3000, { value: 100, currency: 'AUD' }), checkout('step', 'co1', 2000, { name: 'shipping' }),
    checkout('step', 'co1', 1000, { name: 'payment' }), checkout('complete', 'co1', 0, { orderId: 'o1' })], { customer: 'cust-1' });
  await send('/checkout', [checkout('start', 'co2', 3000, { value: 50, currency: 'AUD' }), checkout('step', 'co2', 2000, { name: 'shipping' }),
    checkout('error', 'co2', 1000, { reason: 'payment_declined' })], { customer: 'cust-2' });
  await send('/checkout', [checkout('start', 'co3', 20_000, { value: 70, currency: 'AUD' }), checkout('step', 'co3', 10_000, { name: 'shipping' })], { customer: 'cust-3' });

  // A load test on /k6 (tagged as the k6 scenarios tag it): slow, failing, with a release of its
  // own. Every assertion above on the real traffic doubles as a check that it is left out.
  const k6 = { loadTest: 'k6/run-q', session: 'k6-run-q-1-0badf00d', release: 'v9-loadtest', customer: 'k6-cust' };
  await send('/k6', [vital('LCP', 9000), vital('LCP', 9500), vital('INP', 900), nav(), { type: 'error', at: at(), kind: 'js', message: 'k6 boom' },
    { type: 'error', at: at(), kind: 'js', message: 'k6 boom' }, { type: 'http', at: at(), method: 'GET', url: 'https://api.k6.example/x', status: 503, duration: 50 },
    res('k6cdn.example', 99_999, 50), checkout('start', 'co-k6', 3000, { value: 999, currency: 'AUD' }), checkout('error', 'co-k6', 1000, { reason: 'k6' })], k6);
  // Releases: v1.0.0 in two beacons, then v1.1.0 (custom events, so no other report changes).
  const custom = (): BeaconEvent => ({ type: 'custom', at: at(), name: 'view' });
  await send('/rel', [custom()], { release: 'v1.0.0' });
  await send('/rel', [custom()], { release: 'v1.0.0' });
  await send('/rel', [custom()], { release: 'v1.1.0' });

  // Everything is queryable once the last beacon's rows are in.
  await waitFor(async () => {
    const r = await get<{ checkouts: number }>(`/api/v1/projects/demo/funnel?${win}`);
    return r.body.checkouts === 3;
  });
  await waitFor(async () => {
    const r = await get<{ rows: unknown[] }>(`/api/v1/projects/demo/breakdown?metric=LCP&by=path&${win}`);
    return r.body.rows.length === 3;
  });
  await waitFor(async () => {
    const r = await get<{ releases: unknown[] }>(`/api/v1/projects/demo/releases?test=include&${win}`);
    return r.body.releases.length === 3;
  });
});

afterAll(async () => {
  await tp?.close();
});

describe('timeseries', () => {
  it('gives the known percentiles of LCP 1..100 ms', async () => {
    const r = await get<{ bucket: number; points: (Pct & { t: number })[] }>(`/api/v1/projects/demo/timeseries?metric=LCP&path=/known&${win}`);
    expect(r.status).toBe(200);
    // one hour + 10 min in ≤ 300 points: one-minute buckets
    expect(r.body.bucket).toBe(60);
    // the seed may straddle a minute boundary; a one-hour bucket holds it all
    const hourly = await get<{ bucket: number; points: (Pct & { t: number })[] }>(`/api/v1/projects/demo/timeseries?metric=LCP&path=/known&bucket=86400&${win}`);
    expect(hourly.body.points).toHaveLength(1);
    const p = hourly.body.points[0]!;
    expect(p.count).toBe(100);
    // t-digest: within a couple of ms of the exact 50.5 / 75.25 / 95.05
    expect(Math.abs(p.p50 - 50.5)).toBeLessThanOrEqual(2);
    expect(Math.abs(p.p75 - 75.25)).toBeLessThanOrEqual(2);
    expect(Math.abs(p.p95 - 95.05)).toBeLessThanOrEqual(2);
    expect(p.t % 86_400_000).toBe(0);
    expect(r.body.points.reduce((s, x) => s + x.count, 0)).toBe(100);
  });

  it('buckets rows at known times', async () => {
    const start = Date.UTC(2026, 0, 1, 0, 0, 0);
    const db = quoteIdent(tp.storage.database);
    await tp.storage.client.insert({
      table: `${db}.vitals`,
      format: 'JSONEachRow',
      values: Array.from({ length: 20 }, (_, i) => ({
        project: 'demo', event_time: chTime(start + i * 60_000), received_at: chTime(start + i * 60_000), session: `past-${i}`, customer: '', path: '/past',
        device: 'desktop', browser: 'Chrome', os: 'Windows', country: 'AU', connection: '4g', name: 'INP', value: i * 10, rating: '',
        navigation_type: '', target: '', attribution_url: '', phases: {},
      })),
    });
    const r = await get<{ bucket: number; points: (Pct & { t: number })[] }>(`/api/v1/projects/demo/timeseries?metric=INP&bucket=300&from=${start}&to=${start + 3600_000}`);
    expect(r.body.bucket).toBe(300);
    expect(r.body.points.map((p) => [p.t - start, p.count])).toEqual([[0, 5], [300_000, 5], [600_000, 5], [900_000, 5]]);
    expect(r.body.points[0]!.p50).toBeCloseTo(20, -1);
    // a week in auto buckets: ≤ 300 points, so hours
    const week = await get<{ bucket: number }>(`/api/v1/projects/demo/timeseries?metric=INP&from=${start}&to=${start + 7 * 86_400_000}`);
    expect(week.body.bucket).toBe(3600);
  });

  it('filters by dimension values', async () => {
    const mobile = await get<{ points: Pct[] }>(`/api/v1/projects/demo/timeseries?metric=LCP&bucket=86400&path=/bd&device=mobile&${win}`);
    expect(mobile.body.points[0]).toMatchObject({ count: 20 });
    expect(mobile.body.points[0]!.p50).toBeGreaterThanOrEqual(3000);
    const nz = await get<{ points: Pct[] }>(`/api/v1/projects/demo/timeseries?metric=LCP&bucket=86400&country=NZ&${win}`);
    expect(nz.body.points[0]!.count).toBe(21);
  });
});

describe('breakdown', () => {
  it('gives rows per value, slowest p75 first', async () => {
    const r = await get<{ rows: (Pct & { value: string })[] }>(`/api/v1/projects/demo/breakdown?metric=LCP&by=device&path=/bd&${win}`);
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x) => [x.value, x.count])).toEqual([['mobile', 20], ['desktop', 20]]);
    expect(r.body.rows[0]!.p75).toBeGreaterThan(3000);
    const paths = await get<{ rows: (Pct & { value: string })[] }>(`/api/v1/projects/demo/breakdown?metric=LCP&by=path&limit=2&${win}`);
    expect(paths.body.rows.map((x) => x.value)).toEqual(['/bd', '/cwv']);
  });
});

describe('vitals-pass-rate', () => {
  it('counts page loads good on all three vitals', async () => {
    const r = await get<Record<string, unknown>>(`/api/v1/projects/demo/vitals-pass-rate?path=/cwv&by=device&${win}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pageLoads: 4, good: 2, passRate: 0.5, lcpGood: 3, inpGood: 3, clsGood: 4, thresholds: { LCP: 2500, INP: 200, CLS: 0.1 } });
    expect(r.body.definition).toMatch(/page load/);
    expect(r.body.rows).toEqual([
      expect.objectContaining({ value: 'desktop', pageLoads: 3, good: 2 }),
      expect.objectContaining({ value: 'mobile', pageLoads: 1, good: 0 }),
    ]);
  });
});

describe('errors', () => {
  it('gives rates per page load, top messages and failing hosts', async () => {
    const r = await get<Record<string, unknown>>(`/api/v1/projects/demo/errors?${win}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pageLoads: 2, errors: 3, failedRequests: 2, errorRate: 1.5, failedRequestRate: 1 });
    expect(r.body.topMessages).toEqual([
      expect.objectContaining({ kind: 'js', message: 'x is undefined', count: 2, sessions: 1 }),
      expect.objectContaining({ kind: 'promise', message: 'Payment failed', count: 1 }),
    ]);
    expect(r.body.topHosts).toEqual(expect.arrayContaining([
      expect.objectContaining({ host: 'api.pay.example', count: 1, serverErrors: 1, network: 0 }),
      expect.objectContaining({ host: 'cdn.example', count: 1, network: 1 }),
    ]));
  });
});

describe('third-parties', () => {
  it('ranks hosts by bytes or by p95', async () => {
    const bytes = await get<{ rows: { host: string; bytes: number; requests: number }[] }>(`/api/v1/projects/demo/third-parties?${win}`);
    expect(bytes.body.rows.map((x) => [x.host, x.bytes, x.requests])).toEqual([['cdn.example', 2000, 6], ['ads.example', 500, 3]]);
    const slow = await get<{ rows: { host: string }[] }>(`/api/v1/projects/demo/third-parties?sort=p95&${win}`);
    expect(slow.body.rows[0]!.host).toBe('ads.example');
  });
});

describe('funnel', () => {
  it('gives steps with drop-off, stuck and failed checkouts, revenue at risk and a latency estimate', async () => {
    const r = await get<Record<string, unknown> & { latencyEffect: { lcpP75: number; conversionLoss: number; estimate: boolean; revenueEffect: { value: number }[] } }>(
      `/api/v1/projects/demo/funnel?${win}`,
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ checkouts: 3, started: 3, completed: 1, failed: 1, stuck: 1, open: 0 });
    // The dev project declares the default steps: co1 completed (so passed them all), co2 and
    // co3 got as far as shipping, skipping cart and details.
    expect(r.body.declaredSteps).toEqual(['cart', 'details', 'shipping', 'payment', 'review']);
    expect(r.body.steps).toEqual([
      { step: 'start', checkouts: 3, dropOff: null },
      { step: 'cart', checkouts: 3, dropOff: 0 },
      { step: 'details', checkouts: 3, dropOff: 0 },
      { step: 'shipping', checkouts: 3, dropOff: 0 },
      { step: 'payment', checkouts: 1, dropOff: 0.6667 },
      { step: 'review', checkouts: 1, dropOff: 0 },
      { step: 'complete', checkouts: 1, dropOff: 0 },
    ]);
    expect(r.body.otherSteps).toEqual([]);
    expect(r.body).not.toHaveProperty('focus');
    expect(r.body.revenue).toEqual([{ currency: 'AUD', completed: 100, failed: 50, stuck: 70, atRisk: 120 }]);
    expect(r.body.problems).toEqual([
      expect.objectContaining({ checkout: 'co3', status: 'stuck', value: 70, customer: 'cust-3', lastStep: 'shipping' }),
      expect.objectContaining({ checkout: 'co2', status: 'failed', value: 50, reason: 'payment_declined' }),
    ]);
    const e = r.body.latencyEffect;
    expect(e.estimate).toBe(true);
    const expected = Math.min(0.5, Math.max(0, e.lcpP75 - 2500) / 10_000);
    expect(e.conversionLoss).toBeCloseTo(expected, 3);
    expect(e.revenueEffect[0]!.value).toBeCloseTo(100 * expected, 1);
  });
});

describe('funnel focus', () => {
  it('reports the checkout a link names, and null for one it does not know', async () => {
    const r = await get<{ focus: Record<string, unknown> | null }>(`/api/v1/projects/demo/funnel?checkout=co2&${win}`);
    expect(r.status).toBe(200);
    expect(r.body.focus).toMatchObject({ checkout: 'co2', status: 'failed', customer: 'cust-2', value: 50, currency: 'AUD', reason: 'payment_declined', steps: ['shipping'] });
    const none = await get<{ focus: unknown }>(`/api/v1/projects/demo/funnel?checkout=${encodeURIComponent("co9' OR 1=1")}&${win}`);
    expect(none).toMatchObject({ status: 200, body: { focus: null } });
  });
});

describe('sessions', () => {
  it('lists the slowest page loads with their LCP and INP elements', async () => {
    const r = await get<{ sessions: Record<string, unknown>[] }>(`/api/v1/projects/demo/sessions?metric=LCP&path=/cwv&limit=2&${win}`);
    expect(r.status).toBe(200);
    expect(r.body.sessions).toHaveLength(2);
    expect(r.body.sessions[0]).toMatchObject({
      session: 'cwv-slow-lcp', path: '/cwv', device: 'mobile', browser: 'Safari', country: 'NZ', value: 3000,
      target: 'img.hero', lcpTarget: 'img.hero', inpTarget: 'button#buy', lcp: 3000, inp: 150,
    });
  });
});

describe('test traffic', () => {
  it('never reaches a report read from the rollups', async () => {
    const paths = await get<{ rows: { value: string }[] }>(`/api/v1/projects/demo/breakdown?metric=LCP&by=path&${win}`);
    expect(paths.body.rows.map((r) => r.value)).not.toContain('/k6');
    // One filter under hour buckets, and two filters: both read the raw table.
    for (const q of ['path=/k6', 'path=/k6&device=desktop']) {
      const ts = await get<{ points: unknown[] }>(`/api/v1/projects/demo/timeseries?metric=LCP&${q}&${win}`);
      expect(ts, q).toMatchObject({ status: 200, body: { points: [] } });
    }
    expect((await get(`/api/v1/projects/demo/vitals-pass-rate?path=/k6&${win}`)).body).toMatchObject({ pageLoads: 0 });
    const funnel = await get<{ checkouts: number; problems: { checkout: string }[] }>(`/api/v1/projects/demo/funnel?${win}`);
    expect(funnel.body.checkouts).toBe(3);
    expect(funnel.body.problems.map((p) => p.checkout)).not.toContain('co-k6');
  });

  it('is left out of the raw-table reports unless asked for: test=include adds it, test=only shows it alone', async () => {
    const errors = async (test: string) => (await get<Record<string, unknown> & { topMessages: { message: string }[] }>(`/api/v1/projects/demo/errors?${test}${win}`)).body;
    expect(await errors('')).toMatchObject({ pageLoads: 2, errors: 3, failedRequests: 2 });
    expect(await errors('test=exclude&')).toMatchObject({ pageLoads: 2, errors: 3, failedRequests: 2 });
    const all = await errors('test=include&');
    expect(all).toMatchObject({ pageLoads: 3, errors: 5, failedRequests: 3, errorRate: 1.6667 });
    expect(all.topMessages[0]).toMatchObject({ message: 'k6 boom', count: 2 });
    const only = await errors('test=only&');
    expect(only).toMatchObject({ pageLoads: 1, errors: 2, failedRequests: 1, errorRate: 2 });
    expect(only.topMessages.map((m) => m.message)).toEqual(['k6 boom']);

    const hosts = async (test: string) => (await get<{ rows: { host: string }[] }>(`/api/v1/projects/demo/third-parties?${test}${win}`)).body.rows.map((r) => r.host);
    expect(await hosts('')).toEqual(['cdn.example', 'ads.example']);
    expect(await hosts('test=include&')).toEqual(['k6cdn.example', 'cdn.example', 'ads.example']);
    expect(await hosts('test=only&')).toEqual(['k6cdn.example']);

    const slowest = async (test: string) => (await get<{ sessions: { session: string }[] }>(`/api/v1/projects/demo/sessions?metric=LCP&limit=3&${test}${win}`)).body.sessions.map((x) => x.session);
    expect(await slowest('')).not.toContain('k6-run-q-1-0badf00d');
    expect((await slowest('test=include&'))[0]).toBe('k6-run-q-1-0badf00d');
    expect(await slowest('test=only&')).toEqual(['k6-run-q-1-0badf00d', 'k6-run-q-1-0badf00d']);
  });
});

describe('releases', () => {
  it('lists each release with the first and last time a beacon carried it in the window, in the order they appeared', async () => {
    const r = await get<{ releases: { release: string; firstAt: number; lastAt: number; beacons: number }[] }>(`/api/v1/projects/demo/releases?${win}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ project: 'demo', from, to });
    expect(r.body.releases.map((x) => [x.release, x.beacons])).toEqual([['v1.0.0', 2], ['v1.1.0', 1]]);
    const [first, second] = r.body.releases;
    expect(first!.firstAt).toBeGreaterThanOrEqual(t0);
    expect(first!.firstAt).toBeLessThan(first!.lastAt + 1);
    expect(second!.firstAt).toBeGreaterThanOrEqual(first!.lastAt);
    // The load test's release only when asked for; a window before them has none; limit keeps the first.
    const all = await get<{ releases: { release: string }[] }>(`/api/v1/projects/demo/releases?test=include&${win}`);
    expect(all.body.releases.map((x) => x.release)).toEqual(['v9-loadtest', 'v1.0.0', 'v1.1.0']);
    const only = await get<{ releases: { release: string }[] }>(`/api/v1/projects/demo/releases?test=only&${win}`);
    expect(only.body.releases.map((x) => x.release)).toEqual(['v9-loadtest']);
    expect((await get(`/api/v1/projects/demo/releases?from=${from - 3600_000}&to=${from}`)).body).toMatchObject({ releases: [] });
    const one = await get<{ releases: { release: string }[] }>(`/api/v1/projects/demo/releases?limit=1&${win}`);
    expect(one.body.releases.map((x) => x.release)).toEqual(['v1.0.0']);
  });
});

describe('projects', () => {
  it('lists the projects to pick from', async () => {
    const r = await get(`/api/v1/projects`);
    expect(r.body).toEqual({ projects: [{ id: 'demo', name: 'demo' }] });
  });
});

describe('bad requests', () => {
  const now = Date.now();
  const ok = `from=${now - 3600_000}&to=${now}`;
  it.each([
    ['no token', null, `/timeseries?metric=LCP&${ok}`, 401, 'TP_ERR_UNAUTHORIZED'],
    ['a wrong token', 'nope', `/breakdown?metric=LCP&by=path&${ok}`, 401, 'TP_ERR_UNAUTHORIZED'],
    ['a range over 92 days', undefined, `/timeseries?metric=LCP&from=${now - 93 * 86_400_000}&to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['to before from', undefined, `/funnel?from=${now}&to=${now - 1}`, 400, 'TP_ERR_BAD_QUERY'],
    ['no from', undefined, `/errors?to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['an unknown metric', undefined, `/timeseries?metric=DROP&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['an unknown dimension', undefined, `/breakdown?metric=LCP&by=secret&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a dimension as SQL', undefined, `/vitals-pass-rate?by=${encodeURIComponent('path) FROM system.tables --')}&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a limit over 100', undefined, `/sessions?limit=1000&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['an odd bucket', undefined, `/timeseries?metric=LCP&bucket=7&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['too many buckets', undefined, `/timeseries?metric=LCP&bucket=60&from=${now - 30 * 86_400_000}&to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['an unknown parameter', undefined, `/errors?${ok}&order=1`, 400, 'TP_ERR_BAD_QUERY'],
    ['a nav phase for sessions', undefined, `/sessions?metric=dns&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['an empty checkout', undefined, `/funnel?checkout=&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a checkout id of 300 characters', undefined, `/funnel?checkout=${'x'.repeat(300)}&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['an unknown test choice', undefined, `/errors?test=yes&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['an empty test choice', undefined, `/third-parties?test=&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a test choice in capitals', undefined, `/sessions?test=INCLUDE&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a test choice as SQL', undefined, `/releases?test=${encodeURIComponent("include' OR 1=1 --")}&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a test choice on a rollup report', undefined, `/timeseries?metric=LCP&test=include&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a test choice on the funnel', undefined, `/funnel?test=only&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['releases without a token', null, `/releases?${ok}`, 401, 'TP_ERR_UNAUTHORIZED'],
    ['releases without to', undefined, `/releases?from=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['releases from as text', undefined, `/releases?from=yesterday&to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['releases to before from', undefined, `/releases?from=${now}&to=${now - 1}`, 400, 'TP_ERR_BAD_QUERY'],
    ['releases over 92 days', undefined, `/releases?from=${now - 93 * 86_400_000}&to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['releases with limit 0', undefined, `/releases?limit=0&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['releases with limit 101', undefined, `/releases?limit=101&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['releases with an unknown parameter', undefined, `/releases?release=v1&${ok}`, 400, 'TP_ERR_BAD_QUERY'],
  ] as const)('with %s answers %i', async (_name, token, path, status, code) => {
    const res = await get(`/api/v1/projects/demo${path}`, token === undefined ? undefined : token);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ statusCode: status, code });
  });

  it('names the test parameter and its choices when the value is wrong', async () => {
    const res = await get<{ message: string }>(`/api/v1/projects/demo/errors?test=yes&${ok}`);
    expect(res.body.message).toMatch(/test/);
    expect(res.body.message).toMatch(/exclude|allowed values/);
  });

  it('404s an unknown project', async () => {
    const res = await get(`/api/v1/projects/nope/funnel?${ok}`);
    expect(res).toMatchObject({ status: 404, body: { code: 'TP_ERR_UNKNOWN_PROJECT' } });
    const releases = await get(`/api/v1/projects/nope/releases?${ok}`);
    expect(releases).toMatchObject({ status: 404, body: { code: 'TP_ERR_UNKNOWN_PROJECT' } });
  });

  it.each([
    ['path', `' OR 1=1 --`],
    ['device', `desktop' OR '1'='1`],
    ['country', `AU'); DROP TABLE vitals; --`],
    ['browser', `\\'; SELECT 1`],
  ])('treats an injection attempt in %s as a value: 200 with no rows', async (dim, value) => {
    const q = `${win}&${dim}=${encodeURIComponent(value)}`;
    const ts = await get<{ points: unknown[] }>(`/api/v1/projects/demo/timeseries?metric=LCP&${q}`);
    expect(ts).toMatchObject({ status: 200, body: { points: [] } });
    const bd = await get<{ rows: unknown[] }>(`/api/v1/projects/demo/breakdown?metric=LCP&by=path&${q}`);
    expect(bd).toMatchObject({ status: 200, body: { rows: [] } });
    const pr = await get(`/api/v1/projects/demo/vitals-pass-rate?${q}`);
    expect(pr).toMatchObject({ status: 200, body: { pageLoads: 0, passRate: null } });
    const ss = await get(`/api/v1/projects/demo/sessions?${q}`);
    expect(ss).toMatchObject({ status: 200, body: { sessions: [] } });
    // and the tables are still there
    const after = await get<{ points: Pct[] }>(`/api/v1/projects/demo/timeseries?metric=LCP&path=/known&bucket=86400&${win}`);
    expect(after.body.points[0]!.count).toBe(100);
  });
});
