/**
 * What the embedded engine alone costs per beacon (a script, not a test): the collector's rows
 * for the given beacons, inserted into `beacon_intake` once a second at a steady rate, as the
 * batch writer inserts a sealed segment, with no HTTP, spool or Redis around it. The CPU of the
 * whole process over the measured seconds (every thread, those that have exited included:
 * parsing, the materialized views, the parts they write, and the merges that follow) divided by
 * the beacons inserted. `npm run bench` runs it beside the bare route and Touchpoint: a beacon
 * cannot cost Touchpoint less than this plus the HTTP request that carried it.
 *
 *   node --import tsx load-tests/bench/engine-cost-child.ts --bodies FILE [--rate 3000] [--seconds 15] [--warmup 5] [--settle 3]
 *
 * FILE: a JSON array of beacon bodies (strings), as the load tools send them. Prints one JSON
 * line: { rate, seconds, beacons, inserts, cpuMicrosPerBeacon, insertMsP50 }.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Beacon, BeaconEvent } from '@touchpoint/protocol';
import { buildRecord } from '@touchpoint/collector/ingest/spool-record';
import { parseUserAgent } from '@touchpoint/collector/ingest/user-agent';
import { INTAKE, insertBatch } from '@touchpoint/collector/storage/beacon-intake';
import { openClickHouse } from '@touchpoint/collector/storage/clickhouse';
import { migrate } from '@touchpoint/collector/storage/migrate';

const { values: args } = parseArgs({
  options: {
    bodies: { type: 'string' },
    rate: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '5' },
    settle: { type: 'string', default: '3' },
  },
});
if (!args.bodies) throw new Error('TP_BENCH_NO_BODIES: --bodies FILE (a JSON array of beacon bodies) is required');
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const SETTLE = Number(args.settle);
for (const [name, v] of Object.entries({ rate: RATE, seconds: SECONDS, warmup: WARMUP, settle: SETTLE })) {
  if (!Number.isFinite(v) || v < 0 || (name !== 'warmup' && name !== 'settle' && v === 0)) throw new Error(`TP_BENCH_BAD_ARG: --${name} must be a positive number`);
}

const bodies = JSON.parse(readFileSync(args.bodies, 'utf8')) as string[];
if (!Array.isArray(bodies) || bodies.length === 0) throw new Error('TP_BENCH_NO_BODIES: the bodies file holds no beacons');
const client = parseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36');

/** One second's rows, as a sealed segment holds them: one JSON array per line. */
function segment(at: number): Buffer {
  const rows: string[] = [];
  for (let i = 0; i < RATE; i++) {
    const beacon = JSON.parse(bodies[i % bodies.length] as string) as Beacon;
    const receivedAt = at + Math.floor((i * 1000) / RATE);
    rows.push(buildRecord(beacon, beacon.events as BeaconEvent[], { project: 'bench', checkoutPage: /checkout|cart|basket|payment|pay\b/i, receivedAt, client, country: 'AU' }).row);
  }
  return Buffer.from(rows.join('\n') + '\n');
}

const dir = mkdtempSync(join(tmpdir(), 'tp-engine-cost-'));
const storage = await openClickHouse({ dataDir: join(dir, 'clickhouse'), database: 'touchpoint' });
try {
  await migrate(storage);
  // Built before the clock starts: the rows are the collector's work, not the engine's.
  const segments = Array.from({ length: WARMUP + SECONDS }, (_, s) => segment(Date.now() + s * 1000));
  const insertMs: number[] = [];
  let n = 0;
  const insertEachSecond = async (from: number, count: number) => {
    const start = performance.now();
    for (let s = 0; s < count; s++) {
      const t = performance.now();
      await insertBatch(storage, INTAKE, segments[from + s] as Buffer, `engine-cost.${process.pid}.${n++}`);
      insertMs.push(performance.now() - t);
      await sleep(Math.max(0, start + (s + 1) * 1000 - performance.now()));
    }
  };
  await insertEachSecond(0, WARMUP);
  insertMs.length = 0;
  const before = process.cpuUsage();
  await insertEachSecond(WARMUP, SECONDS);
  // Merges of the measured inserts' parts belong to them, as in the bench's settle time.
  await sleep(SETTLE * 1000);
  const cpu = process.cpuUsage(before);
  const beacons = SECONDS * RATE;
  insertMs.sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      rate: RATE,
      seconds: SECONDS,
      beacons,
      inserts: SECONDS,
      cpuMicrosPerBeacon: (cpu.user + cpu.system) / beacons,
      insertMsP50: insertMs[Math.floor(insertMs.length / 2)] ?? Number.NaN,
    }) + '\n',
  );
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
