/** Third-party resource hosts by bytes or p95, from the raw `resources` table; every filter applies (family-filters.ts), and the test-traffic choice. */
import type { Filters } from '@touchpoint/protocol/api/common';
import type { ThirdParty } from '@touchpoint/protocol/api/third-parties';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { FAMILY_DIMENSIONS, familyFilterSql } from './family-filters.ts';
import { int, num, RAW_WINDOW, rows, windowParams, type Num, type RawWindow } from './report-sql.ts';

export async function queryThirdParties(storage: Storage, w: RawWindow, sort: 'bytes' | 'p95', limit: number, f: Filters = {}): Promise<ThirdParty[]> {
  const db = quoteIdent(storage.database);
  const order = sort === 'p95' ? 'p95 DESC, bytes DESC' : 'bytes DESC, p95 DESC';
  const filt = familyFilterSql(db, FAMILY_DIMENSIONS.resources, f);
  const out = await rows<{ host: string; requests: Num; bytes: Num; p95: number | null; sessions: Num }>(
    storage,
    `SELECT resource_host AS host, sum(count) AS requests, sum(bytes) AS bytes, quantile(0.95)(p95) AS p95, uniqCombined(session) AS sessions
     FROM ${db}.resources WHERE ${RAW_WINDOW}${filt.sql}
     GROUP BY host ORDER BY ${order}, host LIMIT {limit:UInt32}`,
    { ...windowParams(w), limit, ...filt.params },
  );
  return out.map((r) => ({ host: r.host, requests: int(r.requests), bytes: int(r.bytes), p95: num(r.p95, 1), sessions: int(r.sessions) }));
}
