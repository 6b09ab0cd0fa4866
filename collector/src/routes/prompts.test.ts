import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
import { beacon, postBeacon, startTestTouchpoint, tempDir, waitFor, writeProjectsFile } from '@touchpoint/node/testing';
import type { Touchpoint } from '@touchpoint/node';
import type { BeaconEvent } from '@touchpoint/protocol';
import { promptKeys, publishPrompt, type NudgeSpec, type SurveyPrompt } from '@touchpoint/protocol/prompts';
import { createMetrics } from '../metrics.ts';
import { PromptHub } from '../prompts/prompt-hub.ts';
import { openChannel, type SseChannel } from '../testing/sse-client.ts';
import { loadProjects } from '../projects.ts';
import { launchChromium } from '../receivers/testing/browser.ts';
import promptRoutes from './prompts.ts';

const PREFIX = 'tp';
const keys = promptKeys(PREFIX);
const ORIGIN = 'https://shop.example';
let redisServer: PrivateRedis;
let redis: Redis;
/**
 * Collector A is a whole Touchpoint; B, a second collector on the same Redis with short channel
 * lifetimes, is its prompt route and hub alone (one embedded engine per process).
 */
let a: Touchpoint;
let aClosed = false;
let b: { url: string; app: FastifyInstance; hub: PromptHub; metrics: ReturnType<typeof createMetrics> };
const opened: SseChannel[] = [];
/** A shop page on another origin, for a real browser's EventSource. */
let shopPages: Server;
let shopOrigin: string;

beforeAll(async () => {
  shopPages = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>shop</title>'));
  await new Promise<void>((r) => shopPages.listen(0, '127.0.0.1', r));
  shopOrigin = `http://localhost:${(shopPages.address() as { port: number }).port}`;
  const dir = tempDir('prompts');
  mkdirSync(join(dir, 'copy'));
  const projectsFile = writeProjectsFile(
    [
      {
        id: 'shop',
        name: 'Kettle Shop',
        key: 'shop-key',
        origins: [ORIGIN, shopOrigin],
        supportUrl: 'https://shop.example/help',
        routes: ['/help/:topic'],
        templates: 'copy',
        prompts: { nudges: { callBack: true }, survey: { kind: 'ces', pages: ['/help/*'] } },
      },
      { id: 'quiet', key: 'quiet-key', origins: ['*'], prompts: { survey: { kind: 'nps', share: 0, pages: ['/help/*'] } } },
      { id: 'plain', key: 'plain-key', origins: ['*'] },
    ],
    dir,
  );
  redisServer = await startPrivateRedis({ dir: join(dir, 'redis') });
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  const env = { TOUCHPOINT_PROJECTS: projectsFile, REDIS_URL: redisServer.url, TOUCHPOINT_TRUST_PROXY: 'loopback', TOUCHPOINT_MAX_PROMPT_CHANNELS: '4' };
  a = await startTestTouchpoint(env, { promptHub: { heartbeatMs: 200, maxPerClient: 2 } });
  const logger = pino({ level: 'error' });
  const metrics = createMetrics();
  const hub = new PromptHub({ redisUrl: redisServer.url, keyPrefix: PREFIX, logger, metrics, maxChannels: 10, heartbeatMs: 200, maxLifetimeMs: 1500 });
  await hub.start();
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  await app.register(promptRoutes, { projects: loadProjects(projectsFile).registry, prompts: hub, metrics });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  b = { url, app, hub, metrics };
}, 60_000);

afterEach(() => {
  for (const ch of opened.splice(0)) ch.close();
});

afterAll(async () => {
  await b?.app.close();
  await b?.hub.close();
  if (!aClosed) await a?.close();
  redis?.disconnect();
  await redisServer?.stop();
  shopPages?.close();
});

let n = 0;
/** A fresh session and client address per test, so channels and caps never meet. */
function fresh() {
  n++;
  return { session: `sess${n}x${Date.now().toString(36)}`, ip: `10.0.0.${n}` };
}

async function channel(tp: { url: string }, query: Record<string, string>, headers: Record<string, string> = {}) {
  const ch = await openChannel(`${tp.url}/v1/prompts?${new URLSearchParams(query)}`, { origin: ORIGIN, ...headers });
  opened.push(ch);
  return ch;
}

const nudge = (id: string): NudgeSpec => ({ kind: 'nudge', id, incident: `inc-${id}`, reason: 'checkout_error', actions: ['retry', 'support', 'call_back'], amount: '149.95 AUD' });

async function channels(tp: Touchpoint): Promise<number> {
  const line = (await tp.registry.metrics()).split('\n').find((l) => l.startsWith('touchpoint_prompt_channels '));
  return Number(line?.split(' ')[1] ?? 0);
}
async function sent(tp: { registry: Touchpoint['registry'] }): Promise<number> {
  const lines = (await tp.registry.metrics()).split('\n').filter((l) => l.startsWith('touchpoint_prompts_sent_total{'));
  return lines.reduce((s, l) => s + Number(l.split(' ')[1]), 0);
}

describe('the prompt channel', () => {
  it('sends a prompt published before it opened, rendered with the project copy, with the SSE framing', async () => {
    const { session, ip } = fresh();
    await publishPrompt(redis, PREFIX, { project: 'shop', session, spec: nudge('early1') });
    const ch = await channel(a, { key: 'shop-key', session, lang: 'nl-BE' }, { 'x-forwarded-for': ip });
    expect(ch.status).toBe(200);
    expect(ch.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(ch.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ch.headers.get('cache-control')).toBe('no-store');
    await waitFor(async () => ch.prompts().length > 0, 5000, 20);
    expect(ch.events[0]).toMatchObject({ retry: '3000' });
    const prompt = ch.prompts()[0]!;
    expect(prompt).toMatchObject({ kind: 'nudge', id: 'early1', incident: 'inc-early1', reason: 'checkout_error' });
    expect(ch.events.find((e) => e.event === 'prompt')?.id).toBe('early1');
    if (prompt.kind !== 'nudge') throw new Error('not a nudge');
    expect(prompt.actions.map((x) => x.action)).toEqual(['retry', 'support', 'call_back']);
    ch.close();
  });

  it('sends one published while it is open within 200 ms, each prompt id once', async () => {
    const { session, ip } = fresh();
    const ch = await channel(a, { key: 'shop-key', session }, { 'x-forwarded-for': ip });
    await waitFor(async () => (await redis.exists(keys.open('shop', session))) === 1, 5000, 10);
    const t0 = Date.now();
    await publishPrompt(redis, PREFIX, { project: 'shop', session, spec: nudge('late1') });
    await waitFor(async () => ch.prompts().length > 0, 2000, 5);
    expect(Date.now() - t0).toBeLessThan(200);
    // The same id again (a worker retry): not sent twice.
    await publishPrompt(redis, PREFIX, { project: 'shop', session, spec: nudge('late1') });
    await publishPrompt(redis, PREFIX, { project: 'shop', session, spec: nudge('late2') });
    await waitFor(async () => ch.prompts().length >= 2, 2000, 5);
    await sleep(100);
    expect(ch.prompts().map((p) => p.id)).toEqual(['late1', 'late2']);
    ch.close();
  });

  it('is delivered once, by the collector holding the session, when two collectors share Redis', async () => {
    const { session, ip } = fresh();
    const other = fresh();
    const onA = await channel(a, { key: 'shop-key', session }, { 'x-forwarded-for': ip });
    const onB = await channel(b, { key: 'shop-key', session: other.session }, { 'x-forwarded-for': other.ip });
    await waitFor(async () => (await redis.exists(keys.open('shop', session), keys.open('shop', other.session))) === 2, 5000, 10);
    const [sentA, sentB] = [await sent(a), await sent(b.metrics)];
    await publishPrompt(redis, PREFIX, { project: 'shop', session, spec: nudge('fanin1') });
    await waitFor(async () => onA.prompts().length > 0, 2000, 5);
    await sleep(200);
    expect(onA.prompts().map((p) => p.id)).toEqual(['fanin1']);
    expect(onB.prompts()).toEqual([]);
    expect(await sent(a)).toBe(sentA + 1);
    expect(await sent(b.metrics)).toBe(sentB);
    onA.close();
    onB.close();
  });

  it('keeps the session present while open (set, refreshed by heartbeats) and clears it on close', async () => {
    const { session, ip } = fresh();
    const ch = await channel(a, { key: 'shop-key', session }, { 'x-forwarded-for': ip });
    const key = keys.open('shop', session);
    await waitFor(async () => (await redis.pttl(key)) > 0, 5000, 10);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(30_000);
    await redis.pexpire(key, 2000);
    await waitFor(async () => (await redis.pttl(key)) > 25_000, 3000, 20);
    expect(ch.comments).toBeGreaterThan(0);
    ch.close();
    await waitFor(async () => (await redis.exists(key)) === 0, 3000, 20);
  });

  it('replaces an older channel of the same session: the older ends, the newer gets the prompts and keeps the presence', async () => {
    const { session, ip } = fresh();
    const first = await channel(a, { key: 'shop-key', session }, { 'x-forwarded-for': ip });
    await waitFor(async () => (await redis.exists(keys.open('shop', session))) === 1, 5000, 10);
    const second = await channel(a, { key: 'shop-key', session }, { 'x-forwarded-for': ip });
    expect(await first.whenEnded(2000)).toBe(true);
    await publishPrompt(redis, PREFIX, { project: 'shop', session, spec: nudge('repl1') });
    await waitFor(async () => second.prompts().length > 0, 2000, 5);
    expect(first.prompts()).toEqual([]);
    await sleep(100);
    expect(await redis.exists(keys.open('shop', session))).toBe(1);
    second.close();
  });

  it('is closed after its lifetime; the page reconnects', async () => {
    const { session, ip } = fresh();
    const ch = await channel(b, { key: 'shop-key', session }, { 'x-forwarded-for': ip });
    expect(ch.status).toBe(200);
    expect(await ch.whenEnded(4000)).toBe(true);
  });

  it('refuses more than the per-client cap (429) and the process cap (503), then admits again', async () => {
    await waitFor(async () => (await channels(a)) === 0, 5000, 20);
    const one = fresh();
    const mine = [fresh().session, fresh().session];
    const held = [await channel(a, { key: 'shop-key', session: mine[0]! }, { 'x-forwarded-for': one.ip }), await channel(a, { key: 'shop-key', session: mine[1]! }, { 'x-forwarded-for': one.ip })];
    expect(held.map((c) => c.status)).toEqual([200, 200]);
    const third = await channel(a, { key: 'shop-key', session: fresh().session }, { 'x-forwarded-for': one.ip });
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ code: 'TP_ERR_TOO_MANY_PROMPT_CHANNELS' });
    expect(third.headers.get('retry-after')).toBeTruthy();
    // Reopening one's own session replaces it: not one more channel.
    const reopened = await channel(a, { key: 'shop-key', session: mine[1]! }, { 'x-forwarded-for': one.ip });
    expect(reopened.status).toBe(200);
    held.push(reopened);
    held.push(await channel(a, { key: 'shop-key', session: fresh().session }, { 'x-forwarded-for': fresh().ip }));
    held.push(await channel(a, { key: 'shop-key', session: fresh().session }, { 'x-forwarded-for': fresh().ip }));
    await waitFor(async () => (await channels(a)) === 4, 3000, 20);
    const full = await channel(a, { key: 'shop-key', session: fresh().session }, { 'x-forwarded-for': fresh().ip });
    expect(full.status).toBe(503);
    expect(full.body).toMatchObject({ code: 'TP_ERR_PROMPT_CHANNELS_FULL' });
    for (const ch of held) ch.close();
    await waitFor(async () => (await channels(a)) === 0, 3000, 20);
    const later = await channel(a, { key: 'shop-key', session: fresh().session }, { 'x-forwarded-for': one.ip });
    expect(later.status).toBe(200);
    later.close();
  });

  it.each([
    ['no key', { session: 'abc' }, {}, 401, 'TP_ERR_MISSING_KEY'],
    ['an unknown key', { key: 'nope', session: 'abc' }, {}, 401, 'TP_ERR_UNKNOWN_KEY'],
    ['another origin', { key: 'shop-key', session: 'abc' }, { origin: 'https://evil.example' }, 403, 'TP_ERR_ORIGIN_NOT_ALLOWED'],
    ['no session', { key: 'shop-key' }, {}, 400, 'TP_ERR_BAD_PROMPT_CHANNEL'],
    ['an empty session', { key: 'shop-key', session: '' }, {}, 400, 'TP_ERR_BAD_PROMPT_CHANNEL'],
    ['a session too long', { key: 'shop-key', session: 's'.repeat(129) }, {}, 400, 'TP_ERR_BAD_PROMPT_CHANNEL'],
    ['a session that is an email address', { key: 'shop-key', session: 'ann@example.com' }, {}, 400, 'TP_ERR_PERSONAL_ID'],
    ['a lang that is not a tag', { key: 'shop-key', session: 'abc', lang: 'english please' }, {}, 400, 'TP_ERR_BAD_PROMPT_CHANNEL'],
    ['a lang too long', { key: 'shop-key', session: 'abc', lang: `en-${'a'.repeat(40)}` }, {}, 400, 'TP_ERR_BAD_PROMPT_CHANNEL'],
    ['a key too long', { key: 'k'.repeat(200), session: 'abc' }, {}, 400, 'TP_ERR_BAD_QUERY'],
  ])('answers %s with a coded 4xx', async (_name, query, headers, status, code) => {
    const ch = await channel(a, query as Record<string, string>, headers);
    expect(ch.status).toBe(status);
    expect(ch.body).toMatchObject({ statusCode: status, code });
  });

  it('takes the key from the X-Touchpoint-Key header too, and opens no channel for HEAD', async () => {
    const { session, ip } = fresh();
    const ch = await channel(a, { session }, { 'x-touchpoint-key': 'shop-key', 'x-forwarded-for': ip });
    expect(ch.status).toBe(200);
    ch.close();
    const head = await fetch(`${a.url}/v1/prompts?key=shop-key&session=${session}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
  });

  it("works as a shop page's EventSource in Chromium, cross-origin, and is refused to a page of another origin", async () => {
    const { session } = fresh();
    await publishPrompt(redis, PREFIX, { project: 'shop', session, spec: nudge('browser1') });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const listen = (origin: string) =>
        page.goto(`${origin}/checkout`).then(() =>
          page.evaluate(
            (url) =>
              new Promise<string>((resolve) => {
                const es = new EventSource(url);
                es.addEventListener('prompt', (e) => {
                  es.close();
                  const m = e as MessageEvent;
                  resolve(`${m.lastEventId} ${(JSON.parse(m.data) as { kind: string }).kind}`);
                });
                es.onerror = () => {
                  es.close();
                  resolve('error');
                };
              }),
            `${a.url}/v1/prompts?key=shop-key&session=${session}&lang=${encodeURIComponent('de-AT')}`,
          ),
        );
      expect(await listen(shopOrigin)).toBe('browser1 nudge');
      // The same page served from 127.0.0.1 is another origin, not among the project's.
      expect(await listen(shopOrigin.replace('localhost', '127.0.0.1'))).toBe('error');
    } finally {
      await browser.close();
    }
  });

  it('answers a CORS preflight for an allowed origin, and refuses one for another', async () => {
    const ok = await fetch(`${a.url}/v1/prompts?key=shop-key`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'last-event-id' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/last-event-id/);
    const bad = await fetch(`${a.url}/v1/prompts?key=shop-key`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(bad.status).toBe(403);
  });
});

describe('survey decisions', () => {
  const complete = (id = 'co-1'): BeaconEvent => ({ type: 'checkout', at: Date.now(), step: 'complete', id });
  const start = (id = 'co-1'): BeaconEvent => ({ type: 'checkout', at: Date.now(), step: 'start', id });

  it('asks once per session after a completed checkout: 200 {"prompt":true}, then the survey on the channel', async () => {
    const { session, ip } = fresh();
    const first = await postBeacon(a, beacon([start(), complete()], { session, page: 'https://shop.example/checkout/done' }), { key: 'shop-key', headers: { origin: ORIGIN } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ prompt: true });
    const again = await postBeacon(a, beacon([complete('co-2')], { session, page: 'https://shop.example/checkout/done' }), { key: 'shop-key', headers: { origin: ORIGIN } });
    expect(again.status).toBe(204);
    const ch = await channel(a, { key: 'shop-key', session }, { 'x-forwarded-for': ip });
    await waitFor(async () => ch.prompts().length > 0, 3000, 10);
    const survey = ch.prompts()[0] as SurveyPrompt;
    expect(survey).toMatchObject({ kind: 'survey', survey: 'ces', trigger: 'complete', checkout: 'co-1' });
    expect(survey.id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(survey.commentLabel).toBeTruthy();
    expect(survey.question).toContain('Kettle Shop');
    await sleep(100);
    expect(ch.prompts()).toHaveLength(1);
    ch.close();
  });

  it('asks on a page of the survey rule (after the project routes name it), not on others', async () => {
    const other = await postBeacon(a, beacon([start()], { page: 'https://shop.example/products/kettle' }), { key: 'shop-key', headers: { origin: ORIGIN } });
    expect(other.status).toBe(204);
    const page = await postBeacon(a, beacon([{ type: 'custom', at: Date.now(), name: 'view' }], { page: 'https://shop.example/help/returns?x=1' }), { key: 'shop-key', headers: { origin: ORIGIN } });
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ prompt: true });
  });

  it('adds "prompt": true to a partial acceptance (202)', async () => {
    const res = await postBeacon(a, beacon([complete(), { type: 'vital', at: Date.now(), name: 'LCP', value: -5 } as BeaconEvent]), { key: 'shop-key', headers: { origin: ORIGIN } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ prompt: true, accepted: 1 });
  });

  it('asks nobody with share 0, nobody in a project without a survey, and never test traffic', async () => {
    const quiet = await postBeacon(a, beacon([complete()], { page: 'https://shop.example/help/returns' }), { key: 'quiet-key' });
    expect(quiet.status).toBe(204);
    const plain = await postBeacon(a, beacon([complete()]), { key: 'plain-key' });
    expect(plain.status).toBe(204);
    const agentTest = beacon([complete()], { test: true });
    expect((await postBeacon(a, agentTest, { key: 'shop-key', headers: { origin: ORIGIN } })).status).toBe(204);
    expect(await redis.exists(keys.once('shop', agentTest.session, 'survey'))).toBe(0);
    const loadTest = await postBeacon(a, beacon([complete()]), { key: 'shop-key', headers: { origin: ORIGIN, 'x-touchpoint-load-test': 'k6/run1' } });
    expect(loadTest.status).toBe(204);
  });
});

describe('shutdown', () => {
  it('ends the open channels and clears their presence, so the collector stops at once', async () => {
    const { session, ip } = fresh();
    const ch = await channel(a, { key: 'shop-key', session }, { 'x-forwarded-for': ip });
    await waitFor(async () => (await redis.exists(keys.open('shop', session))) === 1, 5000, 10);
    const t0 = Date.now();
    aClosed = true;
    await a.close();
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await ch.whenEnded(1000)).toBe(true);
    await waitFor(async () => (await redis.exists(keys.open('shop', session))) === 0, 3000, 20);
  });
});
