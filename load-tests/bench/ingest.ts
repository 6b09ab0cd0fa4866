import { randomBytes } from 'node:crypto';
// npm run bench ingest: Touchpoint against a bare Fastify route, in one run, same load tool, same
// realistic beacons. Measures (a) throughput ratio, (b) CPU cost ratio at a fixed offered rate,
// ingest-to-query freshness, the agent bundle size, and checks that every acknowledged beacon
// was stored. Writes load-tests/results/bench-<timestamp>.json (+ latest.json), prints a table.
//
// Knobs (env): BENCH_MAX_S=10 BENCH_RATE=3000 BENCH_RATE_S=15 BENCH_CONNECTIONS=50
// BENCH_WARMUP_S=3 BENCH_SETTLE_S=3 BENCH_POOL=100 BENCH_SEED=1 BENCH_FRESHNESS=20
// BENCH_STORAGE_SAMPLE=10000 (BENCH_KEEP_DATA=1 keeps the data directories);
// `--bare-only` runs just the baseline (to check the harness without Touchpoint).
import { beaconSchema } from '@touchpoint/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBeaconGenerator, generateRequests, shiftBeacon } from '../k6/lib/beacons.js';
import { measureAgentSize } from './agent-size.ts';
import { measureEngineCost, type EngineCost } from './engine-cost.ts';
import { startBareServer } from './bare-server.ts';
import { tail, type NodeChild } from './child-process.ts';
import { treeCpu } from './cpu.ts';
import { measureFreshness } from './freshness.ts';
import { runOpenPhase } from './open-load.ts';
import { runPhase, toRequests, type BeaconRequest, type PhaseResult } from './load.ts';
import { formatReport, writeReport, type BenchReport, type ServerResult } from './report.ts';
import { storageSample } from './storage-sample.ts';
import { waitForStored } from './summary-api.ts';
import { REPO_ROOT, startTouchpoint } from './touchpoint-process.ts';

const env = (name: string, fallback: number) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`TP_BENCH_BAD_ENV: ${name}=${v} must be a positive number`);
  return n;
};

const cfg = {
  maxS: env('BENCH_MAX_S', 10),
  rate: env('BENCH_RATE', 3000),
  rateS: env('BENCH_RATE_S', 15),
  connections: env('BENCH_CONNECTIONS', 50),
  warmupS: env('BENCH_WARMUP_S', 5),
  settleS: env('BENCH_SETTLE_S', 3),
  // autocannon pre-builds every request for every connection, inside the measured time: 2,000
  // bodies × 50 connections cut the bare route from ~24k to ~4k req/s; 100 bodies cost nothing.
  pool: env('BENCH_POOL', 100),
  seed: env('BENCH_SEED', 1),
  freshness: env('BENCH_FRESHNESS', 20),
  storageSample: env('BENCH_STORAGE_SAMPLE', 10000),
};
const PROJECT = 'demo';
const BEACON_PATH = '/v1/beacon?key=demo';
// Random per run, and always long enough for the 16-character minimum (Math.random's base-36 digits are not).
const ADMIN_TOKEN = `bench-${randomBytes(12).toString('hex')}`;
const bareOnly = process.argv.includes('--bare-only');

const startedAt = new Date();
const loadAvgAtStart = loadavg();
const runId = `b${startedAt.getTime().toString(36)}`;
const gen = createBeaconGenerator({ schema: beaconSchema, seed: cfg.seed, runId, tag: 'bench' });
const requests = toRequests(generateRequests(gen, cfg.pool, startedAt.getTime()));
const logDir = mkdtempSync(join(tmpdir(), 'tp-bench-logs-'));
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

interface Measured {
  result: ServerResult;
  /** Acknowledged beacons over all load phases (for the stored check). */
  acked: number;
}

/**
 * The same steps for both servers: a warm-up at the fixed rate, the CPU over the fixed-rate
 * phase, then max throughput. The warm-up runs at the measured rate so that the background work
 * inside the measurement (the engine merging the parts of earlier inserts) is that of a steady
 * 3,000/s rather than the backlog of a max phase. (Measured both ways on one build: 148 and
 * 153 µs per beacon, within the run-to-run swing.)
 */
async function measure(name: string, child: NodeChild, reqs: BeaconRequest[], afterMax?: (ackedSoFar: number) => Promise<void>): Promise<Measured> {
  const open = (label: string, durationS: number): Promise<PhaseResult> =>
    runOpenPhase({ label, baseUrl: child.url, path: BEACON_PATH, requests: reqs, durationS, rate: cfg.rate, connections: cfg.connections });
  const idle0 = treeCpu(child.pid);
  await sleep(2000);
  const idle1 = treeCpu(child.pid);
  log(`${name}: warm-up ${cfg.warmupS}s at ${cfg.rate}/s`);
  const warm = await open(`${name} warm-up`, cfg.warmupS);
  log(`${name}: fixed rate ${cfg.rate}/s for ${cfg.rateS}s`);
  const before = treeCpu(child.pid);
  const rate = await open(`${name} fixed rate`, cfg.rateS);
  // Work the server defers (batch inserts) belongs to these requests: wait for it, then read.
  await sleep(cfg.settleS * 1000);
  const after = treeCpu(child.pid);
  log(`${name}: max throughput ${cfg.maxS}s, ${cfg.connections} connections`);
  const max = await runPhase({ label: `${name} max`, baseUrl: child.url, path: BEACON_PATH, requests: reqs, durationS: cfg.maxS, connections: cfg.connections });
  // Let the backlog reach storage before anything else is measured (freshness, the stored check).
  if (afterMax) await afterMax(warm.acked + rate.acked + max.acked);
  return {
    acked: warm.acked + max.acked + rate.acked,
    result: {
      max,
      rate,
      cpuMicrosPerRequest: rate.acked > 0 ? (after.micros - before.micros) / rate.acked : Number.NaN,
      idleCpuMicrosPerSec: (idle1.micros - idle0.micros) / 2,
      pids: after.pids,
    },
  };
}

const notes = [
  `fixed-rate phases are an open model: ${cfg.rate} requests/s sent on an even schedule over up to ${cfg.connections} keep-alive connections whether or not earlier ones were answered, latency counted from each request's scheduled time (max phases use autocannon, a closed model).`,
  'CPU is utime+stime from /proc of the server process and all its descendants (Touchpoint: node with chDB inside, and its redis-server), read before the fixed-rate phase and after a settle time that lets deferred inserts finish.',
  `load tool (autocannon) runs in the bench process on the same ${cpus().length} cores: max req/s is partly the load tool's limit.`,
];

let exitCode = 0;
const bare = await startBareServer(logDir);
let bareMeasured: Measured;
try {
  bareMeasured = await measure('bare route', bare, requests);
} finally {
  await bare.stop();
}

if (bareOnly) {
  const r = bareMeasured.result;
  log(`bare only: max ${Math.round(r.max.reqPerSec)} req/s, fixed ${Math.round(r.rate.reqPerSec)} req/s at ${Math.round(r.cpuMicrosPerRequest)} µs CPU/req, p99 ${r.rate.latencyMs.p99} ms`);
  process.exit(0);
}

// Before Touchpoint starts, on a quiet box: the engine's share of a beacon, no HTTP around it.
log(`storage engine alone: ${cfg.rate} beacons/s, one insert a second, ${cfg.rateS}s`);
let engine: EngineCost | { error: string };
try {
  engine = await measureEngineCost({ repoRoot: REPO_ROOT, workDir: logDir, bodies: requests.map((r) => r.body), rate: cfg.rate, seconds: cfg.rateS });
} catch (err) {
  engine = { error: err instanceof Error ? err.message.slice(0, 300) : String(err) };
}

log('starting Touchpoint (fresh data directory)');
const t0 = Date.now();
const tp = await startTouchpoint(logDir, ADMIN_TOKEN);
const readyMs = Date.now() - t0;
const windowStart = Date.now() - 1000;
const summaryQ = { baseUrl: tp.url, adminToken: ADMIN_TOKEN, project: PROJECT, from: windowStart };
let report: BenchReport;
try {
  const tpMeasured = await measure('Touchpoint', tp, requests, async (ackedSoFar) => {
    log(`Touchpoint: waiting for ${ackedSoFar} beacons to be stored`);
    const n = await waitForStored(summaryQ, ackedSoFar, 60_000);
    if (n < ackedSoFar) notes.push(`after the max phase only ${n} of ${ackedSoFar} beacons were stored within 60 s; freshness may carry some backlog`);
  });

  log(`freshness: ${cfg.freshness} beacons, one at a time`);
  const fresh = createBeaconGenerator({ schema: beaconSchema, seed: cfg.seed + 1, runId, tag: 'bench' });
  const freshness = await measureFreshness({
    baseUrl: tp.url,
    beaconPath: BEACON_PATH,
    adminToken: ADMIN_TOKEN,
    project: PROJECT,
    samples: cfg.freshness,
    beacon: (i) => {
      const s = fresh.session(Date.now());
      const b = s.beacons[0];
      if (!b) throw new Error('TP_BENCH_EMPTY_SESSION: the generator made a session without beacons');
      const session = `bench-fresh-${runId}-${i}`;
      const body = JSON.stringify({ ...shiftBeacon(b, Date.now()), session });
      const headers = Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), v]));
      return { session, request: { body, headers, events: b.events.length } };
    },
  });

  const acknowledged = tpMeasured.acked + freshness.acked;
  log(`stored check: waiting for ${acknowledged} acknowledged beacons`);
  const stored = await waitForStored(summaryQ, acknowledged, 60_000);
  if (stored < acknowledged) exitCode = 1;
  if (stored > acknowledged) notes.push(`${stored - acknowledged} more beacons stored than autocannon counted as acknowledged: requests in flight when a phase ended (their answer was not counted)`);

  log('building the agent bundle');
  let agent: BenchReport['agent'];
  try {
    agent = await measureAgentSize();
  } catch (err) {
    agent = { error: err instanceof Error ? err.message : String(err) };
  }

  const b = bareMeasured.result;
  const t = tpMeasured.result;
  report = {
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform, loadAvgAtStart },
    settings: { ...cfg, project: PROJECT, meanEventsPerBeacon: requests.reduce((s, r) => s + r.events, 0) / requests.length, meanBodyBytes: Math.round(requests.reduce((s, r) => s + Buffer.byteLength(r.body), 0) / requests.length) },
    bare: b,
    touchpoint: { ...t, readyMs },
    ratios: { throughput: t.max.ackedPerSec / b.max.ackedPerSec, cost: b.cpuMicrosPerRequest / t.cpuMicrosPerRequest, target: 0.5, goal: 0.8 },
    freshness,
    stored: { acknowledged, stored, ok: stored >= acknowledged },
    agent,
    storage: { error: 'not measured yet' },
    engine,
    notes,
  };
} catch (err) {
  process.stderr.write(`Touchpoint log tail (${tp.logFile}):\n${tail(tp.logFile)}\n`);
  throw err;
} finally {
  await tp.stop();
}

// Rows and bytes per beacon, from a second fresh Touchpoint fed distinct beacons.
if (process.env.BENCH_KEEP_DATA !== '1') rmSync(tp.dataDir, { recursive: true, force: true });
log(`storage sample: ${cfg.storageSample} distinct beacons into a fresh Touchpoint`);
try {
  const sample = toRequests(generateRequests(createBeaconGenerator({ schema: beaconSchema, seed: cfg.seed + 2, runId, tag: 'bench' }), cfg.storageSample, Date.now()));
  report.storage = await storageSample(logDir, ADMIN_TOKEN, sample, BEACON_PATH);
  if (report.storage.stored < report.storage.acked) {
    exitCode = 1;
    notes.push(`storage sample: acknowledged ${report.storage.acked}, stored ${report.storage.stored}: LOSS`);
  }
} catch (err) {
  report.storage = { error: err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err) };
}


const file = writeReport(report, join(REPO_ROOT, 'load-tests/results'));
console.log(formatReport(report));
console.log(`\nreport: ${file}`);
// The servers' logs are kept only when something went wrong.
if (exitCode === 0) rmSync(logDir, { recursive: true, force: true });
else console.log(`server logs: ${logDir}`);
process.exit(exitCode);
