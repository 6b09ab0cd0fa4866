/**
 * The prompt chunk in real headless Chromium: the built dist/agent-prompt.js imported into a page
 * as the agent imports it, shown with a nudge and a survey. Role, name, description, focus, Esc,
 * keyboard-only operation, the events it emits, reduced motion, and no layout shift.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NudgePrompt, SurveyPrompt } from '@touchpoint/protocol/prompts';
import { buildAgent } from '../../build.ts';
import { openPromptPage, SAMPLE_NUDGE, type PromptPage } from '../../testing/prompt-page.ts';
import { launchChromium } from '../../testing/rescue-drill.ts';

const nudge = (id: string, incident: string): NudgePrompt => ({ ...SAMPLE_NUDGE, id, incident });

const survey: SurveyPrompt = {
  kind: 'survey',
  id: 'sv-1',
  survey: 'ces',
  trigger: 'complete',
  lang: 'en',
  question: 'How easy was it to pay today?',
  low: 'Very difficult',
  high: 'Very easy',
  commentLabel: 'Anything we could do better?',
  sendLabel: 'Send',
  done: 'Thank you for your answer.',
  close: 'Close',
};

let browser: Browser;
const pages: PromptPage[] = [];
const open = async (o?: Parameters<typeof openPromptPage>[1]) => {
  const p = await openPromptPage(browser, o);
  pages.push(p);
  return p;
};

beforeAll(async () => {
  await buildAgent();
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  for (const p of pages) await p.close();
  await browser?.close();
});

/** The dialog's accessible name and description, read through its shadow root. */
const described = (p: PromptPage) =>
  p.page.locator('[role=dialog]').evaluate((d) => {
    const root = d.getRootNode() as ShadowRoot;
    const text = (ids: string | null) => (ids ?? '').split(' ').map((id) => root.getElementById(id)?.textContent ?? '').join(' ');
    return {
      name: text(d.getAttribute('aria-labelledby')),
      description: text(d.getAttribute('aria-describedby')),
      focused: root.activeElement == d && document.activeElement == root.host,
      position: getComputedStyle(root.host).position,
      animation: getComputedStyle(d).animationName,
    };
  });

describe('nudge', () => {
  it('is a labelled dialog that takes focus, emits shown, is operable by keyboard, and shifts nothing', async () => {
    const p = await open();
    await p.show(nudge('n-1', 'inc-1'), { checkout: 'co-1', step: 'payment' });
    const d = await described(p);
    expect(d).toMatchObject({ name: 'Your payment did not go through', description: 'You can try again, or we can help.', focused: true, position: 'fixed', animation: 'in' });
    expect(await p.page.getByRole('dialog', { name: 'Your payment did not go through' }).count()).toBe(1);
    expect(await p.page.getByRole('button', { name: 'Close' }).count()).toBe(1);
    expect(await p.page.getByRole('link', { name: 'Chat with us' }).getAttribute('href')).toBe('https://shop.test/help');
    expect(await p.events()).toMatchObject([{ type: 'nudge', prompt: 'n-1', incident: 'inc-1', outcome: 'shown' }]);
    // The polite live region announces it once it is on screen.
    await p.page.waitForFunction(() => document.querySelector('div')?.shadowRoot?.querySelector('[role=status]')?.textContent == 'Your payment did not go through');
    expect(await p.cls()).toBe(0);

    // Keyboard only: Tab from the dialog goes to Close, Try again, Chat with us, Email me my basket.
    for (let i = 0; i < 4; i++) await p.page.keyboard.press('Tab');
    expect(await p.page.evaluate(() => document.querySelector('div')?.shadowRoot?.activeElement?.textContent)).toBe('Email me my basket');
    await p.page.keyboard.press('Enter');
    expect((await p.events()).at(-1)).toMatchObject({ type: 'nudge', prompt: 'n-1', incident: 'inc-1', outcome: 'email_basket' });
    await p.page.waitForFunction(() => document.querySelector('div')?.shadowRoot?.querySelector('[role=status]')?.textContent == 'Thank you, we are on it.');
    expect((await described(p)).description).toBe('Thank you, we are on it.');

    // Closing after the action: no "dismissed", and focus is back on the page's own button.
    await p.page.keyboard.press('Escape');
    expect(await p.page.locator('[role=dialog]').count()).toBe(0);
    expect(await p.page.evaluate(() => document.activeElement?.id)).toBe('pay');
    expect((await p.events()).map((e) => (e.type == 'nudge' ? e.outcome : e.type))).toEqual(['shown', 'email_basket']);

    // The same incident again (a new prompt id): never shown twice in the tab, not even after a reload.
    await p.show(nudge('n-2', 'inc-1'));
    expect(await p.page.locator('[role=dialog]').count()).toBe(0);
    await p.page.reload();
    await p.show(nudge('n-3', 'inc-1'));
    expect(await p.page.locator('[role=dialog]').count()).toBe(0);
  });

  it('Esc dismisses and restores focus; the close button dismisses; a call-back asks for a labelled number', async () => {
    const p = await open();
    await p.show(nudge('n-10', 'inc-10'));
    await p.page.keyboard.press('Escape');
    expect(await p.page.locator('[role=dialog]').count()).toBe(0);
    expect(await p.page.evaluate(() => document.activeElement?.id)).toBe('pay');

    await p.show(nudge('n-11', 'inc-11'));
    await p.page.getByRole('button', { name: 'Close' }).click();
    expect(await p.page.locator('[role=dialog]').count()).toBe(0);

    await p.show(nudge('n-12', 'inc-12'));
    await p.page.getByRole('button', { name: 'Call me back' }).focus();
    await p.page.keyboard.press('Enter');
    const phone = p.page.getByLabel('Your phone number');
    expect(await phone.getAttribute('type')).toBe('tel');
    expect(await phone.evaluate((el) => el == (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    // Empty: nothing is sent, the field keeps focus.
    await p.page.keyboard.press('Enter');
    await p.page.keyboard.type('+61 400 000 000');
    await p.page.keyboard.press('Enter');
    await p.page.locator('p#b', { hasText: 'Thank you, we are on it.' }).waitFor();
    const outcomes = (await p.events()).map((e) => (e.type == 'nudge' ? [e.prompt, e.outcome, e.phone] : []));
    expect(outcomes).toEqual([
      ['n-10', 'shown', undefined],
      ['n-10', 'dismissed', undefined],
      ['n-11', 'shown', undefined],
      ['n-11', 'dismissed', undefined],
      ['n-12', 'shown', undefined],
      ['n-12', 'call_back', '+61 400 000 000'],
    ]);
  });

  it('support opens the shop\'s help in a new tab and reports it; a survey then replaces the thank-you', async () => {
    const p = await open();
    await p.show(nudge('n-40', 'inc-40'));
    const [help] = await Promise.all([p.context.waitForEvent('page'), p.page.getByRole('link', { name: 'Chat with us' }).click()]);
    await help.waitForLoadState();
    expect(help.url()).toBe('https://shop.test/help');
    expect((await p.events()).map((e) => (e.type == 'nudge' ? e.outcome : e.type))).toEqual(['shown', 'support']);
    await p.page.locator('p#b', { hasText: 'Thank you, we are on it.' }).waitFor();
    await p.show({ ...survey, id: 'sv-40', trigger: 'nudge', incident: 'inc-40' });
    expect(await p.page.locator('[role=dialog]').count()).toBe(1);
    expect((await described(p)).name).toBe('How easy was it to pay today?');
  });

  it('retry reports the action and reloads the page', async () => {
    const p = await open();
    await p.show(nudge('n-20', 'inc-20'));
    // What the chunk emits is kept across the reload, as the agent's beacon on pagehide carries it.
    await p.page.evaluate(() => {
      const w = window as unknown as { __marker: number; __events: unknown[] };
      w.__marker = 1;
      w.__events.push = (...e: unknown[]) => (sessionStorage.setItem('emitted', JSON.stringify(e[0])), 0);
    });
    await Promise.all([p.page.waitForEvent('load'), p.page.getByRole('button', { name: 'Try again' }).click()]);
    expect(await p.page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBeUndefined();
    expect(JSON.parse((await p.page.evaluate(() => sessionStorage.getItem('emitted'))) ?? '{}')).toMatchObject({ type: 'nudge', prompt: 'n-20', outcome: 'retry' });
  });
});

describe('survey', () => {
  it('asks on a labelled 1–7 scale with the words at both ends, answers by keyboard, and emits feedback', async () => {
    const p = await open();
    await p.show(survey, { checkout: 'co-9', step: 'complete' });
    const d = await described(p);
    expect(d).toMatchObject({ name: 'How easy was it to pay today?', description: 'Very difficult Very easy', focused: true });
    const group = p.page.getByRole('radiogroup', { name: 'How easy was it to pay today?' });
    expect(await group.getByRole('radio').count()).toBe(7);
    expect(await group.getByRole('radio', { name: '1', exact: true }).getAttribute('aria-describedby')).toBe('lo');
    expect(await group.getByRole('radio', { name: '7' }).getAttribute('aria-describedby')).toBe('hi');
    const comment = p.page.getByLabel('Anything we could do better?');
    expect(await comment.getAttribute('maxlength')).toBe('1000');
    expect(await p.cls()).toBe(0);

    // Tab past Close to the scale, arrows to 5, Tab to the comment, Tab to Send.
    await p.page.keyboard.press('Tab');
    await p.page.keyboard.press('Tab');
    for (let i = 0; i < 4; i++) await p.page.keyboard.press('ArrowRight');
    await p.page.keyboard.press('Tab');
    await p.page.keyboard.type('  The card form was slow.  ');
    await p.page.keyboard.press('Tab');
    await p.page.keyboard.press('Enter');
    await p.page.locator('p#b', { hasText: 'Thank you for your answer.' }).waitFor();
    const events = await p.events();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'feedback', prompt: 'sv-1', survey: 'ces', score: 5, comment: 'The card form was slow.', trigger: 'complete', checkout: 'co-9', step: 'complete' });
    expect(typeof events[0]?.at).toBe('number');
  });

  it('NPS runs 0–10; without a comment label there is no box; sending without a score moves focus to the scale', async () => {
    const p = await open();
    const { commentLabel: _, ...plain } = survey;
    await p.show({ ...plain, id: 'sv-2', survey: 'nps', trigger: 'nudge', incident: 'inc-5', checkout: 'co-own' }, { checkout: 'co-9', step: 'payment' });
    expect(await p.page.getByRole('radio').count()).toBe(11);
    expect(await p.page.locator('textarea').count()).toBe(0);
    await p.page.getByRole('button', { name: 'Send' }).click();
    expect(await p.events()).toEqual([]);
    expect(await p.page.getByRole('radio', { name: '0', exact: true }).evaluate((el) => el == (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await p.page.getByRole('radio', { name: '10', exact: true }).check();
    await p.page.getByRole('button', { name: 'Send' }).click();
    expect(await p.events()).toMatchObject([{ type: 'feedback', score: 10, survey: 'nps', trigger: 'nudge', incident: 'inc-5', checkout: 'co-own', step: 'payment' }]);
    expect((await p.events())[0]).toMatchObject({ comment: undefined });
  });
});

describe('motion and layout', () => {
  it('does not animate under prefers-reduced-motion', async () => {
    const p = await open({ reducedMotion: 'reduce' });
    await p.show(nudge('n-30', 'inc-30'));
    expect((await described(p)).animation).toBe('none');
    expect(await p.cls()).toBe(0);
  });

  it('the layout-shift measurement sees a shift when there is one (a banner pushed into the flow)', async () => {
    const p = await open();
    await p.page.evaluate(() => {
      const banner = document.createElement('div');
      banner.style.height = '120px';
      document.body.prepend(banner);
    });
    expect(await p.cls()).toBeGreaterThan(0);
  });
});
