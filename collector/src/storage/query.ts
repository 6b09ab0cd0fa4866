/**
 * The dashboards' query API over ClickHouse: percentiles over time and by dimension from the
 * `timings` rollup (timing-states.ts picks minute rows, hour rows or raw rows per part of the
 * window), the Core Web Vitals pass rate from `page_loads`, the funnel from `checkouts_1h`,
 * and what no rollup answers (errors, third parties, example sessions) from the raw tables.
 *
 * Every value is a bound parameter. The only identifiers that vary are dimension and phase
 * columns, and they come from fixed maps (DIMENSIONS, timing-states.ts), keyed by a name the
 * route validated; input never reaches the SQL text. Every query is bounded by a receive-time
 * window and a LIMIT.
 */
import { VITAL_NAMES, type VitalName } from '@touchpoint/protocol';
import type { Storage } from './clickhouse.ts';
import { quoteIdent } from './clickhouse.ts';
import { DIMENSION_NAMES, DIMENSIONS, STATES_MERGE, timingStates, type Dimension, type Filters, type Metric, type Window } from './timing-states.ts';

export { DIMENSION_NAMES, DIMENSIONS, METRICS, type Dimension, type Filters, type Metric, type Window } from './timing-states.ts';

/** Core Web Vitals "good" thresholds at p75 (web.dev). */
export const CWV_GOOD = { LCP: 2500, INP: 200, CLS: 0.1 } as const;

/** Bucket sizes (seconds) the time series may use; auto picks the smallest giving ≤ MAX_AUTO_POINTS. */
export const BUCKETS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400] as const;
/** ~300 points fill a wide chart without making it slower to draw than to read. */
export const MAX_AUTO_POINTS = 300;
/** An explicit bucket may give more points, up to this. */
export const MAX_POINTS = 1500;

export interface Percentiles {
  count: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
}

type Num = string | number;

/** Fixed window clause on a raw table (received_at) and its parameters. */
const RAW_WINDOW = 'project = {project:String} AND received_at >= fromUnixTimestamp64Milli({from:Int64}) AND received_at < fromUnixTimestamp64Milli({to:Int64})';

/** ` AND <column> = {f_<name>:String}` for each filter given; columns from DIMENSIONS only. */
function filterSql(f: Filters, allowed: readonly Dimension[] = DIMENSION_NAMES): { sql: string; params: Record<string, string> } {
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

const windowParams = (w: Window) => ({ project: w.project, from: w.from, to: w.to });

/**
 * A dashboard query the engine gives up on after this long (TIMEOUT_EXCEEDED → 500, logged)
 * rather than one that holds a core through an incident. In the statement, not in
 * clickhouse_settings: on chDB those stick to every later query of the process.
 */
const QUERY_TIMEOUT_S = 20;

async function rows<T>(storage: Storage, query: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await storage.client.query({ query: `${query}\nSETTINGS max_execution_time = ${QUERY_TIMEOUT_S}`, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** ClickHouse gives nan for a quantile of nothing; JSON wants a number or null. */
const num = (v: Num | null | undefined, digits = 3): number | null => {
  const n = Number(v);
  if (v === null || v === undefined || !Number.isFinite(n)) return null;
  const k = 10 ** digits;
  return Math.round(n * k) / k;
};
const int = (v: Num | null | undefined) => Number(v ?? 0);
/** CLS is a score below 1: keep more digits than for milliseconds. */
const digitsOf = (metric: string) => (metric === 'CLS' ? 4 : 1);

function percentiles(count: Num, q: number[], metric: string): Percentiles {
  const d = digitsOf(metric);
  return { count: int(count), p50: num(q[0], d) ?? 0, p75: num(q[1], d) ?? 0, p95: num(q[2], d) ?? 0, p99: num(q[3], d) ?? 0 };
}

/** The bucket for a window: the asked one, or the smallest that keeps ≤ MAX_AUTO_POINTS. */
export function pickBucket(from: number, to: number, asked: 'auto' | number): number {
  const spanS = (to - from) / 1000;
  if (asked !== 'auto') return asked;
  return BUCKETS.find((b) => spanS / b <= MAX_AUTO_POINTS) ?? BUCKETS[BUCKETS.length - 1]!;
}

// ---------------------------------------------------------------------------------------------
// Time series and breakdowns (rollups)

export interface TimeseriesPoint extends Percentiles {
  /** Bucket start, epoch ms. */
  t: number;
}

export async function queryTimeseries(storage: Storage, w: Window, metric: Metric, bucketS: number, f: Filters): Promise<TimeseriesPoint[]> {
  const { sql, params } = timingStates(quoteIdent(storage.database), w, metric, { bucketS }, f);
  const out = await rows<{ t: Num; count: Num; q: number[] }>(
    storage,
    `SELECT k AS t, sum(c) AS count, ${STATES_MERGE} AS q FROM (${sql}) GROUP BY t ORDER BY t LIMIT {limit:UInt32}`,
    { ...params, limit: MAX_POINTS + 1 },
  );
  return out.map((r) => ({ t: int(r.t) * 1000, ...percentiles(r.count, r.q, metric) }));
}

export interface BreakdownRow extends Percentiles {
  value: string;
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

// ---------------------------------------------------------------------------------------------
// Core Web Vitals pass rate (page_loads, one row per page load and hour)

export interface PassRate {
  /** Page loads with an LCP whose first report falls in the window. */
  pageLoads: number;
  /** Of those, good on all three (LCP ≤ 2.5 s, INP ≤ 200 ms or none, CLS ≤ 0.1 or none). */
  good: number;
  passRate: number | null;
  lcpGood: number;
  inpGood: number;
  clsGood: number;
  /** p75 over page loads of each vital (INP over loads that had an interaction). */
  p75: { LCP: number | null; INP: number | null; CLS: number | null };
  /** The CrUX-style assessment: each p75 within its threshold. */
  passesAtP75: boolean;
}

/**
 * A page load is one (session, path) with an LCP, within an hour (migration 003 says how reports
 * that arrive after the hour turned still join it); it counts in the window its first report falls
 * in. It is good when its LCP ≤ 2.5 s, its INP ≤ 200 ms (no INP: no interaction, nothing slow to
 * count) and its CLS ≤ 0.1 (none: no shift). The largest reported value of each vital is the one
 * judged (CLS grows while the page lives, and its last report is the largest).
 */
export async function queryPassRate(storage: Storage, w: Window, by: Dimension | undefined, limit: number, f: Filters): Promise<(PassRate & { value?: string })[]> {
  const db = quoteIdent(storage.database);
  const filt = filterSql(f);
  const col = by ? DIMENSIONS[by] : undefined;
  const key = col ? `${col} AS value,` : '';
  const groupBy = col ? 'GROUP BY value ORDER BY page_loads DESC, value LIMIT {limit:UInt32}' : '';
  // Values are Float32 in the rollup: compare with the thresholds rounded the same way, so a CLS
  // of exactly 0.1 is good.
  const good = (c: string, p: string) => `${c} <= toFloat32({${p}:Float64})`;
  // FINAL merges each load's rows from parts not merged yet (the current hour, in steady state);
  // conditions on non-key columns apply after that merge.
  const out = await rows<{ value?: string; page_loads: Num; good: Num; lcp_good: Num; inp_good: Num; cls_good: Num; lcp75: number | null; inp75: number | null; cls75: number | null }>(
    storage,
    `SELECT ${key} count() AS page_loads,
       countIf(${good('lcp', 'lcpGood')} AND ${good('inp', 'inpGood')} AND ${good('cls', 'clsGood')}) AS good,
       countIf(${good('lcp', 'lcpGood')}) AS lcp_good, countIf(${good('inp', 'inpGood')}) AS inp_good, countIf(${good('cls', 'clsGood')}) AS cls_good,
       quantile(0.75)(lcp) AS lcp75, quantileIf(0.75)(inp, has_inp = 1) AS inp75, quantile(0.75)(cls) AS cls75
     FROM ${db}.page_loads FINAL
     WHERE project = {project:String}
       AND hour >= toStartOfHour(fromUnixTimestamp64Milli({from:Int64})) AND hour < fromUnixTimestamp64Milli({to:Int64})
       AND minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND minute < fromUnixTimestamp64Milli({to:Int64})
       AND has_lcp = 1${filt.sql}
     ${groupBy}`,
    { ...windowParams(w), lcpGood: CWV_GOOD.LCP, inpGood: CWV_GOOD.INP, clsGood: CWV_GOOD.CLS, limit, ...filt.params },
  );
  return out.map((r) => {
    const pageLoads = int(r.page_loads);
    const p75 = { LCP: num(r.lcp75, 1), INP: num(r.inp75, 1), CLS: num(r.cls75, 4) };
    const rate: PassRate & { value?: string } = {
      pageLoads,
      good: int(r.good),
      passRate: pageLoads ? num(int(r.good) / pageLoads, 4) : null,
      lcpGood: int(r.lcp_good),
      inpGood: int(r.inp_good),
      clsGood: int(r.cls_good),
      p75,
      passesAtP75: pageLoads > 0 && (p75.LCP ?? 0) <= CWV_GOOD.LCP && (p75.INP ?? 0) <= CWV_GOOD.INP && (p75.CLS ?? 0) <= CWV_GOOD.CLS,
    };
    if (col) rate.value = r.value ?? '';
    return rate;
  });
}

// ---------------------------------------------------------------------------------------------
// Errors and failed requests

export interface ErrorsReport {
  pageLoads: number;
  errors: number;
  failedRequests: number;
  /** errors / page loads (null without page loads). */
  errorRate: number | null;
  /** failed requests / page loads: the agent reports failed requests only, so this is per page load. */
  failedRequestRate: number | null;
  series: { t: number; pageLoads: number; errors: number; failedRequests: number }[];
  topMessages: { kind: string; message: string; count: number; sessions: number; lastAt: number }[];
  topHosts: { host: string; count: number; sessions: number; network: number; clientErrors: number; serverErrors: number; p95Duration: number | null }[];
}

/**
 * Page loads are `nav` events (the agent sends one per page load): counted from the `timings`
 * minute rows of the navigation's `load` phase, which every navigation has. Errors and failed
 * requests are counted from their raw tables, a few rows per hundred page loads.
 */
export async function queryErrors(storage: Storage, w: Window, bucketS: number, limit: number): Promise<ErrorsReport> {
  const db = quoteIdent(storage.database);
  const p = { ...windowParams(w), bucket: bucketS, limit };
  const bucket = (col: string) => `intDiv(toUInt32(${col}), {bucket:UInt32}) * {bucket:UInt32}`;
  const since = 'toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}))';
  const raw = (table: string, col: 'err' | 'http') =>
    `SELECT ${bucket('received_at')} AS k, toUInt64(0) AS nav, ${col === 'err' ? 'count()' : 'toUInt64(0)'} AS err, ${col === 'http' ? 'count()' : 'toUInt64(0)'} AS http
       FROM ${db}.${table} WHERE project = {project:String} AND received_at >= ${since} AND received_at < fromUnixTimestamp64Milli({to:Int64}) GROUP BY k`;
  const [series, messages, hosts] = await Promise.all([
    rows<{ t: Num; nav: Num; err: Num; http: Num }>(
      storage,
      `SELECT k AS t, sum(nav) AS nav, sum(err) AS err, sum(http) AS http FROM (
         SELECT ${bucket('t')} AS k, count AS nav, toUInt64(0) AS err, toUInt64(0) AS http FROM ${db}.timings
           WHERE project = {project:String} AND metric = 'load' AND dim = '' AND dim_value = '' AND t >= ${since} AND t < fromUnixTimestamp64Milli({to:Int64})
         UNION ALL ${raw('errors', 'err')}
         UNION ALL ${raw('requests', 'http')}
       ) GROUP BY t ORDER BY t LIMIT ${MAX_POINTS + 1}`,
      p,
    ),
    rows<{ kind: string; message: string; count: Num; sessions: Num; last_at: Num }>(
      storage,
      `SELECT kind, message, count() AS count, uniq(session) AS sessions, toUnixTimestamp64Milli(max(received_at)) AS last_at
       FROM ${db}.errors WHERE ${RAW_WINDOW}
       GROUP BY kind, message ORDER BY count DESC, message LIMIT {limit:UInt32}`,
      p,
    ),
    rows<{ host: string; count: Num; sessions: Num; network: Num; client: Num; server: Num; p95: number | null }>(
      storage,
      `SELECT request_host AS host, count() AS count, uniq(session) AS sessions, countIf(status = 0) AS network,
         countIf(status >= 400 AND status < 500) AS client, countIf(status >= 500) AS server, quantile(0.95)(duration) AS p95
       FROM ${db}.requests WHERE ${RAW_WINDOW}
       GROUP BY host ORDER BY count DESC, host LIMIT {limit:UInt32}`,
      p,
    ),
  ]);
  let pageLoads = 0;
  let errors = 0;
  let failedRequests = 0;
  const points = series.map((r) => {
    const pt = { t: int(r.t) * 1000, pageLoads: int(r.nav), errors: int(r.err), failedRequests: int(r.http) };
    pageLoads += pt.pageLoads;
    errors += pt.errors;
    failedRequests += pt.failedRequests;
    return pt;
  });
  return {
    pageLoads,
    errors,
    failedRequests,
    errorRate: pageLoads ? num(errors / pageLoads, 4) : null,
    failedRequestRate: pageLoads ? num(failedRequests / pageLoads, 4) : null,
    series: points,
    topMessages: messages.map((m) => ({ kind: m.kind, message: m.message, count: int(m.count), sessions: int(m.sessions), lastAt: int(m.last_at) })),
    topHosts: hosts.map((h) => ({
      host: h.host,
      count: int(h.count),
      sessions: int(h.sessions),
      network: int(h.network),
      clientErrors: int(h.client),
      serverErrors: int(h.server),
      p95Duration: num(h.p95, 1),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Third parties

export interface ThirdPartyRow {
  host: string;
  requests: number;
  bytes: number;
  /** p95 over page loads of each page load's p95 duration on the host (ms). */
  p95: number | null;
  /**
   * Sessions that loaded from the host: exact up to a few thousand, then a HyperLogLog estimate
   * (~0.5 %). `uniq` was the dearer half of this query over a day of resources.
   */
  sessions: number;
}

export async function queryThirdParties(storage: Storage, w: Window, sort: 'bytes' | 'p95', limit: number): Promise<ThirdPartyRow[]> {
  const db = quoteIdent(storage.database);
  const order = sort === 'p95' ? 'p95 DESC, bytes DESC' : 'bytes DESC, p95 DESC';
  const out = await rows<{ host: string; requests: Num; bytes: Num; p95: number | null; sessions: Num }>(
    storage,
    `SELECT resource_host AS host, sum(count) AS requests, sum(bytes) AS bytes, quantile(0.95)(p95) AS p95, uniqCombined(session) AS sessions
     FROM ${db}.resources WHERE ${RAW_WINDOW}
     GROUP BY host ORDER BY ${order}, host LIMIT {limit:UInt32}`,
    { ...windowParams(w), limit },
  );
  return out.map((r) => ({ host: r.host, requests: int(r.requests), bytes: int(r.bytes), p95: num(r.p95, 1), sessions: int(r.sessions) }));
}

// ---------------------------------------------------------------------------------------------
// Checkout funnel, stuck and failed checkouts, revenue at risk

export interface FunnelStep {
  /** `start`, a declared step, or `complete`. */
  step: string;
  checkouts: number;
  /** Share lost since the previous step (null for the first). */
  dropOff: number | null;
}

/** A step name checkouts sent that the project did not declare: counted apart, never in the funnel. */
export interface OtherStep {
  step: string;
  checkouts: number;
}

export interface ProblemCheckout {
  checkout: string;
  status: 'failed' | 'stuck';
  customer: string;
  value: number;
  currency: string;
  lastStep: string;
  reason: string;
  startedAt: number;
  lastAt: number;
}

/** One checkout as the marketer view shows it when a link (an alert) names it. */
export interface CheckoutFocus {
  checkout: string;
  status: 'completed' | 'failed' | 'stuck' | 'open';
  customer: string;
  value: number;
  currency: string;
  lastStep: string;
  reason: string;
  /** Named steps it reached, in the order it reached them. */
  steps: string[];
  startedAt: number;
  lastAt: number;
}

export interface MoneyByCurrency {
  currency: string;
  completed: number;
  failed: number;
  stuck: number;
  /** failed + stuck. */
  atRisk: number;
}

export interface FunnelReport {
  checkouts: number;
  started: number;
  completed: number;
  failed: number;
  stuck: number;
  /** Neither complete, failed nor stuck yet. */
  open: number;
  /** start, every declared step in order, complete: a checkout counts at each step up to the furthest it reached (a completed one at all), so counts never rise. */
  steps: FunnelStep[];
  /** Undeclared step names, in the order shoppers met them. */
  otherSteps: OtherStep[];
  revenue: MoneyByCurrency[];
  problems: ProblemCheckout[];
  /** The checkout asked for (`checkout` option), null when it has no rows in the window. */
  focus?: CheckoutFocus | null;
  latencyEffect: LatencyEffect;
}

export interface LatencyEffect {
  estimate: true;
  method: string;
  lcpP75: number | null;
  /** ms of LCP p75 above 2.5 s. */
  excessMs: number;
  /** Estimated share of conversions lost to it (1 % per 100 ms, capped at 50 %). */
  conversionLoss: number;
  /** Completed revenue × conversionLoss, per currency. */
  revenueEffect: { currency: string; value: number }[];
}

/** The published rule of thumb: ~1 % of conversions per 100 ms of extra load time. */
const LOSS_PER_MS = 0.01 / 100;
/** Far past 2.5 s the rule of thumb means nothing; stop the estimate from claiming everything. */
const MAX_LOSS = 0.5;
/** Undeclared steps listed (a project declares at most 20, see projects.ts). */
const MAX_STEPS = 20;
/** Failed and stuck checkouts listed at most (the route's limit is at most this). */
const MAX_PROBLEMS = 100;
/** Currencies listed in the revenue (totals count them all). */
const MAX_CURRENCIES = 20;
/** Currency and step-name rows the funnel's query returns at most. */
const MAX_GROUPS = 2000;

/**
 * One row per checkout first received in the window (checkouts_1h, merged with FINAL), and one
 * more per named step it reached (ARRAY JOIN; `main` marks the checkout's own row). Failed: an
 * `error` step and no `complete`. Stuck: neither, and nothing for `stuckAfterMs` before `asOf`.
 * Value: the largest value any of its events carried (start usually carries it). A step's offset
 * is the time from the checkout's first event to the step's first event. `furthest` is the
 * position (1-based) of the furthest declared step it reached, whatever it skipped or repeated;
 * a completed checkout went through them all.
 */
const CHECKOUTS_AND_STEPS = (db: string) => `
  SELECT checkout_id, value, currency, first_ms, last_ms, started, completed, failed, stuck, furthest, main, name, offset
  FROM (
    SELECT checkout_id, value, currency, toUnixTimestamp64Milli(first_at) AS first_ms, toUnixTimestamp64Milli(last_at) AS last_ms,
      started, completed, NOT completed AND errored AS failed, NOT completed AND NOT errored AND last_ms < {stuckBefore:Int64} AS stuck,
      steps.1 AS names, arrayMap(at -> at - first_ms, steps.2) AS offsets,
      if(completed, length({declared:Array(String)}), arrayMax(arrayPushBack(arrayMap(n -> indexOf({declared:Array(String)}, n), names), 0))) AS furthest
    FROM ${db}.checkouts_1h FINAL
    WHERE project = {project:String}
      AND hour >= toStartOfHour(fromUnixTimestamp64Milli({from:Int64})) AND hour < fromUnixTimestamp64Milli({to:Int64})
      AND received_at >= fromUnixTimestamp64Milli({from:Int64}) AND received_at < fromUnixTimestamp64Milli({to:Int64})
      AND started = 1
  )
  ARRAY JOIN arrayPushFront(arrayMap(n -> 0, names), 1) AS main, arrayPushFront(names, '') AS name, arrayPushFront(offsets, 0) AS offset`;

/** A failed or stuck checkout as the funnel's query keeps it (sorted ascending: costliest first). */
type ProblemTuple = [negValue: Num, negLastMs: Num, checkout: string, failed: Num, currency: string, firstMs: Num];

/** Who, where and why for the listed failed or stuck checkouts (raw rows), by checkout. */
async function problemDetails(storage: Storage, w: Window, ids: string[]): Promise<Map<string, { customer: string; lastStep: string; reason: string }>> {
  if (ids.length === 0) return new Map();
  const db = quoteIdent(storage.database);
  const out = await rows<{ checkout_id: string; customer: string; last_step: string; reason: string }>(
    storage,
    `SELECT checkout_id, argMaxIf(customer, event_time, customer != '') AS customer,
       argMax(if(step = 'step' AND step_name != '', step_name, toString(step)), event_time) AS last_step,
       argMaxIf(reason, event_time, step = 'error') AS reason
     FROM ${db}.checkouts WHERE ${RAW_WINDOW} AND checkout_id IN {ids:Array(String)}
     GROUP BY checkout_id LIMIT {limit:UInt32}`,
    { ...windowParams(w), ids, limit: ids.length },
  );
  return new Map(out.map((r) => [r.checkout_id, { customer: r.customer, lastStep: r.last_step, reason: r.reason }]));
}

/** The whole story of one checkout from the raw rows, for the marketer view's link from an alert. */
async function checkoutFocus(storage: Storage, w: Window, checkout: string, stuckBefore: number): Promise<CheckoutFocus | null> {
  const db = quoteIdent(storage.database);
  const [r] = await rows<{
    customer: string; last_step: string; reason: string; value: Num; currency: string; completed: Num; errored: Num; first_ms: Num; last_ms: Num; steps: [string, Num][];
  }>(
    storage,
    `SELECT argMaxIf(customer, event_time, customer != '') AS customer,
       argMax(if(step = 'step' AND step_name != '', step_name, toString(step)), event_time) AS last_step,
       argMaxIf(reason, event_time, step = 'error') AS reason, max(value) AS value, max(currency) AS currency,
       max(step = 'complete') AS completed, max(step = 'error') AS errored,
       toUnixTimestamp64Milli(min(event_time)) AS first_ms, toUnixTimestamp64Milli(max(event_time)) AS last_ms,
       arraySort(x -> x.2, groupArrayIf((toString(step_name), toUnixTimestamp64Milli(event_time)), step = 'step' AND step_name != '')) AS steps
     FROM ${db}.checkouts WHERE ${RAW_WINDOW} AND checkout_id = {checkout:String}
     HAVING count() > 0 LIMIT 1`,
    { ...windowParams(w), checkout },
  );
  if (!r) return null;
  const lastAt = int(r.last_ms);
  const status = Number(r.completed) ? 'completed' : Number(r.errored) ? 'failed' : lastAt < stuckBefore ? 'stuck' : 'open';
  const steps: string[] = [];
  for (const [name] of r.steps) if (!steps.includes(name)) steps.push(name);
  return { checkout, status, customer: r.customer, value: num(r.value, 2) ?? 0, currency: r.currency, lastStep: r.last_step, reason: r.reason, steps, startedAt: int(r.first_ms), lastAt };
}

export async function queryFunnel(
  storage: Storage,
  w: Window,
  opts: {
    stuckAfterMs: number;
    asOf: number;
    limit: number;
    /** The project's checkoutSteps, in order. */
    declared: readonly string[];
    /** A checkout to report on its own as `focus` (the marketer view opened from an alert). */
    checkout?: string;
  },
): Promise<FunnelReport> {
  const db = quoteIdent(storage.database);
  const declared = [...opts.declared];
  const p = { ...windowParams(w), stuckBefore: Math.min(w.to, opts.asOf) - opts.stuckAfterMs, declared, n: declared.length };
  const [grouped, lcp, focus] = await Promise.all([
    // One pass over the checkouts for everything: totals, money and the costliest problems per
    // currency, and per named step the checkouts that reached it and when. Steps come in the
    // order shoppers meet them, by median offset.
    // (Output names differ from the inner columns: an alias would shadow the column in sumIf.)
    rows<{
      step_row: Num; currency: string; name: string; n_checkouts: Num; n_started: Num; n_completed: Num; n_failed: Num; n_stuck: Num;
      v_completed: Num; v_failed: Num; v_stuck: Num; problems: ProblemTuple[]; at_declared: Num[]; reached: Num; ord: Num;
    }>(
      storage,
      `SELECT grouping(currency) AS step_row, currency, name,
         countIf(main) AS n_checkouts, countIf(main AND started) AS n_started, countIf(main AND completed) AS n_completed,
         countIf(main AND failed) AS n_failed, countIf(main AND stuck) AS n_stuck,
         sumIf(value, main AND completed) AS v_completed, sumIf(value, main AND failed) AS v_failed, sumIf(value, main AND stuck) AS v_stuck,
         groupArraySortedIf(${MAX_PROBLEMS})((-value, -last_ms, checkout_id, failed, currency, first_ms), main AND (failed OR stuck)) AS problems,
         sumForEachIf(arrayMap(i -> toUInt64(furthest >= i), range(1, {n:UInt32} + 1)), main) AS at_declared,
         countIf(NOT main) AS reached, medianIf(offset, NOT main) AS ord
       FROM (${CHECKOUTS_AND_STEPS(db)})
       GROUP BY GROUPING SETS ((currency), (name))
       ORDER BY step_row, currency, name LIMIT ${MAX_GROUPS}`,
      p,
    ),
    totalPercentiles(storage, w, 'LCP'),
    opts.checkout === undefined ? undefined : checkoutFocus(storage, w, opts.checkout, p.stuckBefore),
  ]);
  const money = grouped.filter((r) => Number(r.step_row) === 0).sort((a, b) => Number(b.v_failed) + Number(b.v_stuck) - Number(a.v_failed) - Number(a.v_stuck) || (a.currency < b.currency ? -1 : 1));
  const isDeclared = new Set(declared);
  const otherSteps = grouped
    .filter((r) => Number(r.step_row) === 1 && r.name !== '' && !isDeclared.has(r.name))
    .sort((a, b) => Number(a.ord) - Number(b.ord) || Number(b.reached) - Number(a.reached) || (a.name < b.name ? -1 : 1))
    .slice(0, MAX_STEPS)
    .map((r): OtherStep => ({ step: r.name, checkouts: int(r.reached) }));
  // Per currency, then summed: -ForEach leaves an empty array for a currency without rows.
  const atDeclared = declared.map((_, i) => money.reduce((n, m) => n + int(m.at_declared[i]), 0));
  const sum = (k: 'n_checkouts' | 'n_started' | 'n_completed' | 'n_failed' | 'n_stuck') => money.reduce((n, m) => n + int(m[k]), 0);
  const tot = { checkouts: sum('n_checkouts'), started: sum('n_started'), completed: sum('n_completed'), failed: sum('n_failed'), stuck: sum('n_stuck') };
  // Each currency's list is its top; the overall top is among them (the engine's order).
  const top = money
    .flatMap((m) => m.problems)
    .map(([negValue, negLastMs, checkout, failed, currency, firstMs]) => ({ value: -Number(negValue), lastAt: -Number(negLastMs), checkout, failed, currency, firstMs }))
    .sort((a, b) => b.value - a.value || b.lastAt - a.lastAt || (a.checkout < b.checkout ? -1 : a.checkout > b.checkout ? 1 : 0))
    .slice(0, Math.min(opts.limit, MAX_PROBLEMS));
  const details = await problemDetails(storage, w, top.map((t) => t.checkout));
  const problems = top.map((t): ProblemCheckout => ({
    checkout: t.checkout,
    status: Number(t.failed) ? 'failed' : 'stuck',
    customer: details.get(t.checkout)?.customer ?? '',
    value: num(t.value, 2) ?? 0,
    currency: t.currency,
    lastStep: details.get(t.checkout)?.lastStep ?? '',
    reason: details.get(t.checkout)?.reason ?? '',
    startedAt: int(t.firstMs),
    lastAt: t.lastAt,
  }));

  const { started, completed } = tot;
  const steps: FunnelStep[] = [{ step: 'start', checkouts: started, dropOff: null }];
  declared.forEach((step, i) => steps.push({ step, checkouts: atDeclared[i] ?? 0, dropOff: null }));
  steps.push({ step: 'complete', checkouts: completed, dropOff: null });
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1]!.checkouts;
    steps[i]!.dropOff = prev ? num(Math.max(0, 1 - steps[i]!.checkouts / prev), 4) : null;
  }

  const revenue = money.slice(0, MAX_CURRENCIES).map((m) => {
    const failed = num(m.v_failed, 2) ?? 0;
    const stuck = num(m.v_stuck, 2) ?? 0;
    return { currency: m.currency, completed: num(m.v_completed, 2) ?? 0, failed, stuck, atRisk: num(failed + stuck, 2) ?? 0 };
  });

  const lcpP75 = lcp && lcp.count > 0 ? num(lcp.q[1], 1) : null;
  const excessMs = lcpP75 === null ? 0 : Math.max(0, lcpP75 - CWV_GOOD.LCP);
  const conversionLoss = num(Math.min(MAX_LOSS, excessMs * LOSS_PER_MS), 4) ?? 0;
  const { failed, stuck } = tot;
  return {
    checkouts: tot.checkouts,
    started,
    completed,
    failed,
    stuck,
    open: Math.max(0, tot.checkouts - completed - failed - stuck),
    steps,
    otherSteps,
    revenue,
    problems,
    ...(focus === undefined ? {} : { focus }),
    latencyEffect: {
      estimate: true,
      method: 'Estimate: about 1 % of conversions lost per 100 ms of LCP p75 above 2.5 s (published rule of thumb, capped at 50 %), applied to completed checkout revenue',
      lcpP75,
      excessMs: num(excessMs, 1) ?? 0,
      conversionLoss,
      revenueEffect: revenue.map((m) => ({ currency: m.currency, value: num(m.completed * conversionLoss, 2) ?? 0 })),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Example slow page loads

export interface SlowSession {
  session: string;
  path: string;
  device: string;
  browser: string;
  os: string;
  country: string;
  connection: string;
  value: number;
  at: number;
  /** Element behind this vital (CSS selector) and its resource or script. */
  target: string;
  url: string;
  /** LCP and INP elements of the same page load. */
  lcpTarget: string;
  inpTarget: string;
  lcp: number | null;
  inp: number | null;
}

export async function querySlowSessions(storage: Storage, w: Window, metric: VitalName, limit: number, f: Filters): Promise<SlowSession[]> {
  const db = quoteIdent(storage.database);
  const filt = filterSql(f);
  const top = await rows<{ session: string; path: string; device: string; browser: string; os: string; country: string; connection: string; value: number; at: Num; target: string; url: string }>(
    storage,
    `SELECT session, path, device, browser, os, country, connection, value, toUnixTimestamp64Milli(received_at) AS at, target, attribution_url AS url
     FROM ${db}.vitals WHERE ${RAW_WINDOW} AND name = {metric:String}${filt.sql}
     ORDER BY value DESC, received_at DESC LIMIT {limit:UInt32}`,
    { ...windowParams(w), metric, limit, ...filt.params },
  );
  if (top.length === 0) return [];
  const elements = await rows<{ session: string; path: string; lcp_target: string; inp_target: string; lcp: number | null; inp: number | null }>(
    storage,
    `SELECT session, path, anyIf(target, name = 'LCP' AND target != '') AS lcp_target, anyIf(target, name = 'INP' AND target != '') AS inp_target,
       if(countIf(name = 'LCP') > 0, maxIf(value, name = 'LCP'), NULL) AS lcp, if(countIf(name = 'INP') > 0, maxIf(value, name = 'INP'), NULL) AS inp
     FROM ${db}.vitals WHERE ${RAW_WINDOW} AND name IN ('LCP', 'INP') AND session IN {sessions:Array(String)}
     GROUP BY session, path LIMIT {limit:UInt32}`,
    { ...windowParams(w), sessions: [...new Set(top.map((t) => t.session))], limit: limit * 4 },
  );
  const byLoad = new Map(elements.map((e) => [`${e.session}\n${e.path}`, e]));
  const d = digitsOf(metric);
  return top.map((t) => {
    const e = byLoad.get(`${t.session}\n${t.path}`);
    return {
      session: t.session,
      path: t.path,
      device: t.device,
      browser: t.browser,
      os: t.os,
      country: t.country,
      connection: t.connection,
      value: num(t.value, d) ?? 0,
      at: int(t.at),
      target: t.target,
      url: t.url,
      lcpTarget: e?.lcp_target ?? '',
      inpTarget: e?.inp_target ?? '',
      lcp: num(e?.lcp ?? null, 1),
      inp: num(e?.inp ?? null, 1),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Live figures (one sample per second per project that has live viewers)

export interface LiveFigures {
  /** p75 of each vital received in the last minute (null: none). */
  p75: Record<VitalName, number | null>;
  /** Errors per second, averaged over the last LIVE_ERRORS_WINDOW_MS (rows land within ~1 s of the ack). */
  errorsPerSecond: number;
  /** Checkouts with activity in the last `stuckAfterMs` that neither completed nor failed. */
  openCheckouts: number;
}

export const LIVE_ERRORS_WINDOW_MS = 10_000;

export async function queryLiveFigures(storage: Storage, project: string, now: number, stuckAfterMs: number): Promise<LiveFigures> {
  const db = quoteIdent(storage.database);
  const since = (ms: number) => `project = {project:String} AND received_at >= fromUnixTimestamp64Milli({now:Int64} - ${ms})`;
  const p = { project, now };
  const [vitals, [errors], [checkouts]] = await Promise.all([
    rows<{ name: VitalName; p75: number }>(storage, `SELECT name, quantile(0.75)(value) AS p75 FROM ${db}.vitals WHERE ${since(60_000)} GROUP BY name`, p),
    rows<{ n: Num }>(storage, `SELECT count() AS n FROM ${db}.errors WHERE ${since(LIVE_ERRORS_WINDOW_MS)}`, p),
    rows<{ n: Num }>(
      storage,
      `SELECT countIf(NOT done) AS n FROM (
         SELECT checkout_id, max(step IN ('complete', 'error')) AS done FROM ${db}.checkouts WHERE ${since(Math.round(stuckAfterMs))} GROUP BY checkout_id
       )`,
      p,
    ),
  ]);
  const p75 = Object.fromEntries(VITAL_NAMES.map((n) => [n, null])) as Record<VitalName, number | null>;
  for (const v of vitals) p75[v.name] = num(v.p75, digitsOf(v.name));
  return { p75, errorsPerSecond: num(int(errors?.n) / (LIVE_ERRORS_WINDOW_MS / 1000), 2) ?? 0, openCheckouts: int(checkouts?.n) };
}
