/**
 * Whether `beacons` records the release the agent reports. The beacon protocol has no release
 * field yet, so the schema has no column: the reports that show releases ask the engine, and
 * answer "not recorded" until a migration adds `beacons.release` (a String, '' when the beacon
 * carried none). Asked on each call: a few rows of system.columns, cheaper than being wrong.
 */
import type { Storage } from '../clickhouse.ts';
import { rows } from './report-sql.ts';

export async function recordsRelease(storage: Storage): Promise<boolean> {
  const [r] = await rows<{ n: string | number }>(
    storage,
    `SELECT count() AS n FROM system.columns WHERE database = {db:String} AND table = 'beacons' AND name = 'release'`,
    { db: storage.database },
  );
  return Number(r?.n ?? 0) > 0;
}
