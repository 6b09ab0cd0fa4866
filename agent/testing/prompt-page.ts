/**
 * A page in real Chromium with the built prompt chunk (dist/agent-prompt.js) and nothing else, for
 * the prompt's browser test and the bench: `show()` imports the chunk as the agent does and calls
 * it; what the chunk emits and every layout shift of the page are recorded in the page.
 * (Page code as text: this module is type-checked by Node-only projects too, the bench's among them.)
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FeedbackEvent, NudgeEvent } from '@touchpoint/protocol';
import type { NudgePrompt, Prompt, SurveyPrompt } from '@touchpoint/protocol/prompts';
import { agentPromptFile } from '../assets.ts';

/** Not a real host: Chromium's requests to it are answered here. */
export const PROMPT_PAGE_URL = 'https://shop.test/checkout.html';

// A page with content above and below the fold and a focused control, as a checkout has.
const HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Checkout</title><style>body{font:16px sans-serif;margin:0;padding:16px}main p{margin:0 0 12px}</style>
<script>
window.__events = [];
window.__shifts = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__shifts.push({ value: e.value, recent: e.hadRecentInput }); })
  .observe({ type: 'layout-shift', buffered: true });
</script></head><body><main><h1>Checkout</h1>
${'<p>Blue kettle · AUD 149.95. Delivery in two to four working days; free returns within thirty days.</p>'.repeat(12)}
<button id="pay">Pay AUD 149.95</button></main></body></html>`;

/** A nudge and a survey with every part filled in, as the bench shows them. */
export const SAMPLE_NUDGE: NudgePrompt = {
  kind: 'nudge',
  id: 'sample-nudge',
  incident: 'sample-incident',
  reason: 'checkout_error',
  lang: 'en',
  title: 'Your payment did not go through',
  body: 'You can try again, or we can help.',
  actions: [
    { action: 'retry', label: 'Try again' },
    { action: 'support', label: 'Chat with us', href: 'https://shop.test/help' },
    { action: 'email_basket', label: 'Email me my basket' },
    { action: 'call_back', label: 'Call me back' },
  ],
  phoneLabel: 'Your phone number',
  sendLabel: 'Send',
  done: 'Thank you, we are on it.',
  close: 'Close',
};
export const SAMPLE_SURVEY: SurveyPrompt = {
  kind: 'survey',
  id: 'sample-survey',
  survey: 'nps',
  trigger: 'complete',
  lang: 'en',
  question: 'How likely are you to recommend us to a friend?',
  low: 'Not at all likely',
  high: 'Extremely likely',
  commentLabel: 'What is the main reason for your score?',
  sendLabel: 'Send',
  done: 'Thank you for your answer.',
  close: 'Close',
};

export interface PromptPage {
  page: Page;
  context: BrowserContext;
  /** Imports the chunk and shows `prompt`, with the api the agent gives (emit recorded in the page). */
  show(prompt: Prompt, api?: { checkout?: string; step?: string }): Promise<void>;
  /** What the chunk emitted so far. */
  events(): Promise<(NudgeEvent | FeedbackEvent)[]>;
  /** The page's layout shift score so far, shifts right after input excluded (as CLS counts them). */
  cls(): Promise<number>;
  close(): Promise<void>;
}

export async function openPromptPage(browser: Browser, o: { reducedMotion?: 'reduce' | 'no-preference'; chunkFile?: string } = {}): Promise<PromptPage> {
  const chunk = readFileSync(o.chunkFile ?? agentPromptFile);
  const context = await browser.newContext({ reducedMotion: o.reducedMotion ?? 'no-preference', viewport: { width: 1000, height: 700 } });
  await context.route('https://shop.test/**', (route) =>
    route.request().url().endsWith('/agent-prompt.js')
      ? route.fulfill({ body: chunk, contentType: 'application/javascript; charset=utf-8', headers: { 'access-control-allow-origin': '*' } })
      : route.fulfill({ body: HTML, contentType: 'text/html; charset=utf-8' }),
  );
  const page = await context.newPage();
  await page.goto(PROMPT_PAGE_URL);
  await page.focus('#pay');
  return {
    page,
    context,
    async show(prompt, api = {}) {
      await page.evaluate(`(async () => {
        const m = await import('/agent-prompt.js');
        m.show(${JSON.stringify(prompt)}, { ...${JSON.stringify(api)}, emit: (e) => window.__events.push(e) });
      })()`);
    },
    events: () => page.evaluate('window.__events') as Promise<(NudgeEvent | FeedbackEvent)[]>,
    // Two frames later, so a shift of the frame that drew the prompt has been reported.
    cls: () =>
      page.evaluate(`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() =>
        setTimeout(() => r(window.__shifts.filter((s) => !s.recent).reduce((a, s) => a + s.value, 0)), 50))))`) as Promise<number>,
    close: () => context.close(),
  };
}
