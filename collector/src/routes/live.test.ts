import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LIVE_CHANNEL } from '../live/live-counts.ts';
import { LiveHub, type LiveClient, type LiveFrame } from '../live/live-hub.ts';
import { ADMIN_TOKEN, beacon, postBeacon, startTestTouchpoint, vital, waitFor } from '@touchpoint/node/testing';
import type { Touchpoint } from '@touchpoint/node';

let tp: Touchpoint;
let base: string;

beforeAll(async () => {
  tp = await startTestTouchpoint();
  base = tp.url;
});

afterAll(async () => {
  await tp?.close();
});

const wsUrl = (project = 'demo') => `${base.replace('http', 'ws')}/api/v1/projects/${project}/live`;

/** A connected socket and every frame it received. */
function connect(opts: { protocols?: string[]; firstMessage?: unknown; project?: string; localAddress?: string } = {}) {
  const ws = new WebSocket(wsUrl(opts.project), opts.protocols ?? [], opts.localAddress ? { localAddress: opts.localAddress } : {});
  const frames: Record<string, unknown>[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const refused = new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
  ws.on('error', () => undefined);
  if (opts.firstMessage !== undefined) ws.on('open', () => ws.send(JSON.stringify(opts.firstMessage)));
  return { ws, frames, closed, refused, live: () => frames.filter((f) => f.type === 'live') as unknown as LiveFrame[] };
}

describe('GET /api/v1/projects/:project/live', () => {
  it('answers a plain GET with 426, and 401 without the token', async () => {
    const plain = await fetch(`${base}/api/v1/projects/demo/live`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(plain.status).toBe(426);
    expect((await fetch(`${base}/api/v1/projects/demo/live`)).status).toBe(401);
  });

  it('refuses a wrong token in Sec-WebSocket-Protocol with 401 and an unknown project with 404', async () => {
    expect(await connect({ protocols: ['touchpoint.v1', 'bearer.nope'] }).refused).toBe(401);
    expect(await connect({ protocols: ['touchpoint.v1', `bearer.${ADMIN_TOKEN}`], project: 'nope' }).refused).toBe(404);
  });

  it('survives a malformed project id and an oversized first message', async () => {
    expect(await connect({ protocols: ['touchpoint.v1', `bearer.${ADMIN_TOKEN}`], project: '%E0%A4%A' }).refused).toBe(404);
    const big = connect({ firstMessage: { token: 'x'.repeat(10_000) } });
    expect((await big.closed).code).toBe(1009);
    const after = connect({ firstMessage: { token: ADMIN_TOKEN } });
    await waitFor(async () => after.live().length >= 1, 5_000, 50);
    after.ws.close();
  });

  it('closes with 4401 when the first message carries a wrong token', async () => {
    const c = connect({ firstMessage: { token: 'nope' } });
    expect((await c.closed).code).toBe(4401);
    expect(c.live()).toHaveLength(0);
  });

  it('holds at most 8 live views per client address (429 past them), and names an unknown project only after the token', async () => {
    const auth = ['touchpoint.v1', `bearer.${ADMIN_TOKEN}`];
    const views = Array.from({ length: 8 }, () => connect({ protocols: auth, localAddress: '127.0.0.31' }));
    await waitFor(async () => views.every((v) => v.frames.some((f) => f.type === 'hello')), 5_000, 50);
    expect(await connect({ protocols: auth, localAddress: '127.0.0.31' }).refused).toBe(429);
    const other = connect({ protocols: auth, localAddress: '127.0.0.32' });
    await waitFor(async () => other.frames.some((f) => f.type === 'hello'), 5_000, 50);
    for (const v of [...views, other]) v.ws.close();
    // Once closed, the address may open views again.
    await Promise.all(views.map((v) => v.closed));
    const again = connect({ protocols: auth, localAddress: '127.0.0.31' });
    await waitFor(async () => again.frames.some((f) => f.type === 'hello'), 5_000, 50);
    again.ws.close();
    const unknown = connect({ project: 'nope', firstMessage: { token: ADMIN_TOKEN } });
    expect((await unknown.closed).code).toBe(4404);
  });

  it('streams per-second figures that move within 2 s of new beacons (first-message auth)', async () => {
    const c = connect({ firstMessage: { token: ADMIN_TOKEN } });
    await waitFor(async () => c.live().length >= 1, 5_000, 50);
    expect(c.frames[0]).toMatchObject({ type: 'hello', project: 'demo' });
    const sentAt = Date.now();
    const customer = `live-${sentAt}`;
    for (let i = 0; i < 20; i++) {
      const res = await postBeacon(tp, beacon([vital('LCP', 1234), { type: 'checkout', at: Date.now(), step: 'start', id: `live-co-${i}` }], { customer }));
      expect(res.status).toBe(204);
    }
    const moved = await waitFor(async () => c.live().find((f) => f.t > sentAt && f.beaconsPerSecond > 0), 2_000, 20);
    expect(Date.now() - sentAt).toBeLessThan(2_500);
    expect(moved.eventsPerSecond).toBeGreaterThanOrEqual(moved.beaconsPerSecond);
    // ClickHouse-backed figures follow once the rows are written
    const withRows = await waitFor(async () => c.live().find((f) => f.p75?.LCP === 1234 && f.openCheckouts === 20), 10_000, 50);
    expect(withRows.collectors).toBe(1);
    c.ws.close();
  });

  it('adds up every collector through Redis (header auth)', async () => {
    const c = connect({ protocols: ['touchpoint.v1', `bearer.${ADMIN_TOKEN}`] });
    await new Promise((r) => c.ws.once('open', r));
    expect(c.ws.protocol).toBe('touchpoint.v1');
    const redis = new Redis(tp.redisUrl);
    // Another collector's counts: this project's add up, another project's stay out of the frame.
    const counts = { id: 'other-collector', projects: { demo: { beacons: 1000, events: 5000 }, shop: { beacons: 777, events: 7777 } } };
    const other = setInterval(() => void redis.publish(LIVE_CHANNEL, JSON.stringify({ ...counts, t: Date.now() })), 300);
    try {
      const frame = await waitFor(async () => c.live().find((f) => f.collectors === 2), 5_000, 50);
      expect(frame.beaconsPerSecond).toBeGreaterThanOrEqual(1000);
      expect(frame.beaconsPerSecond).toBeLessThan(1777);
      expect(frame.eventsPerSecond).toBeGreaterThanOrEqual(5000);
      expect(frame.eventsPerSecond).toBeLessThan(12777);
    } finally {
      clearInterval(other);
      redis.disconnect();
      c.ws.close();
    }
    // a collector that stops publishing drops out
    const again = connect({ firstMessage: { token: ADMIN_TOKEN } });
    await waitFor(async () => again.live().find((f) => f.collectors === 1 && f.t > Date.now() - 1000), 6_000, 50);
    again.ws.close();
  });
});

describe('LiveHub', () => {
  it('cuts off a watcher that does not keep up, and keeps the others', async () => {
    const hub = new LiveHub({ redisUrl: tp.redisUrl, storage: tp.storage, metrics: tp.metrics, logger: tp.logger, stuckAfterMs: 60_000, intervalMs: 100, maxBufferedBytes: 1000 });
    await hub.start();
    const client = (bufferedAmount: number) => {
      const c = { bufferedAmount, sent: 0, terminated: false, send: () => void c.sent++, terminate: () => void (c.terminated = true) };
      return c satisfies LiveClient;
    };
    const slow = client(1_000_000);
    const fine = client(0);
    hub.add('demo', slow);
    hub.add('demo', fine);
    try {
      await waitFor(async () => fine.sent >= 3, 5_000, 20);
      expect(slow.terminated).toBe(true);
      expect(slow.sent).toBe(0);
      expect(fine.terminated).toBe(false);
      expect(hub.clientCount).toBe(1);
    } finally {
      await hub.close();
    }
  });
});
