import type { Storage } from './clickhouse.ts';
import { quoteIdent } from './clickhouse.ts';
import { EVENT_TABLES, type TableCode } from './event-tables.ts';

const TOKEN = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * Inserts one table's rows of a spool segment. The deduplication token makes a retried insert
 * (after a crash or a failed attempt that did land) a no-op, on the table and its rollups.
 * Settings go in the statement's own SETTINGS clause, not SET: on the embedded engine a SET
 * would stick to the shared session and leak the token into unrelated inserts.
 */
export async function insertEventRows(storage: Storage, code: TableCode, body: string, token: string): Promise<void> {
  if (!TOKEN.test(token)) throw new Error(`invalid deduplication token ${token}`);
  const { table, columns } = EVENT_TABLES[code];
  const query =
    `INSERT INTO ${quoteIdent(storage.database)}.${quoteIdent(table)} (${columns.join(', ')}) ` +
    `SETTINGS insert_deduplication_token = '${token}', deduplicate_blocks_in_dependent_materialized_views = 1, ` +
    `input_format_skip_unknown_fields = 0 FORMAT JSONCompactEachRow\n${body}`;
  await storage.client.command({ query });
}
