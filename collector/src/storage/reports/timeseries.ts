/**
 * Percentiles of a vital or navigation phase over time and per dimension value, from the
 * `timings` rollup (timing-states.ts picks minute rows, hour rows or raw rows per part of the
 * window).
 */
import type { BreakdownRow, TimeseriesPoint } from '@touchpoint/protocol/api/timeseries';
import type { Dimension, Filters, Metric } from '@touchpoint/protocol/api/common';
import { MAX_POINTS } from '@touchpoint/protocol/api/common';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { STATES_MERGE, timingStates } from '../timing-states.ts';
import { int, percentiles, rows, type Num, type Window } from './report-sql.ts';

export async function queryTimeseries(storage: Storage, w: Window, metric: Metric, bucketS: number, f: Filters): Promise<TimeseriesPoint[]> {
  const { sql, params } = timingStates(quoteIdent(storage.database), w, metric, { bucketS }, f);
  const out = await rows<{ t: Num; count: Num; q: number[] }>(
    storage,
    `SELECT k AS t, sum(c) AS count, ${STATES_MERGE} AS q FROM (${sql}) GROUP BY t ORDER BY t LIMIT {limit:UInt32}`,
    { ...params, limit: MAX_POINTS + 1 },
  );
  return out.map((r) => ({ t: int(r.t) * 1000, ...percentiles(r.count, r.q, metric) }));
}

/** Percentiles per value of one dimension, slowest p75 first. */
export async function queryBreakdown(storage: Storage, w: Window, metric: Metric, by: Dimension, limit: number, f: Filters): Promise<BreakdownRow[]> {
  return (await percentilesBy(storage, w, metric, by, f, { order: 'slowest', limit })).map(({ value, count, q }) => ({ value, ...percentiles(count, q, metric) }));
}

/** Count and p50/p75/p95/p99 per value of one dimension: slowest p75 first, or by value. */
export async function percentilesBy(
  storage: Storage,
  w: Window,
  metric: Metric,
  by: Dimension,
  f: Filters,
  opts: { order: 'slowest' | 'value'; limit: number },
): Promise<{ value: string; count: number; q: number[] }[]> {
  const { sql, params } = timingStates(quoteIdent(storage.database), w, metric, { by }, f);
  const order = opts.order === 'slowest' ? 'q[2] DESC, count DESC, value' : 'value';
  const out = await rows<{ value: string; count: Num; q: number[] }>(
    storage,
    `SELECT k AS value, sum(c) AS count, ${STATES_MERGE} AS q FROM (${sql}) GROUP BY value ORDER BY ${order} LIMIT {limit:UInt32}`,
    { ...params, limit: opts.limit },
  );
  return out.map((r) => ({ value: r.value, count: int(r.count), q: r.q }));
}

/** Count and p50/p75/p95/p99 of a metric over the whole window (null without a row). */
export async function totalPercentiles(storage: Storage, w: Window, metric: Metric, f: Filters = {}): Promise<{ count: number; q: number[] } | null> {
  const { sql, params } = timingStates(quoteIdent(storage.database), w, metric, { total: true }, f);
  const [r] = await rows<{ count: Num; q: number[] }>(storage, `SELECT sum(c) AS count, ${STATES_MERGE} AS q FROM (${sql})`, params);
  return r ? { count: int(r.count), q: r.q } : null;
}
