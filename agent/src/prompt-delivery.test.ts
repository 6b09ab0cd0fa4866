/**
 * The core agent's side of the prompt channel in real headless Chromium, against a running
 * Touchpoint (collector role, its private redis-server): the built agent.js and agent-prompt.js
 * from the collector, the real `GET /v1/prompts` channel and beacon route. Prompts reach a
 * session's channel the way the worker sends them, `publishPrompt` on the collector's Redis under
 * the default prefix; the page-rule survey is the collector's own decision on a beacon.
 *
 * The pages come from a small HTTP server here rather than the demo shop, whose checkout page
 * starts a checkout as it loads and always says `lang="en"`: these cases need a page that has not
 * started one yet, a chosen `lang` (or none) and a help page for the survey's page rule.
 */
import { get as httpGet, createServer, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCopy, renderPrompt } from '@touchpoint/protocol/copy';
import { promptKeys, publishPrompt, type NudgePrompt, type NudgeSpec, type SurveyPrompt } from '@touchpoint/protocol/prompts';
import type { Touchpoint } from '@touchpoint/node';
import { startTestTouchpoint, waitFor, writeProjectsFile } from '@touchpoint/node/testing';
import type { checkout, identify, track } from './index.ts';
import { buildAgent } from '../build.ts';
import { agentLoaded, launchChromium } from '../testing/rescue-drill.ts';

/** The worker's default key prefix (TOUCHPOINT_ALERTING_PREFIX); the collector's hub uses the same. */
const PREFIX = 'tp';
const keys = promptKeys(PREFIX);
const SHOP_NAME = 'Kettle & Co.';
const SUPPORT_URL = 'https://kettle.example/help';

let tp: Touchpoint;
let redis: Redis;
let browser: Browser;
let pages: { url: string; server: Server };

/** The shop's page: the agent's tag and nothing that calls it; `?lang=` sets `<html lang>` (empty: none). */
const html = (lang: string) => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Shop</title>
<script async src="${tp.url}/agent.js" data-key="demo" data-endpoint="${tp.url}"></script></head>
<body><h1>Shop</h1><button id="pay">Pay</button></body></html>`;

beforeAll(async () => {
  await buildAgent();
  const projects = writeProjectsFile([
    {
      id: 'demo',
      key: 'demo',
      origins: ['*'],
      name: SHOP_NAME,
      supportUrl: SUPPORT_URL,
      // Asked on help pages only: no checkout of this file completes, and no other page matches.
      prompts: { nudges: {}, survey: { kind: 'nps', after: [], pages: ['/help/*'] } },
    },
  ]);
  tp = await startTestTouchpoint({ TOUCHPOINT_PROJECTS: projects });
  redis = new Redis(tp.redisUrl, { maxRetriesPerRequest: 1 });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop');
    if (url.pathname == '/favicon.ico') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html(url.searchParams.get('lang') ?? 'en-AU'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pages = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (pages) await new Promise((resolve) => pages.server.close(resolve));
  redis?.disconnect();
  await tp?.close();
});

type BeaconEvent = { type: string; [k: string]: unknown };
interface SentBeacon {
  session: string;
  events: BeaconEvent[];
  /** The collector's answer: its status, and its JSON body when it has one. */
  status?: number;
  answer?: unknown;
}

interface Tab {
  context: BrowserContext;
  page: Page;
  /** Every prompt channel the page asked the collector for. */
  channels: URL[];
  /** Requests for the prompt chunk (the HTTP cache is off, so a second import would show here). */
  chunkLoads: number;
  beacons: SentBeacon[];
}

/** A tab on one of the pages, with what it sends to the collector watched (not answered: the collector answers). */
async function tab(path: string, o: { gpc?: boolean; locale?: string } = {}): Promise<Tab> {
  const context = await browser.newContext(o.locale ? { locale: o.locale } : {});
  if (o.gpc) await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  const page = await context.newPage();
  const t: Tab = { context, page, channels: [], chunkLoads: 0, beacons: [] };
  const sent = new Map<object, SentBeacon>();
  context.on('request', (r) => {
    if (!r.url().startsWith(tp.url + '/')) return;
    const url = new URL(r.url());
    if (url.pathname == '/v1/prompts') t.channels.push(url);
    if (url.pathname == '/agent-prompt.js') t.chunkLoads++;
    const body = url.pathname == '/v1/beacon' && r.method() == 'POST' ? r.postData() : null;
    if (body) {
      const b: SentBeacon = JSON.parse(body);
      sent.set(r, b);
      t.beacons.push(b);
    }
  });
  context.on('response', async (r) => {
    const b = sent.get(r.request());
    if (!b) return;
    const status = r.status();
    b.answer = status == 200 || status == 202 ? await r.json().catch(() => undefined) : undefined;
    b.status = status;
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto(pages.url + path);
  await agentLoaded(page);
  return t;
}

/** The page's window with the agent's API (page code is serialised: the cast is written out in each). */
type W = { Touchpoint: { checkout: typeof checkout; identify: typeof identify; track: typeof track } };

const events = (t: Tab) => t.beacons.flatMap((b) => b.events);
const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return what();
};
/** The session the tab's beacons name (the agent makes it on its first beacon). */
const sessionOf = async (t: Tab) => {
  expect(await until(() => t.beacons.length > 0)).toBe(true);
  return t.beacons[0]!.session;
};
/** The collector holds the session's channel: its presence key is set (docs/prompt-channel.md). */
const present = (session: string) => redis.get(keys.open('demo', session));
/** Prompts the collector has written to channels, of one kind (its own counter). */
async function promptsSent(kind: 'nudge' | 'survey'): Promise<number> {
  const text = await (await fetch(`${tp.url}/metrics`)).text();
  return Number(new RegExp(`^touchpoint_prompts_sent_total\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}
/** A nudge as the worker publishes it for an incident of `session` (ids as joinId makes them; the support link in the spec, as the worker puts it). */
function nudgeFor(session: string, incident: string): NudgeSpec {
  return { kind: 'nudge', id: `nudge/${session}/${incident}`, incident, reason: 'checkout_error', actions: ['retry', 'support', 'email_basket'], supportUrl: SUPPORT_URL };
}
const publish = (session: string, spec: NudgeSpec) => publishPrompt(redis, PREFIX, { project: 'demo', session, spec });

/**
 * A channel of `session` opened from here, not from a browser: the collector's one channel per
 * session means it replaces (ends) the page's, which then reconnects, as after any dropped channel.
 */
function otherChannel(session: string): Promise<{ req: ClientRequest; text: () => string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = httpGet(`${tp.url}/v1/prompts?key=demo&session=${encodeURIComponent(session)}`, (res) => {
      if (res.statusCode != 200) return reject(new Error(`the collector refused the channel: ${res.statusCode}`));
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      resolve({ req, text: () => text });
    });
    req.on('error', reject);
  });
}

describe('prompt delivery in the agent, against a running collector', { timeout: 60_000 }, () => {
  it('opens the channel only once a checkout starts, shows a prompt once across reconnects and reloads, and beacons the answer at once', async () => {
    const t = await tab('/checkout?lang=en-AU');
    const { page } = t;
    await page.waitForTimeout(500);
    expect(t.channels).toHaveLength(0);

    const resumeUrl = `${pages.url}/cart.html?basket=co-1&token=s3cr3t-value`;
    await page.evaluate((u) => (window as unknown as W).Touchpoint.checkout.start('co-1', { value: 149.95, currency: 'AUD', resumeUrl: u }), resumeUrl);
    expect(await until(() => t.channels.length > 0)).toBe(true);
    const channel = t.channels[0]!;
    const session = await sessionOf(t);
    expect(channel.searchParams.get('key')).toBe('demo');
    expect(channel.searchParams.get('lang')).toBe('en-AU');
    expect(channel.searchParams.get('session')).toMatch(/^[a-z0-9]{10,40}$/);
    expect(channel.searchParams.get('session')).toBe(session);

    // The collector holds the channel; the prompt is published while it is open and fanned in through Redis.
    await waitFor(async () => (await present(session)) ?? undefined, 5000, 50);
    const spec = nudgeFor(session, `inc-${Date.now().toString(36)}`);
    // The words are the collector's, rendered from the built-in copy in the page's language.
    const words = renderPrompt(loadCopy(), spec, 'en-AU', { shop: SHOP_NAME, supportUrl: SUPPORT_URL }) as NudgePrompt;
    const sentBefore = await promptsSent('nudge');
    await publish(session, spec);

    const dialog = page.getByRole('dialog', { name: words.title });
    await dialog.waitFor({ timeout: 5000 });
    expect(await dialog.getAttribute('lang')).toBe('en');
    expect(await dialog.getByRole('link', { name: words.actions.find((a) => a.action == 'support')!.label }).getAttribute('href')).toBe(SUPPORT_URL);
    await dialog.getByRole('button', { name: words.actions.find((a) => a.action == 'email_basket')!.label }).click();
    expect(await until(() => events(t).some((e) => e.type == 'nudge' && e.outcome == 'email_basket'))).toBe(true);
    const nudges = events(t).filter((e) => e.type == 'nudge');
    expect(nudges.map((e) => e.outcome)).toEqual(['shown', 'email_basket']);
    expect(nudges[0]).toMatchObject({ prompt: spec.id, incident: spec.incident });
    // The collector took the answer (a 2xx; the beacon with the answer is not a survey occasion).
    const answered = t.beacons.find((b) => b.events.some((e) => e.type == 'nudge' && e.outcome == 'email_basket'))!;
    expect(await until(() => answered.status !== undefined)).toBe(true);
    expect(answered.status).toBe(204);
    const start = events(t).find((e) => e.type == 'checkout' && e.step == 'start');
    // Scrubbed as the agent scrubs URLs: the basket id stays, a secret-looking parameter does not.
    expect(start?.resumeUrl).toBe(`${pages.url}/cart.html?basket=co-1&token=[redacted]`);

    // A reconnect: another channel of the session replaces the page's; the page reconnects (the
    // collector's `retry: 3000`) and the collector sends the pending nudge again on each new channel.
    const opened = t.channels.length;
    const other = await otherChannel(session);
    try {
      expect(await until(() => t.channels.length > opened, 8000)).toBe(true);
      await waitFor(async () => ((await promptsSent('nudge')) >= sentBefore + 3 ? true : undefined), 5000, 50);
      expect(other.text()).toContain(`id: ${spec.id}`);
    } finally {
      other.req.destroy();
    }
    await page.waitForTimeout(500);
    // Still the one dialog, in its "done" state, and no second "shown".
    expect(await page.getByRole('dialog').count()).toBe(1);
    expect(events(t).filter((e) => e.type == 'nudge' && e.outcome == 'shown')).toHaveLength(1);

    // A reload: the same session, a new channel once the checkout moves on, the nudge sent again; not shown.
    await page.reload();
    await agentLoaded(page);
    const beforeReloadChannel = t.channels.length;
    const sentBeforeReload = await promptsSent('nudge');
    await page.evaluate(() => (window as unknown as W).Touchpoint.checkout.step('co-1', 'payment'));
    expect(await until(() => t.channels.length > beforeReloadChannel)).toBe(true);
    expect(t.channels.at(-1)!.searchParams.get('session')).toBe(session);
    await waitFor(async () => ((await promptsSent('nudge')) > sentBeforeReload ? true : undefined), 5000, 50);
    await page.waitForTimeout(500);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(events(t).filter((e) => e.type == 'nudge' && e.outcome == 'shown')).toHaveLength(1);
    // The core knew the id: it did not even load the chunk again.
    expect(t.chunkLoads).toBe(1);
    await t.context.close();
  });

  it('opens nothing under Global Privacy Control or after consent is refused, with a nudge waiting', async () => {
    for (const o of [{ gpc: true, refuse: false }, { gpc: false, refuse: true }]) {
      const t = await tab('/checkout?lang=en-AU', { gpc: o.gpc });
      await t.page.evaluate((refuse) => {
        if (refuse) (window as unknown as W).Touchpoint.identify('cust-1', { consent: { outreach: false } });
        (window as unknown as W).Touchpoint.checkout.start('co-2');
      }, o.refuse);
      const session = await sessionOf(t);
      // A nudge is pending for the session: an open channel would get it at once.
      await publish(session, nudgeFor(session, `inc-${Date.now().toString(36)}`));
      await t.page.evaluate(() => (window as unknown as W).Touchpoint.checkout.step('co-2', 'payment'));
      await t.page.waitForTimeout(1000);
      expect(t.channels, JSON.stringify(o)).toHaveLength(0);
      expect(await present(session)).toBeNull();
      expect(await t.page.getByRole('dialog').count()).toBe(0);
      expect(t.chunkLoads).toBe(0);
      // The agent still works: its checkout events reached the collector.
      expect(events(t).some((e) => e.type == 'checkout' && e.step == 'start')).toBe(true);
      await t.context.close();
    }
  });

  it("a beacon answered 200 for a page-rule survey opens the channel without a checkout; the language falls back to the browser's", async () => {
    const t = await tab('/help/returns?lang=', { locale: 'nl-NL' });
    const surveysBefore = await promptsSent('survey');
    await t.page.evaluate(() => (window as unknown as W).Touchpoint.track('help_opened'));
    // A custom event is not urgent: it leaves with the next batch (at most 5 s, then at idle).
    expect(await until(() => t.beacons.some((b) => b.status == 200), 12_000)).toBe(true);
    expect(t.beacons.find((b) => b.status == 200)!.answer).toEqual({ prompt: true });
    expect(await until(() => t.channels.length > 0)).toBe(true);
    expect(events(t).some((e) => e.type == 'checkout')).toBe(false);
    const lang = await t.page.evaluate(() => navigator.language);
    expect(lang).toBe('nl-NL');
    expect(t.channels[0]!.searchParams.get('lang')).toBe(lang);

    // The survey arrives on the channel, in the browser's language.
    const words = renderPrompt(loadCopy(), { kind: 'survey', id: 'x', survey: 'nps', trigger: 'page', comment: true }, lang, { shop: SHOP_NAME }) as SurveyPrompt;
    expect(words.question).not.toBe((renderPrompt(loadCopy(), { kind: 'survey', id: 'x', survey: 'nps', trigger: 'page', comment: true }, 'en', { shop: SHOP_NAME }) as SurveyPrompt).question);
    const dialog = t.page.getByRole('dialog', { name: words.question });
    await dialog.waitFor({ timeout: 5000 });
    expect(await dialog.getAttribute('lang')).toBe('nl');
    expect(await dialog.getByRole('radio').count()).toBe(11);
    expect(await promptsSent('survey')).toBe(surveysBefore + 1);

    // The answer goes out as a beacon, and the collector takes it.
    await dialog.getByRole('radio').nth(9).check();
    await dialog.getByRole('button', { name: words.sendLabel }).click();
    expect(await until(() => events(t).some((e) => e.type == 'feedback'))).toBe(true);
    expect(events(t).find((e) => e.type == 'feedback')).toMatchObject({ survey: 'nps', trigger: 'page', score: 9 });
    const answered = t.beacons.find((b) => b.events.some((e) => e.type == 'feedback'))!;
    expect(await until(() => answered.status !== undefined)).toBe(true);
    expect([200, 204]).toContain(answered.status);
    await t.context.close();
  });
});
