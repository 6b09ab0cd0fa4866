import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { signal, waitFor } from '../testing/signals.ts';

let h: Harness;
beforeAll(async () => {
  // Everyone eligible is in the holdout: the control group of the lift measurement.
  h = await startHarness({ TOUCHPOINT_HOLDOUT_SHARE: '1', TOUCHPOINT_ALERT_EMAIL: 'marketing@shop.example' });
});
afterAll(async () => h?.stop());

it('holdout: an eligible customer is deliberately not contacted, and that is logged; marketers still hear', async () => {
  const c = 'cust-hold';
  await h.producer.send([
    signal('shop', 's-h', c, { type: 'identify', customer: c, email: 'hold@mail.example', consent: { outreach: true } }),
    signal('shop', 's-h', c, { type: 'checkout', step: 'start', id: 'co-h' }),
    signal('shop', 's-h', c, { type: 'http', method: 'POST', url: 'https://shop.example/api/pay', status: 500, duration: 800 }),
  ]);
  await waitFor('the holdout entry', () => h.log.of('shop').find((e) => e.customer === c));
  expect(h.log.of('shop')).toMatchObject([{ customer: c, status: 'holdout', channel: 'none', reason: 'checkout_error', checkout: 'co-h' }]);
  await waitFor('the marketer alert', () => h.hooks.on('/alerts')[0]);
  const mail = await waitFor('the marketer email', () => h.smtp.mails[0]);
  expect(mail.to).toEqual(['marketing@shop.example']);
  // A project without a name is called by its id; the alert says why the customer was not contacted.
  expect(mail.subject).toBe('Checkout failed at shop');
  expect(mail.raw).toContain('holdout group');
  expect(mail.raw).not.toContain('"kind"');
  expect(h.hooks.on('/alerts')[0]?.body).toMatchObject({ customerContact: { status: 'not_contacted', reason: 'holdout' }, failures: [{ kind: 'request', method: 'POST', path: '/api/pay', status: 500 }] });
  await new Promise((r) => setTimeout(r, 500));
  expect(h.smtp.mails).toHaveLength(1); // the marketers' only: the customer is in the holdout
  expect(h.hooks.on('/outreach')).toHaveLength(0);
});

it('a failed request outside an open checkout is not a checkout error', async () => {
  await h.producer.send([signal('shop', 's-x', 'cust-x', { type: 'http', method: 'GET', url: 'https://shop.example/api/cart', status: 503, duration: 100 })]);
  await new Promise((r) => setTimeout(r, 700));
  expect(h.log.of('shop').filter((e) => e.customer === 'cust-x')).toHaveLength(0);
  expect(h.hooks.on('/alerts').filter((x) => x.body.customer === 'cust-x')).toHaveLength(0);
});
