/** Error and failed-request rates, top messages and failing hosts, from the raw tables and the `timings` rollup. */
import type { ErrorsBody } from '@touchpoint/protocol/api/errors';
import { MAX_POINTS } from '@touchpoint/protocol/api/common';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { CHOSEN_TRAFFIC } from '../test-traffic-sql.ts';
import { int, num, RAW_WINDOW, rows, windowParams, type Num, type RawWindow } from './report-sql.ts';

/**
 * Page loads are `nav` events (the agent sends one per page load): counted from the `timings`
 * minute rows of the navigation's `load` phase, which every navigation has, or, when test
 * traffic is asked for (the rollups hold none), from the raw navigations. Errors and failed
 * requests are counted from their raw tables, a few rows per hundred page loads.
 */
export async function queryErrors(storage: Storage, w: RawWindow, bucketS: number, limit: number): Promise<ErrorsBody> {
  const db = quoteIdent(storage.database);
  const p = { ...windowParams(w), bucket: bucketS, limit };
  const bucket = (col: string) => `intDiv(toUInt32(${col}), {bucket:UInt32}) * {bucket:UInt32}`;
  const since = 'toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}))';
  const raw = (table: string, col: 'nav' | 'err' | 'http') =>
    `SELECT ${bucket('received_at')} AS k, ${col === 'nav' ? 'count()' : 'toUInt64(0)'} AS nav, ${col === 'err' ? 'count()' : 'toUInt64(0)'} AS err, ${col === 'http' ? 'count()' : 'toUInt64(0)'} AS http
       FROM ${db}.${table} WHERE project = {project:String} AND received_at >= ${since} AND received_at < fromUnixTimestamp64Milli({to:Int64}) AND ${CHOSEN_TRAFFIC} GROUP BY k`;
  const loads = (w.test ?? 'exclude') === 'exclude'
    ? `SELECT ${bucket('t')} AS k, count AS nav, toUInt64(0) AS err, toUInt64(0) AS http FROM ${db}.timings
           WHERE project = {project:String} AND metric = 'load' AND dim = '' AND dim_value = '' AND t >= ${since} AND t < fromUnixTimestamp64Milli({to:Int64})`
    : raw('navigations', 'nav');
  const [series, messages, hosts] = await Promise.all([
    rows<{ t: Num; nav: Num; err: Num; http: Num }>(
      storage,
      `SELECT k AS t, sum(nav) AS nav, sum(err) AS err, sum(http) AS http FROM (
         ${loads}
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
