import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection, type Connection } from 'chdb/connection';
import type { Readable } from 'node:stream';
import { mkdirSync } from 'node:fs';

export interface ClickHouseOptions {
  /** `CLICKHOUSE_URL`: a ClickHouse server over HTTP. Unset means the embedded engine. */
  url?: string | undefined;
  /** Where the embedded engine keeps its data (one process owns it). */
  dataDir: string;
  /** Database holding Touchpoint's tables. */
  database: string;
}

export interface Storage {
  client: ClickHouseClient;
  database: string;
  engine: 'embedded' | 'server';
  /** Inserts a JSONCompactEachRow body held as bytes; `settings` go in the statement's SETTINGS clause. */
  insertRows(insert: RowsInsert): Promise<void>;
  close(): Promise<void>;
}

export interface RowsInsert {
  /** Table name inside the database. */
  table: string;
  columns: readonly string[];
  /** JSONCompactEachRow: one JSON array per line. */
  body: Buffer;
  settings: Record<string, string | number>;
}

/**
 * Opens ClickHouse through the one client API: chDB in-process unless a server URL is given.
 * `wrapConnection` lets tests put a fault injector around the real connection.
 */
export async function openClickHouse(
  opts: ClickHouseOptions,
  wrapConnection?: (c: EngineConnection) => EngineConnection,
): Promise<Storage> {
  const db = quoteIdent(opts.database);
  let client: ClickHouseClient;
  let insertRows: Storage['insertRows'];
  if (opts.url) {
    client = createClient({ url: opts.url, request_timeout: 30_000, compression: { request: false, response: true } });
    insertRows = ({ table, columns, body, settings }) =>
      client.command({ query: `${insertPrefix(db, table, columns, settings)}\n${body.toString('utf8')}` }).then(() => undefined);
  } else {
    mkdirSync(opts.dataDir, { recursive: true });
    const conn = engineConnection(createChdbConnection({ path: opts.dataDir }));
    const engine = wrapConnection ? wrapConnection(conn) : conn;
    client = createClient({ connection: engine } as Parameters<typeof createClient>[0]);
    insertRows = (insert) => engine.insertRaw({ ...insert, table: `${opts.database}.${insert.table}` });
  }
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  return {
    client,
    database: opts.database,
    engine: opts.url ? 'server' : 'embedded',
    insertRows,
    close: () => client.close(),
  };
}

/**
 * The connection contract of @clickhouse/client, plus the embedded engine's raw insert: the
 * body's bytes go to the engine as they are. (Through the client, an insert body is turned into
 * a string, appended to the statement and encoded again: three copies of every batch.)
 */
export type EngineConnection = Connection<Readable> & {
  /** `table` is database-qualified. */
  insertRaw(insert: RowsInsert): Promise<void>;
};

type ChdbConnection = ReturnType<typeof createChdbConnection>;

function engineConnection(conn: ChdbConnection): EngineConnection {
  return {
    ping: (p) => conn.ping(p),
    query: (p) => conn.query(p),
    exec: (p) => conn.exec(p),
    insert: (p) => conn.insert(p),
    command: (p) => conn.command(p),
    close: () => conn.close(),
    // chdb-node's raw insert: it builds `INSERT INTO … (cols) SETTINGS … FORMAT …` itself,
    // checking every identifier, and hands the bytes over without a copy.
    insertRaw: async ({ table, columns, body, settings }) => {
      await conn.chdb.rawInsert({ table, columns, values: body, format: 'JSONCompactEachRow', settings });
    },
  };
}

const SETTING = /^[a-z_]+$/;

/** `INSERT INTO db.t (cols) SETTINGS k = v, … FORMAT JSONCompactEachRow`: settings per statement. */
function insertPrefix(db: string, table: string, columns: readonly string[], settings: Record<string, string | number>): string {
  const set = Object.entries(settings).map(([k, v]) => {
    if (!SETTING.test(k)) throw new Error(`invalid setting name ${k}`);
    if (typeof v === 'number') return `${k} = ${v}`;
    if (!/^[A-Za-z0-9_.:-]{0,200}$/.test(v)) throw new Error(`invalid value for setting ${k}`);
    return `${k} = '${v}'`;
  });
  return `INSERT INTO ${db}.${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')})${set.length ? ` SETTINGS ${set.join(', ')}` : ''} FORMAT JSONCompactEachRow`;
}

/** Identifiers come from configuration, never from requests; still, refuse anything odd. */
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid ClickHouse identifier: ${name}`);
  return `\`${name}\``;
}
