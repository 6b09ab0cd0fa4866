/**
 * The k6 scenarios with the real k6 (found by find-k6.ts: $K6, PATH, ../shared/bin/k6) against
 * a real Touchpoint: every scenario parses and its options resolve (`k6 inspect`), smoke
 * acknowledges and stores every beacon, a refused key fails the run with a crossed threshold
 * (exit 99), and census-night, spike and soak run their code for a few iterations (their
 * executors at full rate are .ci/run's job: run-real.ts). Without a k6 it says so in one line
 * and skips; the syntax check below needs none.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'acorn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startTouchpoint, type TouchpointProcess } from '../bench/touchpoint-process.ts';
import { findK6, NO_K6 } from './find-k6.ts';
import { readK6Summary, type K6Figures } from './k6-summary.ts';

const SCENARIOS = ['smoke.js', 'census-night.js', 'spike.js', 'soak.js'];
const dir = join(REPO_ROOT, 'load-tests/k6');

describe('k6 scripts parse on k6 >= 0.50', () => {
  // k6 before v0.53 parsed every ES module with its own Babel, which knows ES2017 and not the
  // later syntax its JS engine runs (object spread, ?., ??, numeric separators): v0.48 refused
  // lib/options.js over an object spread. acorn at ecmaVersion 2017 refuses the same.
  const files = [...SCENARIOS, ...readdirSync(join(dir, 'lib')).filter((f) => f.endsWith('.js')).map((f) => `lib/${f}`)];
  it.each(files)('%s is an ES2017 module', (file) => {
    expect(() => parse(readFileSync(join(dir, file), 'utf8'), { ecmaVersion: 2017, sourceType: 'module' })).not.toThrow();
  });
});

const k6 = findK6();
if (!k6) console.log(NO_K6);

describe.skipIf(!k6)(`k6 scenarios with the real k6 against Touchpoint`, () => {
  const logDir = mkdtempSync(join(tmpdir(), 'tp-k6-test-'));
  let tp: TouchpointProcess;

  beforeAll(async () => {
    tp = await startTouchpoint(logDir, 'k6-test-admin-token');
  }, 120_000);
  afterAll(async () => {
    try {
      await tp?.stop();
    } finally {
      rmSync(logDir, { recursive: true, force: true });
      if (tp) rmSync(tp.dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  function run(script: string, env: Record<string, string>, flags: string[] = []): { code: number | null; figures: K6Figures; output: string } {
    const summaryFile = join(logDir, `${script}.${Date.now()}.json`);
    // Latency thresholds loosened: npm test runs other files beside this one on the same cores.
    // What is checked here is that each script works and counts; latency is run-real.ts's job.
    const all = { BASE_URL: tp.url, ADMIN_TOKEN: tp.adminToken, DRAIN_TIMEOUT_S: '20', P95_MS: '5000', P99_MS: '10000', ...env };
    const r = spawnSync(k6!.path, ['run', '--quiet', '--no-color', '--summary-export', summaryFile, ...flags, ...Object.entries(all).flatMap(([k, v]) => ['-e', `${k}=${v}`]), join(dir, script)], {
      encoding: 'utf8',
      // A wedged run must fail the test, not hang it (spawnSync blocks vitest's own timeout).
      timeout: 90_000,
    });
    return { code: r.status, figures: readK6Summary(JSON.parse(readFileSync(summaryFile, 'utf8'))), output: `${r.stdout}\n${r.stderr}` };
  }

  it.each(SCENARIOS)('k6 inspect %s: parses, and its options resolve', (script) => {
    const r = spawnSync(k6!.path, ['inspect', join(dir, script)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const options = JSON.parse(r.stdout) as { scenarios: Record<string, { executor: string }>; thresholds: Record<string, string[]> };
    expect(Object.keys(options.scenarios)).toHaveLength(1);
    expect(options.thresholds['http_req_failed{name:beacon}']).toBeDefined();
  });

  it('smoke: every beacon acknowledged and stored, thresholds hold', () => {
    const r = run('smoke.js', { ITERATIONS: '60', VUS: '4', RUN_ID: 'k6-smoke' });
    expect(r.code, r.output).toBe(0);
    expect(r.figures).toMatchObject({ acked: 60, stored: 60 });
  });

  it('a refused key crosses a threshold: k6 exits 99', () => {
    const r = run('smoke.js', { ITERATIONS: '5', VUS: '1', KEY: 'no-such-key', RUN_ID: 'k6-badkey' });
    expect(r.code).toBe(99);
    expect(r.figures.acked).toBe(0);
    expect(r.output).toMatch(/thresholds on metrics .*checks.* have been crossed/);
  });

  it.each(['census-night.js', 'spike.js', 'soak.js'])('%s sends, and checks what it stored (15 iterations)', (script) => {
    // --vus/--iterations replace the scenario's executor: its code, thresholds and stored check run.
    const r = run(script, { RUN_ID: `k6-${script.split('.')[0]}` }, ['--vus', '3', '--iterations', '15']);
    expect(r.code, r.output).toBe(0);
    expect(r.figures).toMatchObject({ acked: 15, stored: 15 });
  });
});
