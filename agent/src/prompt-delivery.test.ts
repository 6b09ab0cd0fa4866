/**
 * The core agent's side of the prompt channel in real headless Chromium: the built agent.js on a
 * shop page (https://shop.test), its collector (https://rum.test) answered by the test, so the
 * channel's real EventSource, the chunk's real cross-origin `import()` and the real beacons run.
 * The collector's own SSE route is tested in the collector.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prompt } from '@touchpoint/protocol/prompts';
import type { checkout, identify, track } from './index.ts';
import { agentPromptFile, agentScriptFile } from '../assets.ts';
import { buildAgent } from '../build.ts';
import { SAMPLE_NUDGE } from '../testing/prompt-page.ts';
import { launchChromium } from '../testing/rescue-drill.ts';

const SHOP = 'https://shop.test';
const RUM = 'https://rum.test';
const page = (lang: string) => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<script async src="${RUM}/agent.js" data-key="demo"></script></head><body><h1>Checkout</h1><button id="pay">Pay</button></body></html>`;

let browser: Browser;
beforeAll(async () => {
  await buildAgent();
  browser = await launchChromium();
}, 60_000);
afterAll(() => browser?.close());

interface Shop {
  context: BrowserContext;
  channels: URL[];
  chunkLoads: number;
  beacons: { events: { type: string; [k: string]: unknown }[] }[];
  open(path?: string): Promise<import('playwright-core').Page>;
}

/** A browser context whose requests to the shop and its collector are answered here. */
async function shop(o: { prompts?: Prompt[]; beaconStatus?: number; gpc?: boolean; lang?: string } = {}): Promise<Shop> {
  const context = await browser.newContext();
  const s: Shop = { context, channels: [], chunkLoads: 0, beacons: [], open: async () => context.newPage() };
  if (o.gpc) await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  const cors = { 'access-control-allow-origin': '*' };
  await context.route(`${RUM}/**`, (route) => {
    const r: Request = route.request();
    const url = new URL(r.url());
    if (url.pathname == '/agent.js') return route.fulfill({ body: readFileSync(agentScriptFile), contentType: 'application/javascript', headers: cors });
    if (url.pathname == '/agent-prompt.js') {
      s.chunkLoads++;
      return route.fulfill({ body: readFileSync(agentPromptFile), contentType: 'application/javascript', headers: cors });
    }
    if (url.pathname == '/v1/prompts') {
      s.channels.push(url);
      // A whole SSE response at once: EventSource reads the prompts, then reconnects (and gets them again).
      const body = (o.prompts ?? []).map((p) => `event: prompt\ndata: ${JSON.stringify(p)}\n\n`).join('') + 'retry: 500\n\n';
      return route.fulfill({ body, contentType: 'text/event-stream', headers: cors });
    }
    if (url.pathname == '/v1/beacon') {
      const body = r.postData();
      if (body) s.beacons.push(JSON.parse(body));
      const status = o.beaconStatus ?? 204;
      return route.fulfill({ status, body: status == 200 ? '{"prompt":true}' : '', headers: cors, contentType: 'application/json' });
    }
    return route.fulfill({ status: 404 });
  });
  await context.route(`${SHOP}/**`, (route) => route.fulfill({ body: page(o.lang ?? 'en-AU'), contentType: 'text/html' }));
  s.open = async (path = '/checkout.html') => {
    const p = await context.newPage();
    await p.goto(SHOP + path);
    await p.waitForFunction("window.Touchpoint && !('q' in window.Touchpoint)");
    return p;
  };
  return s;
}

/** The page's window with the agent's API (page code is serialised: the cast is written out in each). */
type W = { Touchpoint: { checkout: typeof checkout; identify: typeof identify; track: typeof track } };

const events = (s: Shop) => s.beacons.flatMap((b) => b.events);
const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return what();
};

describe('prompt delivery in the agent', () => {
  it('opens the channel only once a checkout starts, shows a prompt once, and beacons the answer at once', async () => {
    const s = await shop({ prompts: [SAMPLE_NUDGE] });
    const p = await s.open();
    await p.waitForTimeout(300);
    expect(s.channels).toHaveLength(0);

    await p.evaluate(() => (window as unknown as W).Touchpoint.checkout.start('co-1', { value: 149.95, currency: 'AUD', resumeUrl: 'https://shop.test/cart.html?basket=co-1&token=s3cr3t-value' }));
    expect(await until(() => s.channels.length > 0)).toBe(true);
    const channel = s.channels[0]!;
    expect(channel.searchParams.get('key')).toBe('demo');
    expect(channel.searchParams.get('lang')).toBe('en-AU');
    expect(channel.searchParams.get('session')).toMatch(/^[a-z0-9]{10,40}$/);

    await p.getByRole('dialog', { name: SAMPLE_NUDGE.kind == 'nudge' ? SAMPLE_NUDGE.title : '' }).waitFor();
    await p.getByRole('button', { name: 'Email me my basket' }).click();
    expect(await until(() => events(s).some((e) => e.type == 'nudge' && e.outcome == 'email_basket'))).toBe(true);
    const nudges = events(s).filter((e) => e.type == 'nudge');
    expect(nudges.map((e) => e.outcome)).toEqual(['shown', 'email_basket']);
    expect(nudges[0]).toMatchObject({ prompt: 'sample-nudge', incident: 'sample-incident' });
    const start = events(s).find((e) => e.type == 'checkout' && e.step == 'start');
    // Scrubbed as the agent scrubs URLs: the basket id stays, a secret-looking parameter does not.
    expect(start?.resumeUrl).toBe('https://shop.test/cart.html?basket=co-1&token=[redacted]');

    // The channel reconnects and the collector sends the same prompt again; a reload sends it too: shown once.
    expect(await until(() => s.channels.length > 1)).toBe(true);
    await p.reload();
    await p.waitForFunction("window.Touchpoint && !('q' in window.Touchpoint)");
    const before = s.channels.length;
    await p.evaluate(() => (window as unknown as W).Touchpoint.checkout.step('co-1', 'payment'));
    expect(await until(() => s.channels.length > before)).toBe(true);
    await p.waitForTimeout(500);
    expect(await p.locator('[role=dialog]').count()).toBe(0);
    expect(s.chunkLoads).toBe(1);
    await s.context.close();
  });

  it('opens nothing under Global Privacy Control or after consent is refused', async () => {
    const gpc = await shop({ prompts: [SAMPLE_NUDGE], gpc: true });
    const p = await gpc.open();
    await p.evaluate(() => (window as unknown as W).Touchpoint.checkout.start('co-2'));
    await p.waitForTimeout(800);
    expect(gpc.channels).toHaveLength(0);
    await gpc.context.close();

    const refused = await shop({ prompts: [SAMPLE_NUDGE] });
    const q = await refused.open();
    await q.evaluate(() => {
      (window as unknown as W).Touchpoint.identify('cust-1', { consent: { outreach: false } });
      (window as unknown as W).Touchpoint.checkout.start('co-3');
    });
    await q.waitForTimeout(800);
    expect(refused.channels).toHaveLength(0);
    await refused.context.close();
  });

  it('a beacon answered 200 opens the channel without a checkout; the language falls back to the browser', async () => {
    const s = await shop({ beaconStatus: 200, lang: '' });
    const p = await s.open('/help.html');
    await p.evaluate(() => (window as unknown as W).Touchpoint.track('help_opened'));
    expect(await until(() => s.channels.length > 0)).toBe(true);
    expect(s.channels[0]!.searchParams.get('lang')).toBe(await p.evaluate(() => navigator.language));
    await s.context.close();
  });
});
