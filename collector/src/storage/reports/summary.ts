import type { Summary } from '@touchpoint/protocol/api/summary';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { RAW_WINDOW, windowParams, type RawWindow } from './report-sql.ts';

export interface SummaryFilter extends RawWindow {
  customer?: string | undefined;
  session?: string | undefined;
}

/** Fixed clauses; only the bound values vary. */
function where(f: SummaryFilter): string {
  let sql = RAW_WINDOW;
  if (f.customer !== undefined) sql += ' AND customer = {customer:String}';
  if (f.session !== undefined) sql += ' AND session = {session:String}';
  return sql;
}

function params(f: SummaryFilter): Record<string, unknown> {
  const p: Record<string, unknown> = windowParams(f);
  if (f.customer !== undefined) p.customer = f.customer;
  if (f.session !== undefined) p.session = f.session;
  return p;
}

/** Beacons, events per type and vital percentiles over a receive-time window, from the raw tables (test traffic as the filter asks). */
export async function querySummary(storage: Storage, f: SummaryFilter): Promise<Summary> {
  const db = quoteIdent(storage.database);
  const [counts, vitals] = await Promise.all([
    storage.client.query({
      query: `SELECT count() AS beacons, sumMap(event_counts) AS events FROM ${db}.beacons WHERE ${where(f)}`,
      query_params: params(f),
      format: 'JSONEachRow',
    }),
    storage.client.query({
      query: `SELECT name, count() AS count, quantiles(0.5, 0.75, 0.95)(value) AS q FROM ${db}.vitals WHERE ${where(f)} GROUP BY name ORDER BY name`,
      query_params: params(f),
      format: 'JSONEachRow',
    }),
  ]);
  const [row] = await counts.json<{ beacons: string | number; events: Record<string, string | number> }>();
  const events: Record<string, number> = {};
  for (const [k, v] of Object.entries(row?.events ?? {})) events[k] = Number(v);
  const out: Summary = { beacons: Number(row?.beacons ?? 0), events, vitals: {} };
  for (const v of await vitals.json<{ name: string; count: string | number; q: number[] }>()) {
    out.vitals[v.name] = { count: Number(v.count), p50: round(v.q[0]), p75: round(v.q[1]), p95: round(v.q[2]) };
  }
  return out;
}

function round(n: number | undefined): number {
  return n === undefined ? 0 : Math.round(n * 1000) / 1000;
}
