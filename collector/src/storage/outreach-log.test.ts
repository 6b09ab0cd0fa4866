import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutreachEntry, OutreachLog, OutreachQuery } from '@touchpoint/protocol/outreach';
import { openClickHouse, type Storage } from './clickhouse.ts';
import { migrate } from './migrate.ts';
import { createOutreachLog } from './outreach-log.ts';

let dir: string;
let storage: Storage;
let log: OutreachLog;
const H = 3_600_000;
const T = Date.UTC(2026, 10, 20, 12, 0, 0);
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-outreach-log-'));
  storage = await openClickHouse({ dataDir: dir, database: `outreach_${process.pid}` });
  await migrate(storage);
  log = createOutreachLog(storage);
});
afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

const entry = (customer: string, status: OutreachEntry['status'], channel: OutreachEntry['channel'], extra: Partial<OutreachEntry> = {}): OutreachEntry => ({
  project: 'shop',
  incident: `checkout_error/co-${customer}`,
  customer,
  reason: 'checkout_error',
  channel,
  status,
  at: T,
  checkout: `co-${customer}`,
  ...extra,
});

/** A checkout of the customer: its start `startedAt`, completed `completedAt` (each received at once). */
async function checkout(customer: string, id: string, startedAt: number, completedAt: number) {
  const row = (step: string, at: number) => ({ project: 'shop', event_time: chTime(at), received_at: chTime(at), session: `s-${customer}`, customer, path: '/checkout', checkout_id: id, step, value: 10, currency: 'AUD' });
  await storage.client.insert({ table: `${storage.database}.checkouts`, format: 'JSONEachRow', values: [row('start', startedAt), row('complete', completedAt)] });
}
/** A checkout begun and completed a minute apart, completed at `at`. */
const completes = (customer: string, at: number) => checkout(customer, `co2-${customer}-${at}`, at - 60_000, at);

const list = (q: Partial<OutreachQuery> = {}) => log.list({ project: 'shop', from: T - H, to: T + H, limit: 100, readDelayMs: 60_000, ...q });

describe('ClickHouse outreach log', () => {
  it('stores decisions once, one contact per incident with its channels, and reads outcomes, totals and lift', async () => {
    await log.record(entry('cust-a', 'sent', 'email', { timeToOutreachMs: 180 }));
    await log.record(entry('cust-a', 'sent', 'webhook', { at: T + 40, timeToOutreachMs: 90 }));
    // A retry after a crash records the same decision again, a little later: still one row.
    await log.record(entry('cust-a', 'sent', 'email', { at: T + 5, timeToOutreachMs: 185 }));
    await log.record(entry('cust-b', 'sent', 'email'));
    for (const c of ['cust-h1', 'cust-h2', 'cust-h3']) await log.record(entry(c, 'holdout', 'none'));
    await log.record(entry('cust-s', 'skipped', 'none', { skipReason: 'no_consent' }));
    await log.record(entry('other', 'sent', 'email', { project: 'other-shop' }));

    await completes('cust-a', T + H); // came back within 24 h
    await completes('cust-b', T - H); // completed before contact: does not count
    await completes('cust-b', T + 25 * H); // too late
    await completes('cust-h1', T + 2 * H);

    const report = await list();
    expect(report.contacts).toHaveLength(6);
    expect(report.matched).toBe(6);
    const a = report.contacts.find((c) => c.customer === 'cust-a');
    expect(a).toMatchObject({ decision: 'sent', at: T, sentAt: T, checkout: 'co-cust-a', cameBack: true, cameBackAt: T + H });
    expect(a?.channels).toEqual([
      { channel: 'email', status: 'sent', at: T, timeToOutreachMs: 180 },
      { channel: 'webhook', status: 'sent', at: T + 40, timeToOutreachMs: 90 },
    ]);
    expect(report.contacts.find((c) => c.customer === 'cust-b')?.cameBack).toBe(false);
    expect(report.contacts.find((c) => c.customer === 'cust-h1')).toMatchObject({ decision: 'holdout', cameBack: true });
    expect(report.contacts.find((c) => c.customer === 'cust-s')).toMatchObject({ decision: 'skipped', skipReason: 'no_consent', cameBack: false, channels: [{ channel: 'none', status: 'skipped', skipReason: 'no_consent' }] });
    expect(report.totals).toEqual({ contacted: 2, completedAfterContact: 1, holdout: 3, completedInHoldout: 1, skipped: 1, lift: expect.closeTo(0.5 - 1 / 3, 6) });
  });

  it('counts as "came back" only a checkout begun once the message could have been read', async () => {
    const at = T + 10 * 60_000;
    for (const c of ['cust-quick', 'cust-later', 'cust-inflight']) await log.record(entry(c, 'sent', 'email', { at }));
    // 1.5 s after the email: the checkout they were in, finished. Not a return.
    await checkout('cust-quick', 'co-quick', at - 30_000, at + 1500);
    // Begun 10 minutes after the email, completed 3 minutes later: a return.
    await checkout('cust-later', 'co-later', at + 10 * 60_000, at + 13 * 60_000);
    // Begun before the email, completed an hour after it: still not a return.
    await checkout('cust-inflight', 'co-inflight', at - 60_000, at + H);
    const byCustomer = new Map((await list()).contacts.map((c) => [c.customer, c]));
    expect(byCustomer.get('cust-quick')?.cameBack).toBe(false);
    expect(byCustomer.get('cust-later')).toMatchObject({ cameBack: true, cameBackAt: at + 13 * 60_000 });
    expect(byCustomer.get('cust-inflight')?.cameBack).toBe(false);
    // With no read delay the quick one begun before the email still does not count; one begun
    // a second after it would (the delay is the project's setting, not a constant).
    await checkout('cust-quick', 'co-quick-2', at + 1000, at + 5000);
    expect(new Map((await list({ readDelayMs: 0 })).contacts.map((c) => [c.customer, c])).get('cust-quick')?.cameBack).toBe(true);
    expect(new Map((await list()).contacts.map((c) => [c.customer, c])).get('cust-quick')?.cameBack).toBe(false);
  });

  it('pages newest first by cursor, without gaps or repeats, and totals ignore paging', async () => {
    const all = (await list()).contacts.map((c) => c.incident);
    const seen: string[] = [];
    let after: OutreachQuery['after'];
    for (let i = 0; i < 10; i++) {
      const page = await list({ limit: 3, ...(after ? { after } : {}) });
      expect(page.totals.contacted).toBe(5); // the window's, whatever the page
      seen.push(...page.contacts.map((c) => c.incident));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(all.length);
    const ats = (await list()).contacts.map((c) => c.at);
    expect([...ats].sort((x, y) => y - x)).toEqual(ats);
  });

  it('searches by part of a customer or checkout id, any case, with the count of matches', async () => {
    const byCustomer = await list({ search: 'CUST-H' });
    expect(byCustomer.contacts.map((c) => c.customer).sort()).toEqual(['cust-h1', 'cust-h2', 'cust-h3']);
    expect(byCustomer.matched).toBe(3);
    expect(byCustomer.totals.holdout).toBe(3); // totals are the window's
    expect((await list({ search: 'co-cust-s' })).contacts.map((c) => c.customer)).toEqual(['cust-s']);
    // Values are bound, never spliced: SQL in a search is just text that matches nothing.
    expect((await list({ search: "' OR 1=1 --" })).contacts).toEqual([]);
    expect((await list({ search: 'nobody' })).matched).toBe(0);
  });

  it('gives a trend per UTC day of the window, days without contacts included', async () => {
    const from = Date.UTC(2026, 10, 18);
    const report = await list({ from, to: Date.UTC(2026, 10, 21) });
    expect(report.trend.map((d) => d.day)).toEqual([Date.UTC(2026, 10, 18), Date.UTC(2026, 10, 19), Date.UTC(2026, 10, 20)]);
    expect(report.trend.slice(0, 2).every((d) => d.contacted === 0 && d.lift === null)).toBe(true);
    expect(report.trend[2]).toMatchObject({ contacted: 5, holdout: 3, completedInHoldout: 1 });
    expect(report.trend[2]?.contacted).toBe(report.totals.contacted);
  });

  it('erases one customer', async () => {
    await log.eraseCustomer('shop', 'cust-a');
    const report = await list();
    expect(report.contacts.some((i) => i.customer === 'cust-a')).toBe(false);
    expect(report.contacts.some((i) => i.customer === 'cust-b')).toBe(true);
  });
});
