// The bench's output: a JSON file per run (results/bench-<timestamp>.json, and latest.json)
// and a table on stdout.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentSize } from './agent-size.ts';
import type { FreshnessResult } from './freshness.ts';
import type { PhaseResult } from './load.ts';
import type { EngineCost } from './engine-cost.ts';
import type { StorageSample } from './storage-sample.ts';

export interface ServerResult {
  max: PhaseResult;
  rate: PhaseResult;
  /** CPU µs of the whole process tree per acknowledged request in the rate phase. */
  cpuMicrosPerRequest: number;
  /** CPU µs per second of the idle tree just before the rate phase (timers, redis, merges). */
  idleCpuMicrosPerSec: number;
  /** Pids measured (root first). */
  pids: number[];
}

export interface BenchReport {
  version: 1;
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; loadAvgAtStart: number[] };
  settings: Record<string, number | string>;
  bare: ServerResult;
  touchpoint: ServerResult & { readyMs: number };
  ratios: {
    /** Touchpoint max acknowledged beacons/s ÷ bare route max req/s (204s both). */
    throughput: number;
    /** Bare route CPU µs/request ÷ Touchpoint CPU µs/beacon at the same offered rate. */
    cost: number;
    target: number;
    goal: number;
  };
  freshness: FreshnessResult;
  stored: { acknowledged: number; stored: number; ok: boolean };
  agent: AgentSize | { error: string };
  storage: StorageSample | { error: string };
  /** The embedded engine alone at the fixed rate: inserts, views and merges, no HTTP. */
  engine: EngineCost | { error: string };
  notes: string[];
}

export function writeReport(report: BenchReport, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const file = join(dir, `bench-${stamp}.json`);
  const json = JSON.stringify(report, null, 2) + '\n';
  writeFileSync(file, json);
  writeFileSync(join(dir, 'latest.json'), json);
  return file;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const ratio = (n: number) => n.toFixed(2);

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ')).join('\n');
}

function phaseRow(name: string, p: PhaseResult, cpu?: number): string[] {
  return [
    name,
    p.offeredRate ? int(p.offeredRate) : 'max',
    int(p.reqPerSec),
    int(p.ackedPerSec),
    int(p.eventsPerSec),
    ms(p.latencyMs.p50),
    ms(p.latencyMs.p95),
    ms(p.latencyMs.p99),
    int(p.acked),
    String(p.responses - p.acked + p.errors),
    cpu === undefined ? '' : int(cpu),
  ];
}

function storageLine(s: BenchReport['storage']): string {
  if ('error' in s) return `storage: not measured (${s.error})`;
  return `storage (${int(s.sent)} distinct beacons of ${int(s.meanBodyBytes)} B sent, ${int(s.acked)} acknowledged, ${int(s.stored)} stored${s.failed ? `, ${s.failed} unanswered (${s.firstError ?? '?'})` : ''}): ${s.rawRowsPerBeacon.toFixed(2)} raw rows and ${int(s.compressedBytesPerBeacon)} B compressed per beacon (all tables, before background merges)`;
}

/**
 * The engine's share, and what it leaves: (b) ≥ 0.5 means Touchpoint ≤ 2 × bare per beacon, so
 * everything but the engine (HTTP, parsing, the spool, signals) gets at most 2 × bare − engine.
 */
function engineLine(e: BenchReport['engine'], bareMicros: number): string {
  if ('error' in e) return `storage engine alone: not measured (${e.error})`;
  const left = 2 * bareMicros - e.cpuMicrosPerBeacon;
  const verdict =
    left < bareMicros
      ? `less than the bare route spends on its whole request (${int(bareMicros)} µs)`
      : `against ${int(bareMicros)} µs for the bare route's whole request`;
  return `storage engine alone: ${int(e.cpuMicrosPerBeacon)} µs CPU per beacon at ${int(e.rate)}/s (one insert a second into beacon_intake, its views and their merges; no HTTP, spool or Redis; insert p50 ${int(e.insertMsP50)} ms). For (b) ≥ 0.5 the rest of a beacon (HTTP, parse, spool, signals) would get at most 2 × bare − engine = ${int(left)} µs, ${verdict}`;
}

function agentLine(a: BenchReport['agent']): string {
  if ('error' in a) return `agent bundle: not measured (${a.error})`;
  return `agent bundle: ${int(a.rawBytes)} B minified, ${int(a.gzipBytes)} B gzip (budget ${int(a.budgetBytes)} B${a.withinBudget ? '' : ', OVER BUDGET'})`;
}

export function formatReport(r: BenchReport): string {
  const pass = (x: number) => (x >= r.ratios.goal ? 'goal met' : x >= r.ratios.target ? 'target met' : 'BELOW TARGET');
  const lines = [
    `Touchpoint bench — ${r.startedAt} — ${r.machine.cpus} cores (${r.machine.cpuModel}), node ${r.machine.node}, load average at start ${r.machine.loadAvgAtStart.map((x) => x.toFixed(2)).join(' ')}; the load tool shares the cores`,
    '',
    table([
      ['phase', 'offered/s', 'answered/s', 'acked/s', 'events/s', 'p50 ms', 'p95 ms', 'p99 ms', 'acked', 'not acked', 'CPU µs/req'],
      phaseRow('bare route  max', r.bare.max),
      phaseRow('bare route  fixed rate', r.bare.rate, r.bare.cpuMicrosPerRequest),
      phaseRow('Touchpoint  max', r.touchpoint.max),
      phaseRow('Touchpoint  fixed rate', r.touchpoint.rate, r.touchpoint.cpuMicrosPerRequest),
    ]),
    '',
    `(a) throughput  Touchpoint max acked/s ÷ bare max acked/s    = ${ratio(r.ratios.throughput)}  (target ≥ ${r.ratios.target}, goal ${r.ratios.goal}: ${pass(r.ratios.throughput)})`,
    `(b) cost        bare CPU µs/req ÷ Touchpoint CPU µs/beacon    = ${ratio(r.ratios.cost)}  (target ≥ ${r.ratios.target}, goal ${r.ratios.goal}: ${pass(r.ratios.cost)})`,
    `idle CPU before the warm-up: bare ${int(r.bare.idleCpuMicrosPerSec)} µs/s, Touchpoint ${int(r.touchpoint.idleCpuMicrosPerSec)} µs/s (included in the per-request figures, not subtracted)`,
    `freshness (beacon → summary API): p50 ${ms(r.freshness.p50Ms)} ms, p95 ${ms(r.freshness.p95Ms)} ms, max ${ms(r.freshness.maxMs)} ms over ${r.freshness.samples} beacons${r.freshness.timedOut ? `, ${r.freshness.timedOut} NOT VISIBLE within the timeout` : ''}`,
    engineLine(r.engine, r.bare.cpuMicrosPerRequest),
    agentLine(r.agent),
    storageLine(r.storage),
    r.stored.ok
      ? `stored check: acknowledged ${int(r.stored.acknowledged)}, stored ${int(r.stored.stored)}  ✓`
      : `stored check: acknowledged ${int(r.stored.acknowledged)}, stored ${int(r.stored.stored)}  ✗ MISMATCH: ${int(r.stored.acknowledged - r.stored.stored)} ACKNOWLEDGED BEACONS ARE NOT STORED`,
    ...r.notes.map((n) => `note: ${n}`),
  ];
  return lines.join('\n');
}
