import type { Storage } from './clickhouse.ts';

/**
 * The table the collector writes: one row per beacon (migration 004). Its materialized views
 * spread each row into `beacons` and the per-family event tables. Keep the column order in step
 * with the row builder (ingest/spool-record.ts) and the migration.
 */
export const INTAKE = {
  table: 'beacon_intake',
  columns: [
    'project', 'received_at', 'sent_at', 'clock_skew_ms', 'session', 'customer', 'page_url', 'host', 'path', 'device', 'browser',
    'browser_version', 'os', 'country', 'connection', 'event_counts',
    'vitals', 'navigations', 'resources', 'errors', 'requests', 'checkouts', 'custom_events',
  ],
} as const;

/**
 * Spool lines written before migration 004: one line per event row, `<code>\t<JSON row>`, each
 * inserted into its family table. Only a spool left behind by an older collector holds them.
 */
export const LEGACY_TABLES = {
  b: { table: 'beacons', columns: ['project', 'received_at', 'sent_at', 'clock_skew_ms', 'session', 'customer', 'page_url', 'host', 'path', 'device', 'browser', 'browser_version', 'os', 'country', 'connection', 'event_counts'] },
  v: { table: 'vitals', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'device', 'browser', 'os', 'country', 'connection', 'name', 'value', 'rating', 'navigation_type', 'target', 'attribution_url', 'phases'] },
  n: { table: 'navigations', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'device', 'browser', 'os', 'country', 'connection', 'dns', 'tcp', 'tls', 'ttfb', 'download', 'dom_interactive', 'dom_complete', 'load', 'transfer_size'] },
  r: { table: 'resources', columns: ['project', 'event_time', 'received_at', 'session', 'path', 'device', 'country', 'resource_host', 'count', 'bytes', 'p95'] },
  e: { table: 'errors', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'device', 'browser', 'os', 'country', 'kind', 'message', 'stack', 'source', 'line', 'col'] },
  h: { table: 'requests', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'device', 'browser', 'country', 'method', 'url', 'request_host', 'status', 'duration'] },
  c: { table: 'checkouts', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'device', 'country', 'checkout_id', 'step', 'step_name', 'reason', 'value', 'currency', 'order_id'] },
  u: { table: 'custom_events', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'name', 'props'] },
} as const;

export type LegacyCode = keyof typeof LEGACY_TABLES;

export function isLegacyCode(code: string): code is LegacyCode {
  return Object.hasOwn(LEGACY_TABLES, code);
}

const TOKEN = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * Inserts a batch of rows. The deduplication token makes a retried insert (after a crash, or a
 * failed attempt that did land) a no-op on the table and on every view and rollup fed from it.
 * Settings go in the statement's own SETTINGS clause: on the embedded engine a SET would stick
 * to the shared session and leak the token into unrelated inserts.
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
    settings: { insert_deduplication_token: token, deduplicate_blocks_in_dependent_materialized_views: 1, input_format_skip_unknown_fields: 0 },
  });
}
