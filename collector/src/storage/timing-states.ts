/**
 * Where the percentiles of a vital or navigation phase come from, for a window, a grouping and
 * filters: the SQL of rows (k, c, s) = group key, event count, t-digest state, which the caller
 * merges with STATES_MERGE. Each part of the window is read from the cheapest exact source
 * (migration 003's `timings`):
 *
 *  - all traffic: the minute rows (dim = ''), or for buckets of an hour or more the hour rows of
 *    the device dimension (every event has one device, so they add up to the hour) inside whole
 *    hours, and minute rows at the edges;
 *  - one dimension (a breakdown, or one filter with hourly buckets): that dimension's hour rows
 *    inside whole hours, and the raw table at the partial hours of the edges;
 *  - anything else (two filters, a filter with buckets under an hour, a dimension a navigation
 *    phase is not rolled up by, a window inside one hour): the raw table.
 *
 * Raw and rolled-up states are the same type (t-digest of Float64), so one merge gives the
 * percentiles of the union; raw rows are real traffic only, as the rollups are (migration 007). Identifiers come from the fixed maps below; values are parameters.
 */
import { VITAL_NAMES, type NavPhase, type VitalName } from '@touchpoint/protocol';
import { DIMENSION_NAMES, METRICS, type Dimension, type Filters, type Metric } from '@touchpoint/protocol/api/common';
import { REAL_TRAFFIC } from './test-traffic-sql.ts';

/** Dimension name (API) → column identifier (SQL). The only identifiers chosen per request. */
export const DIMENSIONS: Readonly<Record<Dimension, string>> = { path: 'path', device: 'device', browser: 'browser', country: 'country', connection: 'connection' };

export interface Window {
  project: string;
  /** Receive time, epoch ms, [from, to). Rollups are per minute: `from` is rounded down to its minute. */
  from: number;
  to: number;
}

/** The levels of `timings.quantiles` (migration 003), in order: a merge must name the same. */
export const STATES_MERGE = 'quantilesTDigestMerge(0.5, 0.75, 0.95, 0.99)(s)';
const STATE_OF = (v: string) => `quantilesTDigestState(0.5, 0.75, 0.95, 0.99)(${v})`;

/** Navigation phase → column of the raw navigations table. */
const NAV_COLUMNS: Record<NavPhase, string> = {
  dns: 'dns', tcp: 'tcp', tls: 'tls', ttfb: 'ttfb', download: 'download', domInteractive: 'dom_interactive', domComplete: 'dom_complete', load: 'load',
};

/** Dimensions with hour rows in `timings` (the views of migration 003 decide). */
const HOURLY: Record<'vital' | 'nav', readonly Dimension[]> = { vital: DIMENSION_NAMES, nav: ['device'] };

export const isMetric = (m: string): m is Metric => (METRICS as readonly string[]).includes(m);
const isVital = (m: Metric): m is VitalName => (VITAL_NAMES as readonly string[]).includes(m);
const hourlyDims = (m: Metric) => HOURLY[isVital(m) ? 'vital' : 'nav'];

/** By time bucket (seconds), by a dimension's value, or one row for the whole window. */
export type Grouping = { bucketS: number } | { by: Dimension } | { total: true };

export interface StatesQuery {
  sql: string;
  params: Record<string, unknown>;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Rows (k, c, s) for `metric` in window `w`, grouped by time bucket (k: bucket start, epoch
 * seconds), by a dimension's value (k: the value) or not at all (k: 0), filtered on every
 * dimension in `f`.
 */
export function timingStates(db: string, w: Window, metric: Metric, g: Grouping, f: Filters): StatesQuery {
  const fromMin = Math.floor(w.from / MINUTE) * MINUTE;
  // Whole hours inside the window: [hs, he), empty when hs >= he.
  const hs = Math.ceil(fromMin / HOUR) * HOUR;
  const he = Math.floor(w.to / HOUR) * HOUR;
  const params: Record<string, unknown> = { project: w.project, metric, fromMin, to: w.to, hs, he };
  const filters = Object.entries(f).filter((e): e is [Dimension, string] => e[1] !== undefined);
  const hours = hs < he;
  const parts: string[] = [];

  const bucketKey = (col: string) => `intDiv(toUInt32(${col}), {bucket:UInt32}) * {bucket:UInt32}`;
  if ('bucketS' in g) params.bucket = g.bucketS;
  const rollupKey = 'bucketS' in g ? bucketKey('t') : 'by' in g ? 'dim_value' : '0';
  const rawKey = 'bucketS' in g ? bucketKey('received_at') : 'by' in g ? `toString(${DIMENSIONS[g.by]})` : '0';
  // Hour rows fit a grouping whose groups are whole hours.
  const hourly = 'by' in g || 'total' in g || g.bucketS >= 3600;

  const rollup = (dim: string, value: string | undefined, range: string) => {
    if (value !== undefined) params.dimValue = value;
    params.dim = dim;
    return `SELECT ${rollupKey} AS k, count AS c, quantiles AS s FROM ${db}.timings
      WHERE project = {project:String} AND metric = {metric:String} AND dim = {dim:String}${value === undefined ? '' : ' AND dim_value = {dimValue:String}'} AND ${range}`;
  };
  const totals = (range: string) =>
    `SELECT ${rollupKey} AS k, count AS c, quantiles AS s FROM ${db}.timings
      WHERE project = {project:String} AND metric = {metric:String} AND dim = '' AND dim_value = '' AND ${range}`;
  const raw = (range: string, only: [Dimension, string][]) => {
    let where = '';
    for (const [d, v] of only) {
      where += ` AND ${DIMENSIONS[d]} = {f_${d}:String}`;
      params[`f_${d}`] = v;
    }
    const src = isVital(metric)
      ? { table: 'vitals', value: 'value', where: ' AND name = {metric:String}' }
      : { table: 'navigations', value: `toFloat64(${NAV_COLUMNS[metric]})`, where: '' };
    // The rollups hold real traffic only: so do the raw rows merged with them.
    return `SELECT ${rawKey} AS k, count() AS c, ${STATE_OF(src.value)} AS s FROM ${db}.${src.table}
      WHERE project = {project:String}${src.where} AND ${range}${where} AND ${REAL_TRAFFIC} GROUP BY k`;
  };
  const tRange = (a: string, b: string) => `t >= fromUnixTimestamp64Milli({${a}:Int64}) AND t < fromUnixTimestamp64Milli({${b}:Int64})`;
  const rRange = (a: string, b: string) => `received_at >= fromUnixTimestamp64Milli({${a}:Int64}) AND received_at < fromUnixTimestamp64Milli({${b}:Int64})`;
  const edges = (range: typeof tRange) => `(${range('fromMin', 'hs')} OR ${range('he', 'to')})`;

  if (!('by' in g) && filters.length === 0) {
    if (hourly && hours) parts.push(rollup('device', undefined, tRange('hs', 'he')), totals(edges(tRange)));
    else parts.push(totals(tRange('fromMin', 'to')));
  } else {
    // The one dimension an hour row can answer for: the breakdown's, or the single filter's.
    const [only] = filters;
    const dim = 'by' in g ? g.by : only?.[0];
    const usable = hourly && hours && dim !== undefined && hourlyDims(metric).includes(dim) && filters.every(([d]) => d === dim);
    if (usable) parts.push(rollup(dim, f[dim], tRange('hs', 'he')), raw(edges(rRange), filters));
    else parts.push(raw(rRange('fromMin', 'to'), filters));
  }
  return { sql: parts.join('\n      UNION ALL\n      '), params };
}
