import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Storage } from '../storage/clickhouse.ts';
import { INTAKE, insertBatch } from '../storage/beacon-intake.ts';
import type { Metrics } from '../metrics.ts';
import type { Sink } from './batch-writer.ts';

export interface ClickHouseSinkOptions {
  storage: Storage;
  instanceId: string;
  metrics: Metrics;
  logger: Logger;
  /** Where rows the engine refuses are kept, one JSON line each, for an operator to look at. */
  rejectedDir: string;
}

/**
 * Writes a segment's rows in one insert into `beacon_intake`, tokened by collector instance +
 * segment, so a segment written twice (a crash, a lost response) is stored once.
 *
 * If the engine refuses the data itself (a parse or type error, not an outage), retrying the
 * same insert would fail for ever and hold every later segment back. The batch is then split
 * in halves, each inserted with its own token (derived from the segment's, so a replay splits
 * the same way and stays deduplicated), down to the single rows the engine refuses; those go
 * to `rejectedDir` and the rest is stored.
 */
export function clickhouseSink(o: ClickHouseSinkOptions): Sink {
  const { storage, instanceId, metrics, logger } = o;

  async function insert(target: { table: string; columns: readonly string[] }, lines: Buffer[] | Buffer, token: string, segment: string): Promise<void> {
    const body = Array.isArray(lines) ? joinLines(lines) : lines;
    try {
      await insertBatch(storage, target, body, token);
      return;
    } catch (err) {
      if (!refusedData(err)) throw err;
      const rows = Array.isArray(lines) ? lines : splitLines(lines);
      if (rows.length > 1) {
        const mid = rows.length >> 1;
        await insert(target, rows.slice(0, mid), `${token}.a`, segment);
        await insert(target, rows.slice(mid), `${token}.b`, segment);
        return;
      }
      await setAside(target.table, segment, rows[0] ?? Buffer.alloc(0), err as Error);
    }
  }

  async function setAside(table: string, segment: string, row: Buffer, err: Error): Promise<void> {
    await mkdir(o.rejectedDir, { recursive: true });
    const line = JSON.stringify({ at: new Date().toISOString(), table, segment, error: err.message.slice(0, 500), row: row.toString('utf8').replace(/\n$/, '') });
    await appendFile(join(o.rejectedDir, `${segment}.jsonl`), line + '\n', { flush: true });
    metrics.rowsRejected.labels(table).inc();
    logger.error({ table, segment, error: err.message.slice(0, 300) }, 'ClickHouse refused a row; it is kept in the rejected directory and the rest of the batch is stored');
  }

  return {
    name: 'clickhouse',
    async write(segment, contents) {
      if (contents.rowCount > 0) {
        const stop = metrics.insertSeconds.labels(INTAKE.table).startTimer();
        await insert(INTAKE, contents.rows, `${instanceId}.${segment.name}.w`, segment.name);
        stop();
        metrics.batchRows.labels(INTAKE.table).observe(contents.rowCount);
      }
    },
  };
}

/**
 * ClickHouse error codes that mean "this data can never be inserted", as opposed to an engine
 * that is down or busy: CANNOT_PARSE_TEXT (6), CANNOT_PARSE_ESCAPE_SEQUENCE (25),
 * CANNOT_PARSE_QUOTED_STRING (26), CANNOT_PARSE_INPUT_ASSERTION_FAILED (27), CANNOT_PARSE_DATE
 * (38), CANNOT_PARSE_DATETIME (41), TYPE_MISMATCH (53), ARGUMENT_OUT_OF_BOUND (69),
 * CANNOT_CONVERT_TYPE (70), CANNOT_PARSE_NUMBER (72), INCORRECT_DATA (117),
 * CANNOT_READ_ARRAY_FROM_TEXT (130), VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE (321), CANNOT_PARSE_BOOL (467).
 */
const REFUSED_DATA = new Set([6, 25, 26, 27, 38, 41, 53, 69, 70, 72, 117, 130, 321, 467]);

export function refusedData(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // chDB's errors carry the code; a server's come back as `Code: N. DB::Exception: …`.
  const code = (err as { clickhouseCode?: unknown }).clickhouseCode ?? /\bCode: (\d+)\b/.exec(err.message)?.[1];
  return REFUSED_DATA.has(Number(code));
}

function splitLines(body: Buffer): Buffer[] {
  const rows: Buffer[] = [];
  let start = 0;
  for (let i = body.indexOf(10); i >= 0; i = body.indexOf(10, start)) {
    rows.push(body.subarray(start, i + 1));
    start = i + 1;
  }
  if (start < body.length) rows.push(body.subarray(start));
  return rows;
}

function joinLines(rows: Buffer[]): Buffer {
  return Buffer.concat(rows);
}
