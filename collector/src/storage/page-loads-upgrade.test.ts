/**
 * Migration 005 moves page loads to an hourly-partitioned table: an install upgraded from 004
 * keeps the page loads it had, and a 005 that ran again after a crash (the copy done, the
 * version not yet recorded) still counts each load once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '@touchpoint/node/testing';
import { openClickHouse, quoteIdent, type Storage } from './clickhouse.ts';
import { migrate, readMigrations } from './migrate.ts';
import { queryPassRate } from './reports/pass-rate.ts';

const HOUR = 3_600_000;
const H = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const vital = (min: number, session: string, name: string, value: number) => ({
  project: 'up', event_time: chTime(H + min * 60_000), received_at: chTime(H + min * 60_000), session, customer: '', path: '/p', device: 'desktop',
  browser: 'Chrome', os: 'Windows', country: 'AU', connection: '4g', name, value, rating: '', navigation_type: 'navigate', target: '', attribution_url: '', phases: {},
});

let storage: Storage;
let db: string;

beforeAll(async () => {
  storage = await openClickHouse({ dataDir: tempDir('page-loads-upgrade'), database: `upgrade_${process.pid}` });
  db = quoteIdent(storage.database);
});
afterAll(async () => {
  await storage?.close();
});

const run = async (version: number) => {
  const m = readMigrations(storage.database).find((x) => x.version === version);
  if (!m) throw new Error(`no migration ${version}`);
  for (const statement of m.statements) await storage.client.command({ query: statement });
  return m;
};

it('keeps the page loads of an install upgraded from 004, each once even if 005 ran twice', async () => {
  // An install at 004: its views fill page_loads_1h.
  await storage.client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version`,
  });
  for (const v of [1, 2, 3, 4]) {
    const m = await run(v);
    await storage.client.insert({ table: `${db}.schema_migrations`, values: [{ version: v, name: m.name }], format: 'JSONEachRow' });
  }
  const insert = (values: ReturnType<typeof vital>[]) => storage.client.insert({ table: `${db}.vitals`, format: 'JSONEachRow', values });
  // Load a: good LCP, then a slow INP in a later insert. Load b: good on all.
  await insert([vital(5, 'a', 'LCP', 1200), vital(6, 'b', 'LCP', 900)]);
  await insert([vital(20, 'a', 'INP', 450), vital(21, 'b', 'CLS', 0.02)]);
  const window = { project: 'up', from: H, to: H + 2 * HOUR };

  // 005 runs, then runs again as after a crash before its version was recorded; migrate() then
  // applies it a third time, then 006 and the later ones.
  await run(5);
  await run(5);
  expect((await migrate(storage)).slice(0, 2)).toEqual([5, 6]);
  const [r] = await queryPassRate(storage, window, undefined, 1, {});
  expect(r).toMatchObject({ pageLoads: 2, good: 1, lcpGood: 2, inpGood: 1, p75: { INP: 450 } });
  const tables = await (await storage.client.query({ query: `SELECT name FROM system.tables WHERE database = {db:String}`, query_params: { db: storage.database }, format: 'JSONEachRow' })).json<{ name: string }>();
  expect(tables.map((t) => t.name)).not.toContain('page_loads_1h');

  // New reports reach the new table through its own view.
  await insert([vital(30, 'c', 'LCP', 5000)]);
  expect(await queryPassRate(storage, window, undefined, 1, {})).toMatchObject([{ pageLoads: 3, good: 1, lcpGood: 2 }]);
});
