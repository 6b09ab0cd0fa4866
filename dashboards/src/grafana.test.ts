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
interface Override { matcher: { id: 'byName' | 'byRegexp'; options: string }; properties: { id: string; value: unknown }[] }
interface Panel {
  title: string;
  targets: { rawSql: string; datasource: { uid: string } }[];
  fieldConfig: { defaults: { unit?: string }; overrides: Override[] };
  transformations?: { id: string; options: { excludeByName?: Record<string, boolean> } }[];
}
const dashboard = JSON.parse(readFileSync(join(GRAFANA, 'dashboards', 'touchpoint.json'), 'utf8')) as {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; query: string }[] };
};

/** What the plugin does with its macros and Grafana with `${var:sqlstring}` / `${var:raw}`, for a 24 h range. */
function expand(sql: string, metric = 'LCP'): string {
  return sql
    .replaceAll('${project:sqlstring}', "'demo'")
    .replaceAll('${metric:sqlstring}', `'${metric}'`)
    .replaceAll('${metric:raw}', metric)
    .replace(/\$__timeInterval\((\w+)\)/g, 'toStartOfInterval($1, INTERVAL 60 second)')
    .replace(/\$__timeFilter\((\w+)\)/g, '$1 >= now() - INTERVAL 1 DAY AND $1 <= now()')
    .replaceAll('touchpoint.', 'grafana_test.');
}

let storage: Storage;
beforeAll(async () => {
  storage = await openClickHouse({ dataDir: tempDir('grafana'), database: 'grafana_test' });
  await migrate(storage);
  // A minute ago: `$__timeFilter` ends at now(), whole seconds, and a row from this very second could fall after it.
  const now = new Date(Date.now() - 60_000).toISOString().replace('T', ' ').replace('Z', '');
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
  // A load test's rows beside them (ingest marks them): the panels must leave them out.
  const k6 = { ...base, session: 'k6-1', test_traffic: 'k6' };
  await storage.client.insert({ table: 'grafana_test.beacons', format: 'JSONEachRow', values: [
    { project: 'demo', received_at: now, sent_at: now, clock_skew_ms: 0, session: 'k6-1', customer: '', page_url: 'https://shop.example/checkout', host: 'shop.example', path: '/checkout',
      device: 'desktop', browser: 'Chrome', browser_version: '131', os: 'Linux', country: 'AU', connection: '', event_counts: { error: 1 }, test_traffic: 'k6' },
  ] });
  await storage.client.insert({ table: 'grafana_test.errors', format: 'JSONEachRow', values: [{ ...k6, kind: 'js', message: 'load test boom', stack: '', source: '', line: 0, col: 0 }] });
  await storage.client.insert({ table: 'grafana_test.checkouts', format: 'JSONEachRow', values: [
    { ...k6, checkout_id: 'co-k6', step: 'start', step_name: '', reason: '', value: 10, currency: 'AUD', order_id: '' },
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
    const rows = await (await storage.client.query({ query: sql, format: 'JSONEachRow' })).json<Record<string, number>>();
    expect(rows).toHaveLength(1);
    expect(rows[0]!['LCP p75']).toBe(2100);
  });

  it('panels over the raw tables count real traffic only, as the rollups do (a load test is not an outage)', async () => {
    const rows = async <T>(title: string) => {
      const panel = dashboard.panels.find((p) => p.title === title)!;
      return (await storage.client.query({ query: expand(panel.targets[0]!.rawSql), format: 'JSONEachRow' })).json<T>();
    };
    expect((await rows<{ message: string }>('Top error messages')).map((r) => r.message)).toEqual(['boom']);
    const counts = await rows<{ type: string; count: string | number }>('Beacons and events per minute');
    expect(counts.filter((r) => r.type === 'beacon').reduce((n, r) => n + Number(r.count), 0)).toBe(1);
    expect(counts.filter((r) => r.type === 'error').reduce((n, r) => n + Number(r.count), 0)).toBe(1);
    const checkouts = await rows<{ started: string | number }>('Checkouts: started, completed, failed');
    expect(checkouts.reduce((n, r) => n + Number(r.started), 0)).toBe(1);
  });

  /** The unit Grafana shows a column in: the panel's default, then each matching override in order. */
  function unitOf(panel: Panel, column: string): string | undefined {
    let unit = panel.fieldConfig.defaults.unit;
    for (const o of panel.fieldConfig.overrides) {
      const hit = o.matcher.id === 'byName' ? o.matcher.options === column : new RegExp(o.matcher.options).test(column);
      const u = o.properties.find((p) => p.id === 'unit');
      if (hit && u) unit = String(u.value);
    }
    return unit;
  }
  /** Number columns a panel shows (the engine's answer, less the columns a transformation hides). */
  async function numberColumns(panel: Panel, metric: string): Promise<string[]> {
    const hidden = new Set(panel.transformations?.flatMap((t) => Object.keys(t.options.excludeByName ?? {})) ?? []);
    const out: string[] = [];
    for (const t of panel.targets) {
      const rs = await storage.client.query({ query: expand(t.rawSql, metric), format: 'JSON' });
      const { meta = [] } = await rs.json<{ name: string; type: string }>();
      for (const m of meta) if (/Int|Float|Decimal/.test(m.type) && !/Array/.test(m.type) && !hidden.has(m.name)) out.push(m.name);
    }
    return out;
  }

  it.each(dashboard.panels.map((p) => [p.title, p] as const))('panel "%s" says the unit of every number it shows', async (_title, panel) => {
    expect(panel.fieldConfig.defaults.unit, 'a default unit').toMatch(/^[a-z]+$/);
    for (const metric of ['LCP', 'CLS', 'ttfb']) {
      const columns = await numberColumns(panel, metric);
      expect(columns.length).toBeGreaterThan(0);
      for (const column of columns) {
        const unit = unitOf(panel, column);
        expect(unit, column).toBeDefined();
        // A metric's own columns: milliseconds, except CLS, a score.
        if (column.startsWith(`${metric} `)) expect(unit, `${metric}: ${column}`).toBe(metric === 'CLS' ? 'none' : 'ms');
        if (/^(samples|count|errors|sessions|requests|decisions|started|completed|failed)$/.test(column)) expect(unit, column).toBe('short');
      }
    }
    // No override names a column the panel does not have.
    const all = new Set([...(await numberColumns(panel, 'LCP')), ...(await numberColumns(panel, 'CLS'))]);
    for (const o of panel.fieldConfig.overrides) {
      const matches = [...all].filter((c) => (o.matcher.id === 'byName' ? o.matcher.options === c : new RegExp(o.matcher.options).test(c)));
      expect(matches, JSON.stringify(o.matcher)).not.toEqual([]);
    }
  });
});
