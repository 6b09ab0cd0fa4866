import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKeys } from '@touchpoint/alerting/store/keys';
import { OutreachStore } from '@touchpoint/alerting/store/outreach-store';
import type { Touchpoint } from '@touchpoint/node';
import { getJson, startTestTouchpoint, tempDir } from '@touchpoint/node/testing';
import type { OutreachList } from '@touchpoint/protocol/outreach';
import { createOutreachLog } from '../storage/outreach-log.ts';

let tp: Touchpoint;
let redis: Redis;
const T = Date.UTC(2026, 10, 21, 9, 0, 0);

beforeAll(async () => {
  const dir = tempDir('outreach-route');
  const projects = join(dir, 'projects.json');
  writeFileSync(projects, JSON.stringify({ projects: [{ id: 'shop', key: 'shop-key', origins: ['*'] }] }));
  tp = await startTestTouchpoint({ TOUCHPOINT_PROJECTS: projects });
  redis = new Redis(tp.redisUrl);
  const outreachLog = createOutreachLog(tp.storage);
  const store = new OutreachStore(redis, storeKeys('tp'), 86_400_000);
  await outreachLog.record({ project: 'shop', incident: 'checkout_error/co-1', customer: 'cust-1', reason: 'checkout_error', channel: 'email', status: 'sent', at: T, checkout: 'co-1', timeToOutreachMs: 240 });
  // The same contact on a second channel: still one row in the list.
  await outreachLog.record({ project: 'shop', incident: 'checkout_error/co-1', customer: 'cust-1', reason: 'checkout_error', channel: 'webhook', status: 'sent', at: T + 30, checkout: 'co-1', timeToOutreachMs: 270 });
  await outreachLog.record({ project: 'shop', incident: 'checkout_stuck/co-2', customer: 'cust-2', reason: 'checkout_stuck', channel: 'none', status: 'holdout', at: T + 1000, checkout: 'co-2' });
  // Rows of a project that was removed from the projects file since: never listed.
  await outreachLog.record({ project: 'gone', incident: 'checkout_error/co-9', customer: 'cust-9', reason: 'checkout_error', channel: 'email', status: 'sent', at: T, checkout: 'co-9' });
  await store.addDeadLetter({ id: 'customer/shop/cust-3/checkout_error%2Fco-3/email', project: 'shop', audience: 'customer', channel: 'email', reason: 'checkout_error', incident: 'checkout_error/co-3', customer: 'cust-3', error: 'SMTP: connect ECONNREFUSED', attempts: 5, failedAt: T + 2000 });
});
afterAll(async () => {
  redis?.disconnect();
  await tp?.close();
});

describe('GET /api/v1/projects/:project/outreach', () => {
  it('lists one row per contact with its channels, the came-back rule, totals, a trend and dead letters', async () => {
    const res = await getJson<OutreachList>(tp, `/api/v1/projects/shop/outreach?from=${T - 60_000}&to=${T + 60_000}`);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.contacts).toEqual([
      { incident: 'checkout_stuck/co-2', customer: 'cust-2', reason: 'checkout_stuck', checkout: 'co-2', decision: 'holdout', at: T + 1000, channels: [{ channel: 'none', status: 'holdout', at: T + 1000 }], cameBack: false },
      {
        incident: 'checkout_error/co-1', customer: 'cust-1', reason: 'checkout_error', checkout: 'co-1', decision: 'sent', at: T, sentAt: T,
        channels: [{ channel: 'email', status: 'sent', at: T, timeToOutreachMs: 240 }, { channel: 'webhook', status: 'sent', at: T + 30, timeToOutreachMs: 270 }],
        cameBack: false,
      },
    ]);
    expect(body.totals).toEqual({ contacted: 1, completedAfterContact: 0, holdout: 1, completedInHoldout: 0, skipped: 0, lift: 0 });
    expect(body.cameBackRule).toEqual({ readDelayMs: 60_000, withinMs: 86_400_000 });
    expect(body.trend).toEqual([{ day: Date.UTC(2026, 10, 21), contacted: 1, completedAfterContact: 0, holdout: 1, completedInHoldout: 0, skipped: 0, lift: 0 }]);
    expect(body).toMatchObject({ matched: 2, nextCursor: null });
    expect(body.deadLetters).toMatchObject([{ channel: 'email', customer: 'cust-3', attempts: 5, error: 'SMTP: connect ECONNREFUSED' }]);
  });

  it('pages by the cursor it gives, and searches by customer or checkout', async () => {
    const w = `from=${T - 60_000}&to=${T + 60_000}`;
    const first = await getJson<OutreachList>(tp, `/api/v1/projects/shop/outreach?${w}&limit=1`);
    expect(first.body.contacts.map((c) => c.customer)).toEqual(['cust-2']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await getJson<OutreachList>(tp, `/api/v1/projects/shop/outreach?${w}&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.contacts.map((c) => c.customer)).toEqual(['cust-1']);
    expect(second.body.nextCursor).toBeNull();
    const found = await getJson<OutreachList>(tp, `/api/v1/projects/shop/outreach?${w}&q=${encodeURIComponent('CO-1')}`);
    expect(found.body.contacts.map((c) => c.checkout)).toEqual(['co-1']);
    expect(found.body).toMatchObject({ matched: 1, totals: { contacted: 1, holdout: 1 } });
  });

  it('answers 400 with a coded error for bad parameters, never 500', async () => {
    const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const q of [
      `from=${T}&to=${T - 1}`, 'limit=abc', 'limit=5000', 'limit=0', 'from=-5', 'from=0&to=1e300', `from=0&to=${T}`, 'to=NaN', 'extra=1', 'from=1.5',
      'cursor=', 'cursor=not%20base64!', `cursor=${'a'.repeat(2000)}`, 'cursor=bm9wZQ', `cursor=${forged({ at: 1 })}`, `cursor=${forged([-1, 'x'])}`, `cursor=${forged([1.5, 'x'])}`, `cursor=${forged([1, 2])}`, `cursor=${forged([1, 'x'.repeat(600)])}`,
      'q=', `q=${'x'.repeat(129)}`, 'q=%00', 'q=a%0Ab', 'q=a&q=b',
    ]) {
      const res = await getJson(tp, `/api/v1/projects/shop/outreach?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body, q).toMatchObject({ statusCode: 400, code: 'TP_ERR_BAD_QUERY', error: 'Bad Request' });
    }
  });

  it('answers 404 for a project that is not configured, even with stored incidents', async () => {
    for (const project of ['gone', 'nope']) {
      const res = await getJson(tp, `/api/v1/projects/${project}/outreach?from=${T - 60_000}&to=${T + 60_000}`);
      expect(res.status, project).toBe(404);
      expect(res.body).toMatchObject({ code: 'TP_ERR_UNKNOWN_PROJECT' });
    }
  });

  it('answers 401 without the admin token', async () => {
    expect((await getJson(tp, `/api/v1/projects/shop/outreach`, null)).status).toBe(401);
  });
});
