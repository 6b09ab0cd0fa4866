/**
 * GET …/sessions/:session and GET …/releases over a real Touchpoint: a seeded session's story
 * (pages, vitals with phases and elements, resources by host, errors with stacks, failed
 * requests, checkout steps, outreach), releases once storage records them, and every bad input
 * a coded 4xx, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconEvent } from '@touchpoint/protocol';
import type { Session } from '@touchpoint/protocol/api/session';
import type { Releases } from '@touchpoint/protocol/api/releases';
import type { Funnel } from '@touchpoint/protocol/api/funnel';
import type { ErrorsReport } from '@touchpoint/protocol/api/errors';
import { quoteIdent } from '../storage/clickhouse.ts';
import { createOutreachLog } from '../storage/outreach-log.ts';
import { ADMIN_TOKEN, beacon, postBeacon, startTestTouchpoint, waitFor } from '@touchpoint/node/testing';
import type { Touchpoint } from '@touchpoint/node';

const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const SESSION = 'sess-story-1';

let tp: Touchpoint;
const t0 = Date.now();
const win = `from=${t0 - 3600_000}&to=${t0 + 600_000}`;

async function get<T = Record<string, unknown>>(path: string, token: string | null = ADMIN_TOKEN) {
  const res = await fetch(`${tp.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}
const sessionUrl = (id: string, q = win) => `/api/v1/projects/demo/sessions/${encodeURIComponent(id)}?${q}`;

async function send(page: string, events: BeaconEvent[], over: Record<string, unknown> = {}) {
  const res = await postBeacon(tp, beacon(events, { page: `https://shop.example${page}`, session: SESSION, customer: 'cust-story', connection: '3g', ...over }), {
    headers: { 'user-agent': MOBILE, 'x-country': 'NZ' },
  });
  expect(res.status).toBe(204);
}

const at = (msAgo: number) => t0 - msAgo;

beforeAll(async () => {
  tp = await startTestTouchpoint({ TOUCHPOINT_COUNTRY_HEADER: 'x-country', TOUCHPOINT_STUCK_AFTER: '2s' });
  await send('/products/kettle?utm=x', [
    { type: 'nav', at: at(9000), dns: 4, tcp: 9, tls: 11, ttfb: 320, download: 25, domInteractive: 900, domComplete: 1500, load: 1600, transferSize: 52_000 },
    { type: 'vital', at: at(8500), name: 'LCP', value: 4200, rating: 'poor', navigationType: 'navigate',
      attribution: { target: 'img.hero', url: 'https://cdn.example/hero.jpg', phases: { ttfb: 320, loadDelay: 900, loadDuration: 2600, renderDelay: 380 } } },
    { type: 'resource', at: at(8400), host: 'cdn.example', count: 6, bytes: 420_000, p95: 880 },
    { type: 'resource', at: at(8400), host: 'fonts.example', count: 2, bytes: 40_000, p95: 120 },
  ]);
  await send('/checkout', [
    { type: 'vital', at: at(6000), name: 'INP', value: 360, rating: 'poor', attribution: { target: 'button#pay', phases: { inputDelay: 40, processingDuration: 280, presentationDelay: 40 } } },
    { type: 'checkout', at: at(7000), step: 'start', id: 'co-story', value: 99.5, currency: 'AUD' },
    { type: 'checkout', at: at(6500), step: 'step', id: 'co-story', name: 'payment' },
    { type: 'http', at: at(5200), method: 'POST', url: 'https://api.pay.example/charge', status: 502, duration: 2400 },
    { type: 'error', at: at(5000), kind: 'promise', message: 'Payment failed', stack: 'Error: Payment failed\n    at pay (https://shop.example/app.js:10:5)', source: 'https://shop.example/app.js', line: 10, col: 5 },
    { type: 'checkout', at: at(4900), step: 'error', id: 'co-story', reason: 'card_declined' },
    { type: 'resource', at: at(4800), host: 'cdn.example', count: 1, bytes: 10_000, p95: 200 },
    { type: 'feedback', at: at(4500), prompt: 'survey/co-story', survey: 'csat', score: 1, comment: 'Mail me at kim.doe@example.com, the card failed', trigger: 'nudge', checkout: 'co-story', step: 'payment' },
  ]);
  // Another session the story must not mix in.
  await postBeacon(tp, beacon([{ type: 'error', at: at(4000), kind: 'js', message: 'someone else' }], { session: 'other', page: 'https://shop.example/checkout' }));
  const log = createOutreachLog(tp.storage);
  await log.record({ project: 'demo', incident: 'inc-story', customer: 'cust-story', reason: 'checkout_error', channel: 'email', status: 'sent', checkout: 'co-story', at: Date.now(), timeToOutreachMs: 400 });
  await log.record({ project: 'demo', incident: 'inc-other', customer: 'cust-other', reason: 'checkout_error', channel: 'email', status: 'sent', checkout: 'co-other', at: Date.now() });
  await waitFor(async () => (await get<{ errors: number }>(`/api/v1/projects/demo/errors?${win}`)).body.errors === 2);
});

afterAll(async () => {
  await tp?.close();
});

describe('session story', () => {
  it('tells the session in time order, with its device, country, pages and every event', async () => {
    const r = await get<Session>(sessionUrl(SESSION));
    expect(r.status).toBe(200);
    const s = r.body;
    expect(s).toMatchObject({
      project: 'demo', session: SESSION, beacons: 2, customer: 'cust-story', device: 'mobile', browser: 'Safari', os: 'iOS', country: 'NZ', connection: '3g',
      release: null,
    });
    expect(s.counts).toEqual({ nav: 1, vital: 2, resource: 3, checkout: 3, http: 1, error: 1, feedback: 1 });
    expect(s.pages.map((p) => p.path)).toEqual(['/products/kettle', '/checkout']);
    // A page starts at its first event, before the beacon that carried it arrived.
    expect(s.pages[0]!.firstAt).toBe(s.navigations[0]!.at);
    expect(s.pages[1]!.firstAt).toBe(s.checkouts[0]!.at);
    expect(s.firstAt).toBeLessThanOrEqual(s.lastAt);
    expect(s.navigations).toEqual([expect.objectContaining({ path: '/products/kettle', ttfb: 320, load: 1600, transferSize: 52_000 })]);
    expect(s.vitals).toEqual([
      expect.objectContaining({ name: 'LCP', value: 4200, rating: 'poor', target: 'img.hero', url: 'https://cdn.example/hero.jpg',
        phases: { ttfb: 320, loadDelay: 900, loadDuration: 2600, renderDelay: 380 } }),
      expect.objectContaining({ name: 'INP', value: 360, target: 'button#pay', phases: { inputDelay: 40, processingDuration: 280, presentationDelay: 40 } }),
    ]);
    expect(s.resources).toEqual([
      expect.objectContaining({ host: 'cdn.example', requests: 7, bytes: 430_000, worstP95: 880 }),
      expect.objectContaining({ host: 'fonts.example', requests: 2, bytes: 40_000, worstP95: 120 }),
    ]);
    expect(s.errors).toEqual([expect.objectContaining({ kind: 'promise', message: 'Payment failed', line: 10, col: 5, path: '/checkout' })]);
    expect(s.errors[0]!.stack).toContain('at pay (https://shop.example/app.js:10:5)');
    expect(s.requests).toEqual([expect.objectContaining({ method: 'POST', host: 'api.pay.example', status: 502, duration: 2400 })]);
    expect(s.checkouts.map((c) => [c.step, c.name, c.reason])).toEqual([['start', '', ''], ['step', 'payment', ''], ['error', '', 'card_declined']]);
    expect(s.checkouts[0]).toMatchObject({ checkout: 'co-story', value: 99.5, currency: 'AUD' });
    expect(s.outreach).toEqual([expect.objectContaining({ incident: 'inc-story', channel: 'email', status: 'sent', checkout: 'co-story' })]);
    // The survey answer, its comment scrubbed of the email the customer typed.
    expect(s.feedback).toEqual([expect.objectContaining({ path: '/checkout', survey: 'csat', score: 1, trigger: 'nudge', checkout: 'co-story', step: 'payment' })]);
    expect(s.feedback[0]!.comment).toContain('the card failed');
    expect(JSON.stringify(s)).not.toContain('kim.doe');
    // Event times are the browser's, corrected by its clock skew: the events keep their order.
    const times = [...s.vitals, ...s.errors, ...s.requests, ...s.checkouts, ...s.feedback].map((e) => e.at);
    for (const t of times) expect(Math.abs(t - t0)).toBeLessThan(60_000);
  });

  it('is linked from the panels: top errors, failing hosts and failed checkouts name their latest session', async () => {
    const errors = await get<ErrorsReport>(`/api/v1/projects/demo/errors?${win}`);
    expect(errors.body.topMessages.find((m) => m.message === 'Payment failed')?.session).toBe(SESSION);
    expect(errors.body.topHosts.find((h) => h.host === 'api.pay.example')?.session).toBe(SESSION);
    const funnel = await get<Funnel>(`/api/v1/projects/demo/funnel?${win}&checkout=co-story`);
    expect(funnel.body.problems.find((p) => p.checkout === 'co-story')?.session).toBe(SESSION);
    expect(funnel.body.focus?.session).toBe(SESSION);
  });

  it('404s a session with no beacon in the window', async () => {
    const r = await get(sessionUrl('never-seen'));
    expect(r).toMatchObject({ status: 404, body: { code: 'TP_ERR_UNKNOWN_SESSION' } });
    const before = await get(sessionUrl(SESSION, `from=${t0 - 7 * 86_400_000}&to=${t0 - 3600_000}`));
    expect(before).toMatchObject({ status: 404, body: { code: 'TP_ERR_UNKNOWN_SESSION' } });
  });
});

describe('releases', () => {
  it('lists no release while the beacons carry none, then each release with when it was first seen', async () => {
    const none = await get<Releases>(`/api/v1/projects/demo/releases?${win}`);
    expect(none).toMatchObject({ status: 200, body: { releases: [] } });
    const db = quoteIdent(tp.storage.database);
    const row = (release: string, msAgo: number) => ({
      project: 'demo', received_at: new Date(at(msAgo)).toISOString().replace('T', ' ').replace('Z', ''), sent_at: new Date(at(msAgo)).toISOString().replace('T', ' ').replace('Z', ''),
      clock_skew_ms: 0, session: SESSION, customer: 'cust-story', page_url: 'https://shop.example/checkout', host: 'shop.example', path: '/checkout', device: 'mobile',
      browser: 'Safari', browser_version: '17', os: 'iOS', country: 'NZ', connection: '3g', event_counts: {}, release,
    });
    await tp.storage.client.insert({ table: `${db}.beacons`, format: 'JSONEachRow', values: [row('2026.11.1', 3000), row('2026.11.2', 2000), row('2026.11.2', 1000)] });
    const some = await get<Releases>(`/api/v1/projects/demo/releases?${win}`);
    expect(some.body.releases.map((r) => [r.release, r.beacons])).toEqual([['2026.11.1', 1], ['2026.11.2', 2]]);
    expect(some.body.releases[0]!.firstAt).toBe(at(3000));
    const s = await get<Session>(sessionUrl(SESSION));
    expect(s.body.release).toBe('2026.11.2');
  });
});

describe('bad input', () => {
  const now = Date.now();
  const ok = `from=${now - 3600_000}&to=${now}`;
  it.each([
    ['an unknown project', `/api/v1/projects/nope/sessions/${SESSION}?${ok}`, 404, 'TP_ERR_UNKNOWN_PROJECT'],
    ['a project id that is no id', `/api/v1/projects/${encodeURIComponent("de'mo")}/sessions/${SESSION}?${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a session id of 129 characters', `/api/v1/projects/demo/sessions/${'s'.repeat(129)}?${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a session id with a NUL', `/api/v1/projects/demo/sessions/a%00b?${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a session id with a line break', `/api/v1/projects/demo/sessions/a%0Ab?${ok}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a range over 7 days', `/api/v1/projects/demo/sessions/${SESSION}?from=${now - 8 * 86_400_000}&to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['to before from', `/api/v1/projects/demo/sessions/${SESSION}?from=${now}&to=${now - 1}`, 400, 'TP_ERR_BAD_QUERY'],
    ['no window', `/api/v1/projects/demo/sessions/${SESSION}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a window in words', `/api/v1/projects/demo/sessions/${SESSION}?from=yesterday&to=now`, 400, 'TP_ERR_BAD_QUERY'],
    ['a fractional time', `/api/v1/projects/demo/sessions/${SESSION}?from=1.5&to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['a time past the year 5000', `/api/v1/projects/demo/sessions/${SESSION}?from=0&to=1${'0'.repeat(15)}`, 400, 'TP_ERR_BAD_QUERY'],
    ['an unknown parameter', `/api/v1/projects/demo/sessions/${SESSION}?${ok}&path=/`, 400, 'TP_ERR_BAD_QUERY'],
    ['releases with a limit of 0', `/api/v1/projects/demo/releases?${ok}&limit=0`, 400, 'TP_ERR_BAD_QUERY'],
    ['releases over 92 days', `/api/v1/projects/demo/releases?from=${now - 93 * 86_400_000}&to=${now}`, 400, 'TP_ERR_BAD_QUERY'],
    ['releases of an unknown project', `/api/v1/projects/nope/releases?${ok}`, 404, 'TP_ERR_UNKNOWN_PROJECT'],
  ] as const)('with %s (%s) answers %i', async (_name, path, status, code) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ statusCode: status, code });
  });

  it('needs the admin token', async () => {
    expect((await get(sessionUrl(SESSION, ok), null)).status).toBe(401);
    expect((await get(`/api/v1/projects/demo/releases?${ok}`, 'wrong')).status).toBe(401);
  });

  it.each([
    `' OR 1=1 --`, `x'); DROP TABLE beacons; --`, '\\', '%', '..', '../../etc/passwd', '🙂', 'ß'.repeat(128), ' ', '{session:String}', 'a/b', '?', '#',
  ])('answers 404, not 500, for the session id %j', async (id) => {
    const res = await get(sessionUrl(id, ok));
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    expect(res.body).toMatchObject({ code: expect.stringMatching(/^TP_ERR_UNKNOWN_SESSION$|^TP_ERR_NOT_FOUND$/) });
  });

  it('answers a 4xx, never a 500, for odd windows', async () => {
    for (const q of ['from=-1&to=5', 'from=0&to=0', `from=${now}&to=${now}`, 'from=&to=', 'from=1e3&to=2e3', 'from=0x10&to=0x20', `from=${Number.MAX_SAFE_INTEGER}&to=${Number.MAX_SAFE_INTEGER}`, 'from[]=1&to=2']) {
      const res = await get(sessionUrl(SESSION, q));
      expect(res.status, q).toBeGreaterThanOrEqual(400);
      expect(res.status, q).toBeLessThan(500);
    }
  });
});
