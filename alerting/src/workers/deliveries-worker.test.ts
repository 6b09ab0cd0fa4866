import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { startHarness, type Harness } from '../testing/harness.ts';
import { signal, waitFor } from '../testing/signals.ts';
import { DELIVERIES_QUEUE } from '../queues/names.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ TOUCHPOINT_DELIVERY_ATTEMPTS: '3', TOUCHPOINT_DELIVERY_BACKOFF: '100ms' });
});
afterAll(async () => h?.stop());

async function failCheckout(customer: string) {
  await h.producer.send([
    signal('shop', `s-${customer}`, customer, { type: 'identify', customer, email: `${customer}@mail.example`, consent: { outreach: true } }),
    signal('shop', `s-${customer}`, customer, { type: 'checkout', step: 'start', id: `co-${customer}` }),
    signal('shop', `s-${customer}`, customer, { type: 'checkout', step: 'error', id: `co-${customer}` }),
  ]);
}

const deadLetter = async (customer: string) => (await h.alerting.deadLetters.list('shop', 50)).find((d) => d.customer === customer);

describe('deliveries: retries and dead letters', () => {
  it('a temporary SMTP failure (451) is retried and the mail then delivered once', async () => {
    h.smtp.reject = { code: 451, message: 'try again later' };
    const before = h.smtp.attempts;
    await failCheckout('cust-a');
    await waitFor('a rejected attempt', () => h.smtp.attempts > before);
    h.smtp.reject = undefined;
    await waitFor('the mail', () => h.smtp.mails.find((m) => m.to.includes('cust-a@mail.example')));
    expect(h.smtp.mails.filter((m) => m.to.includes('cust-a@mail.example'))).toHaveLength(1);
    expect(await deadLetter('cust-a')).toBeUndefined();
  });

  it('a permanent SMTP rejection (550) is dead-lettered without retrying', async () => {
    h.smtp.reject = { code: 550, message: 'no such mailbox' };
    const before = h.smtp.attempts;
    await failCheckout('cust-b');
    const letter = await waitFor('the dead letter', () => deadLetter('cust-b'));
    h.smtp.reject = undefined;
    expect(letter).toMatchObject({ project: 'shop', audience: 'customer', channel: 'email', reason: 'checkout_error', attempts: 1 });
    expect(letter.error).toMatch(/550|no such mailbox/);
    expect(h.smtp.attempts - before).toBe(1);
    // The other channel is independent.
    await waitFor('the webhook', () => h.hooks.on('/outreach').find((x) => x.body.customer === 'cust-b'));
  });

  it('SMTP down → retried with backoff, then dead-lettered and visible', async () => {
    await h.smtp.close(); // nothing listens on the SMTP port any more
    await failCheckout('cust-c');
    const letter = await waitFor('the dead letter', () => deadLetter('cust-c'), 15_000);
    expect(letter).toMatchObject({ channel: 'email', attempts: 3, incident: 'checkout_error/co-cust-c' });
    expect(JSON.stringify(letter)).not.toContain('@mail.example');
    const q = new Queue(DELIVERIES_QUEUE, { connection: { url: h.redis.url } });
    try {
      const failed = (await q.getFailed()).filter((j) => j.data.customer === 'cust-c');
      expect(failed).toHaveLength(1);
      expect(failed[0]?.attemptsMade).toBe(3);
    } finally {
      await q.close();
    }
    expect(await h.registry.getSingleMetricAsString('touchpoint_dead_letters_total')).toMatch(/audience="customer",channel="email"\} 2/);
    await waitFor('the webhook', () => h.hooks.on('/outreach').find((x) => x.body.customer === 'cust-c'));
  });

  it('erasure removes the customer from dead letters, contacts and sent markers', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(h.redis.url);
    try {
      // Keys named by the customer (contact, cooldown…) or by a delivery to them (sent markers),
      // and checkout state that names them.
      const keysOf = async (c: string) => {
        const out: string[] = [];
        for (const k of await redis.keys('tp:*')) {
          if (k.endsWith(`:${c}`) || k.includes(encodeURIComponent(`/${c}/`))) out.push(k);
          else if (k.includes(':checkout:') && (await redis.hget(k, 'customer')) === c) out.push(k);
        }
        return out;
      };
      expect((await keysOf('cust-c')).length).toBeGreaterThan(0);
      await h.alerting.eraseCustomer('shop', 'cust-c');
      expect(await deadLetter('cust-c')).toBeUndefined();
      expect(await h.alerting.store.contact('shop', 'cust-c')).toBeNull();
      expect(await keysOf('cust-c')).toEqual([]);
      expect(await deadLetter('cust-b')).toBeDefined(); // others stay
    } finally {
      redis.disconnect();
    }
  });
});
