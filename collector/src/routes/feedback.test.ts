/**
 * Issue 14's beacon events end to end, on the real engine, real Redis and real HTTP: survey
 * answers (`feedback`) stored and read back through GET …/feedback; each score held to its
 * survey's scale; bad nudge and feedback events refused one by one; a nudge reaching the worker's
 * queue with its phone, and the phone nowhere in ClickHouse; the nudge totals from the outreach log.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconEvent, FeedbackEvent, NudgeEvent } from '@touchpoint/protocol';
import type { Feedback } from '@touchpoint/protocol/api/feedback';
import type { OutreachEntry } from '@touchpoint/protocol/outreach';
import { SIGNALS_QUEUE, type SignalBatch } from '@touchpoint/protocol/signals';
import type { Touchpoint } from '@touchpoint/node';
import { beacon, getJson, postBeacon, startTestTouchpoint, waitFor } from '@touchpoint/node/testing';
import { quoteIdent } from '../storage/clickhouse.ts';
import { createOutreachLog } from '../storage/outreach-log.ts';

const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const SHOP = 'https://shop.example';

let tp: Touchpoint;
let queue: Queue<SignalBatch>;
const t0 = Date.now();
const win = `from=${t0 - 3600_000}&to=${t0 + 600_000}`;

const answer = (survey: FeedbackEvent['survey'], score: number, over: Partial<FeedbackEvent> = {}): FeedbackEvent => ({
  type: 'feedback', at: Date.now(), prompt: `survey/${survey}-${score}`, survey, score, trigger: 'complete', ...over,
});
const nudge = (outcome: NudgeEvent['outcome'], over: Partial<NudgeEvent> = {}): NudgeEvent => ({
  type: 'nudge', at: Date.now(), prompt: 'nudge/checkout_error%2Fco-n1', incident: 'checkout_error/co-n1', outcome, ...over,
});

async function send(path: string, events: BeaconEvent[], opts: { session: string; ua?: string; customer?: string; loadTest?: string }) {
  const headers: Record<string, string> = { 'user-agent': opts.ua ?? DESKTOP };
  if (opts.loadTest) headers['x-touchpoint-load-test'] = opts.loadTest;
  return postBeacon(tp, beacon(events, { page: `${SHOP}${path}`, session: opts.session, ...(opts.customer ? { customer: opts.customer } : {}) }), { headers });
}
const feedback = (query = '') => getJson<Feedback>(tp, `/api/v1/projects/demo/feedback?${win}${query}`);

beforeAll(async () => {
  tp = await startTestTouchpoint();
  queue = new Queue<SignalBatch>(SIGNALS_QUEUE, { connection: { url: tp.redisUrl } });
  const vitals = (lcp: number, inp: number, cls: number, msAgo: number): BeaconEvent[] => [
    { type: 'vital', at: Date.now() - msAgo, name: 'LCP', value: lcp },
    { type: 'vital', at: Date.now() - msAgo, name: 'INP', value: inp },
    { type: 'vital', at: Date.now() - msAgo, name: 'CLS', value: cls },
  ];
  // fb-1: a slow page load long before, a fast one just before the answer: the nearest counts.
  await send('/checkout/payment', vitals(9000, 900, 0.5, 60_000), { session: 'fb-1' });
  await send('/checkout/payment', vitals(2500, 120, 0.02, 5_000), { session: 'fb-1' });
  const ok = (r: { status: number; body?: unknown }) => expect(r.status, JSON.stringify(r.body)).toBe(204);
  ok(await send('/checkout/done', [answer('ces', 2, {
    at: Date.now() - 3000, comment: 'Payment kept failing, call me on +61 412 345 678', trigger: 'nudge', checkout: 'co-f1', step: 'payment', incident: 'checkout_error/co-f1',
  })], { session: 'fb-1', customer: 'cust-f1' }));
  ok(await send('/checkout/done', [answer('ces', 6, { at: Date.now() - 2000, comment: 'Quick', checkout: 'co-f2', step: 'shipping' })], { session: 'fb-2', ua: MOBILE }));
  ok(await send('/help/faq', [answer('ces', 7, { trigger: 'page' })], { session: 'fb-3' }));
  ok(await send('/checkout/done', [answer('ces', 5, { step: 'payment' })], { session: 'fb-4' }));
  ok(await send('/checkout/done', [answer('nps', 10, { comment: 'Love it' }), answer('nps', 3, { comment: 'Too slow' }), answer('nps', 8)], { session: 'fb-5' }));
  ok(await send('/checkout/done', [answer('ces', 1, { comment: 'load test' })], { session: 'k6-fb', loadTest: 'k6/run-fb' }));
  await waitFor(async () => (await feedback('&survey=ces&test=include')).body.summary?.responses === 5);
});
afterAll(async () => {
  await queue?.close();
  await tp?.close();
});

describe('survey answers through GET …/feedback', () => {
  it('sums up the busiest kind by default, per step and page, real traffic only', async () => {
    const r = await feedback();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ project: 'demo', survey: 'ces', bucket: 60, summary: { responses: 4, mean: 5 } });
    expect(r.body.summary).not.toHaveProperty('nps');
    // Every kind answered (real traffic), most answered first: what the marketer view's picker offers.
    expect(r.body.kinds).toEqual([{ survey: 'ces', responses: 4 }, { survey: 'nps', responses: 3 }]);
    expect(r.body.byStep).toEqual([{ step: 'payment', responses: 2, mean: 3.5 }, { step: 'shipping', responses: 1, mean: 6 }]);
    expect(r.body.byPage).toEqual([{ path: '/checkout/done', responses: 3, mean: 4.33 }, { path: '/help/faq', responses: 1, mean: 7 }]);
    expect(r.body.trend.reduce((n, p) => n + p.responses, 0)).toBe(4);
    for (const p of r.body.trend) expect(p.t % 60_000).toBe(0);
  });

  it('gives the comments newest first, scrubbed, with the session’s vitals nearest the answer', async () => {
    const r = await feedback('&survey=ces');
    expect(r.body.comments).toEqual([
      { at: expect.any(Number), score: 6, comment: 'Quick', trigger: 'complete', path: '/checkout/done', step: 'shipping', device: 'mobile', checkout: 'co-f2' },
      {
        at: expect.any(Number), score: 2, comment: 'Payment kept failing, call me on [phone]', trigger: 'nudge', path: '/checkout/done', step: 'payment', device: 'desktop',
        checkout: 'co-f1', incident: 'checkout_error/co-f1', lcp: 2500, inp: 120, cls: 0.02,
      },
    ]);
    expect(r.body.nextBefore).toBeNull();
  });

  it('filters comments by score and pages them by `before`', async () => {
    expect((await feedback('&survey=ces&score=2')).body.comments.map((c) => c.score)).toEqual([2]);
    const first = await feedback('&survey=ces&limit=1');
    expect(first.body.comments.map((c) => c.score)).toEqual([6]);
    expect(first.body.nextBefore).toEqual(expect.any(Number));
    const second = await feedback(`&survey=ces&limit=1&before=${first.body.nextBefore}`);
    expect(second.body.comments.map((c) => c.score)).toEqual([2]);
    expect(second.body.nextBefore).toBeNull();
  });

  it('never splits comments of one millisecond across two pages', async () => {
    const at = Date.now() - 200;
    const r = await send('/checkout/done', [
      answer('csat', 5, { at: at + 100, prompt: 'survey/a', comment: 'A' }),
      answer('csat', 4, { at, prompt: 'survey/b', comment: 'B' }),
      answer('csat', 3, { at, prompt: 'survey/c', comment: 'C' }),
    ], { session: 'fb-same-ms' });
    expect(r.status).toBe(204);
    await waitFor(async () => (await feedback('&survey=csat')).body.summary.responses === 3);
    const first = await feedback('&survey=csat&limit=2');
    expect(first.body.comments.map((c) => c.comment)).toEqual(['A']);
    const second = await feedback(`&survey=csat&limit=2&before=${first.body.nextBefore}`);
    expect(second.body.comments.map((c) => c.comment)).toEqual(['C', 'B']);
    expect(second.body.nextBefore).toBeNull();
  });

  it('splits NPS answers into promoters, passives and detractors', async () => {
    const r = await feedback('&survey=nps');
    expect(r.body.summary).toEqual({ responses: 3, mean: 7, nps: 0, promoters: 1, passives: 1, detractors: 1 });
    expect(r.body.comments.map((c) => c.comment).sort()).toEqual(['Love it', 'Too slow']);
  });

  it('leaves test traffic out unless asked', async () => {
    expect((await feedback('&survey=ces&test=include')).body.summary.responses).toBe(5);
    const only = await feedback('&survey=ces&test=only');
    expect(only.body.summary).toEqual({ responses: 1, mean: 1 });
    expect(only.body.comments.map((c) => c.comment)).toEqual(['load test']);
  });

  it('answers an empty window with zeros and no kind', async () => {
    const r = await getJson<Feedback>(tp, `/api/v1/projects/demo/feedback?from=1000&to=2000`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ survey: null, kinds: [], summary: { responses: 0, mean: null }, trend: [], byStep: [], byPage: [], comments: [], nextBefore: null });
  });

  it('refuses bad queries with a coded 4xx', async () => {
    const bad = async (qs: string, status = 400) => {
      const r = await getJson<{ code: string }>(tp, `/api/v1/projects/demo/feedback?${qs}`);
      expect(r.status, qs).toBe(status);
      return r.body.code;
    };
    expect(await getJson<{ code: string }>(tp, `/api/v1/projects/nope/feedback?${win}`)).toMatchObject({ status: 404, body: { code: 'TP_ERR_UNKNOWN_PROJECT' } });
    expect(await bad('')).toBe('TP_ERR_BAD_QUERY');
    expect(await bad(`from=${t0}&to=${t0}`)).toBe('TP_ERR_BAD_QUERY');
    expect(await bad(`from=0&to=${100 * 86_400_000}`)).toBe('TP_ERR_BAD_QUERY');
    for (const q of ['survey=sus', 'score=11', 'score=-1', 'score=2.5', 'bucket=59', 'bucket=61', 'limit=0', 'limit=101', 'before=-1', 'test=maybe', 'path=/x']) {
      expect(await bad(`${win}&${q}`), q).toBe('TP_ERR_BAD_QUERY');
    }
    expect(await getJson(tp, `/api/v1/projects/demo/feedback?${win}`, null)).toMatchObject({ status: 401 });
  });
});

describe('bad nudge and feedback events', () => {
  it('holds each score to its survey’s scale, refusing the others one by one', async () => {
    const events = [answer('ces', 0), answer('ces', 8), answer('csat', 0), answer('csat', 6), answer('nps', 11), answer('ces', 1), answer('csat', 5), answer('nps', 0)];
    const r = await send('/bounds', events, { session: 'fb-bounds' });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({
      accepted: 3,
      rejected: [
        { index: 0, reason: 'score must be within 1–7 for a ces survey' },
        { index: 1, reason: 'score must be within 1–7 for a ces survey' },
        { index: 2, reason: 'score must be within 1–5 for a csat survey' },
        { index: 3, reason: 'score must be within 1–5 for a csat survey' },
        { index: 4, reason: 'score must be <= 10' },
      ],
    });
    const none = await send('/bounds', [answer('ces', 9)], { session: 'fb-bounds-2' });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ code: 'TP_ERR_NO_VALID_EVENTS', message: expect.stringContaining('events[0]: score must be within 1–7 for a ces survey') });
  });

  it('refuses nudges with a phone off a call-back, a phone that is not one, odd ids or outcomes', async () => {
    const r = await send('/checkout/payment', [
      nudge('shown', { phone: '0412 345 678' }),
      nudge('call_back', { phone: 'ring me at noon' }),
      nudge('call_back', { incident: 'kim@example.com' }),
      nudge('clicked' as NudgeEvent['outcome']),
      answer('ces', 3, { comment: 'x'.repeat(1001) }),
      answer('ces', 3, { trigger: 'exit' as FeedbackEvent['trigger'] }),
      nudge('dismissed'),
    ], { session: 'fb-bad-nudge' });
    expect(r.status).toBe(202);
    const body = r.body as { accepted: number; rejected: { index: number; reason: string }[] };
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(body.rejected[0]!.reason).toBe('phone is sent only with outcome "call_back"');
    expect(body.rejected[1]!.reason).toMatch(/^phone must match pattern/);
    expect(body.rejected[2]!.reason).toMatch(/^incident must match pattern/);
    expect(body.rejected[3]!.reason).toMatch(/^outcome must be one of "shown", "dismissed"/);
    expect(body.rejected[4]!.reason).toBe('comment must NOT have more than 1000 characters');
    expect(body.rejected[5]!.reason).toMatch(/^trigger must be one of "complete", "nudge", "page"/);
  });
});

describe('nudges go to the worker, not to ClickHouse', () => {
  it('hands a call-back to the signals queue at once, phone included, and stores the phone nowhere', async () => {
    const session = `fb-nudge-${Date.now()}`;
    const phone = '+61 (0)499 876-543';
    const r = await send('/checkout/payment', [
      { type: 'checkout', at: Date.now() - 1000, step: 'start', id: 'co-n1', value: 80, currency: 'AUD', resumeUrl: `${SHOP}/cart/restore/b-77?email=kim.lee@example.com` },
      nudge('shown'),
      nudge('call_back', { phone }),
    ], { session, customer: 'cust-n1' });
    expect(r.status, JSON.stringify(r.body)).toBe(204);
    const signals = await waitFor(async () => {
      const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'prioritized']);
      const mine = jobs.flatMap((j) => j.data.signals).filter((s) => s.session === session);
      return mine.length === 3 && mine;
    }, 5000, 20);
    expect(signals.map((s) => s.event)).toEqual([
      expect.objectContaining({ type: 'checkout', step: 'start', resumeUrl: `${SHOP}/cart/restore/b-77?email=[email]` }),
      { type: 'nudge', at: expect.any(Number), prompt: 'nudge/checkout_error%2Fco-n1', incident: 'checkout_error/co-n1', outcome: 'shown' },
      { type: 'nudge', at: expect.any(Number), prompt: 'nudge/checkout_error%2Fco-n1', incident: 'checkout_error/co-n1', outcome: 'call_back', phone },
    ]);
    expect(signals[2]).toMatchObject({ project: 'demo', customer: 'cust-n1', page: `${SHOP}/checkout/payment` });

    // Every row of every stored table, searched for the number (as sent, and its digits).
    await tp.ingest!.writer.flush();
    const db = quoteIdent(tp.storage.database);
    await waitFor(async () => {
      const rs = await tp.storage.client.query({ query: `SELECT count() AS n FROM ${db}.beacons WHERE session = {session:String}`, query_params: { session }, format: 'JSONEachRow' });
      return Number((await rs.json<{ n: string }>())[0]?.n) === 1;
    });
    const tables = await (await tp.storage.client.query({
      query: `SELECT name FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree%'`, query_params: { db: tp.storage.database }, format: 'JSONEachRow',
    })).json<{ name: string }>();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['beacons', 'feedback', 'checkouts', 'custom_events']));
    const found: string[] = [];
    for (const { name } of tables) {
      const text = await (await tp.storage.client.query({ query: `SELECT * FROM ${db}.${quoteIdent(name)}`, format: 'JSONEachRow' })).text();
      for (const needle of [phone, '499 876-543', '499876543', 'kim.lee@example.com']) if (text.includes(needle)) found.push(`${name}: ${needle}`);
    }
    expect(found).toEqual([]);
  });
});

describe('an answer joins its checkout\'s incident', () => {
  it('a survey after a failed attempt in the same checkout carries that incident', async () => {
    // co-f2's answer came without an incident; the worker had logged one for that checkout (not contacted).
    await createOutreachLog(tp.storage).record({
      project: 'demo', incident: 'checkout_error/co-f2', customer: 'cust-f2', reason: 'checkout_error', channel: 'none', status: 'skipped', skipReason: 'no_consent', at: Date.now() - 10_000, checkout: 'co-f2',
    });
    const quick = await waitFor(async () => (await feedback('&survey=ces')).body.comments.find((c) => c.checkout === 'co-f2' && c.incident));
    expect(quick).toMatchObject({ comment: 'Quick', incident: 'checkout_error/co-f2' });
    // The answer that named its own incident keeps it.
    expect((await feedback('&survey=ces')).body.comments.find((c) => c.checkout === 'co-f1')?.incident).toBe('checkout_error/co-f1');
  });
});

describe('nudge totals from the outreach log', () => {
  it('counts nudges published, shown, acted on and dismissed, beside email and the holdout, and who came back', async () => {
    const log = createOutreachLog(tp.storage);
    const T = Date.now() - 30 * 60_000;
    const entry = (customer: string, channel: OutreachEntry['channel'], status: OutreachEntry['status'], at = T, extra: Partial<OutreachEntry> = {}): OutreachEntry => ({
      project: 'demo', incident: `checkout_error/co-${customer}`, customer, reason: 'checkout_error', channel, status, at, checkout: `co-${customer}`, ...extra,
    });
    // Acted on the nudge (the email skipped for it) and came back.
    await log.record(entry('nt-a', 'nudge', 'sent'));
    await log.record(entry('nt-a', 'nudge', 'shown', T + 1000));
    await log.record(entry('nt-a', 'nudge', 'acted', T + 5000));
    await log.record(entry('nt-a', 'email', 'skipped', T + 60_000, { skipReason: 'nudge_acted' }));
    // Dismissed the nudge, got the email, did not come back.
    await log.record(entry('nt-b', 'nudge', 'sent'));
    await log.record(entry('nt-b', 'nudge', 'shown', T + 1000));
    await log.record(entry('nt-b', 'nudge', 'dismissed', T + 2000));
    await log.record(entry('nt-b', 'email', 'sent', T + 60_000));
    // Email only, came back; two held out, one came back on their own.
    await log.record(entry('nt-c', 'email', 'sent'));
    await log.record(entry('nt-d', 'none', 'holdout'));
    await log.record(entry('nt-e', 'none', 'holdout'));
    // Completions: each a checkout begun after the read delay (60 s by default).
    for (const customer of ['nt-a', 'nt-c', 'nt-d']) {
      const res = await send('/checkout/done', [
        { type: 'checkout', at: T + 3 * 60_000, step: 'start', id: `co2-${customer}`, value: 10, currency: 'AUD' },
        { type: 'checkout', at: T + 4 * 60_000, step: 'complete', id: `co2-${customer}` },
      ], { session: `s-${customer}`, customer });
      expect(res.status).toBe(204);
    }
    const expected = { published: 2, shown: 2, acted: 1, dismissed: 1, recovered: 1, emailed: 2, emailRecovered: 1, holdout: 2, holdoutRecovered: 1 };
    const nudges = await waitFor(async () => {
      const r = await feedback();
      return r.body.nudges.holdoutRecovered === 1 && r.body.nudges;
    });
    expect(nudges).toEqual(expected);
    // The same whatever kind of survey is asked for.
    expect((await feedback('&survey=csat')).body.nudges).toEqual(expected);
  });
});
