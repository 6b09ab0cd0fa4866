import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_SRE_RULES, measureRule } from '@touchpoint/alerting/rules/sre-threshold';
import { openClickHouse, type Storage } from './clickhouse.ts';
import { migrate } from './migrate.ts';
import { createRollupReader } from './alert-metrics.ts';

let dir: string;
let storage: Storage;
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const now = Date.now();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-alert-metrics-'));
  storage = await openClickHouse({ dataDir: dir, database: `alert_metrics_${process.pid}` });
  await migrate(storage);
  // Raw rows through the real tables; the materialized views of migration 003 fill the rollups.
  const vitals = [];
  for (let i = 0; i < 40; i++) {
    vitals.push({ project: 'shop', event_time: chTime(now - 60_000), received_at: chTime(now - 60_000), session: `s${i}`, customer: '', path: '/checkout', name: 'LCP', value: 3000 + i * 10, rating: 'needs-improvement' });
    vitals.push({ project: 'shop', event_time: chTime(now - 60_000), received_at: chTime(now - 60_000), session: `s${i}`, customer: '', path: '/', name: 'LCP', value: 1000 + i, rating: 'good' });
  }
  // An old slow minute outside the 5-minute window must not count.
  vitals.push({ project: 'shop', event_time: chTime(now - 3_600_000), received_at: chTime(now - 3_600_000), session: 'old', customer: '', path: '/', name: 'LCP', value: 60_000, rating: 'poor' });
  await storage.client.insert({ table: `${storage.database}.vitals`, format: 'JSONEachRow', values: vitals });
  // Page loads are navigations and errors are error rows, as the collector writes them.
  const at = chTime(now - 30_000);
  const navigations = Array.from({ length: 100 }, (_, i) => ({
    project: 'shop', event_time: at, received_at: at, session: `b${i}`, customer: '', path: '/', dns: 1, tcp: 2, tls: 3, ttfb: 100, download: 10,
    dom_interactive: 300, dom_complete: 500, load: 600, transfer_size: 0,
  }));
  await storage.client.insert({ table: `${storage.database}.navigations`, format: 'JSONEachRow', values: navigations });
  const errors = Array.from({ length: 8 }, (_, i) => ({ project: 'shop', event_time: at, received_at: at, session: `b${i}`, customer: '', path: '/', kind: 'js', message: 'boom' }));
  await storage.client.insert({ table: `${storage.database}.errors`, format: 'JSONEachRow', values: errors });
});
afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('reads per-page timing quantiles and error counts from the rollups', async () => {
  const reader = createRollupReader(storage);
  const rows = await reader.timingByPath({ project: 'shop', metric: 'LCP', quantile: 0.75, from: now - 300_000, to: now + 60_000 });
  expect(rows.map((r) => r.path)).toEqual(['/', '/checkout']);
  const checkout = rows.find((r) => r.path === '/checkout');
  expect(checkout?.count).toBe(40);
  expect(checkout?.value).toBeGreaterThan(3200);
  expect(checkout?.value).toBeLessThan(3400);
  expect(rows.find((r) => r.path === '/')?.value).toBeLessThan(1100);
  expect(await reader.errorCounts({ project: 'shop', from: now - 300_000, to: now + 60_000 })).toEqual({ errors: 8, pageLoads: 100 });
  expect(await reader.errorCounts({ project: 'other', from: now - 300_000, to: now + 60_000 })).toEqual({ errors: 0, pageLoads: 0 });
});

it('drives the default SRE rules: p75 LCP of /checkout above 2.5 s and error rate above 5 % fire', async () => {
  const reader = createRollupReader(storage);
  const [lcpRule, errorRule] = DEFAULT_SRE_RULES;
  if (!lcpRule || !errorRule) throw new Error('default rules missing');
  const lcp = await measureRule(reader, 'shop', lcpRule, now + 30_000);
  expect(lcp.filter((m) => m.breached).map((m) => m.series)).toEqual(['lcp-p75:/checkout']);
  const errors = await measureRule(reader, 'shop', errorRule, now + 30_000);
  expect(errors).toMatchObject([{ series: 'error-rate', breached: true, value: 8 }]);
});

it('never counts test traffic: slow load-test pages and their errors raise nothing, in the rollups or the raw rows beside them', async () => {
  const reader = createRollupReader(storage);
  const w = { project: 'load', from: now - 300_000, to: now + 60_000 };
  const at = chTime(now - 20_000);
  const row = { project: 'load', event_time: at, received_at: at, customer: '', test_traffic: 'k6/run-1' };
  const insert = (table: string, values: Record<string, unknown>[]) => storage.client.insert({ table: `${storage.database}.${table}`, format: 'JSONEachRow', values });
  await insert('vitals', Array.from({ length: 40 }, (_, i) => ({ ...row, session: `k6-${i}`, path: '/slow', name: 'LCP', value: 9000 })));
  await insert('navigations', Array.from({ length: 100 }, (_, i) => ({ ...row, session: `k6-${i}`, path: '/slow', load: 600 })));
  await insert('errors', Array.from({ length: 60 }, (_, i) => ({ ...row, session: `k6-${i}`, path: '/slow', kind: 'js', message: 'boom' })));
  // The rows are there, marked; the reader sees none of them.
  const stored = await storage.client.query({ query: `SELECT toUInt32(count()) AS n FROM ${storage.database}.errors WHERE project = 'load' AND test_traffic = 'k6/run-1'`, format: 'JSONEachRow' });
  expect(await stored.json()).toEqual([{ n: 60 }]);
  expect(await reader.timingByPath({ ...w, metric: 'LCP', quantile: 0.75 })).toEqual([]);
  expect(await reader.errorCounts(w)).toEqual({ errors: 0, pageLoads: 0 });
  for (const rule of DEFAULT_SRE_RULES) expect((await measureRule(reader, 'load', rule, now + 30_000)).filter((m) => m.breached)).toEqual([]);
  // The same pages, real: the reader counts them.
  await insert('errors', [{ ...row, test_traffic: '', session: 'real', path: '/slow', kind: 'js', message: 'boom' }]);
  await insert('vitals', [{ ...row, test_traffic: '', session: 'real', path: '/slow', name: 'LCP', value: 9000 }]);
  expect(await reader.errorCounts(w)).toEqual({ errors: 1, pageLoads: 0 });
  expect(await reader.timingByPath({ ...w, metric: 'LCP', quantile: 0.75 })).toEqual([{ path: '/slow', count: 1, value: 9000 }]);
});
