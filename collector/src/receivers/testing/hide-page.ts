import type { Page } from 'playwright-core';

/**
 * Makes web-vitals report what it reports on hide (LCP, CLS, INP). A real hide would unload or
 * freeze the page and hide its requests from Playwright, so the visibility is switched as
 * web-vitals' own tests (and agent/src/e2e.test.ts) do. A string, because this file is Node code.
 */
export async function hidePage(page: Page): Promise<void> {
  await page.evaluate(`Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'))`);
}
