/**
 * No query-string value makes an /api/ route answer 500 (issue 18): fast-check throws every
 * parameter any route reads, with hostile values, at every GET route of the router's table.
 * A route must answer 2xx or a coded 4xx.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Touchpoint } from '@touchpoint/node';
import { ADMIN_TOKEN, startTestTouchpoint } from '@touchpoint/node/testing';

let tp: Touchpoint;
let paths: string[];
beforeAll(async () => {
  tp = await startTestTouchpoint();
  // The printed route tree, children under their parent's prefix, as full GET paths.
  const prefixes: string[] = [];
  paths = [];
  for (const line of tp.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (prefixes[depth - 1] ?? '') + m[2]!;
    prefixes[depth] = path;
    if (path.startsWith('/api/') && m[3]?.includes('GET')) paths.push(path);
  }
});
afterAll(async () => tp?.close());

const PARAMS = ['from', 'to', 'metric', 'by', 'bucket', 'limit', 'sort', 'checkout', 'test', 'path', 'device', 'browser', 'country', 'connection', 'customer', 'session', 'offset', 'q', 'survey', 'score', 'before'];
const hostile = fc.oneof(
  fc.constantFrom('', '0', '-1', '1e300', '1e14', '100000000000001', 'NaN', 'Infinity', '-0', '0x10', '1.5', 'null', 'true', '[]', '{}', 'auto', 'LCP', 'path', 'p95', 'include', 'only', 'nps', 'ces', '7', '%00', '%', '%E0%A4%A', '..', '/', '\\'),
  fc.integer({ min: -1e15, max: 1e15 }).map(String),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 1000, maxLength: 3000 }),
);
// Half the time a valid window first, so the hostile values reach the queries, not just the schema.
const now = Date.now();
const window = fc.option(fc.constant(`from=${now - 3600_000}&to=${now}&`), { freq: 1 });
const queryString = fc
  .tuple(window, fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMS), fc.string({ minLength: 1, maxLength: 8 })), hostile), { maxLength: 6 }))
  .map(([w, pairs]) => (w ?? '') + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
const project = fc.oneof({ weight: 3, arbitrary: fc.constant('demo') }, fc.constantFrom('nope', 'x'.repeat(70), 'Demo', '%2e%2e'));
const segment = fc.oneof(fc.constantFrom('s1', 'x'.repeat(300), '%E0%A4%A'), fc.string({ minLength: 1, maxLength: 20 }).map(encodeURIComponent));

it('answers every query string with 2xx or a coded 4xx, never 5xx', async () => {
  expect(paths.length).toBeGreaterThanOrEqual(10);
  expect(paths).toContain('/api/v1/projects/:project/feedback');
  const failures: string[] = [];
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...paths), project, segment, queryString, async (route, p, seg, qs) => {
      if (route.endsWith('/live')) return; // a WebSocket; its plain GET is a 426
      const url = `${route.replace(':project', p).replace(/:\w+/g, seg)}?${qs}`;
      const res = await fetch(`${tp.url}${url}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const body = (await res.json().catch(() => ({}))) as { code?: string };
      if (res.status >= 500 || (res.status >= 400 && !body.code?.startsWith('TP_ERR_'))) failures.push(`${res.status} ${body.code} ${url.slice(0, 200)}`);
      if (res.status < 300) answered++;
    }),
    { numRuns: 600 },
  );
  expect(failures).toEqual([]);
  // The generator reaches the queries, not only the validation.
  expect(answered).toBeGreaterThan(20);
}, 180_000);
