/**
 * Erasure of one customer on the real engine (chDB), real Redis and a real SMTP peer: a customer
 * identifies with email and consent, checks out, fails and is emailed, shops in more sessions
 * (one tied to them only by an `identify`), has a message still waiting (the outreach webhook is
 * down) and a checkout still open (its stuck timer pending), and a row of theirs the engine
 * refused. Then DELETE …/customers/:customer, and nothing of theirs is left: no query route, no
 * Redis key or value (BullMQ job data and event streams included), no row of any ClickHouse table,
 * no rejected-rows line names their id, email, sessions or checkouts, and the waiting message is
 * never sent. Another customer's data is untouched throughout.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Beacon, BeaconEvent } from '@touchpoint/protocol';
import type { ErasureReceipt } from '@touchpoint/protocol/erasure';
import { startSmtpSink, type SmtpSink } from '@touchpoint/alerting/testing/smtp-sink';
import { startWebhookSink, type WebhookSink } from '@touchpoint/alerting/testing/webhook-sink';
import { buildRecord } from '@touchpoint/collector/ingest/spool-record';
import type { Touchpoint } from './start.ts';
import { ADMIN_TOKEN, beacon, getJson, postBeacon, startTestTouchpoint, summary, tempDir, vital, waitFor } from './testing.ts';

const A = {
  customer: 'erase-me-7f3a',
  email: 'erase.me.7f3a@example.com',
  sessions: ['sess-erase-7f3a-0', 'sess-erase-7f3a-1', 'sess-erase-7f3a-2', 'sess-erase-7f3a-3'],
  checkouts: ['co-erase-7f3a-1', 'co-erase-7f3a-2'],
};
const B = { customer: 'keep-me-91bc', email: 'keep.me.91bc@example.com', sessions: ['sess-keep-91bc-1'], checkouts: ['co-keep-91bc-1'] };
const needlesOf = (c: typeof A) => [c.customer, c.email, ...c.sessions, ...c.checkouts];

let tp: Touchpoint;
let smtp: SmtpSink;
let hooks: WebhookSink;
let redis: Redis;
let dataDir: string;

beforeAll(async () => {
  smtp = await startSmtpSink();
  hooks = await startWebhookSink();
  hooks.status = 503; // the outreach webhook is down: its messages wait for a retry
  dataDir = tempDir('erasure');
  writeRefusedRows(dataDir);
  tp = await startTestTouchpoint({
    DATA_DIR: dataDir,
    TOUCHPOINT_ROLES: 'collector,worker',
    TOUCHPOINT_SMTP_URL: smtp.url,
    TOUCHPOINT_OUTREACH_WEBHOOK: `${hooks.url}/outreach`,
    TOUCHPOINT_ALERT_EMAIL: 'marketing@shop.example',
    // The failed webhook is retried 20 s later: long after the erasure.
    TOUCHPOINT_DELIVERY_ATTEMPTS: '2',
    TOUCHPOINT_DELIVERY_BACKOFF: '20s',
    TOUCHPOINT_STUCK_AFTER: '10m',
    // Marketer alerts go through an alert group, told a second after it opens: its state names
    // the checkouts too, and must go with them.
    TOUCHPOINT_ALERT_GROUP_WAIT: '1s',
    TOUCHPOINT_ALERT_GROUP_INTERVAL: '2s',
  });
  redis = new Redis(tp.redisUrl);
});

afterAll(async () => {
  redis?.disconnect();
  await tp?.close();
  await hooks?.close();
  await smtp?.close();
});

describe('DELETE /api/v1/projects/:project/customers/:customer', () => {
  let receipt: ErasureReceipt;
  let loadsOfA: string[];
  let bBefore: Record<string, number>;
  let mailsToA: number;

  it('before: the customer is everywhere', async () => {
    await shop();
    await waitFor(async () => smtp.mails.some((m) => m.to.includes(A.email)) && smtp.mails.some((m) => m.to.includes(B.email)) && smtp.mails.some((m) => m.to.includes('marketing@shop.example')));
    // The webhook to the customer failed and waits for its retry.
    await waitFor(async () => (await delayedDeliveries()).some((d) => d.customer === A.customer && d.channel === 'webhook'));
    await waitFor(async () => (await outreach()).includes(A.customer) && (await outreach()).includes(B.customer));
    expect(readRejected()).toContain(A.customer);

    expect((await summary(tp, { customer: A.customer })).beacons).toBe(3);
    expect(await redisMentions(needlesOf(A))).not.toEqual([]);
    expect(await clickhouseMentions(needlesOf(A))).not.toEqual([]);
    loadsOfA = await pageLoadKeys(A.sessions);
    expect(loadsOfA.length).toBeGreaterThan(0);
    expect(await pageLoadRows(loadsOfA)).toBeGreaterThan(0);
    bBefore = await rowsPerTable(needlesOf(B));
    expect(bBefore.beacons).toBeGreaterThan(0);
    expect(bBefore.outreach_log).toBeGreaterThan(0);
    mailsToA = smtp.mails.filter((m) => m.to.includes(A.email)).length;
  });

  it('answers 202 with a receipt, which says when the erasure is complete', async () => {
    const res = await request('DELETE', `/api/v1/projects/demo/customers/${A.customer}`);
    expect(res.status).toBe(202);
    const pending = res.body as ErasureReceipt;
    expect(pending).toMatchObject({ project: 'demo', status: 'pending', attempts: 0 });
    expect(res.headers.get('location')).toBe(`/api/v1/projects/demo/erasures/${pending.id}`);
    receipt = await waitFor(async () => {
      const r = await getJson<ErasureReceipt>(tp, `/api/v1/projects/demo/erasures/${pending.id}`);
      expect(r.status).toBe(200);
      return r.body.status === 'complete' && r.body;
    }, 60_000, 200);
    expect(receipt.completedAt).toBeGreaterThanOrEqual(receipt.startedAt!);
    expect(receipt.startedAt).toBeGreaterThanOrEqual(receipt.requestedAt);
    expect(receipt.linked).toEqual({ sessions: 4, checkouts: 2 });
    const ch = receipt.removed!.clickhouse!;
    for (const table of ['beacons', 'vitals', 'navigations', 'resources', 'errors', 'requests', 'checkouts', 'custom_events', 'feedback', 'page_loads', 'checkouts_1h', 'outreach_log']) {
      expect(ch[table], table).toBeGreaterThan(0);
    }
    expect(ch.timings).toBeUndefined(); // holds no ids
    expect(receipt.removed!.redis!.keys).toBeGreaterThan(0);
    expect(receipt.removed!.queues!.signals).toBeGreaterThan(0);
    expect(receipt.removed!.queues!.deliveryJobs).toBeGreaterThan(0);
    expect(receipt.removed!.queues!.stuckTimers).toBe(1);
    expect(receipt.removed!['rejected-rows']).toEqual({ lines: 1 });
    expect(JSON.stringify(receipt)).not.toContain(A.customer);
  });

  it('no query route yields the customer', async () => {
    expect((await summary(tp, { customer: A.customer })).beacons).toBe(0);
    for (const session of A.sessions) expect((await summary(tp, { session })).beacons).toBe(0);
    const now = Date.now();
    const window = `from=${now - 3600_000}&to=${now + 60_000}`;
    const routes = [
      `/api/v1/projects/demo/funnel?${window}`,
      `/api/v1/projects/demo/funnel?${window}&checkout=${A.checkouts[0]}`,
      `/api/v1/projects/demo/sessions?${window}&metric=LCP&limit=100`,
      `/api/v1/projects/demo/sessions?${window}&metric=CLS&limit=100`,
      `/api/v1/projects/demo/errors?${window}&limit=100`,
      `/api/v1/projects/demo/outreach?${window}`,
      `/api/v1/projects/demo/feedback?${window}&limit=100`,
    ];
    for (const route of routes) {
      const res = await getJson(tp, route);
      expect(res.status, route).toBe(200);
      expect(mentionsOf(JSON.stringify(res.body), needlesOf(A)), route).toEqual([]);
    }
    const funnel = await getJson<{ problems: { customer: string }[]; focus: unknown }>(tp, routes[1]!);
    expect(funnel.body.focus).toBeNull();
    expect(funnel.body.problems.map((p) => p.customer)).toContain(B.customer);
  });

  it('no Redis key or value, no ClickHouse row, no rejected row yields the customer; the other is untouched', async () => {
    expect(await redisMentions(needlesOf(A))).toEqual([]);
    expect(await clickhouseMentions(needlesOf(A))).toEqual([]);
    expect(await pageLoadRows(loadsOfA)).toBe(0);
    expect(mentionsOf(readRejected(), needlesOf(A))).toEqual([]);
    // Nor the text ClickHouse keeps of the mutations, and the scratch table is gone.
    const mutations = await query<{ command: string }>(`SELECT command FROM system.mutations WHERE database = {db:String}`);
    expect(mutations.length).toBeGreaterThan(0);
    expect(mentionsOf(mutations.map((m) => m.command).join('\n'), needlesOf(A))).toEqual([]);
    expect(await query(`SELECT name FROM system.tables WHERE database = {db:String} AND name LIKE 'erasure%'`)).toEqual([]);

    expect(await rowsPerTable(needlesOf(B))).toEqual(bBefore);
    expect(readRejected()).toContain(B.customer);
    expect(await tp.alerting!.store.contact('demo', B.customer)).toMatchObject({ email: B.email, consent: true });
    expect(await outreach()).toContain(B.customer);
  });

  it('the message that waited is never sent, and nothing comes back', async () => {
    hooks.status = 204;
    // The other customer's waiting webhook goes out at its retry: the erased one's would have too.
    await waitFor(async () => hooks.on('/outreach').some((h) => h.body.customer === B.customer), 45_000, 250);
    await tp.ingest!.writer.flush();
    expect(hooks.on('/outreach').filter((h) => h.body.customer === A.customer)).toEqual([]);
    expect(smtp.mails.filter((m) => m.to.includes(A.email))).toHaveLength(mailsToA);
    expect(await redisMentions(needlesOf(A))).toEqual([]);
    expect(await clickhouseMentions(needlesOf(A))).toEqual([]);
  });

  it('a second erasure of the same customer completes and removes nothing more', async () => {
    const bNow = await rowsPerTable(needlesOf(B));
    const res = await request('DELETE', `/api/v1/projects/demo/customers/${A.customer}`);
    expect(res.status).toBe(202);
    const id = (res.body as ErasureReceipt).id;
    expect(id).not.toBe(receipt.id);
    const again = await waitFor(async () => {
      const r = (await getJson<ErasureReceipt>(tp, `/api/v1/projects/demo/erasures/${id}`)).body;
      return r.status === 'complete' && r;
    }, 60_000, 200);
    const total = Object.values(again.removed ?? {}).flatMap((counts) => Object.values(counts)).reduce((a, b) => a + b, 0);
    expect(total).toBe(0);
    expect(await rowsPerTable(needlesOf(B))).toEqual(bNow);
  });
});

describe('bad requests', () => {
  it('refuses an unknown project, a malformed customer id, an unknown receipt and a missing token', async () => {
    const unknownProject = await request('DELETE', '/api/v1/projects/nope/customers/c-1');
    expect(unknownProject).toMatchObject({ status: 404, body: { code: 'TP_ERR_UNKNOWN_PROJECT' } });
    expect(await request('GET', '/api/v1/projects/nope/erasures/3f1c2f0e-8b7a-4c51-9a66-0d8f9e2b7c11')).toMatchObject({ status: 404, body: { code: 'TP_ERR_UNKNOWN_PROJECT' } });

    for (const bad of ['x'.repeat(129), 'a%01b', encodeURIComponent('someone@example.com'), '4111%201111%201111%201111']) {
      const res = await request('DELETE', `/api/v1/projects/demo/customers/${bad}`);
      expect(res, bad).toMatchObject({ status: 400, body: { code: 'TP_ERR_BAD_CUSTOMER_ID' } });
      expect(JSON.stringify(res.body)).not.toContain('someone@');
    }
    expect(await request('DELETE', '/api/v1/projects/BAD_ID/customers/c-1')).toMatchObject({ status: 400, body: { code: 'TP_ERR_BAD_QUERY' } });

    expect(await request('GET', '/api/v1/projects/demo/erasures/3f1c2f0e-8b7a-4c51-9a66-0d8f9e2b7c11')).toMatchObject({ status: 404, body: { code: 'TP_ERR_UNKNOWN_ERASURE' } });
    expect(await request('GET', '/api/v1/projects/demo/erasures/not-a-receipt')).toMatchObject({ status: 400, body: { code: 'TP_ERR_BAD_QUERY' } });

    expect(await request('DELETE', '/api/v1/projects/demo/customers/c-1', null)).toMatchObject({ status: 401, body: { code: 'TP_ERR_UNAUTHORIZED' } });
    expect(await request('DELETE', '/api/v1/projects/demo/customers/c-1', 'wrong-token')).toMatchObject({ status: 401, body: { code: 'TP_ERR_UNAUTHORIZED' } });
    expect(await request('GET', '/api/v1/projects/demo/erasures/3f1c2f0e-8b7a-4c51-9a66-0d8f9e2b7c11', null)).toMatchObject({ status: 401 });
    // The guard is decided on the routed path, whatever the spelling.
    expect(await request('DELETE', '/%61pi/v1/projects/demo/customers/c-1', null)).toMatchObject({ status: 401 });
  });
});

/** Both customers shop; A also in an anonymous session later tied to them, and in one tied only by identify. */
async function shop(): Promise<void> {
  const now = Date.now();
  const ev = (e: Record<string, unknown>, dt = 0) => ({ at: now + dt, ...e }) as BeaconEvent;
  const post = async (b: Beacon) => expect((await postBeacon(tp, b)).status).toBe(204);
  const pageLoad = [
    ev({ type: 'nav', dns: 5, tcp: 10, tls: 12, ttfb: 150, download: 20, domInteractive: 500, domComplete: 900, load: 950 }),
    vital('LCP', 2100),
    vital('CLS', 0.05),
    ev({ type: 'resource', host: 'cdn.payments.example', count: 3, bytes: 9000, p95: 200 }),
  ];
  const failure = (c: typeof A, checkout: string) => [
    ev({ type: 'identify', customer: c.customer, email: c.email, consent: { outreach: true } }),
    ev({ type: 'checkout', step: 'start', id: checkout, value: 89.5, currency: 'AUD' }, 1),
    ev({ type: 'http', method: 'POST', url: 'https://shop.example/api/pay', status: 502, duration: 900 }, 2),
    ev({ type: 'error', kind: 'promise', message: 'Payment failed: 502' }, 3),
    ev({ type: 'checkout', step: 'error', id: checkout, reason: 'payment_declined' }, 4),
    ev({ type: 'custom', name: 'coupon_applied', props: { code: 'SPRING' } }, 5),
    ev({ type: 'feedback', prompt: `survey/${checkout}`, survey: 'csat', score: 2, comment: 'The payment failed', trigger: 'page', checkout, step: 'payment' }, 6),
    vital('INP', 300),
  ];
  // A: the anonymous start of a session that identifies later.
  await post(beacon(pageLoad, { session: A.sessions[1]!, page: 'https://shop.example/products/kettle' }));
  await post(beacon(failure(A, A.checkouts[0]!), { session: A.sessions[1]!, customer: A.customer, page: 'https://shop.example/checkout/payment' }));
  await post(beacon([...pageLoad, ev({ type: 'checkout', step: 'start', id: A.checkouts[1]!, value: 12, currency: 'AUD' })], { session: A.sessions[2]!, customer: A.customer, page: 'https://shop.example/cart' }));
  await post(beacon(pageLoad, { session: A.sessions[3]!, customer: A.customer, page: 'https://shop.example/' }));
  // Tied to A by nothing but an identify (the beacon carries no customer).
  await post(beacon([ev({ type: 'identify', customer: A.customer, email: A.email, consent: { outreach: true } }), vital('LCP', 1800)], { session: A.sessions[0]!, page: 'https://shop.example/account' }));
  await post(beacon(pageLoad, { session: B.sessions[0]!, customer: B.customer, page: 'https://shop.example/products/kettle' }));
  await post(beacon(failure(B, B.checkouts[0]!), { session: B.sessions[0]!, customer: B.customer, page: 'https://shop.example/checkout/payment' }));
}

/** A spool segment left by a previous run whose rows of A and B the engine refuses. */
function writeRefusedRows(dir: string): void {
  const now = Date.now();
  const ctx = { project: 'demo', checkoutPage: /checkout/, receivedAt: now, client: { device: 'desktop', browser: 'chrome', browserVersion: '1', os: 'linux' } as const, country: '' };
  const refused = (session: string, customer: string) => {
    const b = beacon([vital('LCP', 1000)], { session, customer });
    return buildRecord(b, b.events, ctx).row.replace(`,${now},`, ',"not a time",');
  };
  const rows = [refused(A.sessions[3]!, A.customer), refused(B.sessions[0]!, B.customer)];
  mkdirSync(join(dir, 'spool'), { recursive: true });
  writeFileSync(join(dir, 'spool', 'seg-0000000000000002.log'), rows.join('\n') + `\n#${rows.length}\n`);
}

/** What the deliveries waiting for a retry are about (BullMQ's delayed set and job hashes). */
async function delayedDeliveries(): Promise<{ customer?: string; channel: string }[]> {
  const ids = await redis.zrange('bull:touchpoint-deliveries:delayed', '0', '-1');
  const data = await Promise.all(ids.map((id) => redis.hget(`bull:touchpoint-deliveries:${id}`, 'data')));
  return data.filter((d): d is string => d !== null).map((d) => JSON.parse(d) as { customer?: string; channel: string });
}

function readRejected(): string {
  const rejected = join(dataDir, 'rejected');
  return readdirSync(rejected).map((f) => readFileSync(join(rejected, f), 'utf8')).join('\n');
}

async function request(method: string, path: string, token: string | null = ADMIN_TOKEN) {
  const res = await fetch(`${tp.url}${path}`, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

async function outreach(): Promise<string> {
  const now = Date.now();
  return JSON.stringify((await getJson(tp, `/api/v1/projects/demo/outreach?from=${now - 3600_000}&to=${now + 60_000}`)).body);
}

/** The needles found in `text`, as they are or URI-encoded (ids inside ids are encoded once per level). */
function mentionsOf(text: string, needles: string[]): string[] {
  const lower = text.toLowerCase();
  return needles.filter((n) => {
    let form = n.toLowerCase();
    for (let level = 0; level < 4; level++, form = encodeURIComponent(form)) if (lower.includes(form)) return true;
    return false;
  });
}

/** Every key of the Redis, by name and by value whatever its type: which key names which needle. */
async function redisMentions(needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let values: string[] = [];
      if (type === 'string') values = [(await redis.get(key)) ?? ''];
      else if (type === 'hash') values = Object.entries(await redis.hgetall(key)).flat();
      else if (type === 'set') values = await redis.smembers(key);
      else if (type === 'zset') values = await redis.zrange(key, '0', '-1');
      else if (type === 'list') values = await redis.lrange(key, 0, -1);
      else if (type === 'stream') values = (await redis.xrange(key, '-', '+')).flatMap(([, fields]) => fields);
      for (const n of mentionsOf([key, ...values].join('\n'), needles)) hits.push(`${key} (${type}): ${n}`);
    }
  } while (cursor !== '0');
  return hits;
}

async function query<T = Record<string, unknown>>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await tp.storage.client.query({ query: sql, query_params: { db: tp.storage.database, ...params }, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** Rows naming any needle, per table of the database (every column but aggregate states, as text). */
async function rowsPerTable(needles: string[]): Promise<Record<string, number>> {
  const tables = await query<{ name: string; columns: string[] }>(
    `SELECT table AS name, groupArray(system.columns.name) AS columns FROM system.columns
     WHERE database = {db:String} AND NOT startsWith(type, 'AggregateFunction') GROUP BY table`,
  );
  const forms = needles.flatMap((n) => [n, encodeURIComponent(n)]);
  const out: Record<string, number> = {};
  for (const t of tables) {
    const cols = t.columns.map((c) => `\`${c}\``).join(', ');
    const [r] = await query<{ n: string }>(`SELECT count() AS n FROM \`${tp.storage.database}\`.\`${t.name}\` WHERE multiSearchAnyCaseInsensitive(toString(tuple(${cols})), {forms:Array(String)})`, { forms });
    const n = Number(r?.n ?? 0);
    if (n > 0) out[t.name] = n;
  }
  return out;
}

async function clickhouseMentions(needles: string[]): Promise<string[]> {
  const tables = await query<{ name: string }>(`SELECT name FROM system.tables WHERE database = {db:String}`);
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['beacons', 'vitals', 'page_loads', 'checkouts_1h', 'timings', 'outreach_log']));
  return Object.entries(await rowsPerTable(needles)).map(([t, n]) => `${t}: ${n}`);
}

/** The page-load keys of the sessions (migration 005's `load`), from their vitals. */
async function pageLoadKeys(sessions: string[]): Promise<string[]> {
  const rows = await query<{ load: string }>(`SELECT DISTINCT toString(cityHash64(session, path)) AS load FROM \`${tp.storage.database}\`.vitals WHERE session IN {sessions:Array(String)}`, { sessions });
  return rows.map((r) => r.load);
}

async function pageLoadRows(loads: string[]): Promise<number> {
  const [r] = await query<{ n: string }>(`SELECT count() AS n FROM \`${tp.storage.database}\`.page_loads WHERE toString(load) IN {loads:Array(String)}`, { loads });
  return Number(r?.n ?? 0);
}
