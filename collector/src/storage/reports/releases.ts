/** The releases beacons reported in a window (migration 007's `beacons.release`), in the order they first appeared, for the charts' markers. */
import type { Release } from '@touchpoint/protocol/api/releases';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { int, RAW_WINDOW, rows, windowParams, type Num, type RawWindow } from './report-sql.ts';

export async function queryReleases(storage: Storage, w: RawWindow, limit: number): Promise<Release[]> {
  const db = quoteIdent(storage.database);
  const out = await rows<{ release: string; first_ms: Num; last_ms: Num; beacons: Num }>(
    storage,
    `SELECT release, toUnixTimestamp64Milli(min(received_at)) AS first_ms, toUnixTimestamp64Milli(max(received_at)) AS last_ms, count() AS beacons
     FROM ${db}.beacons WHERE ${RAW_WINDOW} AND release != ''
     GROUP BY release ORDER BY first_ms, release LIMIT {limit:UInt32}`,
    { ...windowParams(w), limit },
  );
  return out.map((r) => ({ release: r.release, firstAt: int(r.first_ms), lastAt: int(r.last_ms), beacons: int(r.beacons) }));
}
