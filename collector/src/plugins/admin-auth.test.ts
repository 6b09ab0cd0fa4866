import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Touchpoint } from '@touchpoint/node';
import { ADMIN_TOKEN, startTestTouchpoint } from '@touchpoint/node/testing';
import { bearerToken, canonicalPath } from './admin-auth.ts';

let tp: Touchpoint;
let routes: { method: string; path: string }[];

beforeAll(async () => {
  tp = await startTestTouchpoint();
  // Every /api/ route the app has, from its own router: a route added later is tested too.
  routes = routeTable(tp.app.printRoutes({ commonPrefix: false }))
    .filter((r) => r.path.startsWith('/api/'))
    .map((r) => ({ method: r.method, path: r.path.replace(':project', 'demo').replace(/:(\w+)/g, 'x1') }));
});
afterAll(async () => tp?.close());

/** Fastify's printed route tree (children indented under their parent's prefix) as full paths. */
function routeTable(tree: string): { method: string; path: string }[] {
  const prefixes: string[] = [];
  const out: { method: string; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (prefixes[depth - 1] ?? '') + m[2]!;
    prefixes[depth] = path;
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') out.push({ method, path });
  }
  return out;
}

/** One raw HTTP/1.1 exchange, so the request target is sent exactly as written. */
function raw(target: string, opts: { method?: string; headers?: Record<string, string>; localAddress?: string } = {}): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: tp.port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    let data = '';
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body });
    });
    const headers = { host: `127.0.0.1:${tp.port}`, connection: 'close', ...opts.headers };
    socket.end(`${opts.method ?? 'GET'} ${target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
  });
}

/** The ways an /api/ path can be spelled so that some parser on the way still reads /api/. */
function spellings(path: string): [string, string][] {
  const rest = path.slice('/api'.length);
  return [
    ['one letter percent-encoded', `/%61pi${rest}`],
    ['every letter percent-encoded', `/%61%70%69${rest.replace(/[a-z]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}`],
    ['upper-case escapes', `/%41%50%49${rest}`],
    ['double-encoded', `/%2561pi${rest}`],
    ['mixed case', `/API${rest.toUpperCase()}`],
    ['one upper-case letter', `/Api${rest}`],
    ['dot segment', `/static/../api${rest}`],
    ['single-dot segment', `/./api${rest}`],
    ['encoded dot segment', `/static/%2e%2e/api${rest}`],
    ['duplicate slash in front', `//api${rest}`],
    ['duplicate slash inside', `/api/${rest}`],
    ['absolute form', `http://127.0.0.1:${tp.port}/api${rest}`],
    ['absolute form, other host', `http://evil.example/api${rest}`],
    ['backslashes', `/api${rest.replaceAll('/', '\\')}`],
    ['trailing slash', `/api${rest}/`],
  ];
}

describe('every /api/ route refuses every spelling without the admin token', () => {
  it('finds the API routes to test', () => {
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/v1/projects', '/api/v1/projects/demo/summary', '/api/v1/projects/demo/live', '/api/v1/projects/demo/outreach']));
  });

  it('401 for the plain path and every other spelling, HTTP routes', async () => {
    const failures: string[] = [];
    for (const r of routes) {
      for (const [how, target] of [['plain', r.path] as [string, string], ...spellings(r.path)]) {
        const res = await raw(`${target}${r.path.endsWith('/projects') ? '' : '?from=0&to=1'}`, { method: r.method });
        if (res.status !== 401) failures.push(`${r.method} ${target} (${how}) → ${res.status} ${res.body.slice(0, 80)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('401 for every spelling of the live WebSocket upgrade', async () => {
    const upgrade = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': 'touchpoint.v1' };
    const failures: string[] = [];
    for (const [how, target] of spellings('/api/v1/projects/demo/live')) {
      const res = await raw(target, { headers: upgrade });
      if (res.status !== 401) failures.push(`${target} (${how}) → ${res.status}`);
    }
    // The plain path with a wrong header token: refused before the upgrade.
    const wrong = await raw('/api/v1/projects/demo/live', { headers: { ...upgrade, 'sec-websocket-protocol': 'touchpoint.v1, bearer.not-the-token' } });
    if (wrong.status !== 401) failures.push(`wrong header token → ${wrong.status}`);
    expect(failures).toEqual([]);
  });

  it('answers with the token, the scheme name in any case', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'beaRer']) {
      const res = await raw('/api/v1/projects', { headers: { authorization: `${scheme} ${ADMIN_TOKEN}` } });
      expect(res.status, scheme).toBe(200);
    }
    expect((await raw('/api/v1/projects', { headers: { authorization: `Basic ${ADMIN_TOKEN}` } })).status).toBe(401);
    expect((await raw('/api/v1/projects', { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } })).status).toBe(401);
  });

  it('a non-API path that does not exist is still a plain 404', async () => {
    expect((await raw('/nothing-here')).status).toBe(404);
    expect((await raw('/apix/v1')).status).toBe(404);
  });
});

describe('wrong admin tokens are limited per client address', () => {
  it('10 wrong tokens, then 429 with Retry-After even for the right one; other addresses unaffected', async () => {
    const from = { localAddress: '127.0.0.3' };
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await raw('/api/v1/projects', { ...from, headers: { authorization: `Bearer guess-${i}` } })).status);
    expect(statuses).toEqual(Array(10).fill(401));
    const limited = await raw('/api/v1/projects', { ...from, headers: { authorization: 'Bearer guess-11' } });
    expect(limited.status).toBe(429);
    expect(limited.head).toMatch(/retry-after: [1-9]\d*/i);
    expect(JSON.parse(limited.body)).toMatchObject({ code: 'TP_ERR_TOO_MANY_AUTH_FAILURES' });
    expect((await raw('/api/v1/projects', { ...from, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(429);
    // The live upgrade honours the same limit.
    const ws = await raw('/api/v1/projects/demo/live', { ...from, headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': `touchpoint.v1, bearer.${ADMIN_TOKEN}` } });
    expect(ws.status).toBe(429);
    expect((await raw('/api/v1/projects', { localAddress: '127.0.0.4', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
  });
});

describe('helpers', () => {
  it('reads the bearer token in any case of the scheme, and nothing else', () => {
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('BEARER   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });

  it('reads a path as any parser might', () => {
    expect(canonicalPath('/%2561pi//v1/./x/../projects?x=1')).toBe('/api/v1/projects');
    expect(canonicalPath('http://h:1/API/v1')).toBe('/api/v1');
    expect(canonicalPath('/a\\..\\api')).toBe('/api');
    expect(canonicalPath('/%E0%A4%A')).toBe('/%e0%a4%a');
  });
});
