import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Touchpoint } from '@touchpoint/node';
import { beacon, getJson, postBeacon, startTestTouchpoint, summary, vital, waitFor } from '@touchpoint/node/testing';

let tp: Touchpoint;
beforeAll(async () => {
  tp = await startTestTouchpoint();
});
afterAll(async () => tp?.close());

describe('GET /api/v1/projects/:project/summary', () => {
  it('counts beacons and events and gives vital percentiles for the window', async () => {
    const customer = `sum-${Date.now()}`;
    for (let i = 1; i <= 100; i++) {
      const res = await postBeacon(tp, beacon([vital('LCP', i * 10), { type: 'checkout', at: Date.now(), step: 'start', id: `c${i}` }], { customer }));
      expect(res.status).toBe(204);
    }
    const s = await waitFor(async () => {
      const s = await summary(tp, { customer });
      return s.beacons === 100 && s;
    });
    expect(s.events).toEqual({ vital: 100, checkout: 100 });
    expect(s.vitals.LCP!.count).toBe(100);
    expect(s.vitals.LCP!.p50).toBeCloseTo(505, -1);
    expect(s.vitals.LCP!.p75).toBeCloseTo(752.5, -1);
    expect(s.vitals.LCP!.p95).toBeCloseTo(950.5, -1);
    const past = await getJson(tp, `/api/v1/projects/demo/summary?from=1000&to=2000&customer=${customer}`);
    expect(past.body).toEqual({ beacons: 0, events: {}, vitals: {} });
  });

  it('leaves test traffic out unless asked for: test=include adds it, test=only shows it alone', async () => {
    const customer = `sum-k6-${Date.now()}`;
    const load = { 'x-touchpoint-load-test': 'k6/sum' };
    for (const [value, headers] of [[100, {}], [200, {}], [9000, load]] as const) {
      expect((await postBeacon(tp, beacon([vital('LCP', value)], { customer }), { headers })).status).toBe(204);
    }
    const all = await waitFor(async () => {
      const s = await summary(tp, { customer, test: 'include' });
      return s.beacons === 3 && s;
    });
    expect(all.vitals.LCP!.count).toBe(3);
    const real = await summary(tp, { customer });
    expect(real).toMatchObject({ beacons: 2, events: { vital: 2 }, vitals: { LCP: { count: 2 } } });
    expect(real.vitals.LCP!.p95).toBeLessThan(300);
    expect(await summary(tp, { customer, test: 'exclude' })).toEqual(real);
    expect(await summary(tp, { customer, test: 'only' })).toMatchObject({ beacons: 1, vitals: { LCP: { count: 1, p50: 9000 } } });
  });

  const now = Date.now();
  it.each([
    ['no token', null, `from=${now}&to=${now + 1}`, 401, 'TP_ERR_UNAUTHORIZED'],
    ['a wrong token', 'nope', `from=${now}&to=${now + 1}`, 401, 'TP_ERR_UNAUTHORIZED'],
    ['no from', undefined, `to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['from as text', undefined, `from=yesterday&to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['to before from', undefined, `from=${now}&to=${now - 1}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a range over 92 days', undefined, `from=0&to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['an unknown parameter', undefined, `from=${now}&to=${now + 1}&dimension=1`, 400, 'TP_ERR_BAD_QUERY'],
    ['an unknown test choice', undefined, `from=${now}&to=${now + 1}&test=all`, 400, 'TP_ERR_BAD_QUERY'],
    ['two test choices', undefined, `from=${now}&to=${now + 1}&test=include&test=only`, 400, 'TP_ERR_BAD_QUERY'],
    ['an injection attempt in customer', undefined, `from=${now}&to=${now + 1}&customer=${encodeURIComponent("x' OR 1=1 --")}`, 200, undefined],
  ] as const)('with %s answers %i', async (_name, token, query, status, code) => {
    const res = await getJson(tp, `/api/v1/projects/demo/summary?${query}`, token === undefined ? undefined : token);
    expect(res.status).toBe(status);
    if (code) expect(res.body).toMatchObject({ statusCode: status, code });
    else expect(res.body).toEqual({ beacons: 0, events: {}, vitals: {} });
  });

  it('404s an unknown project', async () => {
    const res = await getJson(tp, `/api/v1/projects/nope/summary?from=${now}&to=${now + 1}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'TP_ERR_UNKNOWN_PROJECT' });
  });
});

describe('health', () => {
  it('healthz and readyz answer 200 when storage and Redis do', async () => {
    expect((await fetch(`${tp.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${tp.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { clickhouse: true, redis: true, spool: true } });
  });

  it('readyz answers 503 when Redis is gone', async () => {
    await tp.privateRedis!.stop();
    const ready = await fetch(`${tp.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { redis: false } });
  });
});
