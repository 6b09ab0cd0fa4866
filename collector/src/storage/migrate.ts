import { readdirSync, readFileSync } from 'node:fs';
import type { Storage } from './clickhouse.ts';
import { quoteIdent } from './clickhouse.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** The versioned migration files, in order, with `${db}` resolved. */
export function readMigrations(database: string): Migration[] {
  const db = quoteIdent(database);
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file,
      statements: splitStatements(readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8').replaceAll('${db}', db)),
    }));
}

/** Statements end with `;` at the end of a line; `--` comment lines are dropped. */
function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Applies the migrations not yet recorded. Statements are idempotent (IF NOT EXISTS), or
 * harmless when repeated (005's copy into a table of max/min/any columns), so a migration
 * interrupted half-way is simply run again at the next start.
 */
export async function migrate(storage: Storage): Promise<number[]> {
  const { client } = storage;
  const db = quoteIdent(storage.database);
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version`,
  });
  const rs = await client.query({ query: `SELECT version FROM ${db}.schema_migrations`, format: 'JSONEachRow' });
  const done = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of readMigrations(storage.database)) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements) await client.command({ query: statement });
    await client.insert({
      table: `${db}.schema_migrations`,
      values: [{ version: m.version, name: m.name }],
      format: 'JSONEachRow',
    });
    applied.push(m.version);
  }
  return applied;
}

/**
 * Opens the engine with its schema up to date, ready for inserts.
 *
 * On the embedded engine, a start that applied migrations closes the engine and opens it again
 * before anything is inserted. `ALTER TABLE … MODIFY QUERY` (migration 007) leaves the altered
 * view with a deduplication identity, in the process that ran it, other than the one every later
 * process loads from disk. A spool segment inserted by that process and replayed after a crash,
 * same token and same bytes, was then stored twice (crash-replay.test.ts caught it). The reopened
 * engine computes what the next start computes. A ClickHouse server keeps the altered identity
 * until it restarts itself, which a collector cannot do for it (README, Storage).
 */
export async function openMigrated(open: () => Promise<Storage>): Promise<{ storage: Storage; applied: number[] }> {
  const storage = await open();
  let applied: number[];
  try {
    applied = await migrate(storage);
  } catch (err) {
    await storage.close().catch(() => {});
    throw err;
  }
  if (applied.length === 0 || storage.engine !== 'embedded') return { storage, applied };
  await storage.close();
  return { storage: await open(), applied };
}
