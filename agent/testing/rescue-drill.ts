/**
 * The customer-rescue drill on the demo shop, in real Chromium: a consented customer's payment
 * fails, and the time from their click to the rescue email handed to the SMTP peer is measured.
 * Shared by the end-to-end test (one drill, a bound) and `npm run bench outreach-browser` (many
 * drills, the p95).
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitFor } from '@touchpoint/node/testing';

/** Flags that make Debian's Chromium quiet and deterministic headless (no sandbox in containers). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * The agent has loaded once the stub's queue is gone from window.Touchpoint. (Page code as text:
 * this module is type-checked by Node-only projects too, the bench's among them.)
 */
export const agentLoaded = (page: Page) => page.waitForFunction("window.Touchpoint !== undefined && !('q' in window.Touchpoint)", undefined, { timeout: 10_000 });

/** What the SMTP peer received (the shape of @touchpoint/alerting/testing/smtp-sink's mails). */
export interface Mailbox {
  mails: { to: string[]; at: number; raw: string }[];
}

export interface RescueTiming {
  /** Click on "Pay" → the email accepted by the SMTP peer (end of DATA), ms. */
  clickToMailMs: number;
  /** Click → the beacon carrying the checkout failure left the page, ms. */
  clickToBeaconMs: number;
  /** That beacon's body, as sent. */
  failureBeacon: string;
  mail: Mailbox['mails'][number];
}

/**
 * One drill: `customer` (with `email`) signs in, lands on checkout with consent ticked and the
 * payment set to fail, and pays once the consent and the checkout's start have been accepted by
 * the collector (on a real checkout page the customer takes a while to type their card).
 */
export async function rescueDrill(o: { browser: Browser; shopUrl: string; collectorUrl: string; smtp: Mailbox; customer: string; email: string; timeoutMs?: number }): Promise<RescueTiming> {
  const context = await o.browser.newContext();
  try {
    // The demo keeps the signed-in customer in localStorage, out of the URL.
    await context.addInitScript({ content: `localStorage.setItem('demo-customer', ${JSON.stringify(o.customer)}); localStorage.setItem('demo-email', ${JSON.stringify(o.email)});` });
    const page = await context.newPage();
    const sent: { at: number; body: string }[] = [];
    const accepted: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${o.collectorUrl}/v1/beacon`)) sent.push({ at: Date.now(), body: r.postData() ?? '' });
    });
    page.on('response', (r) => {
      if (r.url().startsWith(`${o.collectorUrl}/v1/beacon`) && r.status() == 204) accepted.push(r.request().postData() ?? '');
    });
    await page.goto(`${o.shopUrl}/checkout.html?consent=1&fail=1`);
    await agentLoaded(page);
    await waitFor(async () => accepted.some((b) => b.includes('"identify"') && b.includes('"step":"start"')), 10_000, 20);
    // The worker takes the contact from that beacon; a real customer needs longer than this to pay.
    await page.waitForTimeout(300);

    const clicked = Date.now();
    await page.click('#pay');
    // The peer stamps each mail as it takes it: polling often only makes the wait shorter.
    const mail = await waitFor(async () => o.smtp.mails.find((m) => m.to.includes(o.email)), o.timeoutMs ?? 15_000, 20);
    const beacon = sent.find((p) => p.body.includes('"step":"error"'));
    if (!beacon) throw new Error('the checkout failure left in no beacon the page sent while it lived');
    return { clickToMailMs: mail.at - clicked, clickToBeaconMs: beacon.at - clicked, failureBeacon: beacon.body, mail };
  } finally {
    await context.close();
  }
}
