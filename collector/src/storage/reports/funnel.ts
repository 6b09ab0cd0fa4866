/** The checkout funnel, stuck and failed checkouts, money by currency, from `checkouts_1h` and the raw `checkouts`. */
import type { CheckoutFocus, FunnelStep, MoneyByCurrency, OtherStep, ProblemCheckout } from '@touchpoint/protocol/api/funnel';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { int, num, RAW_WINDOW, rows, windowParams, type Num, type Window } from './report-sql.ts';
import { totalPercentiles } from './timeseries.ts';

/** What the funnel query finds; the route adds the latency estimate (estimates/latency-effect.ts). */
export interface FunnelCounts {
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
  /** p75 of LCP over the window (null without LCPs), for the latency estimate. */
  lcpP75: number | null;
}

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
async function problemDetails(storage: Storage, w: Window, ids: string[]): Promise<Map<string, { customer: string; session: string; lastStep: string; reason: string }>> {
  if (ids.length === 0) return new Map();
  const db = quoteIdent(storage.database);
  const out = await rows<{ checkout_id: string; customer: string; latest_session: string; last_step: string; reason: string }>(
    storage,
    `SELECT checkout_id, argMaxIf(customer, event_time, customer != '') AS customer, argMax(session, event_time) AS latest_session,
       argMax(if(step = 'step' AND step_name != '', step_name, toString(step)), event_time) AS last_step,
       argMaxIf(reason, event_time, step = 'error') AS reason
     FROM ${db}.checkouts WHERE ${RAW_WINDOW} AND checkout_id IN {ids:Array(String)}
     GROUP BY checkout_id LIMIT {limit:UInt32}`,
    { ...windowParams(w), ids, limit: ids.length },
  );
  return new Map(out.map((r) => [r.checkout_id, { customer: r.customer, session: r.latest_session, lastStep: r.last_step, reason: r.reason }]));
}

/** The whole story of one checkout from the raw rows, for the marketer view's link from an alert. */
async function checkoutFocus(storage: Storage, w: Window, checkout: string, stuckBefore: number): Promise<CheckoutFocus | null> {
  const db = quoteIdent(storage.database);
  const [r] = await rows<{
    customer: string; latest_session: string; last_step: string; reason: string; value: Num; currency: string; completed: Num; errored: Num; first_ms: Num; last_ms: Num; steps: [string, Num][];
  }>(
    storage,
    `SELECT argMaxIf(customer, event_time, customer != '') AS customer, argMax(session, event_time) AS latest_session,
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
  return { checkout, status, customer: r.customer, session: r.latest_session, value: num(r.value, 2) ?? 0, currency: r.currency, lastStep: r.last_step, reason: r.reason, steps, startedAt: int(r.first_ms), lastAt };
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
): Promise<FunnelCounts> {
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
    session: details.get(t.checkout)?.session ?? '',
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
    lcpP75,
  };
}
