/** Error and failed-request rates, top messages and failing hosts, from the raw tables and the `timings` rollup. */
import type { Filters } from '@touchpoint/protocol/api/common';
import type { ErrorsBody } from '@touchpoint/protocol/api/errors';
import { MAX_POINTS } from '@touchpoint/protocol/api/common';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { CHOSEN_TRAFFIC } from '../test-traffic-sql.ts';
import { FAMILY_DIMENSIONS, familyFilterSql } from './family-filters.ts';
import { int, num, RAW_WINDOW, rows, windowParams, type Num, type RawWindow } from './report-sql.ts';

/**
 * Page loads are `nav` events (the agent sends one per page load): counted from the `timings`
 * minute rows of the navigation's `load` phase, which every navigation has, or from the raw
 * `navigations` with filters (the rollup has no minute rows per dimension) or when test traffic
 * is asked for (the rollups hold none). Errors and failed requests are counted from their raw
 * tables, a few rows per hundred page loads. Every filter applies to every part
 * (family-filters.ts), and so does the test-traffic choice.
 */
export async function queryErrors(storage: Storage, w: RawWindow, bucketS: number, limit: number, f: Filters = {}): Promise<ErrorsBody> {
  const db = quoteIdent(storage.database);
  const bucket = (col: string) => `intDiv(toUInt32(${col}), {bucket:UInt32}) * {bucket:UInt32}`;
  const since = 'toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}))';
  // The series starts at the window's minute, as the minute rows of page loads do.
  const seriesWindow = `project = {project:String} AND received_at >= ${since} AND received_at < fromUnixTimestamp64Milli({to:Int64}) AND ${CHOSEN_TRAFFIC}`;
  const fromRaw = Object.keys(f).length > 0 || (w.test ?? 'exclude') !== 'exclude';
  const inSeries = {
    errors: familyFilterSql(db, FAMILY_DIMENSIONS.errors, f, seriesWindow),
    requests: familyFilterSql(db, FAMILY_DIMENSIONS.requests, f, seriesWindow),
    navigations: familyFilterSql(db, FAMILY_DIMENSIONS.navigations, f, seriesWindow),
  };
  const inWindow = { errors: familyFilterSql(db, FAMILY_DIMENSIONS.errors, f), requests: familyFilterSql(db, FAMILY_DIMENSIONS.requests, f) };
  // Every part binds the same f_<name> values.
  const p = { ...windowParams(w), bucket: bucketS, limit, ...inSeries.navigations.params };
  const raw = (table: 'errors' | 'requests', col: 'err' | 'http') =>
    `SELECT ${bucket('received_at')} AS k, toUInt64(0) AS nav, ${col === 'err' ? 'count()' : 'toUInt64(0)'} AS err, ${col === 'http' ? 'count()' : 'toUInt64(0)'} AS http
       FROM ${db}.${table} WHERE ${seriesWindow}${inSeries[table].sql} GROUP BY k`;
  const pageLoads = fromRaw
    ? `SELECT ${bucket('received_at')} AS k, count() AS nav, toUInt64(0) AS err, toUInt64(0) AS http FROM ${db}.navigations
         WHERE ${seriesWindow}${inSeries.navigations.sql} GROUP BY k`
    : `SELECT ${bucket('t')} AS k, count AS nav, toUInt64(0) AS err, toUInt64(0) AS http FROM ${db}.timings
         WHERE project = {project:String} AND metric = 'load' AND dim = '' AND dim_value = '' AND t >= ${since} AND t < fromUnixTimestamp64Milli({to:Int64})`;
  const [series, messages, hosts] = await Promise.all([
    rows<{ t: Num; nav: Num; err: Num; http: Num }>(
      storage,
      `SELECT k AS t, sum(nav) AS nav, sum(err) AS err, sum(http) AS http FROM (
         ${pageLoads}
         UNION ALL ${raw('errors', 'err')}
         UNION ALL ${raw('requests', 'http')}
       ) GROUP BY t ORDER BY t LIMIT ${MAX_POINTS + 1}`,
      p,
    ),
    rows<{ kind: string; message: string; count: Num; sessions: Num; latest_session: string; last_at: Num }>(
      storage,
      `SELECT kind, message, count() AS count, uniq(session) AS sessions, argMax(session, received_at) AS latest_session,
         toUnixTimestamp64Milli(max(received_at)) AS last_at
       FROM ${db}.errors WHERE ${RAW_WINDOW}${inWindow.errors.sql}
       GROUP BY kind, message ORDER BY count DESC, message LIMIT {limit:UInt32}`,
      p,
    ),
    rows<{ host: string; count: Num; sessions: Num; network: Num; client: Num; server: Num; p95: number | null; latest_session: string; last_at: Num }>(
      storage,
      `SELECT request_host AS host, count() AS count, uniq(session) AS sessions, countIf(status = 0) AS network,
         countIf(status >= 400 AND status < 500) AS client, countIf(status >= 500) AS server, quantile(0.95)(duration) AS p95,
         argMax(session, received_at) AS latest_session, toUnixTimestamp64Milli(max(received_at)) AS last_at
       FROM ${db}.requests WHERE ${RAW_WINDOW}${inWindow.requests.sql}
       GROUP BY host ORDER BY count DESC, host LIMIT {limit:UInt32}`,
      p,
    ),
  ]);
  let pageLoadCount = 0;
  let errors = 0;
  let failedRequests = 0;
  const points = series.map((r) => {
    const pt = { t: int(r.t) * 1000, pageLoads: int(r.nav), errors: int(r.err), failedRequests: int(r.http) };
    pageLoadCount += pt.pageLoads;
    errors += pt.errors;
    failedRequests += pt.failedRequests;
    return pt;
  });
  return {
    pageLoads: pageLoadCount,
    errors,
    failedRequests,
    errorRate: pageLoadCount ? num(errors / pageLoadCount, 4) : null,
    failedRequestRate: pageLoadCount ? num(failedRequests / pageLoadCount, 4) : null,
    series: points,
    topMessages: messages.map((m) => ({ kind: m.kind, message: m.message, count: int(m.count), sessions: int(m.sessions), session: m.latest_session, lastAt: int(m.last_at) })),
    topHosts: hosts.map((h) => ({
      host: h.host,
      count: int(h.count),
      sessions: int(h.sessions),
      network: int(h.network),
      clientErrors: int(h.client),
      serverErrors: int(h.server),
      p95Duration: num(h.p95, 1),
      session: h.latest_session,
      lastAt: int(h.last_at),
    })),
  };
}
