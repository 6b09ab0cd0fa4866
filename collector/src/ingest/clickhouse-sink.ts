import type { Storage } from '../storage/clickhouse.ts';
import { INTAKE, insertBatch, isLegacyCode, LEGACY_TABLES } from '../storage/beacon-intake.ts';
import type { Metrics } from '../metrics.ts';
import type { Sink } from './batch-writer.ts';

/**
 * Writes a segment's rows in one insert into `beacon_intake`, tokened by collector instance +
 * segment, so a segment written twice (a crash, a lost response) is stored once.
 */
export function clickhouseSink(storage: Storage, instanceId: string, metrics: Metrics): Sink {
  return {
    name: 'clickhouse',
    async write(segment, contents) {
      if (contents.rowCount > 0) {
        const stop = metrics.insertSeconds.labels(INTAKE.table).startTimer();
        await insertBatch(storage, INTAKE, contents.rows, `${instanceId}.${segment.name}.w`);
        stop();
        metrics.batchRows.labels(INTAKE.table).observe(contents.rowCount);
      }
      // A spool left by an older collector: one line per event row, inserted per family table
      // with the tokens that collector would have used.
      for (const [code, rows] of contents.legacy) {
        if (!isLegacyCode(code)) continue;
        await insertBatch(storage, LEGACY_TABLES[code], Buffer.from(rows.join('\n') + '\n'), `${instanceId}.${segment.name}.${code}`);
      }
    },
  };
}
