/**
 * What every report query shares: the window clause of the raw tables, filters as bound
 * parameters, the per-statement timeout, and turning ClickHouse's numbers into JSON's.
 *
 * Every value is a bound parameter. The only identifiers that vary are dimension and phase
 * columns, and they come from fixed maps (DIMENSIONS, timing-states.ts), keyed by a name the
 * route validated; input never reaches the SQL text. Every query is bounded by a receive-time
 * window and a LIMIT.
 */
import type { Dimension, Filters, Percentiles, TestTraffic } from '@touchpoint/protocol/api/common';
import { DIMENSION_NAMES } from '@touchpoint/protocol/api/common';
import type { Storage } from '../clickhouse.ts';
import { CHOSEN_TRAFFIC } from '../test-traffic-sql.ts';
import { DIMENSIONS, type Window } from '../timing-states.ts';

export type { Window };

/** A raw-table report's window, and whether it reads test traffic too (default: it does not). */
export interface RawWindow extends Window {
  test?: TestTraffic | undefined;
}

export type Num = string | number;

/**
 * Fixed window clause on a raw table (received_at), test traffic left out unless the window
 * asks for it, and its parameters (windowParams).
 */
export const RAW_WINDOW = `project = {project:String} AND received_at >= fromUnixTimestamp64Milli({from:Int64}) AND received_at < fromUnixTimestamp64Milli({to:Int64}) AND ${CHOSEN_TRAFFIC}`;

/** ` AND <column> = {f_<name>:String}` for each filter given; columns from DIMENSIONS only. */
export function filterSql(f: Filters, allowed: readonly Dimension[] = DIMENSION_NAMES): { sql: string; params: Record<string, string> } {
  let sql = '';
  const params: Record<string, string> = {};
  for (const name of allowed) {
    const v = f[name];
    if (v === undefined) continue;
    sql += ` AND ${DIMENSIONS[name]} = {f_${name}:String}`;
    params[`f_${name}`] = v;
  }
  return { sql, params };
}

export const windowParams = (w: RawWindow) => ({ project: w.project, from: w.from, to: w.to, test: w.test ?? 'exclude' });

/**
 * A dashboard query the engine gives up on after this long (TIMEOUT_EXCEEDED → 500, logged)
 * rather than one that holds a core through an incident. In the statement, not in
 * clickhouse_settings: on chDB those stick to every later query of the process.
 */
const QUERY_TIMEOUT_S = 20;

export async function rows<T>(storage: Storage, query: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await storage.client.query({ query: `${query}\nSETTINGS max_execution_time = ${QUERY_TIMEOUT_S}`, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** ClickHouse gives nan for a quantile of nothing; JSON wants a number or null. */
export const num = (v: Num | null | undefined, digits = 3): number | null => {
  const n = Number(v);
  if (v === null || v === undefined || !Number.isFinite(n)) return null;
  const k = 10 ** digits;
  return Math.round(n * k) / k;
};
export const int = (v: Num | null | undefined) => Number(v ?? 0);
/** CLS is a score below 1: keep more digits than for milliseconds. */
export const digitsOf = (metric: string) => (metric === 'CLS' ? 4 : 1);

export function percentiles(count: Num, q: number[], metric: string): Percentiles {
  const d = digitsOf(metric);
  return { count: int(count), p50: num(q[0], d) ?? 0, p75: num(q[1], d) ?? 0, p95: num(q[2], d) ?? 0, p99: num(q[3], d) ?? 0 };
}

