/**
 * TOUCHPOINT_ALERT_DIGEST over the real worker, Redis and SMTP peer: the first marketer alert
 * goes at once, those that follow within the period go together in one digest at its end, and
 * no two alert emails of a project are closer than the period. Webhooks still get every alert.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { mimePart } from '../testing/mime.ts';
import { signal, waitFor } from '../testing/signals.ts';

const PERIOD_MS = 2000;
const MARKETING = 'marketing@shop.example';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ TOUCHPOINT_ALERT_EMAIL: MARKETING, TOUCHPOINT_ALERT_DIGEST: `${PERIOD_MS}ms` }, [{ id: 'busy', name: 'Busy Shop' }, { id: 'calm', name: 'Calm Shop' }]);
});
afterAll(async () => h?.stop());

const fail = (project: string, n: number) => {
  const c = `cust-${project}-${n}`;
  // No consent: the only mail is the marketers'.
  return h.producer.sendAndWait([
    signal(project, `s-${c}`, c, { type: 'identify', customer: c, consent: { outreach: false } }),
    signal(project, `s-${c}`, c, { type: 'checkout', step: 'start', id: `co-${project}-${n}`, value: 10 * n, currency: 'EUR' }),
    signal(project, `s-${c}`, c, { type: 'checkout', step: 'error', id: `co-${project}-${n}`, reason: 'card_declined' }),
  ]);
};
const mailsOf = (shop: string) => h.smtp.mails.filter((m) => m.to.includes(MARKETING) && m.subject.includes(shop));

it('sends the first alert at once and the rest of the period as one digest', async () => {
  await fail('busy', 1);
  const first = await waitFor('the first alert email', () => mailsOf('Busy Shop')[0]);
  expect(first.subject).toMatch(/^Checkout failed at Busy Shop/);
  await fail('busy', 2);
  await fail('busy', 3);
  await fail('calm', 1); // another project has its own period
  await waitFor('the calm shop’s alert, at once', () => mailsOf('Calm Shop')[0]);
  await waitFor('every webhook alert', () => h.hooks.on('/alerts').length === 4);

  const digest = await waitFor('the digest', () => mailsOf('Busy Shop')[1], 10_000);
  expect(digest.subject).toBe('2 alerts at Busy Shop');
  const text = mimePart(digest.raw, 'text/plain');
  expect(text).toContain('co-busy-2');
  expect(text).toContain('co-busy-3');
  expect(text).not.toContain('co-busy-1');
  // At most one email per period. The period starts when the first alert is let through, before
  // its SMTP hand-over (the pool's first connection takes up to a few hundred ms): that much slack.
  expect(digest.at - first.at).toBeGreaterThanOrEqual(PERIOD_MS - 500);

  // An alert just after the digest waits for the next one, which carries it alone.
  await fail('busy', 4);
  const next = await waitFor('the next digest', () => mailsOf('Busy Shop')[2], 10_000);
  expect(next.subject).toMatch(/^Checkout failed at Busy Shop/);
  expect(mimePart(next.raw, 'text/plain')).toContain('co-busy-4');
  expect(next.at - digest.at).toBeGreaterThanOrEqual(PERIOD_MS - 500);
  await new Promise((r) => setTimeout(r, PERIOD_MS + 500));
  expect(mailsOf('Busy Shop')).toHaveLength(3);
  expect(mailsOf('Calm Shop')).toHaveLength(1);
});
