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
