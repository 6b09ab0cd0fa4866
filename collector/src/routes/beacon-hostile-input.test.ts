/**
 * Issue 18's edge cases of /v1/beacon, over real HTTP: events judged one by one even when one
 * is not an object, compressed bodies, the coded 413, and the bounded User-Agent cache.
 */
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '@touchpoint/protocol';
import type { Touchpoint } from '@touchpoint/node';
import { beacon, startTestTouchpoint, summary, vital, waitFor } from '@touchpoint/node/testing';
import { parseUserAgent, userAgentCacheChars } from '../ingest/user-agent.ts';

let tp: Touchpoint;
beforeAll(async () => {
  tp = await startTestTouchpoint();
});
afterAll(async () => tp?.close());

async function post(body: Buffer | string, headers: Record<string, string> = {}) {
  const res = await fetch(`${tp.url}/v1/beacon?key=demo`, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('POST /v1/beacon with hostile or unusual bodies', () => {
  it('refuses a non-object event alone (202 with its index) and keeps the valid ones', async () => {
    const session = `nulls-${Date.now()}`;
    const b = { ...beacon([vital('LCP', 1111)], { session }), events: [null, vital('LCP', 1111), 7, 'x', [], vital('FCP', 222)] };
    const res = await post(JSON.stringify(b));
    expect(res.status).toBe(202);
    expect(res.json).toEqual({
      accepted: 2,
      rejected: [
        { index: 0, reason: 'an event must be a JSON object, got null' },
        { index: 2, reason: 'an event must be a JSON object, got number' },
        { index: 3, reason: 'an event must be a JSON object, got string' },
        { index: 4, reason: 'an event must be a JSON object, got an array' },
      ],
    });
    const s = await waitFor(async () => {
      const s = await summary(tp, { session });
      return s.beacons === 1 && s;
    });
    expect(s.vitals.LCP?.count).toBe(1);
    expect(s.vitals.FCP?.count).toBe(1);
  });

  it('takes gzip and deflate (zlib or raw) bodies as the same beacon', async () => {
    for (const [enc, pack] of [['gzip', gzipSync], ['deflate', deflateSync], ['deflate', deflateRawSync], ['GZip', gzipSync]] as const) {
      const session = `enc-${enc}-${pack.name}-${Date.now()}`;
      const res = await post(pack(Buffer.from(JSON.stringify(beacon([vital('LCP', 900)], { session })))), { 'content-encoding': enc });
      expect(res.status, `${enc} ${pack.name}`).toBe(204);
      await waitFor(async () => (await summary(tp, { session })).beacons === 1);
    }
  });

  it('refuses what it cannot or should not inflate, with a message and no binary in it', async () => {
    const plain = JSON.stringify(beacon([vital('LCP', 900)]));
    const cases: [string, Buffer | string, Record<string, string>, number, string, RegExp][] = [
      ['gzip declared on a plain body', plain, { 'content-encoding': 'gzip' }, 400, 'TP_ERR_INVALID_ENCODING', /says gzip but the body is not gzip/],
      ['deflate declared on a plain body', plain, { 'content-encoding': 'deflate' }, 400, 'TP_ERR_INVALID_ENCODING', /says deflate but the body does not inflate/],
      ['gzip sent without saying so', gzipSync(plain), {}, 400, 'TP_ERR_INVALID_ENCODING', /gzip-compressed but no Content-Encoding/],
      ['brotli', Buffer.from('x'), { 'content-encoding': 'br' }, 415, 'TP_ERR_UNSUPPORTED_ENCODING', /gzip or deflate.*got Content-Encoding: br/],
      ['two encodings', gzipSync(gzipSync(plain)), { 'content-encoding': 'gzip, gzip' }, 415, 'TP_ERR_UNSUPPORTED_ENCODING', /gzip, gzip/],
      // 10 MB of zeros in 10 KB: inflating stops at the beacon limit.
      ['a gzip bomb', gzipSync(Buffer.alloc(10 * 1024 * 1024)), { 'content-encoding': 'gzip' }, 413, 'TP_ERR_BEACON_TOO_LARGE', /split the events.*once inflated/],
      ['truncated gzip', gzipSync(plain).subarray(0, 20), { 'content-encoding': 'gzip' }, 400, 'TP_ERR_INVALID_ENCODING', /does not inflate/],
    ];
    for (const [what, body, headers, status, code, message] of cases) {
      const res = await post(body, headers);
      expect(res.status, what).toBe(status);
      expect(res.json, what).toMatchObject({ code, message: expect.stringMatching(message) });
      // Readable: printable ASCII and the odd typographic character, never the body's bytes.
      expect(res.text, what).toMatch(/^[\x20-\x7e…’]*$/);
    }
  });

  it('says where a body stops being JSON without quoting it back', async () => {
    const res = await post('{"v":1,"session":"kim@example.com","page":');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'TP_ERR_INVALID_JSON' });
    expect(res.text).not.toContain('kim@example.com');
  });

  it('answers a body over the limit with the coded 413 that says to split the events', async () => {
    const res = await post('x'.repeat(MAX_BODY_BYTES + 1));
    expect(res.status).toBe(413);
    expect(res.json).toEqual({
      statusCode: 413,
      code: 'TP_ERR_BEACON_TOO_LARGE',
      error: 'Payload Too Large',
      message: `A beacon body may be at most ${MAX_BODY_BYTES} bytes; split the events over several beacons`,
    });
  });
});

it('bounds the User-Agent cache by the characters it holds, not by entries', () => {
  for (let i = 0; i < 3000; i++) parseUserAgent(`Mozilla/5.0 hostile-${i} ${'x'.repeat(16 * 1024)}`);
  // 3000 hostile 16 KB strings would be ~48 MB as keys; the cache keeps at most 1 Mi characters.
  expect(userAgentCacheChars()).toBeLessThanOrEqual(1024 * 1024);
  expect(parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1').device).toBe('mobile');
});
