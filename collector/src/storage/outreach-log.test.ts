import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutreachEntry, OutreachLog } from '@touchpoint/protocol/outreach';
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

async function completes(customer: string, at: number) {
  await storage.client.insert({
    table: `${storage.database}.checkouts`,
    format: 'JSONEachRow',
    values: [{ project: 'shop', event_time: chTime(at), received_at: chTime(at), session: `s-${customer}`, customer, path: '/checkout', checkout_id: `co2-${customer}`, step: 'complete', value: 10, currency: 'AUD' }],
  });
}

describe('ClickHouse outreach log', () => {
  it('stores decisions once, and reads outcomes, totals and lift', async () => {
    await log.record(entry('cust-a', 'sent', 'email', { timeToOutreachMs: 180 }));
    await log.record(entry('cust-a', 'sent', 'webhook', { timeToOutreachMs: 90 }));
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

    const report = await log.list({ project: 'shop', from: T - H, to: T + H, limit: 100 });
    expect(report.incidents).toHaveLength(7);
    const a = report.incidents.filter((i) => i.customer === 'cust-a');
    expect(a.map((i) => i.channel).sort()).toEqual(['email', 'webhook']);
    expect(a.every((i) => i.completedAfter && i.completedAt === T + H)).toBe(true);
    expect(a.find((i) => i.channel === 'email')).toMatchObject({ status: 'sent', at: T, timeToOutreachMs: 180, checkout: 'co-cust-a', holdout: false });
    expect(report.incidents.find((i) => i.customer === 'cust-b')?.completedAfter).toBe(false);
    expect(report.incidents.find((i) => i.customer === 'cust-h1')).toMatchObject({ holdout: true, completedAfter: true });
    expect(report.incidents.find((i) => i.customer === 'cust-s')).toMatchObject({ status: 'skipped', skipReason: 'no_consent', completedAfter: false });
    expect(report.totals).toEqual({ contacted: 2, completedAfterContact: 1, holdout: 3, completedInHoldout: 1, skipped: 1, lift: expect.closeTo(0.5 - 1 / 3, 6) });

    const limited = await log.list({ project: 'shop', from: T - H, to: T + H, limit: 2 });
    expect(limited.incidents).toHaveLength(2);
    expect(limited.totals.contacted).toBe(2); // totals are not limited
  });

  it('erases one customer', async () => {
    await log.eraseCustomer('shop', 'cust-a');
    const report = await log.list({ project: 'shop', from: T - H, to: T + H, limit: 100 });
    expect(report.incidents.some((i) => i.customer === 'cust-a')).toBe(false);
    expect(report.incidents.some((i) => i.customer === 'cust-b')).toBe(true);
  });
});
