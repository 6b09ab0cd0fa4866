import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startTouchpoint, type TouchpointProcess } from '../bench/touchpoint-process.ts';

// CI has no k6 binary: the scenario scripts run through a small k6 stand-in (node-shim/) against
// a real Touchpoint, so their traffic, checks, thresholds and stored-count check are exercised.
const logDir = mkdtempSync(join(tmpdir(), 'tp-k6-shim-'));
let tp: TouchpointProcess;

beforeAll(async () => {
  tp = await startTouchpoint(logDir, 'k6-shim-admin-token');
}, 120_000);

afterAll(async () => {
  try {
    await tp?.stop();
  } finally {
    rmSync(logDir, { recursive: true, force: true });
    if (tp) rmSync(tp.dataDir, { recursive: true, force: true });
  }
}, 60_000);

interface ShimResult {
  code: number | null;
  acked: number;
  stored: number;
  thresholds: Record<string, { expression: string; value: number; ok: boolean }[]>;
  stderr: string;
}

function runScenario(script: string, env: Record<string, string>): ShimResult {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', join(REPO_ROOT, 'load-tests/k6/node-shim/register.ts'), join(REPO_ROOT, 'load-tests/k6/node-shim/run.ts'), join(REPO_ROOT, 'load-tests/k6', script)],
    // A wedged run must fail the test, not hang it (spawnSync blocks vitest's own timeout).
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 50_000, env: { ...process.env, BASE_URL: tp.url, ADMIN_TOKEN: tp.adminToken, DRAIN_TIMEOUT_S: '30', ...env } },
  );
  const last = r.stdout.trim().split('\n').pop() ?? '{}';
  const parsed = JSON.parse(last.startsWith('{') ? last : '{}') as Partial<ShimResult>;
  return { code: r.status, acked: parsed.acked ?? -1, stored: parsed.stored ?? -1, thresholds: parsed.thresholds ?? {}, stderr: r.stderr };
}

describe('k6 scenarios (through the Node shim) against Touchpoint', () => {
  it('smoke: every beacon acknowledged and stored, thresholds hold', () => {
    const r = runScenario('smoke.js', { SHIM_ITERATIONS: '60', RUN_ID: 'shim-smoke' });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.acked).toBe(60);
    expect(r.stored).toBe(60);
    expect(r.thresholds['tp_beacons_unstored']?.[0]).toMatchObject({ expression: 'count<=0', value: 0, ok: true });
    expect(r.thresholds['http_req_failed{name:beacon}']?.[0]?.ok).toBe(true);
  });

  it('fails the run when beacons are refused (wrong key)', () => {
    const r = runScenario('smoke.js', { SHIM_ITERATIONS: '5', KEY: 'no-such-key', RUN_ID: 'shim-badkey' });
    expect(r.code).toBe(99);
    expect(r.acked).toBe(0);
    expect(r.thresholds['checks']?.[0]?.ok).toBe(false);
  });

  it.each(['census-night.js', 'spike.js', 'soak.js'])('%s loads, sends and checks what it stored', (script) => {
    const r = runScenario(script, { SHIM_ITERATIONS: '15', RUN_ID: `shim-${script.split('.')[0]}` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.acked).toBe(15);
    // The window is the run's: other scenarios' beacons before setup() are not counted.
    expect(r.stored).toBe(15);
  });
});
