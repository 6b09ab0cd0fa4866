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
  close(): Promise<void>;
}

/**
 * Opens ClickHouse through the one client API: chDB in-process unless a server URL is given.
 * `wrapConnection` lets tests put a fault injector around the real connection.
 */
export async function openClickHouse(
  opts: ClickHouseOptions,
  wrapConnection?: (c: EngineConnection) => EngineConnection,
): Promise<Storage> {
  let client: ClickHouseClient;
  if (opts.url) {
    client = createClient({ url: opts.url, request_timeout: 30_000, compression: { request: false, response: true } });
  } else {
    mkdirSync(opts.dataDir, { recursive: true });
    const conn = createChdbConnection({ path: opts.dataDir });
    client = createClient({ connection: wrapConnection ? wrapConnection(conn) : conn } as Parameters<typeof createClient>[0]);
  }
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdent(opts.database)}` });
  return {
    client,
    database: opts.database,
    engine: opts.url ? 'server' : 'embedded',
    close: () => client.close(),
  };
}

/** The connection contract of @clickhouse/client, which chDB's connection implements. */
export type EngineConnection = Connection<Readable>;

/** Identifiers come from configuration, never from requests; still, refuse anything odd. */
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid ClickHouse identifier: ${name}`);
  return `\`${name}\``;
}
