/**
 * Query API benchmark (a script, not a test): seeds ~10 million vitals (plus the other event
 * families) spread over the last 24 h into a temporary embedded ClickHouse, generated inside the
 * engine with INSERT … SELECT … FROM numbers(), then times the dashboards' typical queries.
 *
 * The data is laid out the way the product holds it: all but the last hour in large inserts,
 * merged (old data), the last hour in one insert per minute (recent parts, fewer merges), and a
 * page's INP and CLS arrive up to 5 minutes after its LCP, as they do when the page is hidden.
 *
 *   node --import tsx load-tests/bench/query-speed.ts [--vitals 10000000] [--runs 15] [--out file.json] [--keep | --reuse DIR]
 *
 * Prints a table (p50/p95 ms per query) and writes the figures as JSON (--out, default
 * $TMPDIR/touchpoint-query-bench.json). The goal from issue 5: typical queries under 100 ms.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openClickHouse, quoteIdent, type Storage } from '@touchpoint/collector/storage/clickhouse';
import { migrate } from '@touchpoint/collector/storage/migrate';
import { queryErrors } from '@touchpoint/collector/storage/reports/errors';
import { queryFunnel } from '@touchpoint/collector/storage/reports/funnel';
import { queryPassRate } from '@touchpoint/collector/storage/reports/pass-rate';
import type { Window } from '@touchpoint/collector/storage/reports/report-sql';
import { querySession } from '@touchpoint/collector/storage/reports/session';
import { querySlowSessions } from '@touchpoint/collector/storage/reports/sessions';
import { queryThirdParties } from '@touchpoint/collector/storage/reports/third-parties';
import { queryBreakdown, queryTimeseries } from '@touchpoint/collector/storage/reports/timeseries';
import { DIMENSION_NAMES, pickBucket } from '@touchpoint/protocol/api/common';
import { DEFAULT_CHECKOUT_STEPS } from '@touchpoint/collector/projects';

const { values: args } = parseArgs({
  options: {
    vitals: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '15' },
    out: { type: 'string', default: join(tmpdir(), 'touchpoint-query-bench.json') },
    keep: { type: 'boolean', default: false },
    /** Reuse a data dir left by --keep: skips the 2–3 minutes of seeding. */
    reuse: { type: 'string' },
  },
});
const VITALS = Number(args.vitals);
const RUNS = Number(args.runs);
const PROJECT = 'bench';
const DAY = 86_400_000;
/** One insert per this many rows: keeps the engine's memory flat while the rollup views run. */
const CHUNK = 1_000_000;
/** The last hour goes in one insert per minute, like the batch writer's (per second) once merged. */
const RECENT = 1 / 24;
const RECENT_INSERTS = 60;
/** Runs before timing: caches, and the JIT compile on the fourth (see time()). */
const WARM_RUNS = 4;
/** Waiting for background merges after seeding stops after this long. */
const SETTLE_MS = 120_000;

/** The seeded day; with --reuse, the day that was seeded (the newest vital closes it). */
let end = Date.now();
let start = end - DAY;

/**
 * Shared generator pieces: row `number` of a table of {total} rows, spread evenly over the day;
 * `ratio` maps it onto the vitals' session space (5 vitals per session), so every family shares
 * sessions and dimensions, hashed from the session id.
 */
const dims = (ratio: number) => `
  number AS i,
  intDiv(number * ${ratio}, 5) AS sid,
  concat('s', toString(sid)) AS session,
  fromUnixTimestamp64Milli(toInt64({start:Int64} + intDiv(number * {span:UInt64}, {total:UInt64}))) AS t,
  concat('/p/', toString(cityHash64(sid, 1) % 40)) AS path,
  ['desktop', 'mobile', 'tablet'][cityHash64(sid, 2) % 3 + 1] AS device,
  ['Chrome', 'Safari', 'Firefox', 'Edge'][cityHash64(sid, 3) % 4 + 1] AS browser,
  ['Windows', 'iOS', 'Android', 'macOS'][cityHash64(sid, 3) % 4 + 1] AS os,
  ['AU', 'NZ', 'US', 'GB', 'DE', 'JP'][cityHash64(sid, 4) % 6 + 1] AS country,
  ['4g', '3g', 'unknown', 'slow-2g'][cityHash64(sid, 5) % 4 + 1] AS connection`;

async function seed(storage: Storage): Promise<Record<string, number>> {
  const db = quoteIdent(storage.database);
  const run = (query: string, params: Record<string, unknown>) => storage.client.command({ query, query_params: params });
  const gen = async (total: number, sql: string) => {
    const recentFrom = Math.floor(total * (1 - RECENT));
    for (let off = 0; off < recentFrom; off += CHUNK) {
      await run(sql, { start, span: DAY, total, off, n: Math.min(CHUNK, recentFrom - off) });
    }
    const step = Math.ceil((total - recentFrom) / RECENT_INSERTS);
    for (let off = recentFrom; off < total; off += step) {
      await run(sql, { start, span: DAY, total, off, n: Math.min(step, total - off) });
    }
  };
  const counts: Record<string, number> = {};
  const t = performance.now();

  counts.vitals = VITALS;
  await gen(VITALS, `INSERT INTO ${db}.vitals (project, event_time, received_at, session, customer, path, device, browser, os, country, connection, name, value, rating, navigation_type, target, attribution_url, phases)
    SELECT '${PROJECT}', t + toIntervalSecond(if(name IN ('INP', 'CLS'), cityHash64(sid, 7) % 300, 0)) AS at, at, session, '', path, device, browser, os, country, connection,
      ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'][i % 5 + 1] AS name,
      multiIf(name = 'LCP', 600 + cityHash64(i) % 4000, name = 'INP', 16 + cityHash64(i) % 600, name = 'CLS', (cityHash64(i) % 300) / 1000,
        name = 'FCP', 300 + cityHash64(i) % 2500, 40 + cityHash64(i) % 1200) AS value,
      '', 'navigate', if(name IN ('LCP', 'INP'), concat('#el', toString(cityHash64(i) % 50)), ''), '', map()
    FROM (SELECT ${dims(1)} FROM numbers({off:UInt64}, {n:UInt64}))`);

  // One navigation per page load (5 vitals): every phase, as the agent sends them.
  counts.navigations = Math.round(VITALS / 5);
  await gen(counts.navigations, `INSERT INTO ${db}.navigations (project, event_time, received_at, session, customer, path, device, browser, os, country, connection, dns, tcp, tls, ttfb, download, dom_interactive, dom_complete, load, transfer_size)
    SELECT '${PROJECT}', t, t, session, '', path, device, browser, os, country, connection,
      cityHash64(i, 1) % 60, cityHash64(i, 2) % 80, cityHash64(i, 3) % 90, 40 + cityHash64(i, 4) % 1200, cityHash64(i, 5) % 300,
      400 + cityHash64(i, 6) % 2500, 900 + cityHash64(i, 7) % 4000, 1000 + cityHash64(i, 8) % 4500, cityHash64(i, 9) % 500000
    FROM (SELECT ${dims(5)} FROM numbers({off:UInt64}, {n:UInt64}))`);

  // One beacon per 5 vitals: the events rollup (page loads, errors, failed requests).
  counts.beacons = Math.round(VITALS / 5);
  await gen(counts.beacons, `INSERT INTO ${db}.beacons (project, received_at, sent_at, clock_skew_ms, session, customer, page_url, host, path, device, browser, browser_version, os, country, connection, event_counts)
    SELECT '${PROJECT}', t, t, 0, session, '', concat('https://shop.example', path), 'shop.example', path, device, browser, '130', os, country, connection,
      map('vital', 5, 'nav', 1, 'error', toUInt16(cityHash64(i, 9) % 20 = 0), 'http', toUInt16(cityHash64(i, 8) % 25 = 0))
    FROM (SELECT ${dims(5)} FROM numbers({off:UInt64}, {n:UInt64}))`);

  counts.errors = Math.round(VITALS / 100);
  await gen(counts.errors, `INSERT INTO ${db}.errors (project, event_time, received_at, session, customer, path, device, browser, os, country, kind, message, stack, source, line, col)
    SELECT '${PROJECT}', t, t, session, '', path, device, browser, os, country, ['js', 'promise', 'resource'][i % 3 + 1],
      concat('Error number ', toString(cityHash64(i) % 200)), '', '', 0, 0
    FROM (SELECT ${dims(100)} FROM numbers({off:UInt64}, {n:UInt64}))`);

  counts.requests = Math.round(VITALS / 125);
  await gen(counts.requests, `INSERT INTO ${db}.requests (project, event_time, received_at, session, customer, path, device, browser, country, method, url, request_host, status, duration)
    SELECT '${PROJECT}', t, t, session, '', path, device, browser, country, 'GET', 'https://api.example/x',
      concat('api', toString(cityHash64(i) % 30), '.example'), [0, 404, 500, 502, 503][cityHash64(i, 1) % 5 + 1], cityHash64(i, 2) % 5000
    FROM (SELECT ${dims(125)} FROM numbers({off:UInt64}, {n:UInt64}))`);

  counts.resources = Math.round(VITALS / 10);
  await gen(counts.resources, `INSERT INTO ${db}.resources (project, event_time, received_at, session, path, device, country, resource_host, count, bytes, p95)
    SELECT '${PROJECT}', t, t, session, path, device, country, concat('cdn', toString(cityHash64(i) % 80), '.example'),
      1 + cityHash64(i, 1) % 10, cityHash64(i, 2) % 200000, cityHash64(i, 3) % 3000
    FROM (SELECT ${dims(10)} FROM numbers({off:UInt64}, {n:UInt64}))`);

  // Checkouts: 4 events each (start, two steps, then complete, error or nothing).
  counts.checkouts = Math.round(VITALS / 40);
  await gen(counts.checkouts, `INSERT INTO ${db}.checkouts (project, event_time, received_at, session, customer, path, device, country, checkout_id, step, step_name, reason, value, currency, order_id)
    SELECT '${PROJECT}', t, t, session, concat('c', toString(sid)), '/checkout', device, country, concat('co', toString(intDiv(i, 4))) AS cid,
      multiIf(i % 4 = 0, 'start', i % 4 < 3, 'step', cityHash64(cid) % 10 < 6, 'complete', cityHash64(cid) % 10 < 8, 'error', 'step') AS step,
      if(step = 'step', ['shipping', 'payment', 'review'][i % 4], ''), if(step = 'error', 'payment_declined', ''),
      if(step = 'start', 20 + cityHash64(cid) % 400, 0), 'AUD', ''
    FROM (SELECT ${dims(40)} FROM numbers({off:UInt64}, {n:UInt64}))`);

  counts.seedMs = Math.round(performance.now() - t);
  return counts;
}

/**
 * page_loads (migration 005) merges an hour's partition into one part once its parts are an hour
 * old (min_age_to_force_merge_seconds); an hour takes rows until ~1.5 h after it began, so in
 * the product every hour that began more than ~2.5 h ago is one part. The seed arrived seconds
 * ago: do now what that setting does by then, and leave the recent hours as they are.
 */
async function mergeClosedHours(storage: Storage): Promise<number> {
  const rs = await storage.client.query({
    query: `SELECT partition_id FROM system.parts WHERE database = {db:String} AND table = 'page_loads' AND active
      GROUP BY partition_id HAVING count() > 1 AND max(max_time) < fromUnixTimestamp64Milli({closed:Int64})`,
    query_params: { db: storage.database, closed: end - 2.5 * 3600_000 },
    format: 'JSONEachRow',
  });
  const ids = (await rs.json<{ partition_id: string }>()).map((r) => r.partition_id);
  for (const id of ids) {
    if (!/^[0-9a-f]+$/.test(id)) throw new Error(`unexpected partition id ${id}`);
    await storage.client.command({ query: `OPTIMIZE TABLE ${quoteIdent(storage.database)}.page_loads PARTITION ID '${id}' FINAL` });
  }
  return ids.length;
}

/**
 * Waits until no background merge has run for two seconds (at most SETTLE_MS): timings taken
 * while the engine still merges the seed measure the seeding, not the queries.
 */
async function settle(storage: Storage): Promise<{ waitedMs: number; tables: Record<string, { rows: number; parts: number }> }> {
  const t = performance.now();
  for (let quiet = 0; quiet < 4 && performance.now() - t < SETTLE_MS; ) {
    await new Promise((r) => setTimeout(r, 500));
    const rs = await storage.client.query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' });
    quiet = Number((await rs.json<{ n: string }>())[0]?.n) === 0 ? quiet + 1 : 0;
  }
  const rs = await storage.client.query({
    query: `SELECT table, sum(rows) AS rows, count() AS parts FROM system.parts WHERE database = {db:String} AND active GROUP BY table ORDER BY table`,
    query_params: { db: storage.database },
    format: 'JSONEachRow',
  });
  const tables = Object.fromEntries((await rs.json<{ table: string; rows: string; parts: string }>()).map((r) => [r.table, { rows: Number(r.rows), parts: Number(r.parts) }]));
  return { waitedMs: Math.round(performance.now() - t), tables };
}

interface Result { name: string; p50: number; p95: number; min: number; max: number }

async function time(name: string, fn: () => Promise<unknown>): Promise<Result> {
  // Warm: the first run reads marks into caches, and the engine compiles a query's expressions
  // (LLVM) the fourth time it sees them, once per process (min_count_to_compile_expression = 3):
  // that one run took 100+ ms more. A dashboard repeats its queries; time the repeats.
  for (let i = 0; i < WARM_RUNS; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]! * 10) / 10;
  return { name, p50: at(0.5), p95: at(0.95), min: at(0), max: at(1) };
}

async function main() {
  const dir = args.reuse ?? mkdtempSync(join(tmpdir(), 'tp-query-bench-'));
  const storage = await openClickHouse({ dataDir: dir, database: 'bench' });
  try {
    let seeded: Record<string, number> = { reused: 1 };
    if (!args.reuse) {
      await migrate(storage);
      process.stdout.write(`seeding ${VITALS.toLocaleString()} vitals over 24 h into ${dir} …\n`);
      seeded = await seed(storage);
      process.stdout.write(`seeded in ${(seeded.seedMs! / 1000).toFixed(1)} s: ${JSON.stringify(seeded)}\n`);
      seeded.closedHoursMerged = await mergeClosedHours(storage);
    }
    if (args.reuse) {
      // LCP closes the seeded day (INP and CLS run up to 5 minutes past it).
      const rs = await storage.client.query({ query: `SELECT toUnixTimestamp64Milli(max(received_at)) AS t FROM bench.vitals WHERE name = 'LCP'`, format: 'JSONEachRow' });
      const [{ t } = { t: String(end) }] = await rs.json<{ t: string }>();
      end = Number(t) + 1;
      start = end - DAY;
    }
    const settled = await settle(storage);
    process.stdout.write(`merges settled after ${(settled.waitedMs / 1000).toFixed(1)} s; rows and active parts: ${JSON.stringify(settled.tables)}\n`);

    const day: Window = { project: PROJECT, from: start, to: end };
    const hour: Window = { project: PROJECT, from: end - 3600_000, to: end };
    const results: Result[] = [];
    const bench = async (name: string, fn: () => Promise<unknown>) => {
      const r = await time(name, fn);
      results.push(r);
      process.stdout.write(`${name.padEnd(46)} p50 ${String(r.p50).padStart(7)} ms   p95 ${String(r.p95).padStart(7)} ms\n`);
    };
    await bench('timeseries LCP 24h auto', () => queryTimeseries(storage, day, 'LCP', pickBucket(day.from, day.to, 'auto'), {}));
    await bench('timeseries LCP 1h auto', () => queryTimeseries(storage, hour, 'LCP', pickBucket(hour.from, hour.to, 'auto'), {}));
    await bench('timeseries INP 24h device filter', () => queryTimeseries(storage, day, 'INP', pickBucket(day.from, day.to, 'auto'), { device: 'mobile' }));
    await bench('timeseries INP 24h path+device filter', () => queryTimeseries(storage, day, 'INP', pickBucket(day.from, day.to, 'auto'), { path: '/p/7', device: 'mobile' }));
    await bench('breakdown LCP by path 24h', () => queryBreakdown(storage, day, 'LCP', 'path', 20, {}));
    await bench('breakdown INP by country 24h', () => queryBreakdown(storage, day, 'INP', 'country', 20, {}));
    await bench('breakdown LCP by device 24h, path filter', () => queryBreakdown(storage, day, 'LCP', 'device', 20, { path: '/p/7' }));
    await bench('timeseries ttfb (navigation) 24h auto', () => queryTimeseries(storage, day, 'ttfb', pickBucket(day.from, day.to, 'auto'), {}));
    await bench('breakdown ttfb (navigation) by path 24h', () => queryBreakdown(storage, day, 'ttfb', 'path', 20, {}));
    await bench('vitals pass rate 1h', () => queryPassRate(storage, hour, undefined, 1, {}));
    await bench('vitals pass rate 24h', () => queryPassRate(storage, day, undefined, 1, {}));
    await bench('vitals pass rate 24h by device', () => queryPassRate(storage, day, 'device', 20, {}));
    await bench('errors 24h', () => queryErrors(storage, day, pickBucket(day.from, day.to, 'auto'), 10));
    await bench('errors 24h, path filter', () => queryErrors(storage, day, pickBucket(day.from, day.to, 'auto'), 10, { path: '/p/7' }));
    // errors and requests store no connection: the filter goes through `beacons` (family-filters.ts).
    await bench('errors 24h, connection filter', () => queryErrors(storage, day, pickBucket(day.from, day.to, 'auto'), 10, { connection: '3g' }));
    await bench('third parties 24h', () => queryThirdParties(storage, day, 'bytes', 20));
    await bench('third parties 24h, browser filter', () => queryThirdParties(storage, day, 'bytes', 20, { browser: 'Safari' }));
    await bench('funnel 24h', () => queryFunnel(storage, day, { stuckAfterMs: 15 * 60_000, asOf: end, limit: 50, declared: DEFAULT_CHECKOUT_STEPS }));
    await bench('slow sessions LCP 24h', () => querySlowSessions(storage, day, 'LCP', 20, {}));
    await bench('slow sessions LCP 1h path filter', () => querySlowSessions(storage, hour, 'LCP', 20, { path: '/p/3' }));
    // One session of mid-day (5 vitals, a navigation, a beacon…), found in a 24 h window.
    const midDay = `s${Math.floor(VITALS / 10)}`;
    await bench('session story 24h window', async () => {
      if (!(await querySession(storage, day, midDay))) throw new Error(`no session ${midDay} in the seed`);
    });
    // What the SRE view asks for at once (dashboards/public/views/sre.js), on 2 cores.
    await bench('SRE view 24h (10 queries at once)', () =>
      Promise.all([
        queryPassRate(storage, day, undefined, 1, {}),
        queryTimeseries(storage, day, 'LCP', pickBucket(day.from, day.to, 'auto'), {}),
        queryErrors(storage, day, pickBucket(day.from, day.to, 'auto'), 10),
        queryThirdParties(storage, day, 'bytes', 10),
        querySlowSessions(storage, day, 'LCP', 10, {}),
        ...DIMENSION_NAMES.map((by) => queryBreakdown(storage, day, 'LCP', by, 8, {})),
      ]),
    );

    const report = { engine: storage.engine, seeded, settled, runs: RUNS, at: new Date().toISOString(), results };
    writeFileSync(args.out!, JSON.stringify(report, null, 2));
    process.stdout.write(`\n| query | p50 ms | p95 ms |\n| --- | ---: | ---: |\n${results.map((r) => `| ${r.name} | ${r.p50} | ${r.p95} |`).join('\n')}\n\nwritten to ${args.out}\n`);
  } finally {
    await storage.close();
    if (!args.keep && !args.reuse) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
