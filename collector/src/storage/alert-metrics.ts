/**
 * Reads the rollups for alerting's SRE threshold rules (alerting's RollupReader). Windows are
 * whole minutes: the minute `from` falls in is included. Test traffic never counts: the rollups
 * hold real traffic only, and so do the raw rows read beside them.
 */
import type { Quantile, RollupReader, TimingByPath } from '@touchpoint/protocol/rollups';
import type { Storage } from './clickhouse.ts';
import { quoteIdent } from './clickhouse.ts';
import { percentilesBy } from './reports/timeseries.ts';
import { REAL_TRAFFIC } from './test-traffic-sql.ts';
import { isMetric } from './timing-states.ts';

/** Levels of the timings states (migration 003), in order: the state is merged for all four. */
const LEVELS: readonly Quantile[] = [0.5, 0.75, 0.95, 0.99];
/** Paths one rule looks at, at most: a rule's window is minutes, and its series are per path. */
const MAX_PATHS = 10_000;

export function createRollupReader(storage: Storage): RollupReader {
  const db = quoteIdent(storage.database);
  const { client } = storage;
  const since = 'toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}))';
  return {
    async timingByPath({ project, metric, quantile, from, to }) {
      // A rule naming no known metric measures nothing (rules are operator configuration).
      if (!isMetric(metric)) return [];
      const level = LEVELS.indexOf(quantile);
      const rows = await percentilesBy(storage, { project, from, to }, metric, 'path', {}, { order: 'value', limit: MAX_PATHS });
      return rows.map((r): TimingByPath => ({ path: r.value, count: r.count, value: Number(r.q[level]) }));
    },
    async errorCounts({ project, from, to }) {
      // Page loads as the errors API counts them: navigations, from the `load` phase's minute rows.
      // Both real traffic only: a load test's errors raise no SRE alert.
      const rs = await client.query({
        query: `SELECT
            (SELECT count() FROM ${db}.errors WHERE project = {project:String} AND received_at >= ${since} AND received_at < fromUnixTimestamp64Milli({to:Int64})
              AND ${REAL_TRAFFIC}) AS errors,
            (SELECT sum(count) FROM ${db}.timings WHERE project = {project:String} AND metric = 'load' AND dim = '' AND dim_value = ''
              AND t >= ${since} AND t < fromUnixTimestamp64Milli({to:Int64})) AS page_loads`,
        query_params: { project, from, to },
        format: 'JSONEachRow',
      });
      const [r] = await rs.json<{ errors: string; page_loads: string }>();
      return { errors: Number(r?.errors ?? 0), pageLoads: Number(r?.page_loads ?? 0) };
    },
  };
}
