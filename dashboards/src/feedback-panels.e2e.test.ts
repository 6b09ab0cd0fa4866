/**
 * The marketer view's "Help in the page" and "Customer feedback" in real headless Chromium over a
 * real Touchpoint: survey answers sent through the beacon route as `feedback` events, nudge and
 * email outcomes written to the outreach log, and every figure, row and comment on screen checked
 * against the feedback API's answer for the view's own window. Comments are visitor text: they
 * must come out as the API's (scrubbed) text, never as markup.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconEvent } from '@touchpoint/protocol';
import type { Feedback } from '@touchpoint/protocol/api/feedback';
import { SURVEY_KINDS, SURVEY_SCALES } from '@touchpoint/protocol/prompts';
import { createOutreachLog } from '@touchpoint/collector/storage/outreach-log';
import { ADMIN_TOKEN, beacon, postBeacon, waitFor } from '@touchpoint/node/testing';
import { startDashboardsServer, type DashboardsServer } from './testing/dashboards-server.ts';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
/** Markup and an email address in a comment: shown as the API's text, no element made of it. */
const HOSTILE = 'Payment failed <img src=x onerror="window.__pwned=1"> write to jane.doe@example.com';
const CES_ANSWERS = 30;

let server: DashboardsServer;
let browser: Browser;
let page: Page;

const at = (msAgo = 0) => Date.now() - msAgo;

async function send(path: string, events: BeaconEvent[], o: { session?: string; customer?: string; ua?: string } = {}) {
  const b = beacon(events, { page: `https://shop.example${path}`, ...(o.session ? { session: o.session } : {}), ...(o.customer ? { customer: o.customer } : {}) });
  const res = await postBeacon(server.tp, b, { headers: { 'user-agent': o.ua ?? DESKTOP } });
  expect(res.status, JSON.stringify(res.body)).toBe(204);
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}/api/v1/projects/demo/${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** The feedback API's answer for the view's own window, bucket and page size, `extra` parameters added or changed. */
async function shownByApi(extra: Record<string, string> = {}): Promise<Feedback> {
  const el = page.locator('section[data-view=marketer]');
  const q = new URLSearchParams({
    from: (await el.getAttribute('data-from'))!,
    to: (await el.getAttribute('data-to'))!,
    bucket: (await page.locator('[data-testid=feedback]').getAttribute('data-bucket'))!,
    limit: '25',
    ...extra,
  });
  return api<Feedback>(`feedback?${q}`);
}

const kpi = (id: string) => page.locator(`[data-kpi=${id}]`);
const commentRows = () => page.locator('[data-testid=comments] tbody tr');

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startDashboardsServer();
  // A failed checkout whose customer then answered the survey, with slow page loads before it.
  await send('/checkout', [
    { type: 'checkout', at: at(120_000), step: 'start', id: 'fb-co-1', value: 99, currency: 'EUR' },
    { type: 'checkout', at: at(110_000), step: 'step', id: 'fb-co-1', name: 'payment' },
    { type: 'vital', at: at(105_000), name: 'LCP', value: 4200 },
    { type: 'vital', at: at(104_000), name: 'INP', value: 350 },
    { type: 'vital', at: at(104_000), name: 'CLS', value: 0.02 },
    { type: 'checkout', at: at(100_000), step: 'error', id: 'fb-co-1', reason: 'card_declined' },
  ], { session: 's-fb-1', customer: 'cust-fb-1' });
  await send('/checkout', [
    { type: 'feedback', at: at(90_000), prompt: 'pr-fb-1', survey: 'ces', score: 2, comment: HOSTILE, trigger: 'nudge', checkout: 'fb-co-1', step: 'payment', incident: 'inc-fb-1' },
  ], { session: 's-fb-1', customer: 'cust-fb-1' });
  // More CES answers over two pages and two steps, every seventh one on a phone; older than the first.
  for (let i = 1; i < CES_ANSWERS; i++) {
    const onCheckout = i % 2 === 0;
    await send(onCheckout ? '/checkout' : '/thank-you', [
      {
        type: 'feedback', at: at(200_000 + i * 1000), prompt: `pr-ces-${i}`, survey: 'ces', score: 1 + (i % 7), comment: `Answer number ${i}`,
        trigger: onCheckout ? 'nudge' : 'complete', ...(onCheckout ? { step: 'review' } : {}),
      },
    ], { session: `s-ces-${i}`, ua: i % 7 === 0 ? MOBILE : DESKTOP });
  }
  // A few NPS answers: a second kind of survey to pick.
  for (const [i, score] of [9, 10, 3].entries()) {
    await send('/thank-you', [{ type: 'feedback', at: at(60_000 + i * 1000), prompt: `pr-nps-${i}`, survey: 'nps', score, comment: `NPS said ${score}`, trigger: 'complete' }], { session: `s-nps-${i}` });
  }

  // Nudges for twelve incidents (eight taken up, two closed), three emailed, eleven held out;
  // ten minutes ago, so a checkout completed now counts as coming back.
  const log = createOutreachLog(server.tp.storage);
  const then = at(600_000);
  for (let i = 0; i < 12; i++) {
    const base = { project: 'demo', incident: `inc-n-${i}`, customer: `cust-n-${i}`, reason: 'checkout_error' as const, checkout: `co-n-${i}` };
    await log.record({ ...base, channel: 'nudge', status: 'sent', at: then });
    await log.record({ ...base, channel: 'nudge', status: 'shown', at: then + 500 });
    if (i < 8) await log.record({ ...base, channel: 'nudge', status: 'acted', at: then + 2000 });
    else if (i < 10) await log.record({ ...base, channel: 'nudge', status: 'dismissed', at: then + 2000 });
    else await log.record({ ...base, channel: 'email', status: 'sent', at: then + 60_000, timeToOutreachMs: 60_000 });
  }
  await log.record({ project: 'demo', incident: 'inc-e-0', customer: 'cust-e-0', reason: 'checkout_stuck', channel: 'email', status: 'sent', checkout: 'co-e-0', at: then, timeToOutreachMs: 400 });
  for (let i = 0; i < 11; i++) {
    await log.record({ project: 'demo', incident: `inc-h-${i}`, customer: `cust-h-${i}`, reason: 'checkout_error', channel: 'none', status: 'holdout', checkout: `co-h-${i}`, at: then });
  }
  // Who came back: six nudged customers, the emailed one, two of the holdout.
  for (const customer of ['cust-n-0', 'cust-n-1', 'cust-n-2', 'cust-n-3', 'cust-n-4', 'cust-n-5', 'cust-e-0', 'cust-h-0', 'cust-h-1']) {
    await send('/checkout', [
      { type: 'checkout', at: at(2000), step: 'start', id: `back-${customer}`, value: 10, currency: 'EUR' },
      { type: 'checkout', at: at(1000), step: 'complete', id: `back-${customer}` },
    ], { customer });
  }

  const now = Date.now();
  const w = `from=${now - 3600_000}&to=${now + 60_000}`;
  await waitFor(async () => (await api<Feedback>(`feedback?${w}&survey=ces`)).summary.responses === CES_ANSWERS);
  await waitFor(async () => (await api<Feedback>(`feedback?${w}&survey=nps`)).summary.responses === 3);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (err) => console.error('page error:', err));
  await page.goto(`${server.url}/dashboards/#marketer?project=demo&range=1h`);
  await page.fill('input[name=token]', ADMIN_TOKEN);
  await page.click('button[type=submit]');
  await page.waitForSelector('section[data-view=marketer] [data-testid=feedback][data-survey]');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('help in the page and customer feedback in the marketer view', () => {
  it('words each survey kind on the scale the protocol gives it', async () => {
    // A string, so the test runner does not rewrite the page's own dynamic import.
    const scales = await page.evaluate<Record<string, number[]>>(
      "import(new URL('lib/words.js', location.href).href).then((m) => Object.fromEntries(Object.entries(m.SURVEYS).map(([k, v]) => [k, v.scale])))",
    );
    expect(Object.keys(scales).sort()).toEqual([...SURVEY_KINDS].sort());
    for (const k of SURVEY_KINDS) expect(scales[k]).toEqual([...SURVEY_SCALES[k]]);
  });

  it('shows the survey with the most answers, its score, answers, trend, steps and pages as the API gives them', async () => {
    const f = await shownByApi();
    expect(f.survey).toBe('ces');
    expect(await page.locator('[data-testid=feedback]').getAttribute('data-survey')).toBe('ces');
    expect(f.summary.responses).toBe(CES_ANSWERS);
    expect(await kpi('feedbackAnswers').locator('.v').textContent()).toBe(String(CES_ANSWERS));
    expect(await kpi('feedbackScore').getAttribute('data-value')).toBe(String(f.summary.mean));
    expect(await kpi('feedbackScore').locator('.v').textContent()).toBe(`${f.summary.mean!.toFixed(1)} of 7`);
    expect(await page.locator('[data-testid=score-reads]').textContent()).toContain('from 1 (very difficult) to 7 (very easy)');
    const trend = page.locator('[data-testid=feedback-trend] tbody tr');
    expect(await trend.count()).toBe(f.trend.length);
    expect(await trend.locator('td:nth-child(4)').allTextContents()).toEqual(f.trend.map((t) => String(t.responses)));
    expect(await page.locator('[data-testid=feedback-by-step] tbody tr td:first-child').allTextContents()).toEqual(f.byStep.map((s) => s.step || '(no checkout)'));
    expect(await page.locator('[data-testid=feedback-by-step] tbody tr td:nth-child(2)').allTextContents()).toEqual(f.byStep.map((s) => (s.mean === null ? '–' : `${s.mean.toFixed(1)} of 7`)));
    expect(await page.locator('[data-testid=feedback-by-page] tbody tr td:first-child').allTextContents()).toEqual(f.byPage.map((s) => s.path));
    expect(f.byPage.map((s) => s.path).sort()).toEqual(['/checkout', '/thank-you']);
    // Tables are labelled for screen readers, with column headers.
    for (const id of ['feedback-trend', 'feedback-by-step', 'feedback-by-page', 'comments']) {
      expect(await page.locator(`[data-testid=${id}]`).getAttribute('aria-label'), id).toBeTruthy();
      expect(await page.locator(`[data-testid=${id}] thead th[scope=col]`).count(), id).toBeGreaterThan(2);
    }
  });

  it('lists the comments newest first as the API’s text, with page, step, device, speed and checkout', async () => {
    const f = await shownByApi();
    expect(await commentRows().count()).toBe(25);
    expect(await commentRows().evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-at'))))).toEqual(f.comments.map((c) => c.at));
    const first = f.comments[0]!;
    expect(first.checkout).toBe('fb-co-1');
    const row = commentRows().first();
    // Scrubbed by the collector, shown as it came: the address never reaches the screen, the markup stays text.
    expect(first.comment).not.toContain('jane.doe@example.com');
    expect(await row.locator('td:nth-child(3)').textContent()).toBe(first.comment);
    expect(await page.locator('[data-testid=comments] img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const text = (await row.textContent()) ?? '';
    for (const part of ['2 of 7', '/checkout', 'payment', 'after the help in the page', first.device]) expect(text).toContain(part);
    // The session's page-load vitals, rated like the SRE view's.
    expect(first).toMatchObject({ lcp: 4200, inp: 350, cls: 0.02 });
    expect(await row.locator('td:nth-child(8)').textContent()).toBe('LCP 4.20 s · INP 350 ms · CLS 0.020');
    expect(await row.locator('td:nth-child(8) span.poor').textContent()).toBe('LCP 4.20 s');
    expect(await row.locator('a').getAttribute('href')).toContain('checkout=fb-co-1');
    expect(await page.locator('[data-testid=comments-count]').textContent()).toBe('25 newest comments; older ones below');
  });

  it('pages to the older comments with “Show more”, the keyboard carrying on at the first new one', async () => {
    const all = await shownByApi({ limit: '100' });
    await page.focus('[data-testid=comments-more]');
    await page.keyboard.press('Enter');
    await expect.poll(() => commentRows().count()).toBe(CES_ANSWERS);
    expect(await page.isVisible('[data-testid=comments-more]')).toBe(false);
    expect(await page.locator('[data-testid=comments-count]').textContent()).toBe(`${CES_ANSWERS} comments, newest first: all of them in this range`);
    expect(await commentRows().evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-at'))))).toEqual(all.comments.map((c) => c.at));
    expect(await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-at'))).toBe(String(all.comments[25]!.at));
  });

  it('filters the comments by score from the keyboard, kept in the URL, the focus staying on the filter', async () => {
    // Arrow keys on the focused filter: any score → 1 → 2, the view re-rendered after each.
    const filter = '[data-testid=feedback] select[name=score]';
    const settled = (score: string) =>
      page.waitForFunction((want) => {
        const el = document.activeElement;
        return location.hash.includes(`score=${want}`) && el instanceof HTMLSelectElement && el.name === 'score' && el.value === want &&
          Array.from(document.querySelectorAll('[data-testid=comments] tbody tr')).every((r) => r.getAttribute('data-score') === want);
      }, score);
    await page.focus(filter);
    await page.keyboard.press('ArrowDown');
    await settled('1');
    await page.keyboard.press('ArrowDown');
    await settled('2');
    const f = await shownByApi({ score: '2' });
    expect(f.comments.length).toBeGreaterThan(1);
    expect(await commentRows().evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-at'))))).toEqual(f.comments.map((c) => c.at));
    expect(await page.inputValue('[data-testid=feedback] select[name=score]')).toBe('2');
    // The summary is the survey's, whatever the comments' filter.
    expect(await kpi('feedbackAnswers').locator('.v').textContent()).toBe(String(CES_ANSWERS));
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('score'); // the focus stays on the filter
  });

  it('switches to another survey kind that has answers, and says a score of three answers is not enough', async () => {
    const picker = page.locator('[data-testid=survey-picker]');
    expect(await picker.getAttribute('role')).toBe('toolbar');
    expect(await picker.locator('button').allTextContents()).toEqual([`Ease (${CES_ANSWERS} answers)`, 'Recommend (3 answers)']);
    expect(await picker.locator('[data-survey=ces]').getAttribute('aria-pressed')).toBe('true');
    await picker.locator('[data-survey=nps]').click();
    await page.waitForSelector('[data-testid=feedback][data-survey=nps]');
    expect(page.url()).toContain('survey=nps');
    expect(page.url()).not.toContain('score=');
    const f = await shownByApi({ survey: 'nps' });
    expect(f.summary).toMatchObject({ responses: 3, promoters: 2, passives: 0, detractors: 1 });
    expect(await kpi('feedbackScore').locator('.v').textContent()).toBe('not enough data');
    expect(await kpi('feedbackScore').getAttribute('data-value')).toBe(String(f.summary.nps));
    expect(await kpi('feedbackSplit').locator('.v').textContent()).toBe('2 · 0 · 1');
    expect(await page.locator('[data-testid=feedback] select[name=score] option').allTextContents()).toEqual(['any score', ...Array.from({ length: 11 }, (_, i) => String(i))]);
    expect(await commentRows().locator('td:nth-child(3)').allTextContents()).toEqual(f.comments.map((c) => c.comment));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboards-marketer-feedback-nps.png'), fullPage: true });
    await page.click('[data-testid=survey-picker] [data-survey=ces]');
    await page.waitForSelector('[data-testid=feedback][data-survey=ces]');
  });

  it('shows the help in the page beside email and the holdout, in counts and shares, as the API gives them', async () => {
    const n = (await shownByApi()).nudges;
    expect(n).toEqual({ published: 12, shown: 12, acted: 8, dismissed: 2, recovered: 6, emailed: 3, emailRecovered: 1, holdout: 11, holdoutRecovered: 2 });
    expect(await kpi('nudgeShown').locator('.v').textContent()).toBe(String(n.shown));
    expect(await kpi('nudgeShown').locator('.s').textContent()).toBe(`of ${n.published} offered while their page was open`);
    expect(await kpi('nudgeActed').locator('.v').textContent()).toBe(String(n.acted));
    expect(await kpi('nudgeActed').locator('.s').textContent()).toBe(`${((n.acted / n.shown) * 100).toFixed(1)} % of those shown`);
    expect(await kpi('nudgeDismissed').locator('.v').textContent()).toBe(String(n.dismissed));
    expect(await kpi('nudgeRecovered').locator('.v').textContent()).toBe(String(n.recovered));
    const row = (g: string) => page.locator(`[data-testid=help-compared] tbody tr[data-group=${g}] td`);
    expect(await row('nudge').allTextContents()).toEqual([
      'Offered help in the page', String(n.published), String(n.recovered), `${((n.recovered / n.published) * 100).toFixed(1)} %`,
      `${(n.recovered / n.published - n.holdoutRecovered / n.holdout) * 100 >= 0 ? '+' : ''}${((n.recovered / n.published - n.holdoutRecovered / n.holdout) * 100).toFixed(1)} pts`,
    ]);
    // A handful emailed: counts, but no share that one customer would swing.
    expect(n.emailed).toBeLessThan(10);
    expect(await row('email').allTextContents()).toEqual(['Emailed (did not take up help in the page)', String(n.emailed), String(n.emailRecovered), 'not enough data', 'not enough data']);
    expect(await row('holdout').allTextContents()).toEqual(['Holdout (deliberately not contacted)', String(n.holdout), String(n.holdoutRecovered), `${((n.holdoutRecovered / n.holdout) * 100).toFixed(1)} %`, '–']);
    // The outreach list names the nudge channel in words too.
    expect(await page.locator('[data-testid=outreach] tbody tr', { hasText: 'cust-n-10' }).textContent()).toContain('Contacted by help in the page and email');
    const words = (await page.locator('[data-testid=nudges]').textContent()) ?? '';
    expect(words).not.toMatch(/\b[a-z]+_[a-z_]+\b/); // no codes
    await page.screenshot({ path: join(ARTIFACTS, 'dashboards-marketer-feedback.png'), fullPage: true });
  });

  it('reaches the survey picker, the score filter and a comment’s checkout by keyboard, and Enter opens the checkout', async () => {
    await page.focus('#range');
    const reached = new Set<string>();
    for (let i = 0; i < 250 && reached.size < 3; i++) {
      await page.keyboard.press('Tab');
      const what = await page.evaluate(() => {
        const el = document.activeElement;
        if (!(el instanceof HTMLElement)) return null;
        if (el.closest('[data-testid=survey-picker]')) return 'picker';
        if (el instanceof HTMLSelectElement && el.name === 'score') return el.labels?.[0]?.textContent?.startsWith('Comments with the score') ? 'filter' : 'unlabelled filter';
        if (el instanceof HTMLAnchorElement && el.closest('[data-testid=comments]')) return 'checkout';
        return null;
      });
      if (what) reached.add(what);
    }
    expect([...reached].sort()).toEqual(['checkout', 'filter', 'picker']);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('fb-co-1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=focus][data-checkout=fb-co-1]');
    expect(await page.locator('[data-testid=focus]').getAttribute('data-status')).toBe('failed');
  });
});
