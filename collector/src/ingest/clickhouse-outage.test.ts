import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Touchpoint } from '@touchpoint/node';
import { faultyConnection, type Faults } from '../testing/faulty-connection.ts';
import { beacon, postBeacon, startTestTouchpoint, summary, vital, waitFor } from '@touchpoint/node/testing';

const faults: Faults = { down: false, loseInsertResponses: false };
let tp: Touchpoint;
const runTag = `outage-${Date.now()}`;

beforeAll(async () => {
  tp = await startTestTouchpoint(
    { TOUCHPOINT_SPOOL_MAX_BYTES: String(150_000), TOUCHPOINT_FLUSH_INTERVAL_MS: '100', TOUCHPOINT_RATE_LIMIT: '0' },
    { wrapConnection: faultyConnection(faults) },
  );
});
afterAll(async () => tp?.close());

/** Sessions of this file share a customer so the summary can count exactly them. */
const send = (n: number) => postBeacon(tp, beacon([vital('LCP', 1000 + n), vital('FCP', 500)], { customer: runTag, session: `${runTag}-${n}` }));

it('keeps acknowledging into the spool while ClickHouse is down, answers 503 at the bound, and drains once it is back', async () => {
  for (let i = 0; i < 10; i++) expect((await send(i)).status).toBe(204);
  await waitFor(async () => (await summary(tp, { customer: runTag })).beacons === 10);

  faults.down = true;
  const ready = await fetch(`${tp.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ checks: { clickhouse: false } });

  let acked = 10;
  let refused: Awaited<ReturnType<typeof send>> | undefined;
  for (let i = 10; i < 5000 && !refused; i++) {
    const res = await send(i);
    if (res.status === 204) acked++;
    else refused = res;
    // Let the writer seal segments as it would under real traffic.
    if (i % 50 === 0) await new Promise((r) => setTimeout(r, 120));
  }
  expect(acked).toBeGreaterThan(20);
  expect(refused?.status).toBe(503);
  expect(refused?.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(refused?.body).toMatchObject({ code: 'TP_ERR_SPOOL_FULL' });

  // Back up, but the first inserts' responses are lost after they landed: retries must not double rows.
  faults.loseInsertResponses = true;
  faults.down = false;
  await new Promise((r) => setTimeout(r, 1500));
  faults.loseInsertResponses = false;

  const s = await waitFor(async () => {
    const s = await summary(tp, { customer: runTag });
    return s.beacons >= acked && s;
  }, 60_000, 250);
  expect(s.beacons).toBe(acked);
  expect(s.vitals.LCP?.count).toBe(acked);
  expect(tp.ingest!.spool.bytes).toBeLessThan(150_000);
  expect((await postBeacon(tp, beacon([vital('LCP', 1)]))).status).toBe(204);

  // Rollups count each row once too.
  const rs = await tp.storage.client.query({
    query: "SELECT sum(count) AS n FROM touchpoint.timings WHERE metric = 'FCP' AND project = 'demo' AND dim = ''",
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string | number }>();
  const raw = await tp.storage.client.query({ query: "SELECT count() AS n FROM touchpoint.vitals WHERE name = 'FCP'", format: 'JSONEachRow' });
  const [rawRow] = await raw.json<{ n: string | number }>();
  expect(Number(row!.n)).toBe(Number(rawRow!.n));
});
