import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Touchpoint } from '@touchpoint/node';
import { beacon, startTestTouchpoint, summary, tempDir, vital, waitFor } from '@touchpoint/node/testing';
import { buildRecord } from './spool-record.ts';
import { refusedData } from './clickhouse-sink.ts';

let tp: Touchpoint | undefined;
afterAll(async () => tp?.close());

const ctx = (receivedAt: number) => ({ project: 'demo', checkoutPage: /checkout/, receivedAt, client: { device: 'desktop', browser: 'chrome', browserVersion: '1', os: 'linux' } as const, country: '' });

// Validation keeps such rows out; this is the net under it. One row the engine cannot parse
// must not hold back the rows around it (or every later segment) for ever.
it('stores the rows around one the engine refuses, and keeps the refused row aside', async () => {
  const dataDir = tempDir('rejected-rows');
  const now = Date.now();
  const customer = `rejected-${now}`;
  const rows = Array.from({ length: 7 }, (_, i) => {
    const b = beacon([vital('LCP', 1000 + i)], { customer, session: `${customer}-${i}` });
    return buildRecord(b, b.events, ctx(now)).row;
  });
  // Row 3: a received_at the engine cannot read as a time.
  rows[3] = rows[3]!.replace(`,${now},`, ',"not a time",');
  mkdirSync(join(dataDir, 'spool'), { recursive: true });
  writeFileSync(join(dataDir, 'spool', 'seg-0000000000000002.log'), rows.join('\n') + `\n#${rows.length}\n`);

  tp = await startTestTouchpoint({ DATA_DIR: dataDir });
  const s = await waitFor(async () => {
    const s = await summary(tp!, { customer });
    return s.beacons === 6 && s;
  });
  expect(s.vitals.LCP?.count).toBe(6);
  expect(tp.ingest!.spool.sealed).toHaveLength(0);

  const files = readdirSync(join(dataDir, 'rejected')).sort();
  expect(files).toEqual(['seg-0000000000000002.jsonl']);
  const rejected = readFileSync(join(dataDir, 'rejected', files[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(rejected).toHaveLength(1);
  expect(rejected[0]).toMatchObject({ table: 'beacon_intake', segment: 'seg-0000000000000002', row: rows[3] });
  expect(rejected[0].error).toMatch(/Code: \d+/);
  const metrics = await (await fetch(`${tp.url}/metrics`)).text();
  expect(metrics).toMatch(/touchpoint_rows_rejected_total\{table="beacon_intake"\} 1/);

  // New beacons still flow.
  const b = beacon([vital('LCP', 4321)], { customer, session: `${customer}-new` });
  expect((await fetch(`${tp.url}/v1/beacon?key=demo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(b) })).status).toBe(204);
  await waitFor(async () => (await summary(tp!, { customer })).beacons === 7);
});

it('tells data the engine refuses from an engine that is away', () => {
  expect(refusedData(new Error('Code: 27. DB::Exception: Cannot parse input'))).toBe(true);
  expect(refusedData(new Error('connect ECONNREFUSED 127.0.0.1:8123'))).toBe(false);
  expect(refusedData(new Error('Code: 241. DB::Exception: Memory limit exceeded'))).toBe(false);
  expect(refusedData('Code: 27')).toBe(false);
});
