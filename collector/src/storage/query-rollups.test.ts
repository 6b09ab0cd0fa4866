/**
 * Migration 003's rollups answer as the raw rows do: across whole hours and partial ones, by
 * dimension and in total, for vitals and navigation phases; and page loads whose reports arrive
 * in separate inserts, or after the hour turned, are judged whole. Raw rows go into the real
 * tables and the real materialized views fill the rollups; so do checkouts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@touchpoint/node/testing';
import { createRollupReader } from './alert-metrics.ts';
import { openClickHouse, quoteIdent, type Storage } from './clickhouse.ts';
import { migrate } from './migrate.ts';
import { queryFunnel } from './reports/funnel.ts';
import { queryPassRate } from './reports/pass-rate.ts';
import { queryBreakdown, queryTimeseries, totalPercentiles } from './reports/timeseries.ts';
import { timingStates, type Window } from './timing-states.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
/** Four hours ago, on the hour: every hour of the data is complete. */
const H = Math.floor(Date.now() / HOUR) * HOUR - 4 * HOUR;
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

let storage: Storage;
let db: string;

const vitalRow = (at: number, session: string, path: string, name: string, value: number, dims: { device: string; country: string }) => ({
  project: 'p', event_time: chTime(at), received_at: chTime(at), session, customer: '', path, device: dims.device, browser: 'Chrome', os: 'Windows',
  country: dims.country, connection: '4g', name, value, rating: '', navigation_type: 'navigate', target: '', attribution_url: '', phases: {},
});
const A = { device: 'desktop', country: 'AU' };
const B = { device: 'mobile', country: 'NZ' };

beforeAll(async () => {
  storage = await openClickHouse({ dataDir: tempDir('query-rollups'), database: `query_rollups_${process.pid}` });
  db = quoteIdent(storage.database);
  await migrate(storage);
  // One LCP per minute on /a (desktop, AU) and on /b (mobile, NZ), from 30 minutes before H to
  // 3.5 hours after it, cycling through 20 values; one INP on /a; one navigation per minute.
  const vitals = [];
  const navigations = [];
  for (let m = -30; m < 210; m++) {
    const at = H + m * MIN + 1_000;
    const k = ((m % 20) + 20) % 20;
    vitals.push(vitalRow(at, `a${m}`, '/a', 'LCP', 1000 + k * 10, A), vitalRow(at, `b${m}`, '/b', 'LCP', 3000 + k * 10, B), vitalRow(at, `a${m}`, '/a', 'INP', 100 + k, A));
    navigations.push({
      project: 'p', event_time: chTime(at), received_at: chTime(at), session: `a${m}`, customer: '', path: m % 2 ? '/a' : '/b', device: m % 2 ? 'desktop' : 'mobile',
      browser: 'Chrome', os: 'Windows', country: 'AU', connection: '4g', dns: 0, tcp: 0, tls: 0, ttfb: 100 + (k % 10), download: 0, dom_interactive: 0,
      dom_complete: 0, load: 0, transfer_size: 0,
    });
  }
  await storage.client.insert({ table: `${db}.vitals`, format: 'JSONEachRow', values: vitals });
  await storage.client.insert({ table: `${db}.navigations`, format: 'JSONEachRow', values: navigations });
});

afterAll(async () => {
  await storage?.close();
});

/** 20 minutes (and a bit) before H to 3 h 10 min after: two partial hours around three whole ones. */
const wide: Window = { project: 'p', from: H - 20 * MIN + 17_000, to: H + 3 * HOUR + 10 * MIN };

/** p50/p75 of one path's values in `wide`, exactly (the digest may differ by a few ms). */
async function exact(path: string, name = 'LCP'): Promise<{ n: number; q: number[] }> {
  const rs = await storage.client.query({
    query: `SELECT count() AS n, quantilesExact(0.5, 0.75)(value) AS q FROM ${db}.vitals WHERE project = 'p' AND name = {name:String} AND path = {path:String}
      AND received_at >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND received_at < fromUnixTimestamp64Milli({to:Int64})`,
    query_params: { name, path, from: wide.from, to: wide.to },
    format: 'JSONEachRow',
  });
  const [r] = await rs.json<{ n: string; q: number[] }>();
  return { n: Number(r!.n), q: r!.q };
}

describe('timings: hour rows inside the window, raw or minute rows at its edges', () => {
  it('plans hour rows for a breakdown over whole hours, the raw table inside one hour', () => {
    expect(timingStates(db, wide, 'LCP', { by: 'path' }, {}).sql).toMatch(/\.timings\b[\s\S]*UNION ALL[\s\S]*\.vitals\b/);
    const inside = { project: 'p', from: H + 10 * MIN, to: H + 50 * MIN };
    expect(timingStates(db, inside, 'LCP', { by: 'path' }, {}).sql).not.toMatch(/\.timings\b/);
    // Two filters: only the raw rows know both.
    expect(timingStates(db, wide, 'LCP', { bucketS: 3600 }, { device: 'mobile', country: 'NZ' }).sql).not.toMatch(/\.timings\b/);
  });

  it('gives a breakdown equal to the raw rows', async () => {
    const rows = await queryBreakdown(storage, wide, 'LCP', 'path', 10, {});
    expect(rows.map((r) => [r.value, r.count])).toEqual([['/b', 210], ['/a', 210]]);
    for (const r of rows) {
      const e = await exact(r.value);
      expect(Math.abs(r.p50 - e.q[0]!)).toBeLessThanOrEqual(10);
      expect(Math.abs(r.p75 - e.q[1]!)).toBeLessThanOrEqual(10);
    }
    const byDevice = await queryBreakdown(storage, wide, 'LCP', 'device', 10, { device: 'mobile' });
    expect(byDevice.map((r) => [r.value, r.count])).toEqual([['mobile', 210]]);
    // A filter on another dimension: from the raw rows, same answer.
    expect((await queryBreakdown(storage, wide, 'LCP', 'path', 10, { country: 'AU' })).map((r) => [r.value, r.count])).toEqual([['/a', 210]]);
  });

  it('gives hourly and finer series that count every event once', async () => {
    const hourly = await queryTimeseries(storage, wide, 'LCP', 3600, {});
    expect(hourly.map((p) => [(p.t - H) / HOUR, p.count])).toEqual([[-1, 40], [0, 120], [1, 120], [2, 120], [3, 20]]);
    const mobile = await queryTimeseries(storage, wide, 'LCP', 3600, { device: 'mobile' });
    expect(mobile.map((p) => p.count)).toEqual([20, 60, 60, 60, 10]);
    expect(Math.abs(mobile[1]!.p50 - 3095)).toBeLessThanOrEqual(10);
    // Same question from the raw rows (two filters), and at 5-minute buckets (minute and raw rows).
    expect((await queryTimeseries(storage, wide, 'LCP', 3600, { device: 'mobile', country: 'NZ' })).map((p) => p.count)).toEqual([20, 60, 60, 60, 10]);
    const fine = await queryTimeseries(storage, wide, 'LCP', 300, { device: 'mobile' });
    expect(fine).toHaveLength(42);
    expect(fine.every((p) => p.count === 5)).toBe(true);
    expect((await queryTimeseries(storage, wide, 'LCP', 300, {})).reduce((s, p) => s + p.count, 0)).toBe(420);
  });

  it('gives the window total and navigation phases by a rolled-up and a raw dimension', async () => {
    const total = await totalPercentiles(storage, wide, 'INP');
    expect(total?.count).toBe(210);
    expect(Math.abs(total!.q[0]! - (await exact('/a', 'INP')).q[0]!)).toBeLessThanOrEqual(1);
    const byDevice = await queryBreakdown(storage, wide, 'ttfb', 'device', 10, {});
    const byPath = await queryBreakdown(storage, wide, 'ttfb', 'path', 10, {});
    expect(byDevice.reduce((s, r) => s + r.count, 0)).toBe(210);
    expect(byPath.reduce((s, r) => s + r.count, 0)).toBe(210);
    expect(byDevice.every((r) => r.p50 >= 100 && r.p50 <= 109)).toBe(true);
  });

  it('feeds alerting a few minutes per path', async () => {
    const reader = createRollupReader(storage);
    const rows = await reader.timingByPath({ project: 'p', metric: 'LCP', quantile: 0.75, from: H + 61 * MIN, to: H + 66 * MIN });
    expect(rows.map((r) => [r.path, r.count])).toEqual([['/a', 5], ['/b', 5]]);
    expect(await reader.timingByPath({ project: 'p', metric: 'nope', quantile: 0.75, from: H, to: H + HOUR })).toEqual([]);
  });
});

describe('page_loads: one page load from several inserts', () => {
  /** A complete hour, in a project of its own. */
  const P = H - 3 * HOUR;
  const at = (min: number) => P + min * MIN;

  beforeAll(async () => {
    // Separate inserts make separate parts; with merges stopped, only FINAL joins them.
    await storage.client.command({ query: `SYSTEM STOP MERGES ${db}.page_loads` });
    const insert = (values: ReturnType<typeof vitalRow>[]) =>
      storage.client.insert({ table: `${db}.vitals`, format: 'JSONEachRow', values: values.map((v) => ({ ...v, project: 'loads' })) });
    await insert([
      vitalRow(at(58), 'pa', '/x', 'LCP', 2000, A), // A: its slow INP comes after the hour turned
      vitalRow(at(10), 'pb', '/x', 'LCP', 2000, A), // B: good, CLS exactly at the threshold
      vitalRow(at(10), 'pb', '/x', 'CLS', 0.1, A),
      vitalRow(at(20), 'pc', '/x', 'LCP', 3000, A), // C: slow LCP
      vitalRow(at(40), 'pe', '/x', 'LCP', 1000, A), // E: its CLS comes in a later insert
    ]);
    await insert([vitalRow(at(63), 'pa', '/x', 'INP', 300, A), vitalRow(at(30), 'pd', '/y', 'INP', 50, A)]); // D: no LCP, no page load
    await insert([vitalRow(at(45), 'pe', '/x', 'CLS', 0.3, A)]);
  });

  afterAll(async () => {
    await storage.client.command({ query: `SYSTEM START MERGES ${db}.page_loads` });
  });

  it('judges each load on all its reports', async () => {
    const [r] = await queryPassRate(storage, { project: 'loads', from: P, to: P + 3 * HOUR }, undefined, 1, {});
    expect(r).toMatchObject({ pageLoads: 4, good: 1, passRate: 0.25, lcpGood: 3, inpGood: 3, clsGood: 3, p75: { INP: 300 } });
    // The load belongs to the window its first report falls in; its late INP still counts.
    expect(await queryPassRate(storage, { project: 'loads', from: P, to: P + HOUR }, undefined, 1, {})).toMatchObject([{ pageLoads: 4, good: 1 }]);
    expect(await queryPassRate(storage, { project: 'loads', from: P + HOUR, to: P + 3 * HOUR }, undefined, 1, {})).toMatchObject([{ pageLoads: 0 }]);
  });

  it('filters and groups by a dimension of the load', async () => {
    const window = { project: 'loads', from: P, to: P + 3 * HOUR };
    expect(await queryPassRate(storage, window, 'device', 10, { path: '/x' })).toMatchObject([{ value: 'desktop', pageLoads: 4, good: 1 }]);
    expect(await queryPassRate(storage, window, undefined, 1, { path: '/y' })).toMatchObject([{ pageLoads: 0 }]);
  });
});

describe('checkouts_1h: the funnel in one pass', () => {
  const now = Date.now();
  const row = (checkout: string, msAgo: number, step: string, extra: { value?: number; currency?: string; name?: string; reason?: string } = {}) => ({
    project: 'shop2', event_time: chTime(now - msAgo), received_at: chTime(now - msAgo), session: `s-${checkout}`, customer: `c-${checkout}`, path: '/checkout',
    device: 'desktop', country: 'AU', checkout_id: checkout, step, step_name: extra.name ?? '', reason: extra.reason ?? '', value: extra.value ?? 0,
    currency: extra.currency ?? '', order_id: '',
  });

  beforeAll(async () => {
    await storage.client.insert({ table: `${db}.checkouts`, format: 'JSONEachRow', values: [
      row('k1', 300_000, 'start', { value: 100, currency: 'AUD' }), row('k1', 200_000, 'step', { name: 'shipping' }), row('k1', 100_000, 'complete'),
      row('k2', 300_000, 'start', { value: 500, currency: 'NZD' }), row('k2', 200_000, 'error', { reason: 'declined' }),
      row('k3', 3_600_000, 'start', { value: 70, currency: 'AUD' }), row('k3', 3_500_000, 'step', { name: 'shipping' }),
      row('k4', 300_000, 'start', { value: 30, currency: 'AUD' }), row('k4', 250_000, 'error', { reason: 'timeout' }),
    ] });
    // k5 starts just before an hour turns and completes after, in a later insert: one checkout, completed.
    const turn = now - (now % HOUR) - HOUR;
    await storage.client.insert({ table: `${db}.checkouts`, format: 'JSONEachRow', values: [row('k5', now - turn + 5 * MIN, 'start', { value: 40, currency: 'AUD' })] });
    await storage.client.insert({ table: `${db}.checkouts`, format: 'JSONEachRow', values: [row('k5', now - turn - 10 * MIN, 'complete')] });
  });

  it('ranks problems and money over every currency, and joins a checkout across the hour', async () => {
    const r = await queryFunnel(storage, { project: 'shop2', from: now - 3 * HOUR, to: now + MIN }, { stuckAfterMs: 15 * MIN, asOf: now, limit: 2, declared: ['shipping'] });
    expect(r).toMatchObject({ checkouts: 5, started: 5, completed: 2, failed: 2, stuck: 1, open: 0 });
    expect(r.steps).toEqual([
      { step: 'start', checkouts: 5, dropOff: null },
      // k1 and k5 completed (so passed shipping), k3 got stuck there.
      { step: 'shipping', checkouts: 3, dropOff: 0.4 },
      { step: 'complete', checkouts: 2, dropOff: 0.3333 },
    ]);
    expect(r.revenue).toEqual([
      { currency: 'NZD', completed: 0, failed: 500, stuck: 0, atRisk: 500 },
      { currency: 'AUD', completed: 140, failed: 30, stuck: 70, atRisk: 100 },
    ]);
    expect(r.problems).toEqual([
      expect.objectContaining({ checkout: 'k2', status: 'failed', value: 500, currency: 'NZD', customer: 'c-k2', reason: 'declined', lastStep: 'error' }),
      expect.objectContaining({ checkout: 'k3', status: 'stuck', value: 70, currency: 'AUD', lastStep: 'shipping' }),
    ]);
  });
});
