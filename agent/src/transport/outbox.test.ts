import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutbox } from './outbox.ts';
import type { Unsent } from './storage.ts';

interface Hit {
  at: number;
  body: string;
}

/** A real HTTP server that answers from a script of statuses (then 204) and records each body. */
async function collector(script: { status: number; retryAfter?: string }[]): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push({ at: Date.now(), body });
      const next = script.shift() ?? { status: 204 };
      res.writeHead(next.status, next.retryAfter ? { 'retry-after': next.retryAfter } : {});
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/beacon?key=t`, hits, server };
}

const until = async (check: () => boolean, ms = 8000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('createOutbox (real HTTP)', () => {
  let server: Server | undefined;
  let saved: Unsent[];
  const noStorage = { save: (u: Unsent) => void saved.push(u), take: (): Unsent => ({ until: 0, bodies: [] }) };
  beforeEach(() => {
    saved = [];
  });
  afterEach(() => server?.close());

  it('sends bodies in order, each stamped with sentAt', async () => {
    const c = await collector([]);
    server = c.server;
    const out = createOutbox({ url: c.url, ...noStorage });
    out.send(['"v":1,"n":1}', '"v":1,"n":2}']);
    await until(() => c.hits.length == 2);
    const parsed = c.hits.map((h) => JSON.parse(h.body) as { sentAt: number; n: number });
    expect(parsed.map((p) => p.n)).toEqual([1, 2]);
    for (const p of parsed) expect(Math.abs(p.sentAt - Date.now())).toBeLessThan(5000);
  });

  it('honours Retry-After on 503 and 429, then delivers', async () => {
    const c = await collector([{ status: 503, retryAfter: '1' }, { status: 429, retryAfter: '1' }]);
    server = c.server;
    const out = createOutbox({ url: c.url, ...noStorage });
    out.send(['"n":1}']);
    await until(() => c.hits.length == 3);
    const [a, b, d] = c.hits.map((h) => h.at);
    expect((b ?? 0) - (a ?? 0)).toBeGreaterThanOrEqual(950);
    expect((d ?? 0) - (b ?? 0)).toBeGreaterThanOrEqual(950);
    expect(new Set(c.hits.map((h) => (JSON.parse(h.body) as { n: number }).n))).toEqual(new Set([1]));
    // Delivered: nothing more is sent.
    await new Promise((r) => setTimeout(r, 300));
    expect(c.hits).toHaveLength(3);
  });

  it('drops a body the collector refuses for good (400) and moves on', async () => {
    const c = await collector([{ status: 400 }]);
    server = c.server;
    const out = createOutbox({ url: c.url, ...noStorage });
    out.send(['"n":1}', '"n":2}']);
    await until(() => c.hits.length == 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.hits.map((h) => (JSON.parse(h.body) as { n: number }).n)).toEqual([1, 2]);
  });

  it('retries a network failure with backoff', async () => {
    const c = await collector([]);
    server = c.server;
    const real = c.url;
    let calls = 0;
    // First try goes to a closed port (connection refused), the retry to the collector.
    const out = createOutbox({
      url: real,
      ...noStorage,
      post: async (url, body) => {
        const { post } = await import('./send.ts');
        return post(calls++ == 0 ? 'http://127.0.0.1:9/' : url, body);
      },
    });
    out.send(['"n":1}']);
    await until(() => c.hits.length == 1);
    expect(calls).toBe(2);
  });

  it('on leave: beacons what may go, stores what the browser refuses', async () => {
    const beacons: string[] = [];
    const out = createOutbox({ url: 'http://127.0.0.1:9/', ...noStorage, beacon: (_u, b) => (beacons.push(b), beacons.length < 2) });
    out.leave(['"n":1}', '"n":2}', '"n":3}']);
    expect(beacons.map((b) => (JSON.parse(b) as { n: number }).n)).toEqual([1, 2, 3]);
    expect(saved).toEqual([{ until: 0, bodies: ['"n":2}', '"n":3}'] }]);
  });

  it('on leave while the collector asked to wait: stores everything with the wait, beacons nothing', async () => {
    const c = await collector([{ status: 503, retryAfter: '60' }]);
    server = c.server;
    const beacons: string[] = [];
    const out = createOutbox({ url: c.url, ...noStorage, beacon: (_u, b) => (beacons.push(b), true) });
    out.send(['"n":1}']);
    await until(() => c.hits.length == 1);
    await new Promise((r) => setTimeout(r, 50));
    out.leave(['"n":2}']);
    expect(beacons).toEqual([]);
    expect(saved[0]?.bodies).toEqual(['"n":1}', '"n":2}']);
    expect(saved[0]?.until).toBeGreaterThan(Date.now() + 55_000);
  });

  it('resume() sends what an earlier page stored', async () => {
    const c = await collector([]);
    server = c.server;
    const out = createOutbox({ url: c.url, save: () => {}, take: () => ({ until: 0, bodies: ['"n":7}'] }) });
    out.resume();
    await until(() => c.hits.length == 1);
    expect((JSON.parse(c.hits[0]?.body ?? '') as { n: number }).n).toBe(7);
  });
});
