// The k6 scenarios with the real k6 against a Touchpoint started here (its own process, fresh
// data directory, as `npm start` runs it) or against BASE_URL + ADMIN_TOKEN. Exits non-zero when
// a threshold of any scenario is crossed (k6 exits 99), including the stored-count check.
//
//   node --import tsx load-tests/k6/run-real.ts [--require-k6] [smoke] [census-night]
//   npm run load:smoke        smoke only         npm run load:k6     smoke, then a short census night
//
// census-night here is the short one CI runs: CENSUS_PEAK_RATE (default below) for
// CENSUS_DURATION_MIN (0.75: the shape's 10 s floor per stage makes that ~75 s). Without k6 it
// says so and exits 0, unless --require-k6 (CI: the binary is provided there, its absence is a fault).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startTouchpoint, type TouchpointProcess } from '../bench/touchpoint-process.ts';
import { findK6, NO_K6 } from './find-k6.ts';
import { readK6Summary, type K6Figures } from './k6-summary.ts';

/** Beacons/s at the plateau (×2.5 at the spike) that a 2-core box sustains with k6 and Touchpoint sharing it (load-tests/README.md). */
export const CI_PEAK_RATE = 200;

const args = process.argv.slice(2);
const requireK6 = args.includes('--require-k6');
const scenarios = args.filter((a) => !a.startsWith('--'));
if (scenarios.length === 0) scenarios.push('smoke', 'census-night');

const k6 = findK6();
if (!k6) {
  console.log(NO_K6);
  process.exit(requireK6 ? 1 : 0);
}
console.log(`k6: ${k6.path} (${k6.version})`);

const given = process.env.BASE_URL;
let tp: TouchpointProcess | undefined;
const logDir = mkdtempSync(join(tmpdir(), 'tp-k6-'));
if (!given) {
  console.log(`starting Touchpoint (logs in ${logDir})`);
  tp = await startTouchpoint(logDir, `k6-admin-${Math.random().toString(36).slice(2)}`);
}
const baseUrl = given ?? tp?.url ?? '';
const adminToken = given ? (process.env.ADMIN_TOKEN ?? '') : (tp?.adminToken ?? '');

const perScenario: Record<string, Record<string, string>> = {
  smoke: {},
  'census-night': { PEAK_RATE: process.env.CENSUS_PEAK_RATE ?? String(CI_PEAK_RATE), DURATION_MIN: process.env.CENSUS_DURATION_MIN ?? '0.75' },
};

let worst = 0;
const lines: string[] = [];
try {
  for (const name of scenarios) {
    const env = { BASE_URL: baseUrl, ADMIN_TOKEN: adminToken, KEY: process.env.KEY ?? 'demo', PROJECT: process.env.PROJECT ?? 'demo', RUN_ID: `${name}-${Date.now().toString(36)}`, ...perScenario[name] };
    const summaryFile = join(logDir, `${name}.summary.json`);
    const started = Date.now();
    const run = spawnSync(k6.path, ['run', '--quiet', '--summary-export', summaryFile, ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), join(REPO_ROOT, `load-tests/k6/${name}.js`)], { stdio: 'inherit' });
    const code = run.status ?? 1;
    worst = Math.max(worst, code);
    const figures = existsSync(summaryFile) ? readK6Summary(JSON.parse(readFileSync(summaryFile, 'utf8'))) : undefined;
    lines.push(describe(name, code, Math.round((Date.now() - started) / 1000), figures));
  }
} finally {
  await tp?.stop();
  if (tp) rmSync(tp.dataDir, { recursive: true, force: true });
}
for (const l of lines) console.log(l);
process.exit(worst);

function describe(name: string, code: number, secs: number, f: K6Figures | undefined): string {
  const verdict = code === 0 ? 'thresholds held' : code === 99 ? 'THRESHOLD CROSSED (k6 exit 99)' : `k6 exited ${code}`;
  if (!f) return `${name}: ${verdict}, no summary (${secs} s)`;
  const stored = f.stored === undefined ? 'stored: not checked' : `stored ${f.stored}`;
  const share = f.iterations + f.dropped > 0 ? (100 * f.dropped) / (f.iterations + f.dropped) : 0;
  return `${name}: ${verdict}; acked ${f.acked}, ${stored}, dropped iterations ${f.dropped} (${share.toFixed(2)} %), beacon p95 ${f.p95.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, ${f.iterations} iterations in ${secs} s`;
}
