/**
 * npm run bench hostile: what the worst hostile beacon costs the server next to a normal beacon
 * of the same size (issue 18's goal: under 2×), as whole-beacon CPU in a running Touchpoint
 * (HTTP, parsing, validation, scrubbing, the spool and the engine's insert), not the scrubber alone.
 *
 * 1. In-process, every hostile text of HOSTILE_TEXT in two layouts (hostile-beacons.ts: the
 *    max-size beacon's strings replaced at the same lengths, and the longest strings the schema
 *    allows) goes through the collector's own path (JSON.parse, the validator, the spool record:
 *    every privacy treatment; hostile-ranking.ts); the worst few are kept.
 * 2. A fresh Touchpoint process (`npm start`'s settings) takes the normal max-size beacon and
 *    each of those at the same fixed rate (an open model), normal first and last so drift shows;
 *    the CPU of its process tree (and of its main thread, where the event loop runs) over each
 *    phase and the settle time after it, less what it spends idle, divided by the beacons it
 *    acknowledged.
 *
 * Knobs (env): BENCH_HOSTILE_RATE=50 beacons/s, BENCH_HOSTILE_S=15 s per phase, BENCH_HOSTILE_WORST=3.
 *   node --import tsx load-tests/bench/hostile.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Beacon } from '@touchpoint/protocol';
import { HOSTILE_TEXT } from '@touchpoint/protocol/privacy/testing/hostile-text';
import { tail } from './child-process.ts';
import { mainThreadCpu, treeCpu } from './cpu.ts';
import { bodyBytes, maxSizeBeacon, typicalBeacons } from './hostile-beacons.ts';
import { inProcessMicros, rankHostile, type HostileCase } from './hostile-ranking.ts';
import type { BeaconRequest } from './load.ts';
import { runOpenPhase } from './open-load.ts';
import { startTouchpoint } from './touchpoint-process.ts';

const env = (name: string, fallback: number) => {
  const n = Number(process.env[name] || fallback);
  if (!(n > 0)) throw new Error(`TP_BENCH_BAD_ENV: ${name}=${process.env[name]} must be a positive number`);
  return n;
};
const RATE = env('BENCH_HOSTILE_RATE', 50);
const SECONDS = env('BENCH_HOSTILE_S', 15);
const WORST = env('BENCH_HOSTILE_WORST', 3);
/** Idle CPU is read over this long before each phase; deferred inserts finish within the settle time. */
const IDLE_S = 3;
const SETTLE_S = 3;
const log = (msg: string) => process.stderr.write(`[hostile] ${msg}\n`);

interface Case extends HostileCase {
  normal: boolean;
}

// ---- 1. the worst hostile beacons, in-process --------------------------------------------

const normal = maxSizeBeacon(typicalBeacons(400));
const normalCase: Case = { label: 'normal strings', normal: true, beacon: normal, inProcessMicros: inProcessMicros(normal, 10, 10) };
log(`in-process: normal max-size beacon ${normalCase.inProcessMicros.toFixed(0)} µs; ranking ${Object.keys(HOSTILE_TEXT).length * 2} hostile ones`);
// Measured again as often as the normal one, so the printed in-process figures compare.
const worst: Case[] = rankHostile(normal)
  .slice(0, WORST)
  .map((c) => ({ ...c, normal: false, inProcessMicros: inProcessMicros(c.beacon, 10, 10) }));

// ---- 2. the same beacons against a running Touchpoint ------------------------------------

interface ServerFigures {
  acked: number;
  statusCodes: Record<string, number>;
  treeMicros: number;
  mainMicros: number;
  p50: number;
  p99: number;
}

let batches = 0;
/** Bodies of `b` with distinct sessions (and sentAt now), so no two rows of a phase are the same. */
function requests(b: Beacon): BeaconRequest[] {
  const now = Date.now();
  const batch = batches++;
  return Array.from({ length: 20 }, (_, i) => ({
    body: JSON.stringify({ ...b, session: `bench-hostile-${batch}-${i}-${now.toString(36)}`, sentAt: now, events: b.events.map((e) => ({ ...e, at: now })) }),
    headers: { 'content-type': 'text/plain', 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' },
    events: b.events.length,
  }));
}

async function serverPhase(url: string, pid: number, c: Case): Promise<ServerFigures> {
  const reqs = requests(c.beacon);
  const idle0 = treeCpu(pid).micros;
  const idleMain0 = mainThreadCpu(pid);
  await sleep(IDLE_S * 1000);
  const idleRate = (treeCpu(pid).micros - idle0) / IDLE_S;
  const idleMainRate = (mainThreadCpu(pid) - idleMain0) / IDLE_S;
  const t0 = performance.now();
  const tree0 = treeCpu(pid).micros;
  const main0 = mainThreadCpu(pid);
  const phase = await runOpenPhase({ label: c.label, baseUrl: url, path: '/v1/beacon?key=demo', requests: reqs, durationS: SECONDS, rate: RATE, connections: 20 });
  await sleep(SETTLE_S * 1000);
  const s = (performance.now() - t0) / 1000;
  const perBeacon = (spent: number, idle: number) => (spent - idle * s) / Math.max(1, phase.acked);
  return {
    acked: phase.acked,
    statusCodes: phase.statusCodes,
    treeMicros: perBeacon(treeCpu(pid).micros - tree0, idleRate),
    mainMicros: perBeacon(mainThreadCpu(pid) - main0, idleMainRate),
    p50: phase.latencyMs.p50,
    p99: phase.latencyMs.p99,
  };
}

const logDir = mkdtempSync(join(tmpdir(), 'tp-bench-hostile-'));
log('starting Touchpoint (fresh data directory)');
const tp = await startTouchpoint(logDir, `bench-${Math.random().toString(36).slice(2)}`);
const results: { c: Case; s: ServerFigures }[] = [];
try {
  log(`warm-up: normal beacons at ${RATE}/s for 5 s`);
  await runOpenPhase({ label: 'warm-up', baseUrl: tp.url, path: '/v1/beacon?key=demo', requests: requests(normal), durationS: 5, rate: RATE, connections: 20 });
  for (const c of [normalCase, ...worst, { ...normalCase, label: 'normal strings, again' }]) {
    log(`${c.label}: ${RATE}/s for ${SECONDS} s`);
    results.push({ c, s: await serverPhase(tp.url, tp.pid, c) });
  }
} catch (err) {
  process.stderr.write(`Touchpoint log tail (${tp.logFile}):\n${tail(tp.logFile)}\n`);
  throw err;
} finally {
  await tp.stop();
  rmSync(tp.dataDir, { recursive: true, force: true });
}

// ---- report ---------------------------------------------------------------------------------

const normals = results.filter((r) => r.c.normal);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const base = { tree: mean(normals.map((r) => r.s.treeMicros)), main: mean(normals.map((r) => r.s.mainMicros)) };
const hostile = results.filter((r) => !r.c.normal);
const unacked = results.filter((r) => r.s.acked < RATE * SECONDS * 0.99);
console.log(`whole-beacon cost at ${RATE} beacons/s for ${SECONDS} s each, in a running Touchpoint (CPU of its process tree and of its main thread, idle CPU subtracted):`);
for (const { c, s } of results) {
  console.log(
    `${c.label.slice(0, 72).padEnd(72)} ${String(bodyBytes(c.beacon)).padStart(6)} B ${String(c.beacon.events.length).padStart(4)} events` +
      `  ${(s.treeMicros / 1000).toFixed(2).padStart(6)} ms/beacon (main thread ${(s.mainMicros / 1000).toFixed(2)})` +
      `  in-process ${(c.inProcessMicros / 1000).toFixed(2)} ms  answer p50 ${s.p50.toFixed(0)} / p99 ${s.p99.toFixed(0)} ms  ${JSON.stringify(s.statusCodes)}`,
  );
}
const worstTree = Math.max(...hostile.map((r) => r.s.treeMicros));
const worstMain = Math.max(...hostile.map((r) => r.s.mainMicros));
const worstInProcess = Math.max(...hostile.map((r) => r.c.inProcessMicros));
console.log(
  `worst hostile / normal: ${(worstTree / base.tree).toFixed(2)}× whole beacon (goal < 2×), ${(worstMain / base.main).toFixed(2)}× main thread, ` +
    `${(worstInProcess / normalCase.inProcessMicros).toFixed(2)}× in-process (normal: the mean of its two phases)`,
);
if (unacked.length) {
  console.log(`not every beacon was acknowledged in: ${unacked.map((r) => r.c.label).join('; ')}`);
  process.exitCode = 1;
}
rmSync(logDir, { recursive: true, force: true });
