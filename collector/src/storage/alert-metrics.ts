/**
 * Reads the per-minute rollups for alerting's SRE threshold rules (alerting's RollupReader).
 * Windows are whole minutes: the minute `from` falls in is included.
 */
import type { Quantile, RollupReader, TimingByPath } from '@touchpoint/alerting/interfaces/rollup-reader';
import type { Storage } from './clickhouse.ts';
import { quoteIdent } from './clickhouse.ts';

/** Levels of timings_1m.quantiles (migration 001), in order: the state is merged for all four. */
const LEVELS: readonly Quantile[] = [0.5, 0.75, 0.95, 0.99];

export function createRollupReader(storage: Storage): RollupReader {
  const db = quoteIdent(storage.database);
  const { client } = storage;
  const window = `minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND minute < fromUnixTimestamp64Milli({to:Int64})`;
  return {
    async timingByPath({ project, metric, quantile, from, to }) {
      const rs = await client.query({
        query: `SELECT path, sum(count) AS count,
            arrayElement(quantilesTDigestMerge(0.5, 0.75, 0.95, 0.99)(quantiles), {level:UInt8}) AS value
          FROM ${db}.timings_1m
          WHERE project = {project:String} AND metric = {metric:String} AND ${window}
          GROUP BY path ORDER BY path`,
        query_params: { project, metric, from, to, level: LEVELS.indexOf(quantile) + 1 },
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{ path: string; count: string; value: number }>();
      return rows.map((r): TimingByPath => ({ path: r.path, count: Number(r.count), value: Number(r.value) }));
    },
    async errorCounts({ project, from, to }) {
      const rs = await client.query({
        query: `SELECT sumIf(count, type = 'error') AS errors, sumIf(count, type = 'nav') AS page_loads
          FROM ${db}.events_1m
          WHERE project = {project:String} AND type IN ('error', 'nav') AND ${window}`,
        query_params: { project, from, to },
        format: 'JSONEachRow',
      });
      const [r] = await rs.json<{ errors: string; page_loads: string }>();
      return { errors: Number(r?.errors ?? 0), pageLoads: Number(r?.page_loads ?? 0) };
    },
  };
}
