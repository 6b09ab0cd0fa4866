// npm run load:smoke: the smoke scenario with real k6 against a Touchpoint started here (fresh
// data directory) or against BASE_URL. Exits with k6's code, so broken thresholds (including
// the stored-count check) fail it. Without k6 on PATH it says how to get it and exits 0.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startTouchpoint, type TouchpointProcess } from '../bench/touchpoint-process.ts';

const INSTALL = `k6 is not on PATH, so the smoke scenario was not run.
k6 is a single Go binary from Grafana (not on npm). Get it with one of:
  Debian/Ubuntu:  follow https://grafana.com/docs/k6/latest/set-up/install-k6/ (Grafana's apt repository, then apt-get install k6)
  macOS:          brew install k6
  any OS:         download a release archive from https://github.com/grafana/k6/releases and put k6 on PATH
  Docker:         docker run --rm -i --network host -v "$PWD:/src" grafana/k6 run /src/load-tests/k6/smoke.js
Then run npm run load:smoke again (BASE_URL=… ADMIN_TOKEN=… to test a running Touchpoint).`;

if (spawnSync('k6', ['version'], { stdio: 'ignore' }).error) {
  console.log(INSTALL);
  process.exit(0);
}

const given = process.env.BASE_URL;
let tp: TouchpointProcess | undefined;
if (!given) {
  const logDir = mkdtempSync(join(tmpdir(), 'tp-smoke-'));
  console.log(`starting Touchpoint for the smoke run (logs in ${logDir})`);
  tp = await startTouchpoint(logDir, `smoke-${Math.random().toString(36).slice(2)}`);
}
const baseUrl = given ?? tp?.url ?? '';
const adminToken = given ? (process.env.ADMIN_TOKEN ?? '') : (tp?.adminToken ?? '');
const summaryFile = join(mkdtempSync(join(tmpdir(), 'tp-smoke-summary-')), 'summary.json');

const envArgs = Object.entries({
  BASE_URL: baseUrl,
  KEY: process.env.KEY ?? 'demo',
  PROJECT: process.env.PROJECT ?? 'demo',
  ADMIN_TOKEN: adminToken,
  ...(process.env.VUS ? { VUS: process.env.VUS } : {}),
  ...(process.env.ITERATIONS ? { ITERATIONS: process.env.ITERATIONS } : {}),
}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);

let code = 1;
try {
  const k6 = spawnSync('k6', ['run', '--summary-export', summaryFile, ...envArgs, join(REPO_ROOT, 'load-tests/k6/smoke.js')], { stdio: 'inherit' });
  code = k6.status ?? 1;
  if (existsSync(summaryFile)) {
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { metrics?: Record<string, { count?: number }> };
    const acked = summary.metrics?.tp_beacons_acked?.count ?? 0;
    const stored = summary.metrics?.tp_beacons_stored?.count;
    console.log(
      stored === undefined
        ? `acknowledged ${acked}, stored: not checked (no ADMIN_TOKEN)`
        : `acknowledged ${acked}, stored ${stored}${stored < acked ? `  ✗ LOSS of ${acked - stored} acknowledged beacons` : '  ✓'}`,
    );
  }
} finally {
  await tp?.stop();
  if (tp) rmSync(tp.dataDir, { recursive: true, force: true });
}
console.log(code === 0 ? 'smoke: thresholds held' : `smoke: k6 exited ${code} (99 = a threshold was crossed)`);
process.exit(code);
