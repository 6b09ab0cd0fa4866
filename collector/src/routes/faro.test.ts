import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fixtures from '../receivers/fixtures/faro-payloads.json' with { type: 'json' };
import type { FaroPayload } from '../receivers/faro-payload.ts';
import { postPayload, type Answer } from '../receivers/testing/post-payload.ts';
import { shiftTimes } from '../receivers/testing/shift-times.ts';
import { startTestTouchpoint, summary, tempDir, waitFor } from '@touchpoint/node/testing';
import type { Touchpoint } from '@touchpoint/node';
import { SDK_MAX_BODY_BYTES } from './sdk-ingest.ts';

let tp: Touchpoint;
const payloads = fixtures as unknown as FaroPayload[];

beforeAll(async () => {
  const projectsFile = join(tempDir('faro-projects'), 'projects.json');
  writeFileSync(
    projectsFile,
    JSON.stringify({
      projects: [
        { id: 'demo', key: 'demo', origins: ['*'] },
        { id: 'shop', key: 'shop-key', origins: ['https://shop.example'] },
        { id: 'flood', key: 'flood-key', origins: ['*'] },
      ],
    }),
  );
  // A low limit so the rate-limit test needs few requests; the other tests use other keys.
  tp = await startTestTouchpoint({ TOUCHPOINT_PROJECTS: projectsFile, TOUCHPOINT_RATE_LIMIT: '20' });
});
afterAll(async () => tp?.close());

const post = (path: string, body: unknown, headers?: Record<string, string>, raw?: boolean) => postPayload(tp, path, body, headers, raw);

/** A fresh session id per test, so each can find its own rows. */
function session(p: FaroPayload, id = `faro-${Math.random().toString(36).slice(2, 10)}`): FaroPayload {
  return { ...shiftTimes(p), meta: { ...p.meta, session: { id } } };
}

const meta = (id: string) => ({ session: { id }, page: { url: 'https://shop.example/products/kettle' } });
const now = () => new Date().toISOString();

describe('POST /collect accepts what the Faro SDK sends', () => {
  it('every captured payload with 202, and the summary shows its vitals, errors and failed requests', async () => {
    const id = `faro-${Date.now()}`;
    for (const p of payloads) {
      const res = await post('/collect', session(p, id));
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    }
    const events = { error: 3, http: 2, nav: 2, checkout: 3, custom: 1, identify: 1 };
    // Each table fills from the same insert, one view after another: wait for the ones read below.
    const s = await waitFor(async () => {
      const s = await summary(tp, { session: id });
      return (s.vitals.INP?.count ?? 0) >= 2 && Object.entries(events).every(([type, n]) => (s.events[type] ?? 0) >= n) && s;
    });
    for (const v of ['LCP', 'INP', 'CLS', 'FCP', 'TTFB']) expect(s.vitals[v]?.count, v).toBe(2);
    expect(s.events).toMatchObject(events);
    // The identify's email goes to the outreach store, never to ClickHouse.
    const rs = await tp.storage.client.query({ query: "SELECT count() AS n FROM touchpoint.beacons WHERE position(toString(tuple(*)), 'kim@') > 0", format: 'JSONEachRow' });
    expect(Number((await rs.json<{ n: string }>())[0]?.n)).toBe(0);
  });

  it('answers with what it stored, refused and dropped', async () => {
    const res = await post('/collect', session(payloads[0]!));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 3, rejected: [], dropped: [{ what: 'event', reason: "session_start is Faro's session/view bookkeeping", count: 1 }] });
  });

  it('an app version that is no release: its events stored without one, and the answer says why', async () => {
    const p = session(payloads[0]!) as { meta: { app?: Record<string, unknown> } };
    p.meta.app = { name: 'faro-shop', version: '1.0.0 (build 7)' };
    const res = await post('/collect', p);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 3, rejected: [{ type: 'meta.app.version', reason: 'not a release: 1–64 of A-Z a-z 0-9 . _ + : @ / -' }] });
  });

  it('the key in the path (/collect/:appKey), gzip bodies, and text/plain', async () => {
    expect((await post('/collect/demo', session(payloads[2]!), { 'content-type': 'application/json' })).status).toBe(202);
    const gz = gzipSync(JSON.stringify(session(payloads[2]!)));
    expect((await post('/collect', gz, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': 'demo' }, true)).status).toBe(202);
    expect((await post('/collect?key=demo', session(payloads[2]!), { 'content-type': 'text/plain;charset=UTF-8' })).status).toBe(202);
  });

  it('bodies past a beacon\'s 64 KiB, up to the receivers\' limit', async () => {
    const big = { meta: meta('faro-big'), logs: [{ level: 'info', message: 'x'.repeat(SDK_MAX_BODY_BYTES - 1024), timestamp: now(), context: {} }] };
    expect(JSON.stringify(big).length).toBeGreaterThan(400 * 1024);
    expect((await post('/collect', big)).status).toBe(202);
  });

  it('a payload of nothing Touchpoint stores: 202 with everything listed as dropped', async () => {
    const res = await post('/collect', { meta: meta('faro-logs'), logs: [{ level: 'info', message: 'hi', timestamp: now(), context: {} }] });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 0, dropped: [{ what: 'log', count: 1 }] });
  });

  it('scrubs emails, cards and secrets before storage', async () => {
    const id = `faro-scrub-${Date.now()}`;
    const res = await post('/collect', {
      meta: { session: { id }, page: { url: 'https://shop.example/checkout?token=abc123&step=2' } },
      exceptions: [{ type: 'Error', value: 'card 4111 1111 1111 1111 declined for kim@example.com', timestamp: now(), stacktrace: { frames: [{ filename: 'https://shop.example/app.js?sig=s3cr3t', function: 'pay', lineno: 1, colno: 2 }] } }],
    });
    expect(res.status).toBe(202);
    await waitFor(async () => (await summary(tp, { session: id })).beacons === 1);
    const q = async (sql: string) => (await tp.storage.client.query({ query: sql, query_params: { s: id }, format: 'JSONEachRow' })).json();
    expect(await q('SELECT page_url FROM touchpoint.beacons WHERE session = {s:String}')).toEqual([{ page_url: 'https://shop.example/checkout?token=[redacted]&step=2' }]);
    expect(await q('SELECT message, stack, source FROM touchpoint.errors WHERE session = {s:String}')).toEqual([
      {
        message: 'card [card] declined for [email]',
        stack: 'Error: card [card] declined for [email]\n    at pay (https://shop.example/app.js?sig=[redacted]:1:2)',
        source: 'https://shop.example/app.js?sig=[redacted]',
      },
    ]);
  });

  it('CORS: preflights for allowed origins with the headers Faro sends, and readable answers', async () => {
    const pre = await fetch(`${tp.url}/collect`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key,x-faro-session-id,idempotency-key' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type, content-encoding, x-api-key, x-faro-session-id, idempotency-key, x-touchpoint-key');
    const keyed = await fetch(`${tp.url}/collect/shop-key`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(keyed.status).toBe(403);
    expect(((await keyed.json()) as { code: string }).code).toBe('TP_ERR_ORIGIN_NOT_ALLOWED');
    const ok = await post('/collect', session(payloads[2]!), { 'content-type': 'application/json', 'x-api-key': 'shop-key', origin: 'https://shop.example' });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });
});

describe('POST /collect refuses', () => {
  const cases: [string, () => Promise<Answer>, number, string, RegExp?][] = [
    ['a body that is not JSON', () => post('/collect', '{"meta":', undefined, true), 400, 'TP_ERR_INVALID_JSON'],
    ['a payload without meta', () => post('/collect', { events: [] }), 400, 'TP_ERR_INVALID_FARO_PAYLOAD', /meta is missing/],
    ['measurements of the wrong shape', () => post('/collect', { meta: meta('s'), measurements: [{ type: 'web-vitals', values: { lcp: 'slow' }, timestamp: now() }] }), 400, 'TP_ERR_INVALID_FARO_PAYLOAD', /measurements\.0\.values\.lcp must be number/],
    ['a payload with nothing in it', () => post('/collect', { meta: meta('s') }), 400, 'TP_ERR_EMPTY_PAYLOAD'],
    ['no key', () => post('/collect', session(payloads[0]!), { 'content-type': 'application/json' }), 401, 'TP_ERR_MISSING_SDK_KEY', /x-api-key/],
    ['an unknown key', () => post('/collect', session(payloads[0]!), { 'content-type': 'application/json', 'x-api-key': 'nope' }), 401, 'TP_ERR_UNKNOWN_KEY'],
    ['an unknown key in the path', () => post('/collect/nope', session(payloads[0]!), { 'content-type': 'application/json' }), 401, 'TP_ERR_UNKNOWN_KEY'],
    ['an origin the project does not allow', () => post('/collect', session(payloads[0]!), { 'content-type': 'application/json', 'x-api-key': 'shop-key', origin: 'https://evil.example' }), 403, 'TP_ERR_ORIGIN_NOT_ALLOWED'],
    ['a body over the limit', () => post('/collect', { meta: meta('s'), logs: [{ message: 'x'.repeat(SDK_MAX_BODY_BYTES) }] }), 413, 'TP_ERR_PAYLOAD_TOO_LARGE', /batching\.itemLimit/],
    ['a gzip body over the limit once inflated', () => post('/collect', gzipSync(JSON.stringify({ meta: meta('s'), logs: [{ message: 'x'.repeat(SDK_MAX_BODY_BYTES) }] })), { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': 'demo' }, true), 413, 'TP_ERR_PAYLOAD_TOO_LARGE', /once inflated/],
    ['a body that is not the gzip it claims', () => post('/collect', 'not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': 'demo' }, true), 400, 'TP_ERR_INVALID_ENCODING'],
    ['an encoding other than gzip', () => post('/collect', 'x', { 'content-type': 'application/json', 'content-encoding': 'br', 'x-api-key': 'demo' }, true), 415, 'TP_ERR_UNSUPPORTED_ENCODING', /br/],
    ['a content type that is not JSON', () => post('/collect', '<xml/>', { 'content-type': 'application/xml', 'x-api-key': 'demo' }, true), 415, 'TP_ERR_SDK_MEDIA_TYPE', /application\/xml/],
    ['a body without a content type', () => post('/collect', new Uint8Array([123, 125]), { 'x-api-key': 'demo' }, true), 415, 'TP_ERR_SDK_MEDIA_TYPE'],
    ['events none of which is valid', () => post('/collect', { meta: meta('s'), measurements: [{ type: 'web-vitals', values: { lcp: -5 }, timestamp: now() }] }), 400, 'TP_ERR_NO_VALID_EVENTS', /vital: value must be >= 0/],
    ['a page that is not http(s)', () => post('/collect', { meta: { session: { id: 's' }, page: { url: 'file:///C:/shop.html' } }, measurements: [{ type: 'web-vitals', values: { lcp: 5 }, timestamp: now() }] }), 400, 'TP_ERR_NO_VALID_EVENTS', /beacon: page must match pattern/],
  ];
  it.each(cases)('%s', async (_name, send, status, code, message) => {
    const res = await send();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.body.statusCode).toBe(status);
    if (message) expect(String(res.body.message)).toMatch(message);
  });

  it('a client over the rate limit with 429 and Retry-After', async () => {
    const body = { meta: meta('flood'), measurements: [{ type: 'web-vitals', values: { lcp: 5 }, timestamp: now() }] };
    const answers = await Promise.all(Array.from({ length: 60 }, () => post('/collect', body, { 'content-type': 'application/json', 'x-api-key': 'flood-key' })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body.code).toBe('TP_ERR_RATE_LIMITED');
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
  });

  it('counts payloads by outcome and reason in /metrics', async () => {
    const text = await (await fetch(`${tp.url}/metrics`)).text();
    expect(text).toMatch(/touchpoint_receiver_payloads_total\{receiver="faro",outcome="rejected",reason="TP_ERR_INVALID_FARO_PAYLOAD"\} [1-9]/);
    expect(text).toMatch(/touchpoint_receiver_payloads_total\{receiver="faro",outcome="accepted",reason="ok"\} [1-9]/);
    expect(text).toMatch(/touchpoint_receiver_items_total\{receiver="faro",what="log",outcome="dropped"\} [1-9]/);
  });
});
