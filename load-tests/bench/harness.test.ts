import { spawn } from 'node:child_process';
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

  it('drives the bare route with realistic beacons, at max and at a limited rate', async () => {
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

      const limited = await runPhase({ label: 'rate', baseUrl: bare.url, path: '/v1/beacon?key=demo', requests, durationS: 2, connections: 10, overallRate: 100 });
      expect(limited.acked).toBeGreaterThan(50);
      // autocannon's per-second quota: at most one extra second's worth over the offered rate.
      expect(limited.ackedPerSec).toBeLessThan(100 * 1.6);
    } finally {
      await bare.stop();
    }
  });

  it('computes nearest-rank quantiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile(xs, 0.95)).toBe(95);
    expect(quantile(xs, 0.99)).toBe(99);
    expect(quantile([], 0.5)).toBe(0);
  });

  it('reports a stored mismatch loudly', () => {
    const phase = { label: 'x', kind: 'max' as const, durationS: 1, connections: 1, responses: 10, acked: 10, statusCodes: { '204': 10 }, errors: 0, timeouts: 0, reqPerSec: 10, ackedPerSec: 10, eventsPerSec: 50, latencyMs: { p50: 1, p95: 2, p99: 3, max: 4 } };
    const server = { max: phase, rate: { ...phase, kind: 'rate' as const, offeredRate: 10 }, cpuMicrosPerRequest: 100, idleCpuMicrosPerSec: 0, pids: [1] };
    const report: BenchReport = {
      version: 1,
      startedAt: '2026-11-24T00:00:00.000Z',
      finishedAt: '2026-11-24T00:01:00.000Z',
      machine: { cpus: 2, cpuModel: 'test', node: 'v20', platform: 'linux', loadAvgAtStart: [0, 0, 0] },
      settings: {},
      bare: server,
      touchpoint: { ...server, readyMs: 1 },
      ratios: { throughput: 1, cost: 1, target: 0.5, goal: 0.8 },
      freshness: { samples: 1, acked: 1, timedOut: 0, p50Ms: 1, p95Ms: 1, maxMs: 1 },
      stored: { acknowledged: 100, stored: 90, ok: false },
      agent: { error: 'not built' },
      storage: { error: 'not measured' },
      notes: [],
    };
    expect(formatReport(report)).toContain('acknowledged 100, stored 90  ✗ MISMATCH: 10 ACKNOWLEDGED BEACONS ARE NOT STORED');
    expect(formatReport({ ...report, stored: { acknowledged: 100, stored: 100, ok: true } })).toContain('acknowledged 100, stored 100  ✓');
  });
});
