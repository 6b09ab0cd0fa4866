import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Beacon } from '@touchpoint/protocol';
import { buildRecord } from '../ingest/spool-record.ts';
import { INTAKE, INTAKE_COLUMNS, insertBatch } from './beacon-intake.ts';
import { openClickHouse, quoteIdent, type Storage } from './clickhouse.ts';
import { migrate } from './migrate.ts';

let dir: string;
let storage: Storage;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-intake-'));
  storage = await openClickHouse({ dataDir: dir, database: `intake_${process.pid}` });
  await migrate(storage);
});
afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('the migrated beacon_intake has exactly the columns the row builder lays out, in order', async () => {
  const rs = await storage.client.query({
    query: 'SELECT name FROM system.columns WHERE database = {db:String} AND table = {table:String} ORDER BY position',
    query_params: { db: storage.database, table: INTAKE.table },
    format: 'JSONEachRow',
  });
  expect((await rs.json<{ name: string }>()).map((c) => c.name)).toEqual([...INTAKE_COLUMNS]);
});

it('a built row has a value for every column and is stored as it was built', async () => {
  const now = Date.now();
  const beacon: Beacon = {
    v: 1, session: 'intake-s', customer: 'intake-c', page: 'https://shop.example/cart', sentAt: now, connection: '4g',
    events: [{ type: 'vital', at: now, name: 'LCP', value: 1200 }, { type: 'checkout', at: now, step: 'start', id: 'co-1', value: 10, currency: 'AUD' }],
  };
  const { row } = buildRecord(beacon, beacon.events, {
    project: 'intake', checkoutPage: /cart/, receivedAt: now, country: 'AU',
    client: { device: 'mobile', browser: 'safari', browserVersion: '17', os: 'ios' },
  });
  expect(JSON.parse(row)).toHaveLength(INTAKE_COLUMNS.length);
  await insertBatch(storage, INTAKE, Buffer.from(row + '\n'), `intake-test-${now}`);
  const db = quoteIdent(storage.database);
  const rs = await storage.client.query({
    query: `SELECT session, customer, path, device, browser, os, country, connection, event_counts FROM ${db}.beacons WHERE project = 'intake'`,
    format: 'JSONEachRow',
  });
  expect(await rs.json()).toEqual([
    { session: 'intake-s', customer: 'intake-c', path: '/cart', device: 'mobile', browser: 'safari', os: 'ios', country: 'AU', connection: '4g', event_counts: { checkout: 1, vital: 1 } },
  ]);
});
