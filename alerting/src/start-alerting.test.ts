import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { startHarness, type Harness } from './testing/harness.ts';
import { signal, waitFor } from './testing/signals.ts';
import { DELIVERIES_QUEUE } from './queues/names.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);

let h: Harness;
const now = Date.now();
const projects = [
  // Quiet hours that cover the whole test run, whatever the time of day.
  { id: 'quiet', name: 'Quiet Shop', quietHours: { start: hhmm(now - 3_600_000), end: hhmm(now + 3 * 3_600_000) } },
  { id: 'suppressing', suppression: ['cust-listed'] },
  { id: 'shop', name: 'Kim’s Shop', supportUrl: 'https://shop.example/help' },
];

beforeAll(async () => {
  h = await startHarness({ TOUCHPOINT_STUCK_AFTER: '1s', TOUCHPOINT_ERROR_RATE_THRESHOLD: '3', TOUCHPOINT_ERROR_RATE_WINDOW: '10m' }, projects);
});
afterAll(async () => h?.stop());

const identify = (project: string, customer: string, consent: boolean, extra: { email?: string; language?: string } = {}) =>
  signal(project, `s-${customer}`, customer, { type: 'identify', customer, consent: { outreach: consent }, email: extra.email ?? `${customer}@mail.example`, ...(extra.language ? { language: extra.language } : {}) });
const checkout = (project: string, customer: string, step: 'start' | 'step' | 'error' | 'complete', id: string, extra: { value?: number; currency?: string } = {}) =>
  signal(project, `s-${customer}`, customer, { type: 'checkout', step, id, ...extra });
const failedPay = (project: string, customer: string, status = 502) =>
  signal(project, `s-${customer}`, customer, { type: 'http', method: 'POST', url: 'https://shop.example/api/pay', status, duration: 3000 });
const mailsTo = (customer: string) => h.smtp.mails.filter((m) => m.to.includes(`${customer}@mail.example`));
const outreachHooks = (project: string, customer?: string) => h.hooks.on('/outreach').filter((x) => x.body.project === project && (!customer || x.body.customer === customer));
const alerts = (project: string) => h.hooks.on('/alerts').filter((x) => x.body.project === project);

describe('customer rescue', () => {
  it('checkout error → exactly one email and one webhook, even when the error repeats 5×', async () => {
    await h.producer.send([identify('shop', 'cust-1', true, { language: 'de-DE' }), checkout('shop', 'cust-1', 'start', 'co-1', { value: 149.95, currency: 'AUD' })]);
    // The same failure reported five times, across batches and in both forms.
    const acked = Date.now();
    await h.producer.send([failedPay('shop', 'cust-1'), checkout('shop', 'cust-1', 'error', 'co-1')]);
    await h.producer.send([failedPay('shop', 'cust-1', 0)]);
    await h.producer.send([checkout('shop', 'cust-1', 'error', 'co-1'), failedPay('shop', 'cust-1', 503)]);

    const mail = await waitFor('the outreach email', () => mailsTo('cust-1')[0]);
    const hook = await waitFor('the outreach webhook', () => outreachHooks('shop', 'cust-1')[0]);
    console.log(`time to outreach in this test: email ${mail.at - acked} ms, webhook ${hook.at - acked} ms`);
    await sleep(1500); // longer than TOUCHPOINT_STUCK_AFTER: the cancelled stuck timer must not fire either
    expect(mailsTo('cust-1')).toHaveLength(1);
    expect(outreachHooks('shop', 'cust-1')).toHaveLength(1);

    expect(mail.subject).toBe('Ihre Bestellung bei Kim’s Shop ist nicht durchgegangen');
    expect(mail.raw).toMatch(/Content-Language: de/);
    expect(mail.raw).toMatch(/text\/plain/);
    expect(mail.raw).toMatch(/text\/html/);
    expect(mail.messageId).toMatch(/@touchpoint>$/);

    expect(hook.body).toEqual({ kind: 'customer-outreach', project: 'shop', shop: 'Kim’s Shop', customer: 'cust-1', reason: 'checkout_error', checkout: 'co-1', channel: 'webhook', sentAt: expect.any(String) });
    expect(JSON.stringify(hook.body)).not.toContain('@');

    const marketer = alerts('shop');
    expect(marketer).toHaveLength(1);
    expect(marketer[0]?.body).toMatchObject({ kind: 'marketer-alert', project: 'shop', reason: 'checkout_error', customer: 'cust-1', checkout: 'co-1', value: 149.95, currency: 'AUD' });

    const sent = h.log.of('shop').filter((e) => e.customer === 'cust-1');
    expect(sent.map((e) => `${e.status}:${e.channel}`).sort()).toEqual(['sent:email', 'sent:webhook']);
    expect(sent.every((e) => typeof e.timeToOutreachMs === 'number')).toBe(true);
    const histogram = await h.registry.getSingleMetricAsString('touchpoint_time_to_outreach_seconds');
    expect(histogram).toMatch(/touchpoint_time_to_outreach_seconds_count\{reason="checkout_error",channel="email"\} 1/);
  });

  it('stuck checkout (TOUCHPOINT_STUCK_AFTER=1s) → outreach and a marketer alert', async () => {
    await h.producer.send([identify('shop', 'cust-2', true), checkout('shop', 'cust-2', 'start', 'co-2', { value: 20, currency: 'EUR' })]);
    await sleep(400);
    await h.producer.send([checkout('shop', 'cust-2', 'step', 'co-2')]); // progress restarts the clock
    const mail = await waitFor('the stuck email', () => mailsTo('cust-2')[0], 8000);
    expect(mail.subject).toMatch(/Can we help/);
    await waitFor('the stuck webhook', () => outreachHooks('shop', 'cust-2')[0]);
    expect(outreachHooks('shop', 'cust-2')[0]?.body.reason).toBe('checkout_stuck');
    expect(alerts('shop').some((a) => a.body.reason === 'checkout_stuck' && a.body.checkout === 'co-2')).toBe(true);
    await sleep(300);
    expect(mailsTo('cust-2')).toHaveLength(1);
  });

  it('started then completed → no outreach and no alert', async () => {
    await h.producer.send([identify('shop', 'cust-3', true), checkout('shop', 'cust-3', 'start', 'co-3')]);
    await h.producer.send([checkout('shop', 'cust-3', 'step', 'co-3')]);
    await h.producer.send([checkout('shop', 'cust-3', 'complete', 'co-3')]);
    await sleep(2500);
    expect(mailsTo('cust-3')).toHaveLength(0);
    expect(outreachHooks('shop', 'cust-3')).toHaveLength(0);
    expect(alerts('shop').filter((a) => a.body.customer === 'cust-3')).toHaveLength(0);
  });

  it('batches processed out of order: a completion seen before the start leaves nothing stuck', async () => {
    const t = Date.now();
    // Forced order of processing: complete (newest event), then start, then error (older events).
    await h.producer.sendAndWait([identify('shop', 'cust-8', true), signal('shop', 's-cust-8', 'cust-8', { type: 'checkout', step: 'complete', id: 'co-8', at: t + 10 })]);
    await h.producer.sendAndWait([signal('shop', 's-cust-8', 'cust-8', { type: 'checkout', step: 'start', id: 'co-8', at: t })]);
    await h.producer.sendAndWait([signal('shop', 's-cust-8', 'cust-8', { type: 'checkout', step: 'error', id: 'co-8', at: t + 5 })]);
    await sleep(2500);
    expect(mailsTo('cust-8')).toHaveLength(0);
    expect(alerts('shop').filter((a) => a.body.customer === 'cust-8')).toHaveLength(0);
  });

  it('an identify evaluated just after the failure (another batch, another worker) still counts', async () => {
    await h.producer.sendAndWait([checkout('shop', 'cust-9', 'start', 'co-9'), checkout('shop', 'cust-9', 'error', 'co-9')]);
    await sleep(300);
    await h.producer.send([identify('shop', 'cust-9', true)]);
    await waitFor('the email', () => mailsTo('cust-9')[0], 8000);
  });

  it('no consent → no customer outreach, but a marketer alert', async () => {
    await h.producer.send([identify('shop', 'cust-4', false), checkout('shop', 'cust-4', 'start', 'co-4'), checkout('shop', 'cust-4', 'error', 'co-4')]);
    await waitFor('the marketer alert', () => alerts('shop').find((a) => a.body.customer === 'cust-4'));
    await waitFor('the skip in the outreach log', () => h.log.of('shop').find((e) => e.customer === 'cust-4'));
    expect(h.log.of('shop').filter((e) => e.customer === 'cust-4')).toMatchObject([{ status: 'skipped', skipReason: 'no_consent' }]);
    await sleep(500);
    expect(mailsTo('cust-4')).toHaveLength(0);
    expect(outreachHooks('shop', 'cust-4')).toHaveLength(0);
  });

  it('suppression (project list and Redis set) → no outreach', async () => {
    await h.alerting.store.suppress('suppressing', 'cust-redis');
    for (const c of ['cust-listed', 'cust-redis']) {
      await h.producer.send([identify('suppressing', c, true), checkout('suppressing', c, 'start', `co-${c}`), checkout('suppressing', c, 'error', `co-${c}`)]);
    }
    await waitFor('both skips', () => h.log.of('suppressing').length === 2);
    expect(h.log.of('suppressing').map((e) => e.skipReason)).toEqual(['suppressed', 'suppressed']);
    await waitFor('both marketer alerts', () => alerts('suppressing').length === 2);
    expect(outreachHooks('suppressing')).toHaveLength(0);
  });

  it('quiet hours → the message waits; a customer who completes meanwhile gets none', async () => {
    await h.producer.send([identify('quiet', 'cust-q', true), checkout('quiet', 'cust-q', 'start', 'co-q'), checkout('quiet', 'cust-q', 'error', 'co-q')]);
    await waitFor('the marketer alert', () => alerts('quiet')[0]);
    const deliveries = new Queue(DELIVERIES_QUEUE, { connection: { url: h.redis.url } });
    try {
      const delayed = await waitFor('delayed deliveries', async () => {
        const jobs = (await deliveries.getDelayed()).filter((j) => j.data.customer === 'cust-q');
        return jobs.length === 2 && jobs;
      });
      for (const j of delayed) expect(j.opts.delay).toBeGreaterThan(60 * 60_000);
      expect(outreachHooks('quiet')).toHaveLength(0);
      // The customer comes back and buys; then quiet hours "end" (we promote the jobs).
      await h.producer.send([checkout('quiet', 'cust-q', 'start', 'co-q2'), checkout('quiet', 'cust-q', 'complete', 'co-q2')]);
      await sleep(300);
      for (const j of delayed) await j.promote();
      await waitFor('two skips', () => h.log.of('quiet').filter((e) => e.skipReason === 'completed').length === 2);
      expect(mailsTo('cust-q')).toHaveLength(0);
      expect(outreachHooks('quiet')).toHaveLength(0);
    } finally {
      await deliveries.close();
    }
  });

  it('rate alert: many failed checkouts in the window → one rate alert, not one per checkout', async () => {
    const batch = [];
    for (let i = 0; i < 8; i++) batch.push(checkout('broken', `cust-r${i}`, 'start', `co-r${i}`), checkout('broken', `cust-r${i}`, 'error', `co-r${i}`, { value: 10 }));
    await h.producer.send(batch);
    await waitFor('the rate alert', () => alerts('broken').find((a) => a.body.reason === 'checkout_error_rate'));
    await sleep(800);
    const got = alerts('broken');
    expect(got.filter((a) => a.body.reason === 'checkout_error_rate')).toHaveLength(1);
    expect(got.filter((a) => a.body.reason === 'checkout_error')).toHaveLength(3); // the threshold
    expect(got.find((a) => a.body.reason === 'checkout_error_rate')?.body).toMatchObject({ kind: 'marketer-alert', failedCheckouts: 4, threshold: 3 });
  });

  it('repeated slow experience: poor LCP on 3 page loads in a row → outreach; a good one resets', async () => {
    const lcp = (customer: string, value: number, rating: 'good' | 'poor', at: number) =>
      signal('shop', `s-${customer}`, customer, { type: 'vital', name: 'LCP', value, rating, at }, 'https://shop.example/');
    const t = Date.now();
    await h.producer.send([identify('shop', 'cust-5', true, { language: 'fr' }), lcp('cust-5', 5200, 'poor', t), lcp('cust-5', 6100, 'poor', t + 1), lcp('cust-5', 4800, 'poor', t + 2)]);
    await h.producer.send([identify('shop', 'cust-6', true), lcp('cust-6', 5200, 'poor', t), lcp('cust-6', 900, 'good', t + 1), lcp('cust-6', 4800, 'poor', t + 2)]);
    const mail = await waitFor('the slow-experience email', () => mailsTo('cust-5')[0]);
    expect(mail.raw).toMatch(/Content-Language: fr/);
    await sleep(500);
    expect(outreachHooks('shop', 'cust-5').map((x) => x.body.reason)).toEqual(['slow_experience']);
    expect(mailsTo('cust-6')).toHaveLength(0);
  });

  it('cooldown: a second incident for a contacted customer sends nothing', async () => {
    await h.producer.send([identify('shop', 'cust-7', true), checkout('shop', 'cust-7', 'start', 'co-7a'), checkout('shop', 'cust-7', 'error', 'co-7a')]);
    await waitFor('first email', () => mailsTo('cust-7')[0]);
    await h.producer.send([checkout('shop', 'cust-7', 'start', 'co-7b'), checkout('shop', 'cust-7', 'error', 'co-7b')]);
    await waitFor('cooldown skip', () => h.log.of('shop').find((e) => e.customer === 'cust-7' && e.skipReason === 'cooldown'));
    expect(mailsTo('cust-7')).toHaveLength(1);
  });

  it('erasure removes the customer from the outreach store and log', async () => {
    expect(await h.alerting.store.contact('shop', 'cust-1')).not.toBeNull();
    await h.alerting.eraseCustomer('shop', 'cust-1');
    expect(await h.alerting.store.contact('shop', 'cust-1')).toBeNull();
    expect(h.log.of('shop').filter((e) => e.customer === 'cust-1')).toHaveLength(0);
  });
});
