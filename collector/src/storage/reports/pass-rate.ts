/** The Core Web Vitals pass rate, from `page_loads` (one row per page load and hour). */
import type { Dimension, Filters } from '@touchpoint/protocol/api/common';
import type { PassRate } from '@touchpoint/protocol/api/pass-rate';
import { CWV_GOOD } from '@touchpoint/protocol/vitals';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { DIMENSIONS } from '../timing-states.ts';
import { filterSql, int, num, rows, windowParams, type Num, type Window } from './report-sql.ts';

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
