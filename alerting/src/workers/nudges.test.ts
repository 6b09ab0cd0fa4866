/**
 * In-page nudges end to end in the worker: real Redis (the collector's side of the prompt
 * channel played by setting its presence key and reading what was published), the SMTP and
 * webhook sinks.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptKeys, type NudgeSpec, type PromptMessage } from '@touchpoint/protocol/prompts';
import type { ProjectAlerting } from '../interfaces/project-settings.ts';
import { inHoldout } from '../lib/holdout.ts';
import { joinId } from '../lib/ids.ts';
import { DELIVERIES_QUEUE, INCIDENTS_QUEUE } from '../queues/names.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { webhookV1Errors } from '../testing/schemas.ts';
import { signal, waitFor } from '../testing/signals.ts';

const WAIT_MS = 1500;
const HOLDOUT = 0.5;
const PHONE = '+61 2 9999 0173';
const project: ProjectAlerting = { id: 'shop', supportUrl: 'https://shop.example/help', prompts: { nudges: { emailWaitMs: WAIT_MS, callBack: true } } };
const keys = promptKeys('tp');

let h: Harness;
let redis: Redis;
let sub: Redis;
const published: PromptMessage[] = [];

beforeAll(async () => {
  h = await startHarness({ TOUCHPOINT_HOLDOUT_SHARE: String(HOLDOUT), TOUCHPOINT_ALERT_EMAIL: 'marketing@shop.example' }, [project]);
  redis = new Redis(h.redis.url);
  sub = new Redis(h.redis.url);
  await sub.subscribe(keys.channel);
  sub.on('message', (_channel, raw: string) => published.push(JSON.parse(raw) as PromptMessage));
});
afterAll(async () => {
  sub?.disconnect();
  redis?.disconnect();
  await h?.stop();
});

let n = 0;
/** A fresh customer, inside or outside the holdout. */
function customer(holdout = false): string {
  for (;;) {
    const id = `cust-n${++n}`;
    if (inHoldout('shop', id, HOLDOUT) === holdout) return id;
  }
}

interface Case {
  customer: string;
  session: string;
  checkout: string;
  incident: string;
  prompt: string;
  email: string;
}

/** A customer whose payment fails during a checkout, with their page open unless told. */
async function failedPayment(c: string, o: { open?: boolean; consent?: boolean } = {}): Promise<Case> {
  const session = `s-${c}`;
  const checkout = `co-${c}`;
  const email = `${c}@mail.example`;
  if (o.open !== false) await redis.set(keys.open('shop', session), '1', 'PX', 30_000);
  await h.producer.send([
    signal('shop', session, c, { type: 'identify', customer: c, email, consent: { outreach: o.consent !== false } }),
    signal('shop', session, c, { type: 'checkout', step: 'start', id: checkout, value: 149.95, currency: 'AUD', resumeUrl: `https://shop.example/basket/${checkout}` }),
    signal('shop', session, c, { type: 'http', method: 'POST', url: 'https://shop.example/api/pay', status: 500, duration: 800 }),
  ]);
  const incident = joinId('checkout_error', checkout);
  return { customer: c, session, checkout, incident, prompt: joinId('nudge', incident), email };
}

const pending = async (session: string) => (await redis.lrange(keys.pending('shop', session), 0, -1)).map((raw) => JSON.parse(raw) as NudgeSpec);
const logOf = (c: string) => h.log.of('shop').filter((e) => e.customer === c);
/** Waits until the customer's outreach log holds exactly these `channel:status` entries (the log is written just after the hand-over). */
const logged = (c: string, expected: string[]) =>
  waitFor(`${expected.join(', ')} for ${c}`, () => JSON.stringify(logOf(c).map((e) => `${e.channel}:${e.status}`).sort()) === JSON.stringify([...expected].sort()));
const mailsTo = (address: string) => h.smtp.mails.filter((m) => m.to.includes(address));
const answer = (c: Case, outcome: string, extra: Record<string, unknown> = {}, session = c.session, prompt = c.prompt) =>
  h.producer.send([signal('shop', session, c.customer, { type: 'nudge', prompt, incident: c.incident, outcome, ...extra } as never)]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('offering a nudge', () => {
  it('publishes one nudge to the open page; the email waits for it, then goes when nothing was done', async () => {
    const c = await failedPayment(customer());
    const [spec, ...more] = await waitFor('the nudge', async () => ((await pending(c.session)).length ? pending(c.session) : undefined));
    expect(more).toEqual([]);
    expect(spec).toEqual({
      kind: 'nudge',
      id: c.prompt,
      incident: c.incident,
      reason: 'checkout_error',
      actions: ['retry', 'support', 'email_basket', 'call_back'],
      supportUrl: 'https://shop.example/help',
      amount: '149.95 AUD',
    });
    // Fanned in to every collector through the channel, with the session it is for.
    await waitFor('the published prompt', () => published.find((m) => m.spec.id === c.prompt));
    expect(published.filter((m) => m.spec.id === c.prompt)).toEqual([{ project: 'shop', session: c.session, spec }]);
    const sent = await waitFor('the nudge in the outreach log', () => logOf(c.customer).find((e) => e.channel === 'nudge'));
    expect(sent).toMatchObject({ status: 'sent', reason: 'checkout_error', checkout: c.checkout, incident: c.incident });

    // The marketers hear that help was offered in the page first (schema-valid body).
    const alert = await waitFor('the marketer alert', () => h.hooks.on('/alerts').find((x) => x.body.customer === c.customer));
    expect(alert.body.customerContact).toMatchObject({ status: 'contacting', channels: ['email', 'webhook'], nudged: true });
    expect(webhookV1Errors(alert.body)).toEqual([]);
    expect(String(alert.body.text)).toContain('offered help in their open page');

    await sleep(WAIT_MS / 2);
    expect(mailsTo(c.email)).toHaveLength(0);
    const mail = await waitFor('the email after the wait', () => mailsTo(c.email)[0]);
    expect(mail.at - sent.at).toBeGreaterThanOrEqual(WAIT_MS - 100);
    await waitFor('the outreach webhook', () => h.hooks.on('/outreach').find((x) => x.body.customer === c.customer));
    await logged(c.customer, ['email:sent', 'nudge:sent', 'webhook:sent']);

    // The customer messages carry the checkout's link back to the basket.
    const deliveries = new Queue(DELIVERIES_QUEUE, { connection: { url: h.redis.url } });
    expect((await deliveries.getJob(joinId('customer', 'shop', c.customer, c.incident, 'email')))?.data).toMatchObject({ resumeUrl: `https://shop.example/basket/${c.checkout}` });
    await deliveries.close();

    // A retried or replayed incident publishes nothing again.
    const incidents = new Queue(INCIDENTS_QUEUE, { connection: { url: h.redis.url } });
    const job = await incidents.getJob(joinId('incident', 'shop', c.incident));
    expect(job).toBeDefined();
    const again = await incidents.add('incident', job!.data, { jobId: `${job!.id}-again` });
    await waitFor('the replayed incident', async () => (await again.getState()) === 'completed');
    await incidents.close();
    expect(await pending(c.session)).toHaveLength(1);
    expect(published.filter((m) => m.spec.id === c.prompt)).toHaveLength(1);
    expect(logOf(c.customer).filter((e) => e.channel === 'nudge')).toHaveLength(1);
  });

  it('without an open page: no nudge, and the email goes at once', async () => {
    const c = await failedPayment(customer(), { open: false });
    await waitFor('the email', () => mailsTo(c.email)[0]);
    const entry = await waitFor('the email in the outreach log', () => logOf(c.customer).find((e) => e.channel === 'email'));
    expect(entry.status).toBe('sent');
    expect(entry.timeToOutreachMs).toBeLessThan(WAIT_MS);
    expect(await pending(c.session)).toEqual([]);
    expect(logOf(c.customer).filter((e) => e.channel === 'nudge')).toEqual([]);
  });

  it('no nudge for a customer without consent', async () => {
    const c = await failedPayment(customer(), { consent: false });
    await waitFor('the skip', () => logOf(c.customer).find((e) => e.skipReason === 'no_consent'));
    await sleep(300);
    expect(await pending(c.session)).toEqual([]);
    expect(logOf(c.customer).map((e) => e.channel)).toEqual(['none']);
  });

  it('no nudge in the holdout: neither nudge nor email, so the comparison stays fair', async () => {
    const c = await failedPayment(customer(true));
    await waitFor('the holdout entry', () => logOf(c.customer).find((e) => e.status === 'holdout'));
    await sleep(WAIT_MS + 500);
    expect(await pending(c.session)).toEqual([]);
    expect(logOf(c.customer).map((e) => e.status)).toEqual(['holdout']);
    expect(mailsTo(c.email)).toHaveLength(0);
  });

  it('no nudge once the customer completed a checkout', async () => {
    const c = customer();
    const session = `s-${c}`;
    await redis.set(keys.open('shop', session), '1', 'PX', 30_000);
    const t = Date.now();
    // The failure (event time t) comes in after a completion at t + 1 s of another checkout.
    await h.producer.send([
      signal('shop', session, c, { type: 'identify', customer: c, email: `${c}@mail.example`, consent: { outreach: true }, at: t - 2000 }),
      signal('shop', session, c, { type: 'checkout', step: 'start', id: `co-${c}`, at: t - 1000 }),
      signal('shop', session, c, { type: 'checkout', step: 'complete', id: `co-${c}-2`, at: t + 1000 }),
      signal('shop', session, c, { type: 'checkout', step: 'error', id: `co-${c}`, reason: 'card_declined', at: t }),
    ]);
    await waitFor('the skip', () => logOf(c).find((e) => e.skipReason === 'completed'));
    await sleep(300);
    expect(await pending(session)).toEqual([]);
  });
});

describe('answers to a nudge', () => {
  it('an action replaces the email: the waiting messages are skipped with nudge_acted', async () => {
    const c = await failedPayment(customer());
    await waitFor('the nudge', async () => (await pending(c.session)).length > 0);
    await answer(c, 'shown');
    await answer(c, 'retry');
    await waitFor('the acted entry', () => logOf(c.customer).find((e) => e.channel === 'nudge' && e.status === 'acted'));
    await waitFor('the skipped email', () => logOf(c.customer).find((e) => e.channel === 'email'), WAIT_MS + 5000);
    await waitFor('the skipped webhook', () => logOf(c.customer).find((e) => e.channel === 'webhook'));
    expect(logOf(c.customer).filter((e) => e.channel !== 'nudge').map((e) => `${e.channel}:${e.status}:${e.skipReason}`).sort()).toEqual(['email:skipped:nudge_acted', 'webhook:skipped:nudge_acted']);
    expect(logOf(c.customer).filter((e) => e.channel === 'nudge').map((e) => e.status).sort()).toEqual(['acted', 'sent', 'shown']);
    expect(mailsTo(c.email)).toHaveLength(0);
    expect(h.hooks.on('/outreach').filter((x) => x.body.customer === c.customer)).toHaveLength(0);
  });

  it('email_basket sends one basket email at once, with the resume link; the other email is skipped', async () => {
    const c = await failedPayment(customer());
    await waitFor('the nudge', async () => (await pending(c.session)).length > 0);
    const asked = Date.now();
    await answer(c, 'email_basket');
    await answer(c, 'email_basket'); // pressed twice, or a replayed beacon
    const mail = await waitFor('the basket email', () => mailsTo(c.email)[0]);
    expect(mail.at - asked).toBeLessThan(WAIT_MS);
    expect(mail.subject).toBe('The link to your basket at shop');
    expect(mail.raw).toContain(`https://shop.example/basket/${c.checkout}`);
    await waitFor('the skipped email', () => logOf(c.customer).find((e) => e.skipReason === 'nudge_acted' && e.channel === 'email'), WAIT_MS + 5000);
    await sleep(300);
    expect(mailsTo(c.email)).toHaveLength(1);
    expect(logOf(c.customer).filter((e) => e.channel === 'email').map((e) => e.status).sort()).toEqual(['sent', 'skipped']);
  });

  it('call_back tells the marketers the number to call; the number is nowhere in the outreach log or the kept jobs', async () => {
    const c = await failedPayment(customer());
    await waitFor('the nudge', async () => (await pending(c.session)).length > 0);
    const segment = await answer(c, 'call_back', { phone: PHONE });
    const hook = await waitFor('the call-back alert', () => h.hooks.on('/alerts').find((x) => x.body.reason === 'callback' && x.body.customer === c.customer));
    expect(hook.body).toMatchObject({ kind: 'marketer-alert', reason: 'callback', customer: c.customer, checkout: c.checkout, value: 149.95, currency: 'AUD', phone: PHONE });
    expect(webhookV1Errors(hook.body)).toEqual([]);
    const mail = await waitFor('the call-back email to the marketers', () => h.smtp.mails.find((m) => m.to.includes('marketing@shop.example') && m.subject.startsWith('Call-back requested')));
    expect(mail.raw).toContain('9999 0173');
    expect(mail.raw).toContain(c.customer);
    await waitFor('the skipped email', () => logOf(c.customer).find((e) => e.skipReason === 'nudge_acted' && e.channel === 'email'), WAIT_MS + 5000);

    expect(JSON.stringify(h.log.of('shop'))).not.toMatch(/9999 ?0173/);
    const deliveries = new Queue(DELIVERIES_QUEUE, { connection: { url: h.redis.url } });
    for (const channel of ['webhook', 'email']) expect(await deliveries.getJob(joinId('marketer', 'shop', c.incident, 'callback', channel))).toBeUndefined();
    await deliveries.close();
    const batch = await h.producer.queue.getJob(segment);
    expect(batch?.data.signals[0]?.event).toMatchObject({ type: 'nudge', outcome: 'call_back' });
    expect(JSON.stringify(batch?.data)).not.toMatch(/9999 ?0173/);
    // Nor anywhere else in Redis.
    const all = await redis.keys('*');
    for (const key of all) {
      const type = await redis.type(key);
      const dump = type === 'string' ? await redis.get(key) : type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : type === 'list' ? JSON.stringify(await redis.lrange(key, 0, -1)) : type === 'zset' ? JSON.stringify(await redis.zrange(key, '0', '-1')) : type === 'set' ? JSON.stringify(await redis.smembers(key)) : '';
      expect(dump ?? '', key).not.toContain('9999 0173');
    }
  });

  it('an answer to a nudge this worker never published changes nothing', async () => {
    const c = await failedPayment(customer());
    await waitFor('the nudge', async () => (await pending(c.session)).length > 0);
    const other = { ...c, incident: joinId('checkout_error', 'co-never'), prompt: joinId('nudge', joinId('checkout_error', 'co-never')) };
    await answer(other, 'email_basket');
    await answer(other, 'call_back', { phone: PHONE });
    await answer(c, 'retry', {}, c.session, 'a-forged-prompt-id');
    await answer(c, 'call_back', { phone: PHONE }, 's-someone-else');
    await answer(c, 'retry', {}, c.session, c.prompt.replace('nudge', 'x'));
    const mail = await waitFor('the email after the wait', () => mailsTo(c.email)[0], WAIT_MS + 5000);
    expect(mail.subject).not.toBe('Your basket at shop');
    await logged(c.customer, ['email:sent', 'nudge:sent', 'webhook:sent']);
    expect(h.log.of('shop').filter((e) => e.incident === other.incident)).toEqual([]);
    expect(h.hooks.on('/alerts').filter((x) => x.body.reason === 'callback' && x.body.customer === c.customer)).toEqual([]);
  });
});

it('erasing a nudged customer leaves nothing of their nudge in Redis', async () => {
  const c = await failedPayment(customer());
  await waitFor('the nudge', async () => (await pending(c.session)).length > 0);
  await answer(c, 'retry');
  await waitFor('the acted entry', () => logOf(c.customer).find((e) => e.status === 'acted'));
  const nudgeKeys = async () => (await redis.keys('tp:shop:*')).filter((k) => /:(nudge|nudge-helped|prompt-once):/.test(k) && decodeURIComponent(decodeURIComponent(k)).includes(c.checkout));
  expect(await nudgeKeys()).toHaveLength(3);
  await h.alerting.eraser.erase({ project: 'shop', customer: c.customer, sessions: [c.session], checkouts: [c.checkout] });
  expect(await nudgeKeys()).toEqual([]);
});

describe('with alert grouping and an email digest on', () => {
  let g: Harness;
  beforeAll(async () => {
    g = await startHarness({ TOUCHPOINT_ALERT_GROUPING: 'on', TOUCHPOINT_ALERT_DIGEST: '15m', TOUCHPOINT_ALERT_EMAIL: 'marketing@shop.example' }, [project]);
  });
  afterAll(async () => g?.stop());

  it('a call-back request still goes at once, and is held in no group or digest', async () => {
    const r = new Redis(g.redis.url);
    const c = { customer: 'cust-grouped', session: 's-grouped', checkout: 'co-grouped' };
    const incident = joinId('checkout_error', c.checkout);
    const prompt = joinId('nudge', incident);
    await r.set(keys.open('shop', c.session), '1', 'PX', 30_000);
    await g.producer.send([
      signal('shop', c.session, c.customer, { type: 'identify', customer: c.customer, email: 'grouped@mail.example', consent: { outreach: true } }),
      signal('shop', c.session, c.customer, { type: 'checkout', step: 'start', id: c.checkout }),
      signal('shop', c.session, c.customer, { type: 'http', method: 'POST', url: 'https://shop.example/api/pay', status: 500, duration: 800 }),
    ]);
    await waitFor('the nudge', async () => (await r.llen(keys.pending('shop', c.session))) > 0);
    const asked = Date.now();
    await g.producer.send([signal('shop', c.session, c.customer, { type: 'nudge', prompt, incident, outcome: 'call_back', phone: PHONE })]);
    const hook = await waitFor('the call-back alert', () => g.hooks.on('/alerts').find((x) => x.body.reason === 'callback'));
    expect(hook.at - asked).toBeLessThan(2000);
    const mail = await waitFor('the call-back email', () => g.smtp.mails.find((m) => m.subject.startsWith('Call-back requested')));
    expect(mail.raw).toContain('9999 0173');
    for (const key of await r.keys('tp:shop:alert-*')) {
      const type = await r.type(key);
      const dump = type === 'hash' ? JSON.stringify(await r.hgetall(key)) : type === 'string' ? await r.get(key) : '';
      expect(dump ?? '', key).not.toContain('9999 0173');
    }
    r.disconnect();
  });
});

describe('a customer the worker has no other way to reach', () => {
  // No outreach webhook here, and the customer gave no email address: only their open page.
  let bare: Harness;
  let r: Redis;
  beforeAll(async () => {
    bare = await startHarness({ TOUCHPOINT_OUTREACH_WEBHOOK: '', TOUCHPOINT_ALERT_EMAIL: 'marketing@shop.example' }, [project]);
    r = new Redis(bare.redis.url);
  });
  afterAll(async () => {
    r?.disconnect();
    await bare?.stop();
  });

  async function failWithoutEmail(c: string, open: boolean): Promise<{ session: string; incident: string }> {
    const session = `s-${c}`;
    const checkout = `co-${c}`;
    if (open) await r.set(keys.open('shop', session), '1', 'PX', 30_000);
    await bare.producer.send([
      signal('shop', session, c, { type: 'identify', customer: c, consent: { outreach: true } }),
      signal('shop', session, c, { type: 'checkout', step: 'start', id: checkout, value: 20, currency: 'AUD' }),
      signal('shop', session, c, { type: 'http', method: 'POST', url: 'https://shop.example/api/pay', status: 500, duration: 800 }),
    ]);
    return { session, incident: joinId('checkout_error', checkout) };
  }

  it('is nudged in the open page instead of being skipped for want of a channel, and the marketers are told so', async () => {
    const c = customer();
    const { session, incident } = await failWithoutEmail(c, true);
    const [spec] = await waitFor('the nudge', async () => {
      const p = (await r.lrange(keys.pending('shop', session), 0, -1)).map((raw) => JSON.parse(raw) as NudgeSpec);
      return p.length ? p : undefined;
    });
    // No email address: no basket email to offer.
    expect(spec).toMatchObject({ kind: 'nudge', incident, actions: ['retry', 'support', 'call_back'] });
    await waitFor('nudge:sent only', () => JSON.stringify(bare.log.of('shop').filter((e) => e.customer === c).map((e) => `${e.channel}:${e.status}`)) === '["nudge:sent"]');
    const alert = await waitFor('the marketer alert', () => bare.hooks.on('/alerts').find((x) => x.body.customer === c));
    expect(alert.body.customerContact).toMatchObject({ status: 'contacting', channels: [], nudged: true });
    expect(webhookV1Errors(alert.body)).toEqual([]);
    expect(String(alert.body.text)).toContain('no other way to reach them');
  });

  it('is still skipped as no_channel when their page is not open', async () => {
    const c = customer();
    await failWithoutEmail(c, false);
    const entry = await waitFor('the skip', () => bare.log.of('shop').find((e) => e.customer === c));
    expect(entry).toMatchObject({ channel: 'none', status: 'skipped', skipReason: 'no_channel' });
  });
});
