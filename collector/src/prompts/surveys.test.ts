import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
import { tempDir, waitFor } from '@touchpoint/node/testing';
import type { BeaconEvent } from '@touchpoint/protocol';
import { loadCopy, renderPrompt } from '@touchpoint/protocol/copy';
import { compileRoutes, normalizeRoute } from '@touchpoint/protocol/privacy';
import { promptKeys, publishPrompt, type ProjectPrompts, type SurveySpec } from '@touchpoint/protocol/prompts';
import { createMetrics } from '../metrics.ts';
import type { Project } from '../projects.ts';
import { PromptHub, type PromptStream } from './prompt-hub.ts';
import { askSurvey, surveyOccasion } from './surveys.ts';

const project = (survey: ProjectPrompts['survey']): Project => ({ id: 'shop', key: 'k', origins: ['*'], ...(survey ? { prompts: { survey } } : {}) });
const at = Date.now();
const complete: BeaconEvent = { type: 'checkout', at, step: 'complete', id: 'co-9' };
const nudge = (outcome: 'shown' | 'dismissed' | 'retry' | 'email_basket'): BeaconEvent => ({ type: 'nudge', at, prompt: 'p1', incident: 'inc-1', outcome });
const page = normalizeRoute('https://shop.example/products/kettle');

describe('surveyOccasion', () => {
  it('asks after a completed checkout by default, naming the checkout', () => {
    expect(surveyOccasion(project({ kind: 'ces' }), page, [complete])).toEqual({ trigger: 'complete', checkout: 'co-9' });
    expect(surveyOccasion(project({ kind: 'ces' }), page, [{ ...complete, step: 'start' } as BeaconEvent])).toBeUndefined();
  });

  it('asks after a nudge only when acted on and `after` includes nudge', () => {
    const p = project({ kind: 'csat', after: ['nudge'] });
    expect(surveyOccasion(p, page, [nudge('retry')])).toEqual({ trigger: 'nudge', incident: 'inc-1' });
    expect(surveyOccasion(p, page, [nudge('email_basket')])).toEqual({ trigger: 'nudge', incident: 'inc-1' });
    expect(surveyOccasion(p, page, [nudge('shown')])).toBeUndefined();
    expect(surveyOccasion(p, page, [nudge('dismissed')])).toBeUndefined();
    // Not after a completed checkout: `after` leaves it out.
    expect(surveyOccasion(p, page, [complete])).toBeUndefined();
    expect(surveyOccasion(project({ kind: 'csat' }), page, [nudge('retry')])).toBeUndefined();
  });

  it('asks on a page of the rule, matched on the normalized route', () => {
    const p = project({ kind: 'nps', after: [], pages: ['/help/*', '/order/:id/thanks'] });
    const pages = compileRoutes(p.prompts!.survey!.pages!);
    expect(surveyOccasion(p, normalizeRoute('https://shop.example/help/returns?utm=x'), [], pages)).toEqual({ trigger: 'page' });
    expect(surveyOccasion(p, normalizeRoute('https://shop.example/order/ORD-2024-000123/thanks'), [], pages)).toEqual({ trigger: 'page' });
    expect(surveyOccasion(p, normalizeRoute('https://shop.example/help'), [], pages)).toBeUndefined();
    expect(surveyOccasion(p, page, [complete], pages)).toBeUndefined();
  });

  it('asks nothing without a survey, and the first occasion wins', () => {
    expect(surveyOccasion(project(undefined), page, [complete])).toBeUndefined();
    const p = project({ kind: 'ces', after: ['complete', 'nudge'], pages: ['/products/*'] });
    expect(surveyOccasion(p, page, [nudge('retry'), complete], compileRoutes(['/products/*']))).toMatchObject({ trigger: 'complete' });
  });
});

describe('askSurvey and the hub on a real Redis', () => {
  const prefix = 'tp';
  const keys = promptKeys(prefix);
  let server: PrivateRedis;
  let redis: Redis;
  let hub: PromptHub;

  beforeAll(async () => {
    server = await startPrivateRedis({ dir: join(tempDir('surveys'), 'redis') });
    redis = new Redis(server.url);
    hub = new PromptHub({ redisUrl: server.url, keyPrefix: prefix, logger: pino({ level: 'silent' }), metrics: createMetrics(), maxChannels: 10 });
    await hub.start();
  });
  afterAll(async () => {
    await hub?.close();
    redis?.disconnect();
    await server?.stop();
  });

  it('claims once per session and leaves the survey pending for its channel', async () => {
    const p = project({ kind: 'nps', comment: false });
    expect(await askSurvey(hub, p, 'sess-a', { trigger: 'complete', checkout: 'co-1' })).toBe(true);
    expect(await askSurvey(hub, p, 'sess-a', { trigger: 'page' })).toBe(false);
    const pending = (await redis.lrange(keys.pending('shop', 'sess-a'), 0, -1)).map((s) => JSON.parse(s) as SurveySpec);
    expect(pending).toEqual([{ kind: 'survey', id: expect.stringMatching(/^[A-Za-z0-9_-]+$/), survey: 'nps', trigger: 'complete', checkout: 'co-1', comment: false }]);
    const ttl = await redis.pttl(keys.once('shop', 'sess-a', 'survey'));
    expect(ttl).toBeGreaterThan(23 * 3600_000);
  });

  it('asks no session with share 0 and claims nothing', async () => {
    expect(await askSurvey(hub, project({ kind: 'ces', share: 0 }), 'sess-b', { trigger: 'complete' })).toBe(false);
    expect(await redis.exists(keys.once('shop', 'sess-b', 'survey'))).toBe(0);
  });

  it('cuts off a client that leaves too much unread instead of buffering for it', async () => {
    const stream = new UnreadStream();
    await hub.open({ project: 'shop', session: 'sess-slow', client: '10.1.1.1', stream, render: (spec) => renderPrompt(loadCopy(), spec, 'en', { shop: 'Shop' }) });
    expect(hub.channelCount).toBe(1);
    await publishPrompt(redis, prefix, { project: 'shop', session: 'sess-slow', spec: { kind: 'survey', id: 'p-slow', survey: 'ces', trigger: 'page', comment: true } });
    await waitFor(async () => stream.destroyed, 3000, 10);
    expect(stream.writes).toEqual([]);
    expect(hub.channelCount).toBe(0);
  });
});

describe('without Redis', () => {
  it('starts, and a survey decision fails at once instead of holding the beacon', async () => {
    const hub = new PromptHub({ redisUrl: 'redis://127.0.0.1:1', keyPrefix: 'tp', logger: pino({ level: 'silent' }), metrics: createMetrics(), maxChannels: 10 });
    await hub.start();
    const t0 = Date.now();
    await expect(askSurvey(hub, project({ kind: 'ces' }), 'sess-x', { trigger: 'complete' })).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(500);
    await hub.close();
  });
});

/** A response whose client reads nothing: everything written stays queued. */
class UnreadStream extends EventEmitter implements PromptStream {
  readonly writableLength = 10 * 1024 * 1024;
  readonly writes: string[] = [];
  destroyed = false;
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return false;
  }
  end(): void {
    this.emit('close');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}
