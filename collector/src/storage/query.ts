/**
 * The dashboards' query API over ClickHouse: percentiles over time and by dimension from the
 * per-minute rollups, and the questions the rollups cannot answer (pass rate per page load,
 * errors, third parties, the checkout funnel, example sessions) from the raw tables.
 *
 * Every value is a bound parameter. The only identifiers that vary are dimension columns, and
 * they come from the fixed DIMENSIONS map below, keyed by a name the route validated; input
 * never reaches the SQL text. Every query is bounded by a receive-time window and a LIMIT.
 */
import { NAV_PHASES, VITAL_NAMES, type NavPhase, type VitalName } from '@touchpoint/protocol';
import type { Storage } from './clickhouse.ts';
import { quoteIdent } from './clickhouse.ts';

export const METRICS = [...VITAL_NAMES, ...NAV_PHASES] as const;
export type Metric = VitalName | NavPhase;

/** Dimension name (API) → column identifier (SQL). The only identifiers chosen per request. */
export const DIMENSIONS = { path: 'path', device: 'device', browser: 'browser', country: 'country', connection: 'connection' } as const;
export type Dimension = keyof typeof DIMENSIONS;
export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as Dimension[];

/** Core Web Vitals "good" thresholds at p75 (web.dev). */
export const CWV_GOOD = { LCP: 2500, INP: 200, CLS: 0.1 } as const;

/** Bucket sizes (seconds) the time series may use; auto picks the smallest giving ≤ MAX_AUTO_POINTS. */
export const BUCKETS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400] as const;
/** ~300 points fill a wide chart without making it slower to draw than to read. */
export const MAX_AUTO_POINTS = 300;
/** An explicit bucket may give more points, up to this. */
export const MAX_POINTS = 1500;

export interface Window {
  project: string;
  /** Receive time, epoch ms, [from, to). Rollups are per minute: `from` is rounded down to its minute. */
  from: number;
  to: number;
}

export type Filters = Partial<Record<Dimension, string>>;

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
/** The same on a rollup (minute); `from` rounds down to the minute that contains it. */
const ROLLUP_WINDOW = 'project = {project:String} AND minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND minute < fromUnixTimestamp64Milli({to:Int64})';

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

// The state in timings_1m is quantilesTDigest(0.5, 0.75, 0.95, 0.99): the merge must name the same levels.
const MERGE = 'quantilesTDigestMerge(0.5, 0.75, 0.95, 0.99)(quantiles)';

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
  const db = quoteIdent(storage.database);
  const filt = filterSql(f);
  const out = await rows<{ t: Num; count: Num; q: number[] }>(
    storage,
    `SELECT intDiv(toUInt32(minute), {bucket:UInt32}) * {bucket:UInt32} AS t, sum(count) AS count, ${MERGE} AS q
     FROM ${db}.timings_1m
     WHERE ${ROLLUP_WINDOW} AND metric = {metric:String}${filt.sql}
     GROUP BY t ORDER BY t LIMIT {limit:UInt32}`,
    { ...windowParams(w), metric, bucket: bucketS, limit: MAX_POINTS + 1, ...filt.params },
  );
  return out.map((r) => ({ t: int(r.t) * 1000, ...percentiles(r.count, r.q, metric) }));
}

export interface BreakdownRow extends Percentiles {
  value: string;
}

/** Percentiles per value of one dimension, slowest p75 first. */
export async function queryBreakdown(storage: Storage, w: Window, metric: Metric, by: Dimension, limit: number, f: Filters): Promise<BreakdownRow[]> {
  const db = quoteIdent(storage.database);
  const filt = filterSql(f);
  const col = DIMENSIONS[by];
  const out = await rows<{ value: string; count: Num; q: number[] }>(
    storage,
    `SELECT ${col} AS value, sum(count) AS count, ${MERGE} AS q
     FROM ${db}.timings_1m
     WHERE ${ROLLUP_WINDOW} AND metric = {metric:String}${filt.sql}
     GROUP BY value ORDER BY q[2] DESC, count DESC, value LIMIT {limit:UInt32}`,
    { ...windowParams(w), metric, limit, ...filt.params },
  );
  return out.map((r) => ({ value: r.value, ...percentiles(r.count, r.q, metric) }));
}

// ---------------------------------------------------------------------------------------------
// Core Web Vitals pass rate (raw vitals, per page load)

export interface PassRate {
  /** Page loads with an LCP in the window. */
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
 * A page load is one (session, path) in the window with an LCP. It is good when its LCP ≤ 2.5 s,
 * its INP ≤ 200 ms (no INP: no interaction, nothing slow to count) and its CLS ≤ 0.1 (none: no
 * shift). The largest reported value of each vital is the one judged (CLS grows while the page
 * lives, and its last report is the largest).
 */
export async function queryPassRate(storage: Storage, w: Window, by: Dimension | undefined, limit: number, f: Filters): Promise<(PassRate & { value?: string })[]> {
  const db = quoteIdent(storage.database);
  const filt = filterSql(f);
  const col = by ? DIMENSIONS[by] : undefined;
  // One 64-bit hash per page load groups ~3x faster than the (session, path) strings (bench:
  // 24 h of 10 M vitals); a collision merges two loads in ~10^-10 of cases. The dimension rides
  // along as any() (constant within a load): half the cost of grouping by (load, dimension).
  const dim = col ? `any(${col}) AS dim,` : '';
  const outerKey = col ? 'dim AS value,' : '';
  const groupBy = col ? 'GROUP BY value ORDER BY page_loads DESC, value LIMIT {limit:UInt32}' : '';
  const out = await rows<{ value?: string; page_loads: Num; good: Num; lcp_good: Num; inp_good: Num; cls_good: Num; lcp75: number | null; inp75: number | null; cls75: number | null }>(
    storage,
    `SELECT ${outerKey} count() AS page_loads,
       countIf(lcp <= {lcpGood:Float64} AND inp <= {inpGood:Float64} AND cls <= {clsGood:Float64}) AS good,
       countIf(lcp <= {lcpGood:Float64}) AS lcp_good, countIf(inp <= {inpGood:Float64}) AS inp_good, countIf(cls <= {clsGood:Float64}) AS cls_good,
       quantile(0.75)(lcp) AS lcp75, quantileIf(0.75)(inp, has_inp) AS inp75, quantile(0.75)(cls) AS cls75
     FROM (
       SELECT cityHash64(session, path) AS load, ${dim} maxIf(value, name = 'LCP') AS lcp, countIf(name = 'LCP') > 0 AS has_lcp,
         maxIf(value, name = 'INP') AS inp, countIf(name = 'INP') > 0 AS has_inp, maxIf(value, name = 'CLS') AS cls
       FROM ${db}.vitals
       WHERE ${RAW_WINDOW} AND name IN ('LCP', 'INP', 'CLS')${filt.sql}
       GROUP BY load
     )
     WHERE has_lcp ${groupBy}`,
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

/** Page loads are `nav` events (the agent sends one per page load); counts from the events rollup. */
export async function queryErrors(storage: Storage, w: Window, bucketS: number, limit: number): Promise<ErrorsReport> {
  const db = quoteIdent(storage.database);
  const p = { ...windowParams(w), bucket: bucketS, limit };
  const [series, messages, hosts] = await Promise.all([
    rows<{ t: Num; nav: Num; err: Num; http: Num }>(
      storage,
      `SELECT intDiv(toUInt32(minute), {bucket:UInt32}) * {bucket:UInt32} AS t,
         sumIf(count, type = 'nav') AS nav, sumIf(count, type = 'error') AS err, sumIf(count, type = 'http') AS http
       FROM ${db}.events_1m WHERE ${ROLLUP_WINDOW} AND type IN ('nav', 'error', 'http')
       GROUP BY t ORDER BY t LIMIT ${MAX_POINTS + 1}`,
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
  sessions: number;
}

export async function queryThirdParties(storage: Storage, w: Window, sort: 'bytes' | 'p95', limit: number): Promise<ThirdPartyRow[]> {
  const db = quoteIdent(storage.database);
  const order = sort === 'p95' ? 'p95 DESC, bytes DESC' : 'bytes DESC, p95 DESC';
  const out = await rows<{ host: string; requests: Num; bytes: Num; p95: number | null; sessions: Num }>(
    storage,
    `SELECT resource_host AS host, sum(count) AS requests, sum(bytes) AS bytes, quantile(0.95)(p95) AS p95, uniq(session) AS sessions
     FROM ${db}.resources WHERE ${RAW_WINDOW}
     GROUP BY host ORDER BY ${order}, host LIMIT {limit:UInt32}`,
    { ...windowParams(w), limit },
  );
  return out.map((r) => ({ host: r.host, requests: int(r.requests), bytes: int(r.bytes), p95: num(r.p95, 1), sessions: int(r.sessions) }));
}

// ---------------------------------------------------------------------------------------------
// Checkout funnel, stuck and failed checkouts, revenue at risk

export interface FunnelStep {
  /** `start`, a named step, or `complete`. */
  step: string;
  checkouts: number;
  /** Share lost since the previous step (null for the first). */
  dropOff: number | null;
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
  steps: FunnelStep[];
  revenue: MoneyByCurrency[];
  problems: ProblemCheckout[];
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
/** Named steps shown in the funnel. */
const MAX_STEPS = 20;

/**
 * One row per checkout with any event received in the window. Failed: an `error` step and no
 * `complete`. Stuck: neither, and nothing for `stuckAfterMs` before `asOf`. Value: the largest
 * value any of its events carried (start usually carries it).
 */
const PER_CHECKOUT = (db: string) => `
  SELECT checkout_id, argMaxIf(customer, event_time, customer != '') AS customer, max(value) AS value,
    anyIf(currency, currency != '') AS currency,
    toUnixTimestamp64Milli(min(event_time)) AS first_at, toUnixTimestamp64Milli(max(event_time)) AS last_at,
    countIf(step = 'start') > 0 AS started, countIf(step = 'complete') > 0 AS completed, countIf(step = 'error') > 0 AS errored,
    argMax(if(step = 'step' AND step_name != '', step_name, toString(step)), event_time) AS last_step,
    argMaxIf(reason, event_time, step = 'error') AS reason,
    NOT completed AND errored AS failed,
    NOT completed AND NOT errored AND last_at < {stuckBefore:Int64} AS stuck
  FROM ${db}.checkouts WHERE ${RAW_WINDOW}
  GROUP BY checkout_id`;

export async function queryFunnel(storage: Storage, w: Window, opts: { stuckAfterMs: number; asOf: number; limit: number }): Promise<FunnelReport> {
  const db = quoteIdent(storage.database);
  const per = PER_CHECKOUT(db);
  const p = { ...windowParams(w), stuckBefore: Math.min(w.to, opts.asOf) - opts.stuckAfterMs, limit: opts.limit };
  const [money, named, problems, lcp] = await Promise.all([
    // Totals and money per currency in one pass over the checkouts (summed over currencies below).
    // (Output names differ from the inner columns: an alias would shadow the column in sumIf.)
    rows<{ currency: string; n_checkouts: Num; n_started: Num; n_completed: Num; n_failed: Num; n_stuck: Num; v_completed: Num; v_failed: Num; v_stuck: Num }>(
      storage,
      `SELECT currency, count() AS n_checkouts, countIf(started) AS n_started, countIf(completed) AS n_completed, countIf(failed) AS n_failed, countIf(stuck) AS n_stuck,
         sumIf(value, completed) AS v_completed, sumIf(value, failed) AS v_failed, sumIf(value, stuck) AS v_stuck
       FROM (${per}) GROUP BY currency ORDER BY v_failed + v_stuck DESC, currency LIMIT 20`,
      p,
    ),
    // Named steps in the order shoppers meet them: by the median time after the checkout's first
    // event. One GROUP BY with the steps gathered per checkout (a window function took 4x longer).
    rows<{ name: string; checkouts: Num }>(
      storage,
      `SELECT s.1 AS name, count() AS checkouts, median(s.2 - t0) AS ord
       FROM (
         SELECT min(toUnixTimestamp64Milli(event_time)) AS t0,
           groupUniqArrayIf((step_name, toUnixTimestamp64Milli(event_time)), step = 'step' AND step_name != '') AS steps,
           arrayMap(n -> (n, arrayMin(arrayMap(x -> x.2, arrayFilter(x -> x.1 = n, steps)))), arrayDistinct(arrayMap(x -> x.1, steps))) AS firsts
         FROM ${db}.checkouts WHERE ${RAW_WINDOW}
         GROUP BY cityHash64(checkout_id)
       )
       ARRAY JOIN firsts AS s
       GROUP BY name ORDER BY ord, checkouts DESC, name LIMIT ${MAX_STEPS}`,
      p,
    ),
    rows<{ checkout_id: string; failed: Num; customer: string; value: Num; currency: string; last_step: string; reason: string; first_at: Num; last_at: Num }>(
      storage,
      `SELECT checkout_id, failed, customer, value, currency, last_step, reason, first_at, last_at
       FROM (${per}) WHERE failed OR stuck ORDER BY value DESC, last_at DESC, checkout_id LIMIT {limit:UInt32}`,
      p,
    ),
    // From the raw table: at 10 M vitals a day the dimensioned rollup hardly compresses and its
    // merge took ~4x longer than this scan of one vital's values (query.bench.ts).
    rows<{ count: Num; p75: number | null }>(
      storage,
      `SELECT count() AS count, quantileTDigest(0.75)(value) AS p75 FROM ${db}.vitals WHERE ${RAW_WINDOW} AND name = 'LCP'`,
      p,
    ),
  ]);
  const sum = (k: 'n_checkouts' | 'n_started' | 'n_completed' | 'n_failed' | 'n_stuck') => money.reduce((n, m) => n + int(m[k]), 0);
  const tot = { checkouts: sum('n_checkouts'), started: sum('n_started'), completed: sum('n_completed'), failed: sum('n_failed'), stuck: sum('n_stuck') };

  const { started, completed } = tot;
  const steps: FunnelStep[] = [{ step: 'start', checkouts: started, dropOff: null }];
  for (const s of named) steps.push({ step: s.name, checkouts: int(s.checkouts), dropOff: null });
  steps.push({ step: 'complete', checkouts: completed, dropOff: null });
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1]!.checkouts;
    steps[i]!.dropOff = prev ? num(Math.max(0, 1 - steps[i]!.checkouts / prev), 4) : null;
  }

  const revenue = money.map((m) => {
    const failed = num(m.v_failed, 2) ?? 0;
    const stuck = num(m.v_stuck, 2) ?? 0;
    return { currency: m.currency, completed: num(m.v_completed, 2) ?? 0, failed, stuck, atRisk: num(failed + stuck, 2) ?? 0 };
  });

  const lcpP75 = lcp[0] && int(lcp[0].count) > 0 ? num(lcp[0].p75, 1) : null;
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
    revenue,
    problems: problems.map((r) => ({
      checkout: r.checkout_id,
      status: Number(r.failed) ? 'failed' : 'stuck',
      customer: r.customer,
      value: num(r.value, 2) ?? 0,
      currency: r.currency,
      lastStep: r.last_step,
      reason: r.reason,
      startedAt: int(r.first_at),
      lastAt: int(r.last_at),
    })),
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
