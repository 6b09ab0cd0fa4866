/**
 * The unsubscribe route over the real port alerting gives it (tokens signed with a secret kept
 * in a real, private Redis): GET changes nothing, POST suppresses exactly the link's customer,
 * and every bad link is a coded 4xx.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKeys } from '@touchpoint/alerting/store/keys';
import { OutreachStore } from '@touchpoint/alerting/store/outreach-store';
import { createUnsubscribe } from '@touchpoint/alerting/store/unsubscribe';
import { startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
import unsubscribeRoutes from './unsubscribe.ts';

let dir: string;
let redisServer: PrivateRedis;
let redis: Redis;
let store: OutreachStore;
let app: FastifyInstance;
let unsubscribe: ReturnType<typeof createUnsubscribe>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-unsubscribe-route-'));
  redisServer = await startPrivateRedis({ dir: join(dir, 'redis') });
  redis = new Redis(redisServer.url);
  const keys = storeKeys('tp');
  store = new OutreachStore(redis, keys, 86_400_000);
  // No configured secret: the generated one in Redis, as a deployment without the setting has.
  unsubscribe = createUnsubscribe(redis, keys, store);
  // As the app builds it (app.ts): unknown query parameters are an error, not dropped.
  app = Fastify({ ajv: { customOptions: { removeAdditional: false } } });
  await app.register(unsubscribeRoutes, { unsubscribe, shopName: (p) => (p === 'shop' ? 'Kim’s Shop' : undefined) });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  redis?.disconnect();
  await redisServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const pathOf = (link: string) => {
  const u = new URL(link);
  return `${u.pathname}${u.search}`;
};
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

describe('/unsubscribe', () => {
  it('GET shows a page with a button and suppresses nobody', async () => {
    const link = await unsubscribe.link('https://tp.example', 'shop', 'cust-get', 'en');
    const res = await app.inject({ url: pathOf(link), headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain('Stop emails from Kim’s Shop?');
    expect(res.body).toMatch(/<form method="post">/);
    expect(res.body).not.toContain('cust-get'); // nothing about the customer on the page
    expect(await store.isSuppressed('shop', 'cust-get')).toBe(false);
  });

  it('POST (the button, or a mail provider one-click) suppresses exactly that customer at once', async () => {
    const link = await unsubscribe.link('https://tp.example', 'shop', 'cust-a', 'de');
    const res = await app.inject({ method: 'POST', url: pathOf(link), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Sie sind abgemeldet');
    expect(await store.isSuppressed('shop', 'cust-a')).toBe(true);
    expect(await store.isSuppressed('shop', 'cust-b')).toBe(false);
    expect(await store.isSuppressed('other', 'cust-a')).toBe(false);
  });

  it('takes the one-click body as multipart/form-data too (RFC 8058), and again without harm', async () => {
    const link = await unsubscribe.link('https://tp.example', 'shop', 'cust-m');
    const boundary = 'xyz';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ method: 'POST', url: pathOf(link), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
      expect(res.statusCode).toBe(200);
    }
    expect(await store.isSuppressed('shop', 'cust-m')).toBe(true);
  });

  it('refuses a token changed to another customer (403) and suppresses nobody', async () => {
    const token = tokenOf(await unsubscribe.link('https://tp.example', 'shop', 'cust-x'));
    const [, mac] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify(['shop', 'cust-victim'])).toString('base64url')}.${mac}`;
    const res = await app.inject({ method: 'POST', url: `/unsubscribe?token=${forged}` });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ statusCode: 403, code: 'TP_ERR_UNSUBSCRIBE_LINK_INVALID' });
    expect(await store.isSuppressed('shop', 'cust-victim')).toBe(false);
    // One changed character of the MAC is just as wrong.
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect((await app.inject({ method: 'POST', url: `/unsubscribe?token=${flipped}` })).statusCode).toBe(403);
  });

  it.each([
    ['no token', '/unsubscribe'],
    ['an empty token', '/unsubscribe?token='],
    ['a token without its MAC', '/unsubscribe?token=abc'],
    ['a token with odd characters', `/unsubscribe?token=${encodeURIComponent('a.b<script>')}`],
    ['a token of 2000 characters', `/unsubscribe?token=${'a'.repeat(1000)}.${'b'.repeat(1000)}`],
    ['an unknown parameter', '/unsubscribe?token=a.b&customer=someone'],
  ])('answers 400 for %s', async (_name, url) => {
    for (const method of ['GET', 'POST'] as const) {
      const res = await app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, code: 'TP_ERR_UNSUBSCRIBE_LINK_MALFORMED' });
    }
  });

  it('tells a person in a browser what to do, in their language, with the code', async () => {
    const res = await app.inject({ url: '/unsubscribe?token=abc&lang=fr', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('Ce lien de désabonnement ne fonctionne pas');
    expect(res.body).toContain('TP_ERR_UNSUBSCRIBE_LINK_MALFORMED');
  });
});
