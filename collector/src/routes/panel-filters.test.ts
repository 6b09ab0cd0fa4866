/**
 * Every filter applies to the errors and third-party reports too, including on dimensions those
 * tables do not store (connection for errors and requests; browser and connection for
 * resources), which go through the beacon each event came in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconEvent } from '@touchpoint/protocol';
import type { ErrorsReport } from '@touchpoint/protocol/api/errors';
import type { ThirdParties } from '@touchpoint/protocol/api/third-parties';
import { ADMIN_TOKEN, beacon, postBeacon, startTestTouchpoint, waitFor } from '@touchpoint/node/testing';
import type { Touchpoint } from '@touchpoint/node';

const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

let tp: Touchpoint;
const t0 = Date.now();
const win = `from=${t0 - 3600_000}&to=${t0 + 600_000}`;

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${tp.url}/api/v1/projects/demo/${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

const nav = (): BeaconEvent => ({ type: 'nav', at: Date.now(), dns: 1, tcp: 2, tls: 3, ttfb: 100, download: 10, domInteractive: 300, domComplete: 500, load: 600 });
const error = (message: string): BeaconEvent => ({ type: 'error', at: Date.now(), kind: 'js', message });
const failed = (url: string): BeaconEvent => ({ type: 'http', at: Date.now(), method: 'GET', url, status: 503, duration: 50 });
const resource = (host: string, bytes: number): BeaconEvent => ({ type: 'resource', at: Date.now(), host, count: 1, bytes, p95: 100 });

async function send(path: string, events: BeaconEvent[], ua: string, connection: '4g' | '3g', country: string) {
  const res = await postBeacon(tp, beacon(events, { page: `https://shop.example${path}`, connection }), { headers: { 'user-agent': ua, 'x-country': country } });
  expect(res.status).toBe(204);
}

beforeAll(async () => {
  tp = await startTestTouchpoint({ TOUCHPOINT_COUNTRY_HEADER: 'x-country' });
  // The home page on desktop over 4g in AU; checkout on mobile over 3g in NZ.
  await send('/', [nav(), error('home broke'), failed('https://api.home.example/a'), resource('cdn.home.example', 1000)], DESKTOP, '4g', 'AU');
  await send('/', [nav()], DESKTOP, '4g', 'AU');
  await send('/checkout', [nav(), error('pay broke'), error('pay broke'), failed('https://api.pay.example/charge'), resource('cdn.pay.example', 5000)], MOBILE, '3g', 'NZ');
  await waitFor(async () => (await get<ErrorsReport>(`errors?${win}`)).pageLoads === 3);
});

afterAll(async () => {
  await tp?.close();
});

describe('a filter reaches the errors and third-party reports', () => {
  it('unfiltered, they count everything', async () => {
    const e = await get<ErrorsReport>(`errors?${win}`);
    expect(e).toMatchObject({ pageLoads: 3, errors: 3, failedRequests: 2 });
    const t = await get<ThirdParties>(`third-parties?${win}`);
    expect(t.rows.map((r) => r.host).sort()).toEqual(['cdn.home.example', 'cdn.pay.example']);
  });

  // Each filter picks the home page's traffic or the checkout's, whichever table stores the dimension.
  it.each([
    ['path', '/', '/checkout'],
    ['device', 'desktop', 'mobile'],
    ['browser', 'Chrome', 'Safari'],
    ['country', 'AU', 'NZ'],
    ['connection', '4g', '3g'],
  ])('by %s', async (dim, home, checkout) => {
    const h = await get<ErrorsReport>(`errors?${win}&${dim}=${encodeURIComponent(home)}`);
    expect(h).toMatchObject({ pageLoads: 2, errors: 1, failedRequests: 1, errorRate: 0.5 });
    expect(h.topMessages.map((m) => m.message)).toEqual(['home broke']);
    expect(h.topHosts.map((x) => x.host)).toEqual(['api.home.example']);
    expect(h.series.reduce((n, p) => n + p.pageLoads, 0)).toBe(2);
    const c = await get<ErrorsReport>(`errors?${win}&${dim}=${encodeURIComponent(checkout)}`);
    expect(c).toMatchObject({ pageLoads: 1, errors: 2, failedRequests: 1, errorRate: 2 });
    expect(c.topHosts.map((x) => x.host)).toEqual(['api.pay.example']);
    const th = await get<ThirdParties>(`third-parties?${win}&${dim}=${encodeURIComponent(home)}`);
    expect(th.rows.map((r) => [r.host, r.bytes])).toEqual([['cdn.home.example', 1000]]);
    const tc = await get<ThirdParties>(`third-parties?${win}&${dim}=${encodeURIComponent(checkout)}`);
    expect(tc.rows.map((r) => [r.host, r.bytes])).toEqual([['cdn.pay.example', 5000]]);
  });

  it('combines filters, and a value nobody has gives nothing', async () => {
    const both = await get<ErrorsReport>(`errors?${win}&device=mobile&connection=3g&path=%2Fcheckout`);
    expect(both).toMatchObject({ pageLoads: 1, errors: 2 });
    const none = await get<ErrorsReport>(`errors?${win}&device=mobile&connection=4g`);
    expect(none).toMatchObject({ pageLoads: 0, errors: 0, failedRequests: 0, errorRate: null, topMessages: [], topHosts: [] });
    const injected = await get<ThirdParties>(`third-parties?${win}&connection=${encodeURIComponent("4g') OR 1=1 --")}`);
    expect(injected.rows).toEqual([]);
  });
});
