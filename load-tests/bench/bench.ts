/**
 * `npm run bench [name…]`: every benchmark of the repository, one after another, each in its
 * own process so one's engine, Redis and merges never run under another's measurement.
 *
 *   ingest    Touchpoint against a bare Fastify route: throughput, CPU per beacon, freshness,
 *             storage per beacon, the agent's size (ingest.ts; writes load-tests/results/)
 *   outreach  time to outreach, beacon POST → outreach webhook (outreach-latency.ts)
 *   outreach-browser  time to outreach in Chromium on the demo shop, click → email handed to
 *             SMTP, p95 (outreach-browser.ts)
 *   prompt    the in-page prompt: core agent and prompt chunk gzip sizes against their budgets,
 *             and the prompt's layout shift in Chromium, goal 0 (prompt.ts)
 *   queries   the dashboards' queries on 10 M events (query-speed.ts)
 *   privacy   the privacy module on the hot path: scrub cost per string and per beacon, typical,
 *             at the size limit, and the worst hostile text (privacy-cost.ts)
 *   hostile   whole-beacon CPU in a running Touchpoint, the worst hostile beacons next to a
 *             normal one of the same size; goal < 2× (hostile.ts)
 *
 * With no name, all of them in this order. Extra arguments after `--` go to every script.
 * Exits non-zero when any of them fails.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = {
  ingest: 'ingest.ts',
  outreach: 'outreach-latency.ts',
  'outreach-browser': 'outreach-browser.ts',
  prompt: 'prompt.ts',
  queries: 'query-speed.ts',
  privacy: 'privacy-cost.ts',
  hostile: 'hostile.ts',
} as const;
type Name = keyof typeof BENCHES;

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const names = (dash < 0 ? argv : argv.slice(0, dash)) as string[];
const extra = dash < 0 ? [] : argv.slice(dash + 1);
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; pick from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of (names.length ? names : Object.keys(BENCHES)) as Name[]) {
  console.log(`\n=== bench ${name}`);
  const script = fileURLToPath(new URL(BENCHES[name], import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...extra], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    console.error(`bench ${name} failed (exit ${r.status ?? r.signal})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
