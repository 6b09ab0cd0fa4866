/** The slowest page loads of a vital, with their LCP and INP elements, from the raw `vitals` table (test traffic as the window asks). */
import type { VitalName } from '@touchpoint/protocol';
import type { Filters } from '@touchpoint/protocol/api/common';
import type { SlowSession } from '@touchpoint/protocol/api/sessions';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { digitsOf, filterSql, int, num, RAW_WINDOW, rows, windowParams, type Num, type RawWindow } from './report-sql.ts';

export async function querySlowSessions(storage: Storage, w: RawWindow, metric: VitalName, limit: number, f: Filters): Promise<SlowSession[]> {
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
