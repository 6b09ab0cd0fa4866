import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { signal, waitFor } from '../testing/signals.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

it('a batch of interleaved sessions: each session in order, every session answered', async () => {
  const sessions = ['a', 'b', 'c', 'd'].map((k) => ({ session: `s-il-${k}`, customer: `cust-il-${k}`, checkout: `co-il-${k}` }));
  // Round-robin over the sessions: each session's start comes before its failed payment, but
  // the batch mixes them, as a relaxed-lane batch from a busy collector does.
  const steps = [
    (s: (typeof sessions)[number]) => signal('shop', s.session, s.customer, { type: 'identify', customer: s.customer, email: `${s.customer}@mail.example`, consent: { outreach: true } }),
    (s: (typeof sessions)[number]) => signal('shop', s.session, s.customer, { type: 'checkout', step: 'start', id: s.checkout }),
    (s: (typeof sessions)[number]) => signal('shop', s.session, s.customer, { type: 'http', method: 'POST', url: 'https://shop.example/api/pay', status: 502, duration: 900 }),
  ];
  await h.producer.send(steps.flatMap((step) => sessions.map(step)));
  for (const s of sessions) {
    const entry = await waitFor(`the outreach to ${s.customer}`, () => h.log.of('shop').find((e) => e.customer === s.customer));
    expect(entry).toMatchObject({ reason: 'checkout_error', checkout: s.checkout });
  }
  const mails = await waitFor('four emails', () => (h.smtp.mails.length >= 4 ? h.smtp.mails : undefined));
  expect(mails.map((m) => m.to[0]).sort()).toEqual(sessions.map((s) => `${s.customer}@mail.example`).sort());
});
