import type { Storage } from '../storage/clickhouse.ts';
import { EVENT_TABLES } from '../storage/event-tables.ts';
import { insertEventRows } from '../storage/event-writer.ts';
import type { Metrics } from '../metrics.ts';
import type { Sink } from './batch-writer.ts';

/** Writes each table's rows of a segment in one insert, tokened by collector instance + segment + table. */
export function clickhouseSink(storage: Storage, instanceId: string, metrics: Metrics): Sink {
  return {
    name: 'clickhouse',
    async write(segment, parsed) {
      for (const [code, { body, rows }] of parsed.tables) {
        const table = EVENT_TABLES[code].table;
        const stop = metrics.insertSeconds.labels(table).startTimer();
        await insertEventRows(storage, code, body, `${instanceId}.${segment.name}.${code}`);
        stop();
        metrics.batchRows.labels(table).observe(rows);
      }
    },
  };
}
