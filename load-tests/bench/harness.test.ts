import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { beaconSchema } from '@touchpoint/protocol';
import { createBeaconGenerator, generateRequests } from '../k6/lib/beacons.js';
import { startBareServer } from './bare-server.ts';
import { treeCpu } from './cpu.ts';
import { quantile, runPhase, toRequests } from './load.ts';
import { runOpenPhase } from './open-load.ts';
import { formatReport, type BenchReport } from './report.ts';

const logDir = mkdtempSync(join(tmpdir(), 'tp-bench-test-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

describe('bench harness', () => {
  it('counts the CPU of a process and of its descendants', async () => {
    // A parent that idles while its child spins: the tree's CPU is the child's.
    const parent = spawn(process.execPath, [
      '-e',
      `const c = require('node:child_process').spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 1500) {}'], { stdio: 'inherit' });
       console.log(c.pid); setTimeout(() => {}, 3000);`,
    ]);
    const childPid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    try {
      const a = treeCpu(parent.pid ?? -1);
      await sleep(800);
      const b = treeCpu(parent.pid ?? -1);
      expect(b.pids).toContain(childPid);
      // A spinning child gets at least a share of a core even on a busy box.
      expect(b.micros - a.micros).toBeGreaterThan(100_000);
    } finally {
      parent.kill('SIGKILL');
      try {
        process.kill(childPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  it('drives the bare route with realistic beacons, as fast as it answers', async () => {
    const gen = createBeaconGenerator({ schema: beaconSchema, seed: 7, runId: 'harness', tag: 'bench' });
    const requests = toRequests(generateRequests(gen, 50, Date.now()));
    const bare = await startBareServer(logDir);
    try {
      const max = await runPhase({ label: 'max', baseUrl: bare.url, path: '/v1/beacon?key=demo', requests, durationS: 2, connections: 10 });
      expect(Object.keys(max.statusCodes)).toEqual(['204']);
      expect(max.acked).toBeGreaterThan(200);
      expect(max.latencyMs.p50).toBeLessThanOrEqual(max.latencyMs.p95);
      expect(max.latencyMs.p95).toBeLessThanOrEqual(max.latencyMs.p99);
      const meanEvents = requests.reduce((s, r) => s + r.events, 0) / requests.length;
      expect(max.eventsPerSec).toBeCloseTo(max.ackedPerSec * meanEvents, 0);
    } finally {
      await bare.stop();
    }
  });

  it('sends on an even schedule at the offered rate (open model)', async () => {
    const gen = createBeaconGenerator({ schema: beaconSchema, seed: 8, runId: 'harness', tag: 'bench' });
    const requests = toRequests(generateRequests(gen, 20, Date.now()));
    const bare = await startBareServer(logDir);
    try {
      const open = await runOpenPhase({ label: 'open', baseUrl: bare.url, path: '/v1/beacon?key=demo', requests, durationS: 2, rate: 200, connections: 10 });
      expect(open.statusCodes).toEqual({ '204': 400 });
      expect(open.kind).toBe('rate');
      expect(open.ackedPerSec).toBeGreaterThan(200 * 0.9);
      expect(open.ackedPerSec).toBeLessThan(200 * 1.1);
    } finally {
      await bare.stop();
    }
  });

  it('counts latency from each request\'s scheduled time, so a slow server is not offered less', async () => {
    // One connection, 200 ms per answer, 10 requests scheduled over a second: they queue, and the
    // last one is answered ~2 s after the start although it was due at 0.9 s.
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => res.writeHead(204).end(), 200));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const r = await runOpenPhase({
        label: 'slow', baseUrl: `http://127.0.0.1:${port}`, path: '/', requests: [{ body: '{}', headers: {}, events: 1 }], durationS: 1, rate: 10, connections: 1,
      });
      expect(r.acked).toBe(10);
      expect(r.latencyMs.max).toBeGreaterThan(900);
      expect(r.latencyMs.p50).toBeGreaterThan(400);
    } finally {
      server.close();
    }
  });

  it('computes nearest-rank quantiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile(xs, 0.95)).toBe(95);
    expect(quantile(xs, 0.99)).toBe(99);
    expect(quantile([], 0.5)).toBe(0);
  });

  /** A report whose bare route costs 100 µs a request; the tests override what they look at. */
  function reportWith(over: Partial<BenchReport>): BenchReport {
    const phase = { label: 'x', kind: 'max' as const, durationS: 1, connections: 1, responses: 10, acked: 10, statusCodes: { '204': 10 }, errors: 0, timeouts: 0, reqPerSec: 10, ackedPerSec: 10, eventsPerSec: 50, latencyMs: { p50: 1, p95: 2, p99: 3, max: 4 } };
    const server = { max: phase, rate: { ...phase, kind: 'rate' as const, offeredRate: 10 }, cpuMicrosPerRequest: 100, idleCpuMicrosPerSec: 0, pids: [1] };
    return {
      version: 1,
      startedAt: '2026-11-24T00:00:00.000Z',
      finishedAt: '2026-11-24T00:01:00.000Z',
      machine: { cpus: 2, cpuModel: 'test', node: 'v20', platform: 'linux', loadAvgAtStart: [0, 0, 0] },
      settings: {},
      bare: server,
      touchpoint: { ...server, readyMs: 1 },
      ratios: { throughput: 1, cost: 1, target: 0.5, goal: 0.8 },
      freshness: { samples: 1, acked: 1, timedOut: 0, p50Ms: 1, p95Ms: 1, maxMs: 1 },
      stored: { acknowledged: 100, stored: 100, ok: true },
      agent: { error: 'not built' },
      storage: { error: 'not measured' },
      engine: { error: 'not measured' },
      notes: [],
      ...over,
    };
  }

  it('reports a stored mismatch loudly', () => {
    expect(formatReport(reportWith({ stored: { acknowledged: 100, stored: 90, ok: false } }))).toContain('acknowledged 100, stored 90  ✗ MISMATCH: 10 ACKNOWLEDGED BEACONS ARE NOT STORED');
    expect(formatReport(reportWith({}))).toContain('acknowledged 100, stored 100  ✓');
  });

  it('says what the engine leaves of a beacon for the cost target', () => {
    const engine = { rate: 3000, seconds: 15, beacons: 45000, inserts: 15, cpuMicrosPerBeacon: 130, insertMsP50: 110 };
    // 2 × 100 − 130 = 70 µs, less than the 100 the bare route spends on its whole request.
    const heavy = formatReport(reportWith({ engine }));
    expect(heavy).toContain('storage engine alone: 130 µs CPU per beacon at 3,000/s');
    expect(heavy).toContain('at most 2 × bare − engine = 70 µs, less than the bare route spends on its whole request (100 µs)');
    expect(formatReport(reportWith({ engine: { ...engine, cpuMicrosPerBeacon: 60 } }))).toContain('= 140 µs, against 100 µs for the bare route');
    expect(formatReport(reportWith({ engine: { error: 'chDB missing' } }))).toContain('storage engine alone: not measured (chDB missing)');
  });
});
