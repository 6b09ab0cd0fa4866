/**
 * The Grafana dashboard's SQL runs on the engine over the real schema: each panel's query, with
 * the data source's macros expanded the way grafana-clickhouse-datasource expands them, must
 * parse and answer on the migrated tables (with a little data, so the aggregates run too).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, type Storage } from '@touchpoint/collector/storage/clickhouse';
import { migrate } from '@touchpoint/collector/storage/migrate';
import { tempDir } from '@touchpoint/node/testing';

const GRAFANA = join(import.meta.dirname, '..', 'grafana');
interface Panel { title: string; targets: { rawSql: string; datasource: { uid: string } }[] }
const dashboard = JSON.parse(readFileSync(join(GRAFANA, 'dashboards', 'touchpoint.json'), 'utf8')) as {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; query: string }[] };
};

/** What the plugin does with its macros and Grafana with `${var:sqlstring}`, for a 24 h range. */
function expand(sql: string): string {
  return sql
    .replaceAll('${project:sqlstring}', "'demo'")
    .replaceAll('${metric:sqlstring}', "'LCP'")
    .replace(/\$__timeInterval\((\w+)\)/g, 'toStartOfInterval($1, INTERVAL 60 second)')
    .replace(/\$__timeFilter\((\w+)\)/g, '$1 >= now() - INTERVAL 1 DAY AND $1 <= now()')
    .replaceAll('touchpoint.', 'grafana_test.');
}

let storage: Storage;
beforeAll(async () => {
  storage = await openClickHouse({ dataDir: tempDir('grafana'), database: 'grafana_test' });
  await migrate(storage);
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const base = { project: 'demo', event_time: now, received_at: now, session: 's1', customer: 'c1', path: '/checkout', device: 'mobile', browser: 'Safari', os: 'iOS', country: 'AU' };
  await storage.client.insert({ table: 'grafana_test.vitals', format: 'JSONEachRow', values: [
    { ...base, connection: '4g', name: 'LCP', value: 2100, rating: 'good', navigation_type: 'navigate', target: 'img', attribution_url: '', phases: {} },
  ] });
  await storage.client.insert({ table: 'grafana_test.beacons', format: 'JSONEachRow', values: [
    { project: 'demo', received_at: now, sent_at: now, clock_skew_ms: 0, session: 's1', customer: 'c1', page_url: 'https://shop.example/checkout', host: 'shop.example', path: '/checkout',
      device: 'mobile', browser: 'Safari', browser_version: '17', os: 'iOS', country: 'AU', connection: '4g', event_counts: { nav: 1, error: 1, vital: 1 } },
  ] });
  await storage.client.insert({ table: 'grafana_test.errors', format: 'JSONEachRow', values: [{ ...base, kind: 'js', message: 'boom', stack: '', source: '', line: 0, col: 0 }] });
  await storage.client.insert({ table: 'grafana_test.checkouts', format: 'JSONEachRow', values: [
    { ...base, checkout_id: 'co1', step: 'start', step_name: '', reason: '', value: 10, currency: 'AUD', order_id: '' },
  ] });
});
afterAll(async () => storage?.close());

describe('Grafana dashboard', () => {
  it('uses the provisioned data source on every panel', () => {
    const ds = readFileSync(join(GRAFANA, 'provisioning', 'datasources', 'clickhouse.yaml'), 'utf8');
    expect(ds).toContain('uid: touchpoint-clickhouse');
    expect(ds).toContain('type: grafana-clickhouse-datasource');
    for (const p of dashboard.panels) for (const t of p.targets) expect(t.datasource.uid).toBe('touchpoint-clickhouse');
  });

  it.each(dashboard.panels.map((p) => [p.title, p] as const))('panel "%s" runs on the schema', async (_title, panel) => {
    for (const t of panel.targets) {
      const rs = await storage.client.query({ query: expand(t.rawSql), format: 'JSONEachRow' });
      const rows = await rs.json();
      expect(Array.isArray(rows)).toBe(true);
    }
  });

  it('the project variable query runs and finds the project', async () => {
    const v = dashboard.templating.list.find((x) => x.name === 'project')!;
    const rows = await (await storage.client.query({ query: expand(v.query), format: 'JSONEachRow' })).json<{ project: string }>();
    expect(rows).toEqual([{ project: 'demo' }]);
  });

  it('the latency panel gives the seeded LCP', async () => {
    const sql = expand(dashboard.panels[0]!.targets[0]!.rawSql);
    const rows = await (await storage.client.query({ query: sql, format: 'JSONEachRow' })).json<{ p75: number }>();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.p75).toBe(2100);
  });
});
