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

  const now = Date.now();
  it.each([
    ['no token', null, `from=${now}&to=${now + 1}`, 401, 'TP_ERR_UNAUTHORIZED'],
    ['a wrong token', 'nope', `from=${now}&to=${now + 1}`, 401, 'TP_ERR_UNAUTHORIZED'],
    ['no from', undefined, `to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['from as text', undefined, `from=yesterday&to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['to before from', undefined, `from=${now}&to=${now - 1}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a range over 92 days', undefined, `from=0&to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['an unknown parameter', undefined, `from=${now}&to=${now + 1}&dimension=1`, 400, 'TP_ERR_BAD_QUERY'],
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
