/**
 * One Touchpoint start, for storage/migrate.test.ts: opens the engine in DATA_DIR (argv[2]) as
 * node/src/start.ts does, inserts one fixed spool segment with its fixed token, and prints what
 * was applied and how many rows the segment's beacons have in `beacons` and `vitals`.
 */
import type { Beacon } from '@touchpoint/protocol';
import { buildRecord } from '../ingest/spool-record.ts';
import { INTAKE, insertBatch } from '../storage/beacon-intake.ts';
import { openClickHouse } from '../storage/clickhouse.ts';
import { openMigrated } from '../storage/migrate.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: insert-segment.ts <data dir>');
const { storage, applied } = await openMigrated(() => openClickHouse({ dataDir, database: 'touchpoint' }));
const at = Date.UTC(2026, 11, 3, 12);
const rows = Array.from({ length: 40 }, (_, i) => {
  const beacon: Beacon = {
    v: 1, session: `replayed-${i}`, page: 'https://shop.example/cart', sentAt: at,
    events: [{ type: 'vital', at, name: 'LCP', value: 1000 + i }],
  };
  return buildRecord(beacon, beacon.events, { project: 'demo', checkoutPage: /cart/, receivedAt: at, country: 'AU', client: { device: 'desktop', browser: 'chrome', browserVersion: '131', os: 'linux' } }).row;
});
await insertBatch(storage, INTAKE, Buffer.from(rows.join('\n') + '\n'), 'collector1.seg-0000000000000001.w');
const count = async (table: string) => {
  const rs = await storage.client.query({ query: `SELECT toUInt32(count()) AS n FROM touchpoint.${table} WHERE session LIKE 'replayed-%'`, format: 'JSONEachRow' });
  return (await rs.json<{ n: number }>())[0]?.n ?? 0;
};
console.log(JSON.stringify({ applied, beacons: await count('beacons'), vitals: await count('vitals') }));
await storage.close();
