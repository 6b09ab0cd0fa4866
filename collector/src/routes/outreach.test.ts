import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKeys } from '@touchpoint/alerting/store/keys';
import { OutreachStore } from '@touchpoint/alerting/store/outreach-store';
import { startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
import { openClickHouse, type Storage } from '../storage/clickhouse.ts';
import { migrate } from '../storage/migrate.ts';
import { createOutreachLog } from '../storage/outreach-log.ts';
import outreachRoutes from './outreach.ts';

let dir: string;
let storage: Storage;
let redisServer: PrivateRedis;
let redis: Redis;
let app: FastifyInstance;
const T = Date.UTC(2026, 10, 21, 9, 0, 0);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-outreach-route-'));
  storage = await openClickHouse({ dataDir: join(dir, 'ch'), database: `outreach_route_${process.pid}` });
  await migrate(storage);
  redisServer = await startPrivateRedis({ dir: join(dir, 'redis') });
  redis = new Redis(redisServer.url);
  const outreachLog = createOutreachLog(storage);
  const store = new OutreachStore(redis, storeKeys('tp'), 86_400_000);
  await outreachLog.record({ project: 'shop', incident: 'checkout_error/co-1', customer: 'cust-1', reason: 'checkout_error', channel: 'email', status: 'sent', at: T, checkout: 'co-1', timeToOutreachMs: 240 });
  await outreachLog.record({ project: 'shop', incident: 'checkout_stuck/co-2', customer: 'cust-2', reason: 'checkout_stuck', channel: 'none', status: 'holdout', at: T + 1000, checkout: 'co-2' });
  await store.addDeadLetter({ id: 'customer/shop/cust-3/checkout_error%2Fco-3/email', project: 'shop', audience: 'customer', channel: 'email', reason: 'checkout_error', incident: 'checkout_error/co-3', customer: 'cust-3', error: 'SMTP: connect ECONNREFUSED', attempts: 5, failedAt: T + 2000 });
  app = Fastify();
  await app.register(outreachRoutes, { outreach: { log: outreachLog, deadLetters: store } });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  redis?.disconnect();
  await redisServer?.stop();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/v1/projects/:project/outreach', () => {
  it('lists incidents with outcomes, totals and dead letters', async () => {
    const res = await app.inject({ url: `/api/v1/projects/shop/outreach?from=${T - 60_000}&to=${T + 60_000}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.incidents).toEqual([
      { incident: 'checkout_stuck/co-2', customer: 'cust-2', reason: 'checkout_stuck', channel: 'none', status: 'holdout', checkout: 'co-2', at: T + 1000, holdout: true, completedAfter: false },
      { incident: 'checkout_error/co-1', customer: 'cust-1', reason: 'checkout_error', channel: 'email', status: 'sent', checkout: 'co-1', at: T, timeToOutreachMs: 240, holdout: false, completedAfter: false },
    ]);
    expect(body.totals).toEqual({ contacted: 1, completedAfterContact: 0, holdout: 1, completedInHoldout: 0, skipped: 0, lift: 0 });
    expect(body.deadLetters).toMatchObject([{ channel: 'email', customer: 'cust-3', attempts: 5, error: 'SMTP: connect ECONNREFUSED' }]);
  });

  it('answers 400 with a coded error for bad parameters', async () => {
    for (const q of [`from=${T}&to=${T - 1}`, 'limit=abc', 'limit=5000', 'from=-5']) {
      const res = await app.inject({ url: `/api/v1/projects/shop/outreach?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(res.json(), q).toMatchObject({ statusCode: 400, code: 'TP_ERR_BAD_QUERY', error: 'Bad Request' });
    }
  });
});
