import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Touchpoint } from '@touchpoint/node';
import { beacon, postBeacon, startTestTouchpoint, summary, tempDir, vital, waitFor } from '@touchpoint/node/testing';

let tp: Touchpoint;

beforeAll(async () => {
  const dir = tempDir('projects');
  const projectsFile = join(dir, 'projects.json');
  writeFileSync(
    projectsFile,
    JSON.stringify({
      projects: [
        { id: 'demo', key: 'demo', origins: ['*'] },
        { id: 'shop', key: 'shop-key', origins: ['https://shop.example'] },
      ],
    }),
  );
  tp = await startTestTouchpoint({ TOUCHPOINT_PROJECTS: projectsFile, TOUCHPOINT_COUNTRY_HEADER: 'cf-ipcountry' });
});
afterAll(async () => tp?.close());

describe('POST /v1/beacon accepts', () => {
  it('a valid beacon with 204 and stores it within 2 s', async () => {
    const b = beacon([vital('LCP', 2000), vital('FCP', 800)]);
    const t0 = Date.now();
    const res = await postBeacon(tp, b, { headers: { 'cf-ipcountry': 'au' } });
    expect(res.status).toBe(204);
    const s = await waitFor(async () => {
      const s = await summary(tp, { session: b.session });
      return s.beacons === 1 && s;
    }, 5000, 50);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(s.events).toEqual({ vital: 2 });
    expect(s.vitals.LCP).toMatchObject({ count: 1, p50: 2000 });
    const rs = await tp.storage.client.query({
      query: 'SELECT country, device, browser FROM touchpoint.beacons WHERE session = {s:String}',
      query_params: { s: b.session },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ country: 'AU', device: 'other', browser: 'unknown' }]);
  });

  it('application/json and the key in X-Touchpoint-Key', async () => {
    const res = await fetch(`${tp.url}/v1/beacon`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-touchpoint-key': 'demo' },
      body: JSON.stringify(beacon([vital('TTFB', 100)])),
    });
    expect(res.status).toBe(204);
  });

  it('202 with the rejected events listed, keeping the valid ones', async () => {
    const b = beacon([
      vital('LCP', 1500),
      { type: 'teleport', at: Date.now() } as never,
      { type: 'vital', at: Date.now(), name: 'LCP', value: -5 } as never,
      { type: 'http', at: Date.now(), method: 'GET', url: 'https://x.example', status: 'oops', duration: 1 } as never,
    ]);
    const res = await postBeacon(tp, b);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1 });
    const rejected = res.body!.rejected as { index: number; reason: string }[];
    expect(rejected.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(rejected[0]!.reason).toMatch(/unknown event type "teleport"/);
    expect(rejected[1]!.reason).toMatch(/value must be >= 0/);
    expect(rejected[2]!.reason).toMatch(/status must be integer/);
    await waitFor(async () => (await summary(tp, { session: b.session })).beacons === 1);
  });

  it('SQL-looking and unicode strings verbatim, as data', async () => {
    const nasty = "'); DROP TABLE touchpoint.beacons; -- 🛒 Ünïcødé 日本語 \u0000 \\";
    const b = beacon([
      { type: 'custom', at: Date.now(), name: 'weird', props: { q: nasty } },
      { type: 'error', at: Date.now(), kind: 'js', message: nasty },
    ], { customer: "robert'); --" });
    expect((await postBeacon(tp, b)).status).toBe(204);
    await waitFor(async () => (await summary(tp, { session: b.session })).beacons === 1);
    const rs = await tp.storage.client.query({
      query: "SELECT props['q'] AS q FROM touchpoint.custom_events WHERE session = {s:String}",
      query_params: { s: b.session },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ q: nasty }]);
    expect((await summary(tp, { customer: "robert'); --" })).beacons).toBe(1);
  });

  it('scrubs emails, card numbers and secret query values before storage', async () => {
    const b = beacon(
      [
        { type: 'error', at: Date.now(), kind: 'js', message: 'failed for kim@example.com with card 4111 1111 1111 1111', stack: 'at https://shop.example/app.js?token=s3cr3t:1:1' },
        { type: 'http', at: Date.now(), method: 'POST', url: 'https://api.example/pay?password=hunter2&amount=10', status: 502, duration: 40 },
      ],
      { page: 'https://shop.example/checkout?email=kim@example.com&access_token=abc123&step=2' },
    );
    expect((await postBeacon(tp, b)).status).toBe(204);
    await waitFor(async () => (await summary(tp, { session: b.session })).beacons === 1);
    const q = async (sql: string) =>
      (await tp.storage.client.query({ query: sql, query_params: { s: b.session }, format: 'JSONEachRow' })).json<Record<string, string>>();
    const [err] = await q('SELECT message, stack FROM touchpoint.errors WHERE session = {s:String}');
    expect(err!.message).toBe('failed for [email] with card [card]');
    expect(err!.stack).toBe('at https://shop.example/app.js?token=[redacted]:1:1');
    const [req] = await q('SELECT url FROM touchpoint.requests WHERE session = {s:String}');
    expect(req!.url).toBe('https://api.example/pay?password=[redacted]&amount=10');
    const [row] = await q('SELECT page_url FROM touchpoint.beacons WHERE session = {s:String}');
    expect(row!.page_url).toBe('https://shop.example/checkout?email=[email]&access_token=[redacted]&step=2');
  });

  it('identify events never reach ClickHouse', async () => {
    const b = beacon([{ type: 'identify', at: Date.now(), customer: 'cust-1', email: 'kim@example.com', consent: { outreach: true } }]);
    expect((await postBeacon(tp, b)).status).toBe(204);
    await waitFor(async () => (await summary(tp, { session: b.session })).beacons === 1);
    const rs = await tp.storage.client.query({
      query: "SELECT count() AS n FROM touchpoint.beacons WHERE page_url LIKE '%kim@%' OR customer LIKE '%kim@%'",
      format: 'JSONEachRow',
    });
    expect((await rs.json<{ n: string }>()).map((r) => Number(r.n))).toEqual([0]);
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const ok = await fetch(`${tp.url}/v1/beacon?key=shop-key`, { method: 'OPTIONS', headers: { origin: 'https://shop.example' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const bad = await fetch(`${tp.url}/v1/beacon?key=shop-key`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(bad.status).toBe(403);
  });
});

describe('POST /v1/beacon refuses', () => {
  const cases: [string, string, number, string, RegExp?][] = [
    ['invalid JSON', '{"v":1,', 400, 'TP_ERR_INVALID_JSON'],
    ['NaN', '{"v":1,"session":"s","page":"https://a.example/","sentAt":NaN,"events":[]}', 400, 'TP_ERR_INVALID_JSON'],
    ['Infinity', '{"v":1,"session":"s","page":"https://a.example/","sentAt":Infinity,"events":[]}', 400, 'TP_ERR_INVALID_JSON'],
    ['an array', '[1,2,3]', 400, 'TP_ERR_INVALID_BEACON', /must be object/],
    ['a string', '"hello"', 400, 'TP_ERR_INVALID_BEACON'],
    ['null', 'null', 400, 'TP_ERR_INVALID_BEACON'],
    ['an empty body', '', 400, 'TP_ERR_INVALID_JSON'],
  ];
  for (const [name, body, status, code, message] of cases) {
    it(`${name} with ${status} ${code}`, async () => {
      const res = await postBeacon(tp, body, { raw: true });
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ statusCode: status, code });
      if (message) expect(String(res.body!.message)).toMatch(message);
    });
  }

  const now = Date.now();
  const base = { v: 1, session: 's-bad', page: 'https://shop.example/', sentAt: now, events: [{ type: 'vital', at: now, name: 'LCP', value: 1 }] };
  const shapeCases: [string, unknown, RegExp][] = [
    ['a missing session', { ...base, session: undefined }, /required property 'session'/],
    ['a wrong version', { ...base, v: 2 }, /v must be equal to constant/],
    ['sentAt as a string', { ...base, sentAt: String(now) }, /sentAt must be number/],
    ['a negative sentAt', { ...base, sentAt: -1 }, /sentAt must be >= 0/],
    ['a sentAt past the year 2100', { ...base, sentAt: 1e300 }, /sentAt must be <= 4102444800000/],
    ['a page that is not http(s)', { ...base, page: 'javascript:alert(1)' }, /page must match pattern/],
    ['no events', { ...base, events: [] }, /events must NOT have fewer than 1 items/],
    ['10,000 events', { ...base, events: Array.from({ length: 10_000 }, () => ({ type: 'vital', at: now, name: 'CLS', value: 0 })) }, /./],
    ['an unknown top-level field', { ...base, admin: true }, /unknown field "admin"/],
    ['a session of 1,000 characters', { ...base, session: 'x'.repeat(1000) }, /session must NOT have more than 128 characters/],
    ['a release with a space', { ...base, release: 'v1 beta' }, /release must match pattern/],
    ['an empty release', { ...base, release: '' }, /release must NOT have fewer than 1 characters/],
    ['a release of 65 characters', { ...base, release: 'v'.repeat(65) }, /release must NOT have more than 64 characters/],
    ['a release that is a number', { ...base, release: 2 }, /release must be string/],
  ];
  for (const [name, body, message] of shapeCases) {
    it(`${name}`, async () => {
      const res = await postBeacon(tp, body);
      if (name === '10,000 events') {
        // 10,000 events do not fit in 64 KiB: refused for size before parsing.
        expect(res.status).toBe(413);
        expect(res.body).toMatchObject({ code: 'TP_ERR_BEACON_TOO_LARGE' });
        return;
      }
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'TP_ERR_INVALID_BEACON' });
      expect(String(res.body!.message)).toMatch(message);
    });
  }

  it('201 events that fit in 64 KiB with 400', async () => {
    const res = await postBeacon(tp, { ...base, events: Array.from({ length: 201 }, () => ({ type: 'vital', at: now, name: 'CLS', value: 0 })) });
    expect(res.status).toBe(400);
    expect(String(res.body!.message)).toMatch(/events must NOT have more than 200 items/);
  });

  it('deep nesting with 400 (and the process stays up)', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const res = await postBeacon(tp, `{"v":1,"session":"s","page":"https://a.example/","sentAt":1,"events":[{"type":"custom","at":1,"name":"n","props":${deep}}]}`, { raw: true });
    expect(res.status).toBe(400);
    const nested = { ...base, events: [{ type: 'custom', at: now, name: 'n', props: { a: { b: { c: 1 } } } }] };
    const res2 = await postBeacon(tp, nested);
    expect(res2.status).toBe(400);
    expect(res2.body).toMatchObject({ code: 'TP_ERR_NO_VALID_EVENTS' });
    expect((await fetch(`${tp.url}/healthz`)).status).toBe(200);
  });

  it('a 1 MB string with 413', async () => {
    const res = await postBeacon(tp, { ...base, session: 'x'.repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'TP_ERR_BEACON_TOO_LARGE' });
  });

  it('a beacon whose events are all invalid with 400 naming them', async () => {
    const res = await postBeacon(tp, { ...base, events: [{ type: 'vital', at: now, name: 'LCP', value: 'fast' }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'TP_ERR_NO_VALID_EVENTS' });
    expect(String(res.body!.message)).toMatch(/events\[0\]: value must be number/);
  });

  it('numbers the storage cannot hold exactly with 202 naming them', async () => {
    const res = await postBeacon(tp, {
      ...base,
      events: [
        vital('LCP', 1),
        { type: 'error', at: now, kind: 'js', message: 'm', line: 1e12 },
        { type: 'resource', at: now, host: 'cdn.example', count: 1, bytes: 1e30, p95: 1 },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body!.rejected).toEqual([
      { index: 1, reason: 'line must be <= 4294967295' },
      { index: 2, reason: 'bytes must be <= 9007199254740991' },
    ]);
  });

  it('lone surrogates and fractional times: stored, never blocking the batch', async () => {
    const at = Date.now() + 0.5;
    const b = beacon([
      { type: 'error', at, kind: 'js', message: 'half an emoji \ud83d here' },
      { type: 'custom', at, name: 'n\udfff', props: { k: '\ud800' } },
      vital('LCP', 1234.5),
    ], { sentAt: at });
    // JSON.stringify writes each lone surrogate as a \udXXX escape, as a browser would send it.
    const raw = JSON.stringify(b);
    expect(raw).toContain('half an emoji \\ud83d here');
    expect((await postBeacon(tp, raw, { raw: true })).status).toBe(204);
    await waitFor(async () => (await summary(tp, { session: b.session })).beacons === 1);
    const rs = await tp.storage.client.query({
      query: 'SELECT message FROM touchpoint.errors WHERE session = {s:String}',
      query_params: { s: b.session },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ message: 'half an emoji \ufffd here' }]);
  });

  it('events stamped far from sentAt', async () => {
    const res = await postBeacon(tp, { ...base, events: [vital('LCP', 1), { type: 'vital', at: now + 3600_000, name: 'LCP', value: 1 }] });
    expect(res.status).toBe(202);
    expect(res.body!.rejected).toEqual([{ index: 1, reason: `"at" is later than the beacon's sentAt` }]);
  });

  it('a missing key with 401', async () => {
    const res = await fetch(`${tp.url}/v1/beacon`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(base) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'TP_ERR_MISSING_KEY' });
  });

  it('an unknown key with 401', async () => {
    const res = await postBeacon(tp, base, { key: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'TP_ERR_UNKNOWN_KEY' });
  });

  it('a wrong origin with 403, the right one with 204 and CORS headers', async () => {
    const bad = await postBeacon(tp, base, { key: 'shop-key', headers: { origin: 'https://evil.example' } });
    expect(bad.status).toBe(403);
    expect(bad.body).toMatchObject({ code: 'TP_ERR_ORIGIN_NOT_ALLOWED' });
    const good = await postBeacon(tp, base, { key: 'shop-key', headers: { origin: 'https://shop.example' } });
    expect(good.status).toBe(204);
    expect(good.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    // Readable errors: the agent must see a 401 as a 401 (not a network failure) and read Retry-After.
    const unknown = await postBeacon(tp, base, { key: 'nope', headers: { origin: 'https://shop.example' } });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(unknown.headers.get('access-control-expose-headers')).toBe('retry-after');
  });

  it('a wrong content type with 415', async () => {
    const res = await postBeacon(tp, base, { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 'TP_ERR_UNSUPPORTED_MEDIA_TYPE' });
    const none = await fetch(`${tp.url}/v1/beacon?key=demo`, { method: 'POST' });
    expect(none.status).toBe(415);
  });

  it('unknown routes with 404', async () => {
    const res = await fetch(`${tp.url}/v2/beacon`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'TP_ERR_NOT_FOUND' });
  });

  it('counts rejections by reason in /metrics', async () => {
    const text = await (await fetch(`${tp.url}/metrics`)).text();
    expect(text).toMatch(/touchpoint_beacons_total\{outcome="rejected",reason="TP_ERR_INVALID_JSON"\} [1-9]/);
    expect(text).toMatch(/touchpoint_beacons_total\{outcome="accepted",reason="ok"\} [1-9]/);
    expect(text).toMatch(/touchpoint_spool_bytes/);
    expect(text).toMatch(/touchpoint_insert_duration_seconds_bucket/);
    expect(text).toMatch(/nodejs_eventloop_lag_seconds/);
  });
});
