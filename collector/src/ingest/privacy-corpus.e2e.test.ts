/**
 * Issue 12's corpus test: personal data of every class, in every encoding the corpus has, in
 * every string field of every event type, stored through the real engine (and the worker, so
 * incidents reach the outreach log); then every query route and the outreach route are read
 * back and searched for each original value. Zero may come back. Look-alikes (order numbers,
 * timestamps, prices, SKUs, versions…) must come back unchanged.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type Beacon, type BeaconEvent } from '@touchpoint/protocol';
import { DIMENSION_NAMES } from '@touchpoint/protocol/api/common';
import { LOOK_ALIKES, PII_CORPUS } from '@touchpoint/protocol/privacy/testing';
import { storeKeys } from '@touchpoint/alerting/store/keys';
import { OutreachStore } from '@touchpoint/alerting/store/outreach-store';
import { startSmtpSink, type SmtpSink } from '@touchpoint/alerting/testing/smtp-sink';
import type { Touchpoint } from '@touchpoint/node';
import { getJson, postBeacon, startTestTouchpoint, summary, waitFor } from '@touchpoint/node/testing';

let tp: Touchpoint;
let smtp: SmtpSink;
const start = Date.now();
const enc = encodeURIComponent;

beforeAll(async () => {
  smtp = await startSmtpSink();
  tp = await startTestTouchpoint({ TOUCHPOINT_ROLES: 'collector,worker', TOUCHPOINT_SMTP_URL: smtp.url, TOUCHPOINT_ALERT_GROUPING: 'off' });
});
afterAll(async () => {
  await tp?.close();
  await smtp?.close();
});

const forms = PII_CORPUS.flatMap((sample) => sample.forms.map((form) => ({ sample, form })));
/** Every form of every needle a leak could take in an answer: as sent, and percent-encoded once or twice. */
const needles = [...new Set(PII_CORPUS.flatMap((s) => s.needles.flatMap((n) => [n, enc(n), enc(enc(n))])))].map((n) => n.toLowerCase());

/** As a URL, for the fields that must be one (page, request, resource, source). */
const asUrl = (text: string) => (/^https?:\/\//.test(text) ? text : `https://shop.example/checkout/${enc(text)}?note=${enc(text)}#${enc(text)}`);

/** A call-back number per beacon: it must reach the worker's signal only. */
const phoneOf = (n: number) => `+61 (0)498 76 ${String(n).padStart(5, '0')}`;

/** One event of each type with `text` in every string field it has. */
function eventsCarrying(text: string, n: number, at: number): BeaconEvent[] {
  const label = text.slice(0, 128);
  // Prompt and incident ids admit joinId's characters only: the text as joinId would encode it.
  const ref = enc(text).slice(0, 512);
  const events: BeaconEvent[] = [
    { type: 'vital', at, name: 'LCP', value: 4100 + n, attribution: { target: `div#${text}`.slice(0, 512), url: asUrl(text), phases: { ttfb: 100 } } },
    { type: 'vital', at, name: 'INP', value: 300 + n, attribution: { target: text.slice(0, 512), url: asUrl(text) } },
    { type: 'nav', at, dns: 1, tcp: 1, tls: 1, ttfb: 100, download: 10, domInteractive: 500, domComplete: 900, load: 1000 },
    { type: 'resource', at, host: text.slice(0, 253), count: 2, bytes: 1000, p95: 80 },
    { type: 'error', at, kind: 'js', message: text, stack: `Error: ${text}\n    at pay (${asUrl(text)}:1:2)`, source: asUrl(text), line: 1, col: 2 },
    { type: 'http', at, method: 'POST', url: asUrl(text), status: 502, duration: 300 },
    { type: 'checkout', at: at - 1000, step: 'start', id: label, name: label, value: 10, currency: 'AUD', resumeUrl: asUrl(text) },
    { type: 'checkout', at, step: 'error', id: label, name: label, reason: text.slice(0, 512), orderId: label },
    { type: 'identify', at: at - 2000, customer: `cust-${n}`, email: `buyer${n}@example.net`, language: 'en', consent: { outreach: true } },
    { type: 'custom', at, name: label, props: { [text.slice(0, 64)]: text, note: text } },
    { type: 'nudge', at, prompt: ref, incident: ref, outcome: 'call_back', phone: phoneOf(n) },
    { type: 'feedback', at, prompt: ref, survey: 'nps', score: n % 11, comment: text.slice(0, 1000), trigger: 'nudge', checkout: label, step: label, incident: ref },
  ];
  return events;
}

describe('personal data sent in every field never comes back from the API', () => {
  it('the corpus covers every event type of the protocol', () => {
    const covered = new Set(eventsCarrying('x', 0, Date.now()).map((e) => e.type));
    expect([...EVENT_TYPES].filter((t) => !covered.has(t))).toEqual([]);
  });

  it(`stores ${forms.length} forms of ${PII_CORPUS.length} personal values, and no answer holds one`, async () => {
    let n = 0;
    for (const { form } of forms) {
      n++;
      const now = Date.now();
      const b: Beacon = { v: 1, session: `pc-${n}-${start}`, customer: `cust-${n}`, page: asUrl(form.text), sentAt: now, events: eventsCarrying(form.text, n, now) };
      const res = await postBeacon(tp, b);
      expect([202, 204], `${form.encoding} ${form.text}: ${JSON.stringify(res.body)}`).toContain(res.status);
    }
    const last = `pc-${n}-${start}`;
    await waitFor(async () => (await summary(tp, { session: last })).beacons === 1, 60_000);
    // The worker has written its decisions for the checkouts that failed.
    const q = `from=${start - 3600_000}&to=${Date.now() + 60_000}`;
    await waitFor(async () => {
      const o = await getJson<{ contacts?: unknown[]; incidents?: unknown[] }>(tp, `/api/v1/projects/demo/outreach?${q}&limit=1000`);
      return (o.body.contacts ?? o.body.incidents ?? []).length > 0;
    }, 60_000);

    const paths = [
      `/api/v1/projects`,
      `/api/v1/projects/demo/summary?${q}`,
      `/api/v1/projects/demo/summary?${q}&customer=cust-1`,
      `/api/v1/projects/demo/summary?${q}&session=pc-1-${start}`,
      ...['LCP', 'INP', 'ttfb', 'load'].map((m) => `/api/v1/projects/demo/timeseries?${q}&metric=${m}`),
      ...DIMENSION_NAMES.flatMap((by) => ['LCP', 'INP'].map((m) => `/api/v1/projects/demo/breakdown?${q}&metric=${m}&by=${by}&limit=100`)),
      `/api/v1/projects/demo/vitals-pass-rate?${q}`,
      ...DIMENSION_NAMES.map((by) => `/api/v1/projects/demo/vitals-pass-rate?${q}&by=${by}&limit=100`),
      `/api/v1/projects/demo/errors?${q}&limit=100`,
      `/api/v1/projects/demo/third-parties?${q}&limit=100`,
      `/api/v1/projects/demo/third-parties?${q}&limit=100&sort=p95`,
      `/api/v1/projects/demo/funnel?${q}&limit=100`,
      ...['LCP', 'INP', 'CLS'].map((m) => `/api/v1/projects/demo/sessions?${q}&metric=${m}&limit=100`),
      `/api/v1/projects/demo/outreach?${q}&limit=1000`,
    ];
    // Every page of the survey comments, and the scores by step and page.
    let before: number | null | undefined;
    do {
      const page = `/api/v1/projects/demo/feedback?${q}&survey=nps&limit=100${before ? `&before=${before}` : ''}`;
      paths.push(page);
      before = (await getJson<{ nextBefore: number | null }>(tp, page)).body.nextBefore;
    } while (before);
    expect(paths.filter((p) => p.includes('/feedback?')).length).toBeGreaterThan(1);
    const leaks: string[] = [];
    let bytes = 0;
    for (const path of paths) {
      const res = await fetch(`${tp.url}${path}`, { headers: { authorization: `Bearer ${tp.adminToken}` } });
      const text = await res.text();
      expect(res.status, `${path}: ${text.slice(0, 200)}`).toBe(200);
      bytes += text.length;
      const lower = text.toLowerCase();
      for (const needle of needles) if (lower.includes(needle)) leaks.push(`${path.split('?')[0]}: ${needle}`);
    }
    // The answers are not empty: the search read real rows.
    expect(bytes).toBeGreaterThan(50_000);
    expect([...new Set(leaks)]).toEqual([]);
    // Nor the emails that identify gave: they live in Redis only.
    const all = (await Promise.all(paths.map(async (p) => (await fetch(`${tp.url}${p}`, { headers: { authorization: `Bearer ${tp.adminToken}` } })).text()))).join('\n');
    expect(all).not.toMatch(/buyer\d+@example\.net/);
    // Nor the call-back numbers of the nudges: they ride in the signal to the worker only.
    expect(all).not.toMatch(/498 76 \d{5}/);
  }, 300_000);
});

describe('what reached a store another way is scrubbed on its way out', () => {
  it("an SMTP server's error quoting the recipient, in a dead letter, is shown without the address", async () => {
    const redis = new Redis(tp.redisUrl);
    try {
      const store = new OutreachStore(redis, storeKeys('tp'), 86_400_000);
      await store.addDeadLetter({
        id: `customer/demo/cust-dl/checkout_error%2Fco-dl/email`, project: 'demo', audience: 'customer', channel: 'email', reason: 'checkout_error',
        incident: 'checkout_error/co-dl', customer: 'cust-dl', error: 'SMTP: 550 5.1.1 <kim.lee+shop@mail.example.co.uk>: Recipient address rejected', attempts: 5, failedAt: Date.now(),
      });
      const res = await getJson<{ deadLetters: { customer?: string; error: string }[] }>(tp, `/api/v1/projects/demo/outreach?from=${start - 3600_000}&to=${Date.now() + 60_000}`);
      const letter = res.body.deadLetters.find((d) => d.customer === 'cust-dl');
      expect(letter?.error).toBe('SMTP: 550 5.1.1 <[email]>: Recipient address rejected');
    } finally {
      redis.disconnect();
    }
  });
});

describe('ids that are personal data', () => {
  it('refuses a session id that is an email, drops a customer that is one, and refuses such an identify alone', async () => {
    const at = Date.now();
    const bySession = await postBeacon(tp, { v: 1, session: 'kim@example.com', page: 'https://shop.example/', sentAt: at, events: [{ type: 'vital', at, name: 'LCP', value: 1 }] });
    expect(bySession.status).toBe(400);
    expect(bySession.body).toMatchObject({ code: 'TP_ERR_PERSONAL_ID', message: expect.stringContaining('session looks like an email address') });

    const session = `pid-${at}`;
    const byCustomer = await postBeacon(tp, {
      v: 1, session, customer: '+61412345678', page: 'https://shop.example/', sentAt: at,
      events: [{ type: 'vital', at, name: 'LCP', value: 1234 }, { type: 'identify', at, customer: 'john.doe@example.com', consent: { outreach: true } }],
    });
    expect(byCustomer.status).toBe(202);
    expect(byCustomer.body).toEqual({
      accepted: 1,
      rejected: [{ index: 1, reason: expect.stringContaining('customer looks like an email address') }],
      dropped: [{ field: 'customer', reason: expect.stringContaining('customer looks like a phone number') }],
    });
    const s = await waitFor(async () => {
      const s = await summary(tp, { session });
      return s.beacons === 1 && s;
    });
    expect(s.vitals.LCP?.count).toBe(1);
    expect((await summary(tp, { customer: '+61412345678' })).beacons).toBe(0);
  });
});

describe('look-alikes of personal data come back as they were sent', () => {
  it('keeps order numbers, timestamps, prices, SKUs and versions intact in messages, reasons and props', async () => {
    const at = Date.now();
    const session = `la-${at}`;
    const events: BeaconEvent[] = LOOK_ALIKES.flatMap((l, i): BeaconEvent[] => [
      { type: 'error', at, kind: 'js', message: `${l.value} #${i}` },
      { type: 'checkout', at: at - 1000, step: 'start', id: `la-${at}-${i}`, value: 5, currency: 'AUD' },
      { type: 'checkout', at, step: 'error', id: `la-${at}-${i}`, reason: l.value.slice(0, 512) },
    ]);
    const res = await postBeacon(tp, { v: 1, session, page: 'https://shop.example/checkout/payment', sentAt: at, events });
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    await waitFor(async () => (await summary(tp, { session })).beacons === 1);
    // From this beacon on: the corpus test's rows, earlier, would crowd the top-100 lists.
    const q = `from=${at}&to=${Date.now() + 60_000}`;
    const errors = await getJson<{ topMessages: { message: string }[] }>(tp, `/api/v1/projects/demo/errors?${q}&limit=100`);
    const funnel = await getJson<{ problems: { checkout: string; reason: string }[] }>(tp, `/api/v1/projects/demo/funnel?${q}&limit=100`);
    const messages = new Set(errors.body.topMessages.map((m) => m.message));
    const reasons = new Map(funnel.body.problems.map((p) => [p.checkout, p.reason]));
    const changed: string[] = [];
    LOOK_ALIKES.forEach((l, i) => {
      if (!messages.has(`${l.value} #${i}`)) changed.push(`message: ${l.kind}`);
      const reason = reasons.get(`la-${at}-${i}`);
      if (reason !== undefined && reason !== l.value.slice(0, 512)) changed.push(`reason: ${l.kind} → ${reason}`);
    });
    expect(changed).toEqual([]);
    expect(reasons.size).toBeGreaterThan(10);
  });
});
