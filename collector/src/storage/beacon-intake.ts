import type { Storage } from './clickhouse.ts';

/**
 * The row the collector writes, one per beacon, into `beacon_intake` (migration 004), whose
 * materialized views spread it into `beacons` and the per-family event tables. This list is the
 * one definition of its columns and their order: the row builder (ingest/spool-record.ts) fills
 * an `IntakeRow` and lays it out by it, the insert names these columns, and a migration test
 * checks the table has exactly these, in this order. Columns added later go last (migration
 * 007's release and test_traffic, 008's feedback), so that a row spooled before they existed is the same row
 * with its last values missing: see insertBatch.
 */
export const INTAKE_COLUMNS = [
  'project', 'received_at', 'sent_at', 'clock_skew_ms', 'session', 'customer', 'page_url', 'host', 'path', 'device', 'browser',
  'browser_version', 'os', 'country', 'connection', 'event_counts',
  'vitals', 'navigations', 'resources', 'errors', 'requests', 'checkouts', 'custom_events',
  'release', 'test_traffic',
  'feedback',
] as const;

export type IntakeColumn = (typeof INTAKE_COLUMNS)[number];
/** Every column's value: a missing or unknown column is a type error in the row builder. */
export type IntakeRow = Record<IntakeColumn, unknown>;

export const INTAKE = { table: 'beacon_intake', columns: INTAKE_COLUMNS } as const;

/** The row as JSONCompactEachRow wants it: the values in column order. */
export function intakeValues(row: IntakeRow): unknown[] {
  return INTAKE_COLUMNS.map((c) => row[c]);
}

const TOKEN = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * Inserts a batch of rows. The deduplication token makes a retried insert (after a crash, or a
 * failed attempt that did land) a no-op on the table and on every view and rollup fed from it.
 * Settings go in the statement's own SETTINGS clause: on the embedded engine a SET would stick
 * to the shared session and leak the token into unrelated inserts. A row with fewer values than
 * columns takes the defaults of the missing last ones: a spool segment written by the previous
 * version, replayed after an upgrade that added columns, is stored rather than refused.
 */
export async function insertBatch(
  storage: Storage,
  target: { table: string; columns: readonly string[] },
  body: Buffer,
  token: string,
): Promise<void> {
  if (!TOKEN.test(token)) throw new Error(`invalid deduplication token ${token}`);
  await storage.insertRows({
    table: target.table,
    columns: target.columns,
    body,
    settings: {
      insert_deduplication_token: token, deduplicate_blocks_in_dependent_materialized_views: 1, input_format_skip_unknown_fields: 0,
      input_format_json_compact_allow_variable_number_of_columns: 1,
    },
  });
}
