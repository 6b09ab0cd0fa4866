/**
 * The funnel over a project's declared checkout steps, on the real engine: raw checkout rows go
 * into `checkouts` and its materialized view fills `checkouts_1h`, as ingest does. Checkouts skip
 * steps, repeat them, reach them out of order and send steps the project never declared; the
 * counts must still never rise from one step to the next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@touchpoint/node/testing';
import { openClickHouse, quoteIdent, type Storage } from './clickhouse.ts';
import { migrate } from './migrate.ts';
import { queryFunnel } from './reports/funnel.ts';

const MIN = 60_000;
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const now = Date.now();
const DECLARED = ['cart', 'details', 'shipping', 'payment', 'review'];

let storage: Storage;

/** One checkout's events, `minutesAgo` apart as listed: [step, name or reason]. */
function journey(id: string, startMinutesAgo: number, events: [string, string?][], value = 10) {
  return events.map(([step, detail], i) => {
    const at = now - startMinutesAgo * MIN + i * 1000;
    return {
      project: 'ordered', event_time: chTime(at), received_at: chTime(at), session: `s-${id}`, customer: `c-${id}`, path: '/checkout', device: 'desktop',
      country: 'AU', checkout_id: id, step, step_name: step === 'step' ? (detail ?? '') : '', reason: step === 'error' ? (detail ?? '') : '',
      value: step === 'start' ? value : 0, currency: 'AUD', order_id: '',
    };
  });
}

beforeAll(async () => {
  storage = await openClickHouse({ dataDir: tempDir('ordered-funnel'), database: `ordered_funnel_${process.pid}` });
  await migrate(storage);
  const db = quoteIdent(storage.database);
  const rows = [
    // In order, completed.
    ...journey('a', 30, [['start'], ['step', 'cart'], ['step', 'details'], ['step', 'shipping'], ['step', 'payment'], ['step', 'review'], ['complete']]),
    // Skips details and review (a one-page checkout), completed: counts at every step.
    ...journey('b', 30, [['start'], ['step', 'cart'], ['step', 'shipping'], ['step', 'payment'], ['complete']]),
    // Repeats details three times, then fails at payment.
    ...journey('c', 30, [['start'], ['step', 'details'], ['step', 'details'], ['step', 'details'], ['step', 'payment'], ['error', 'card_declined']], 250),
    // Jumps straight to shipping (came back from a saved basket) and gets stuck there.
    ...journey('d', 60, [['start'], ['step', 'shipping']], 70),
    // Steps out of order (payment before details): the furthest is payment.
    ...journey('e', 2, [['start'], ['step', 'payment'], ['step', 'details']]),
    // Only steps the project never declared.
    ...journey('f', 2, [['start'], ['step', 'gift-wrap'], ['step', 'upsell'], ['step', 'gift-wrap']]),
    // Starts and does nothing else (recently: still open, like e and f).
    ...journey('g', 2, [['start']]),
  ];
  // Two inserts, as two beacons would be: the rollup merges a checkout across them.
  await storage.client.insert({ table: `${db}.checkouts`, format: 'JSONEachRow', values: rows.slice(0, 9) });
  await storage.client.insert({ table: `${db}.checkouts`, format: 'JSONEachRow', values: rows.slice(9) });
});

afterAll(async () => {
  await storage?.close();
});

const window = { project: 'ordered', from: now - 3 * 3_600_000, to: now + MIN };
const funnel = (declared = DECLARED, checkout?: string) =>
  queryFunnel(storage, window, { stuckAfterMs: 15 * MIN, asOf: now, limit: 10, declared, ...(checkout ? { checkout } : {}) });

describe('the ordered funnel', () => {
  it('counts each checkout at every declared step up to its furthest one, so counts never rise', async () => {
    const r = await funnel();
    expect(r.steps).toEqual([
      { step: 'start', checkouts: 7, dropOff: null },
      // a, b (completed), c (payment), d (shipping), e (payment)
      { step: 'cart', checkouts: 5, dropOff: 0.2857 },
      { step: 'details', checkouts: 5, dropOff: 0 },
      { step: 'shipping', checkouts: 5, dropOff: 0 },
      // d stopped at shipping
      { step: 'payment', checkouts: 4, dropOff: 0.2 },
      // only the completed ones went past payment
      { step: 'review', checkouts: 2, dropOff: 0.5 },
      { step: 'complete', checkouts: 2, dropOff: 0 },
    ]);
    for (let i = 1; i < r.steps.length; i++) expect(r.steps[i]!.checkouts).toBeLessThanOrEqual(r.steps[i - 1]!.checkouts);
    expect(r).toMatchObject({ started: 7, completed: 2, failed: 1, stuck: 1 });
  });

  it('lists undeclared steps apart, each checkout once however often it sent the step', async () => {
    const r = await funnel();
    expect(r.otherSteps).toEqual([
      { step: 'gift-wrap', checkouts: 1 },
      { step: 'upsell', checkouts: 1 },
    ]);
    expect(r.steps.map((s) => s.step)).not.toContain('gift-wrap');
  });

  it('follows the order the project declares, whatever order shoppers sent the steps in', async () => {
    const r = await funnel(['payment', 'details']);
    // a, b, c, e reached payment or beyond; c and e also sent details, but counting stops at the
    // furthest declared step, and for b (no details) details comes after payment in this order.
    expect(r.steps.map((s) => [s.step, s.checkouts])).toEqual([['start', 7], ['payment', 4], ['details', 4], ['complete', 2]]);
    expect(r.otherSteps.map((s) => s.step).sort()).toEqual(['cart', 'gift-wrap', 'review', 'shipping', 'upsell']);
  });

  it('reports one checkout on its own for a link from an alert, and null for an unknown one', async () => {
    const r = await funnel(DECLARED, 'c');
    expect(r.focus).toEqual({
      checkout: 'c', status: 'failed', customer: 'c-c', session: 's-c', value: 250, currency: 'AUD', lastStep: 'error', reason: 'card_declined',
      steps: ['details', 'payment'], startedAt: expect.any(Number), lastAt: expect.any(Number),
    });
    expect((await funnel(DECLARED, 'd')).focus).toMatchObject({ status: 'stuck', lastStep: 'shipping', value: 70 });
    expect((await funnel(DECLARED, 'nope')).focus).toBeNull();
    expect((await funnel()).focus).toBeUndefined();
  });
});
