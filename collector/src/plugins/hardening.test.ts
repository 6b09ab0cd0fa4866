import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Touchpoint } from '@touchpoint/node';
import { startTestTouchpoint } from '@touchpoint/node/testing';

const METRICS_TOKEN = 'metrics-token-0123456789';
let tp: Touchpoint;
beforeAll(async () => {
  tp = await startTestTouchpoint({ TOUCHPOINT_MAX_CONNECTIONS_PER_CLIENT: '5', TOUCHPOINT_METRICS_TOKEN: METRICS_TOKEN });
});
afterAll(async () => tp?.close());

function open(localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: tp.port, localAddress }, () => resolve(s));
    s.on('error', reject);
  });
}
const closed = (s: Socket) => new Promise<number>((resolve) => s.once('close', () => resolve(Date.now())));

/** Sends `text` one byte a second until the server closes the socket; resolves with how long that took (ms). */
async function trickle(head: string, text: string, localAddress: string): Promise<number> {
  const s = await open(localAddress);
  s.on('error', () => {});
  s.on('data', () => {});
  const start = Date.now();
  const done = closed(s);
  s.write(head);
  let i = 0;
  const timer = setInterval(() => {
    if (!s.destroyed && !s.writableEnded) s.write(text[i++ % text.length]!);
  }, 1000);
  const at = await Promise.race([done, new Promise<number>((r) => setTimeout(() => r(Number.POSITIVE_INFINITY), 40_000))]);
  clearInterval(timer);
  s.destroy();
  return at - start;
}

describe('the public endpoint against slow and greedy clients', () => {
  it('closes a connection that sends its headers or its body a byte a second within 15 s', async () => {
    const [headers, body] = await Promise.all([
      trickle('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ', 'abcdefghijklmnopqrstuvwxyz', '127.0.0.11'),
      trickle('POST /v1/beacon?key=demo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5000\r\n\r\n', '{"v":1', '127.0.0.12'),
    ]);
    // Today's limits: headers 10 s, whole request 15 s, checked every second.
    expect(headers).toBeLessThanOrEqual(15_000);
    expect(body).toBeLessThanOrEqual(16_500);
  }, 60_000);

  it('closes connections past the per-address limit as they open; other addresses are unaffected', async () => {
    const held = await Promise.all(Array.from({ length: 5 }, () => open('127.0.0.21')));
    const extra = await open('127.0.0.21');
    const extraClosed = await Promise.race([closed(extra).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 2000))]);
    expect(extraClosed).toBe(true);
    const res = await fetch(`${tp.url}/healthz`);
    expect(res.status).toBe(200);
    for (const s of held) s.destroy();
    const metrics = await fetch(`${tp.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(await metrics.text()).toMatch(/touchpoint_connections_refused_total [1-9]/);
  });

  it('puts /metrics behind TOUCHPOINT_METRICS_TOKEN when it is set', async () => {
    const none = await fetch(`${tp.url}/metrics`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'TP_ERR_UNAUTHORIZED', message: expect.stringContaining('TOUCHPOINT_METRICS_TOKEN') });
    expect((await fetch(`${tp.url}/metrics`, { headers: { authorization: `Bearer ${tp.adminToken}` } })).status).toBe(401);
    const ok = await fetch(`${tp.url}/metrics`, { headers: { authorization: `bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/touchpoint_beacons_total/);
    expect((await fetch(`${tp.url}/healthz`)).status).toBe(200);
  });
});
