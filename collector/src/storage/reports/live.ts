/** The live strip's figures from ClickHouse: one sample per second per project that has live viewers. */
import { VITAL_NAMES, type VitalName } from '@touchpoint/protocol';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { digitsOf, int, num, rows, type Num } from './report-sql.ts';

export interface LiveFigures {
  /** p75 of each vital received in the last minute (null: none). */
  p75: Record<VitalName, number | null>;
  /** Errors per second, averaged over the last LIVE_ERRORS_WINDOW_MS (rows land within ~1 s of the ack). */
  errorsPerSecond: number;
  /** Checkouts with activity in the last `stuckAfterMs` that neither completed nor failed. */
  openCheckouts: number;
}

const LIVE_ERRORS_WINDOW_MS = 10_000;

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
