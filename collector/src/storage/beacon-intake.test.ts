/**
 * The intake row and its table agree, and migration 007's release and test-traffic columns and
 * 008's survey answers reach the tables: on an install upgraded from 006 that already holds rows,
 * for rows spooled before the upgrade, and without test traffic in the rollups. Real engine, real views.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Beacon, FeedbackEvent } from '@touchpoint/protocol';
import { tempDir } from '@touchpoint/node/testing';
import { buildRecord, type BeaconContext } from '../ingest/spool-record.ts';
import { INTAKE, INTAKE_COLUMNS, insertBatch } from './beacon-intake.ts';
import { openClickHouse, quoteIdent, type Storage } from './clickhouse.ts';
import { migrate, readMigrations } from './migrate.ts';
import { queryFunnel } from './reports/funnel.ts';
import { queryPassRate } from './reports/pass-rate.ts';
import { queryBreakdown } from './reports/timeseries.ts';

let storage: Storage;
let db: string;
let applied: number[];
const now = Date.now();

const ctx = (over: Partial<BeaconContext> = {}): BeaconContext => ({
  project: 'intake', checkoutPage: /cart/, receivedAt: now, country: 'AU',
  client: { device: 'mobile', browser: 'safari', browserVersion: '17', os: 'ios' }, ...over,
});
const visit = (session: string, path: string, over: Partial<Beacon> = {}): Beacon => ({
  v: 1, session, customer: `${session}-c`, page: `https://shop.example${path}`, sentAt: now, connection: '4g',
  events: [
    { type: 'vital', at: now, name: 'LCP', value: 1200 },
    { type: 'nav', at: now, dns: 1, tcp: 2, tls: 3, ttfb: 90, download: 10, domInteractive: 300, domComplete: 500, load: 600 },
    { type: 'checkout', at: now, step: 'start', id: `co-${session}`, value: 10, currency: 'AUD' },
  ],
  ...over,
});
/** A row as an older collector laid it out: the columns before `before` only. */
const rowOf = (row: string, before: 'release' | 'feedback') => JSON.stringify((JSON.parse(row) as unknown[]).slice(0, INTAKE_COLUMNS.indexOf(before)));
let token = 0;
const insert = (rows: string[]) => insertBatch(storage, INTAKE, Buffer.from(rows.map((r) => r + '\n').join('')), `intake-test-${now}-${token++}`);
const select = async <T>(query: string) => (await storage.client.query({ query, query_params: { db: storage.database }, format: 'JSONEachRow' })).json<T>();

beforeAll(async () => {
  storage = await openClickHouse({ dataDir: tempDir('intake'), database: `intake_${process.pid}` });
  db = quoteIdent(storage.database);
  // An install at 006 that already took a beacon, its row laid out as 006's collector did.
  await storage.client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version`,
  });
  for (const m of readMigrations(storage.database).filter((x) => x.version <= 6)) {
    for (const statement of m.statements) await storage.client.command({ query: statement });
    await storage.client.insert({ table: `${db}.schema_migrations`, values: [{ version: m.version, name: m.name }], format: 'JSONEachRow' });
  }
  const before = visit('before-007', '/before');
  const oldRow = rowOf(buildRecord(before, before.events, ctx()).row, 'release');
  await storage.insertRows({ table: INTAKE.table, columns: INTAKE_COLUMNS.slice(0, INTAKE_COLUMNS.indexOf('release')), body: Buffer.from(oldRow + '\n'), settings: {} });
  applied = await migrate(storage);
});
afterAll(async () => {
  await storage?.close();
});

it('the migrated beacon_intake has exactly the columns the row builder lays out, in order', async () => {
  expect(applied).toEqual([7, 8]);
  const columns = await select<{ name: string }>(`SELECT name FROM system.columns WHERE database = {db:String} AND table = '${INTAKE.table}' ORDER BY position`);
  expect(columns.map((c) => c.name)).toEqual([...INTAKE_COLUMNS]);
});

it('a built row has a value for every column and is stored as it was built, release and test mark included', async () => {
  const real = visit('intake-s', '/cart', { release: 'web@2.4.1' });
  const load = visit('k6-run-1-0badf00d', '/cart', { release: 'a.person@example.com' });
  const rows = [buildRecord(real, real.events, ctx()).row, buildRecord(load, load.events, ctx({ synthetic: 'k6/run-1' })).row];
  for (const row of rows) expect(JSON.parse(row)).toHaveLength(INTAKE_COLUMNS.length);
  await insert(rows);
  expect(await select(`SELECT session, customer, path, device, browser, os, country, connection, event_counts, release, test_traffic FROM ${db}.beacons WHERE project = 'intake' AND path = '/cart' ORDER BY session`)).toEqual([
    { session: 'intake-s', customer: 'intake-s-c', path: '/cart', device: 'mobile', browser: 'safari', os: 'ios', country: 'AU', connection: '4g', event_counts: { checkout: 1, nav: 1, vital: 1 }, release: 'web@2.4.1', test_traffic: '' },
    // The release is scrubbed like any label: its pattern lets an email through.
    { session: 'k6-run-1-0badf00d', customer: 'k6-run-1-0badf00d-c', path: '/cart', device: 'mobile', browser: 'safari', os: 'ios', country: 'AU', connection: '4g', event_counts: { checkout: 1, nav: 1, vital: 1 }, release: '[email]', test_traffic: 'k6/run-1' },
  ]);
  for (const table of ['vitals', 'navigations', 'checkouts']) {
    expect(await select(`SELECT session, test_traffic FROM ${db}.${table} WHERE project = 'intake' AND path = '/cart' ORDER BY session`), table).toEqual([
      { session: 'intake-s', test_traffic: '' },
      { session: 'k6-run-1-0badf00d', test_traffic: 'k6/run-1' },
    ]);
  }
});

it('keeps the rollups to real traffic: timings, page loads and checkouts count the real visit only', async () => {
  const w = { project: 'intake', from: now - 3_600_000, to: now + 60_000 };
  const byPath = await queryBreakdown(storage, w, 'LCP', 'path', 10, {});
  expect(byPath.map((r) => [r.value, r.count])).toEqual([['/before', 1], ['/cart', 1]]);
  const timings = await select<{ metric: string; n: string }>(`SELECT metric, toString(sum(count)) AS n FROM ${db}.timings WHERE project = 'intake' AND dim = 'path' AND dim_value = '/cart' GROUP BY metric`);
  expect(timings).toEqual([{ metric: 'LCP', n: '1' }]);
  const loads = await select<{ n: string }>(`SELECT toString(count()) AS n FROM ${db}.page_loads FINAL WHERE project = 'intake' AND path = '/cart'`);
  expect(loads).toEqual([{ n: '1' }]);
  expect(await queryPassRate(storage, w, undefined, 1, { path: '/cart' })).toMatchObject([{ pageLoads: 1 }]);
  const funnel = await queryFunnel(storage, w, { stuckAfterMs: 3_600_000, asOf: now, limit: 10, declared: [] });
  expect(funnel.started).toBe(2);
  const checkouts = await select<{ checkout_id: string }>(`SELECT checkout_id FROM ${db}.checkouts_1h FINAL WHERE project = 'intake' ORDER BY checkout_id`);
  expect(checkouts.map((c) => c.checkout_id)).toEqual(['co-before-007', 'co-intake-s']);
});

it('stores rows from before 007 as real traffic without a release: stored ones, and ones still in the spool at the upgrade', async () => {
  const spooled = visit('spooled-before-007', '/spooled');
  await insert([rowOf(buildRecord(spooled, spooled.events, ctx()).row, 'release')]);
  expect(await select(`SELECT session, release, test_traffic FROM ${db}.beacons WHERE project = 'intake' AND path IN ('/before', '/spooled') ORDER BY session`)).toEqual([
    { session: 'before-007', release: '', test_traffic: '' },
    { session: 'spooled-before-007', release: '', test_traffic: '' },
  ]);
  expect(await select(`SELECT session, test_traffic FROM ${db}.vitals WHERE project = 'intake' AND path IN ('/before', '/spooled') ORDER BY session`)).toEqual([
    { session: 'before-007', test_traffic: '' },
    { session: 'spooled-before-007', test_traffic: '' },
  ]);
});

it('007 run again after a crash changes nothing: same columns, same views, rows stored once', async () => {
  const shape = () => select<{ name: string; q: string }>(
    `SELECT name, create_table_query AS q FROM system.tables WHERE database = {db:String} ORDER BY name`,
  );
  const columns = () => select<{ table: string; name: string; type: string }>(
    `SELECT table, name, type FROM system.columns WHERE database = {db:String} ORDER BY table, position`,
  );
  const [tablesBefore, columnsBefore] = [await shape(), await columns()];
  const m = readMigrations(storage.database).find((x) => x.version === 7);
  for (const statement of m?.statements ?? []) await storage.client.command({ query: statement });
  expect(await shape()).toEqual(tablesBefore);
  expect(await columns()).toEqual(columnsBefore);
  const again = visit('after-rerun', '/rerun', { release: '9fceb02' });
  await insert([buildRecord(again, again.events, ctx({ synthetic: 'agent-test' })).row]);
  expect(await select(`SELECT release, test_traffic FROM ${db}.beacons WHERE project = 'intake' AND path = '/rerun'`)).toEqual([{ release: '9fceb02', test_traffic: 'agent-test' }]);
  expect(await select(`SELECT toUInt32(count()) AS n FROM ${db}.vitals WHERE project = 'intake' AND path = '/rerun'`)).toEqual([{ n: 1 }]);
});

describe('migration 008: survey answers', () => {
  const answer = (over: Partial<FeedbackEvent> = {}): FeedbackEvent => ({
    type: 'feedback', at: now, prompt: 'survey/s-1', survey: 'ces', score: 6, trigger: 'complete', ...over,
  });

  it('stores each answer with the beacon’s dimensions, scrubbed, and none from beacons without answers', async () => {
    const b = visit('fb-s', '/checkout/done', { events: [
      answer({ comment: 'Call me on +61 412 345 678 or mail kim@example.com', checkout: 'co-fb', step: 'payment', incident: 'checkout_error/co-fb' }),
      answer({ prompt: 'survey/s-2', survey: 'nps', score: 0, trigger: 'page' }),
    ] });
    const load = visit('k6-fb', '/checkout/done', { events: [answer()] });
    await insert([buildRecord(b, b.events, ctx()).row, buildRecord(load, load.events, ctx({ synthetic: 'k6/run-fb' })).row]);
    expect(await select(`SELECT session, customer, path, device, browser, os, country, prompt, survey, trigger, score, comment, checkout_id, step, incident, test_traffic
      FROM ${db}.feedback WHERE project = 'intake' ORDER BY session, prompt`)).toEqual([
      { session: 'fb-s', customer: 'fb-s-c', path: '/checkout/done', device: 'mobile', browser: 'safari', os: 'ios', country: 'AU', prompt: 'survey/s-1', survey: 'ces',
        trigger: 'complete', score: 6, comment: 'Call me on [phone] or mail [email]', checkout_id: 'co-fb', step: 'payment', incident: 'checkout_error/co-fb', test_traffic: '' },
      { session: 'fb-s', customer: 'fb-s-c', path: '/checkout/done', device: 'mobile', browser: 'safari', os: 'ios', country: 'AU', prompt: 'survey/s-2', survey: 'nps',
        trigger: 'page', score: 0, comment: '', checkout_id: '', step: '', incident: '', test_traffic: '' },
      { session: 'k6-fb', customer: 'k6-fb-c', path: '/checkout/done', device: 'mobile', browser: 'safari', os: 'ios', country: 'AU', prompt: 'survey/s-1', survey: 'ces',
        trigger: 'complete', score: 6, comment: '', checkout_id: '', step: '', incident: '', test_traffic: 'k6/run-fb' },
    ]);
  });

  it('stores a row spooled before 008 (no answers column) as a beacon without answers', async () => {
    const spooled = visit('spooled-before-008', '/spooled-008');
    await insert([rowOf(buildRecord(spooled, spooled.events, ctx()).row, 'feedback')]);
    expect(await select(`SELECT session FROM ${db}.beacons WHERE project = 'intake' AND path = '/spooled-008'`)).toEqual([{ session: 'spooled-before-008' }]);
    expect(await select(`SELECT toUInt32(count()) AS n FROM ${db}.feedback WHERE session = 'spooled-before-008'`)).toEqual([{ n: 0 }]);
  });

  it('run again after a crash changes nothing', async () => {
    const shape = () => select(`SELECT name, create_table_query AS q FROM system.tables WHERE database = {db:String} ORDER BY name`);
    const before = await shape();
    for (const statement of readMigrations(storage.database).find((x) => x.version === 8)?.statements ?? []) await storage.client.command({ query: statement });
    expect(await shape()).toEqual(before);
  });
});
