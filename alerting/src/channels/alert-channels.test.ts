/**
 * Every kind of alert, in every language, on every channel: in words (no JSON, the shop's name,
 * the figures), and in each tool's documented format (validated against the schemas).
 */
import { describe, expect, it } from 'vitest';
import type { Alert, CallbackAlert, CheckoutAlert, RateAlert, SreAlert } from '../interfaces/alert.ts';
import { slackErrors, teamsErrors, webhookV1Errors } from '../testing/schemas.ts';
import { ALERT_COPY_LANGUAGES, describeAlert } from './alert-copy.ts';
import { renderAlertEmail } from './alert-email.ts';
import { slackMessage } from './slack.ts';
import { teamsMessage } from './teams.ts';
import { webhookPayload } from './webhook-payload.ts';

const at = Date.UTC(2026, 10, 21, 9, 5);
const link = 'https://tp.example/dashboards/#marketer?project=shop&checkout=co-1';

const failed: CheckoutAlert = {
  kind: 'checkout', reason: 'checkout_error', project: 'shop', shop: 'Kim’s Shop', at, checkout: 'co-1', customer: 'cust-1', value: 149.95, currency: 'AUD',
  step: 'payment', failures: [{ kind: 'request', method: 'POST', path: '/api/pay', status: 502 }, { kind: 'reported', reason: 'payment_declined' }], contact: { status: 'contacting', channels: ['email', 'webhook'], sendAt: at + 3_600_000 }, link,
};
const stuck: CheckoutAlert = { kind: 'checkout', reason: 'checkout_stuck', project: 'shop', shop: 'Kim’s Shop', at, contact: { status: 'anonymous' }, link };
const declined: CheckoutAlert = { ...failed, failures: [{ kind: 'reported', reason: 'card_declined' }], contact: { status: 'not_contacted', reason: 'no_consent' } };
const rate: RateAlert = {
  kind: 'rate', reason: 'checkout_error_rate', project: 'shop', shop: 'Kim’s Shop', at, failedCheckouts: 21, threshold: 20, since: at - 180_000, windowSeconds: 300,
  atRisk: [{ currency: 'AUD', value: 3150.5 }, { currency: 'NZD', value: 99 }], link,
};
const firing: SreAlert = {
  kind: 'sre', project: 'shop', shop: 'Kim’s Shop', at, rule: 'lcp-p75', series: 'lcp-p75:/checkout', state: 'firing', metric: 'LCP', quantile: 0.75, path: '/checkout',
  value: 3120.4, threshold: 2500, samples: 50, windowSeconds: 300, link: 'https://tp.example/dashboards/#sre?project=shop&metric=LCP',
};
const resolvedIdle: SreAlert = { ...firing, state: 'resolved', value: null, threshold: null, samples: null, windowSeconds: null };
const errorRate: SreAlert = { ...firing, rule: 'error-rate', series: 'error-rate', metric: 'error_rate_percent', quantile: null, path: null, value: 7.5, threshold: 5 };
const nudged: CheckoutAlert = { ...failed, contact: { status: 'contacting', channels: ['email'], sendAt: at + 60_000, nudged: true } };
const callback: CallbackAlert = { kind: 'callback', reason: 'callback', project: 'shop', shop: 'Kim’s Shop', at, customer: 'cust-1', checkout: 'co-1', value: 149.95, currency: 'AUD', phone: '+61 2 9999 0173', link };
const ALL: Alert[] = [failed, stuck, declined, rate, firing, resolvedIdle, errorRate, nudged, callback];

describe.each(ALERT_COPY_LANGUAGES)('in %s', (language) => {
  const copy = { language, timeZone: 'Australia/Sydney' };

  it.each(ALL.map((a) => [`${a.kind} ${'reason' in a ? a.reason : a.state}`, a] as const))('tells %s in words, with the shop and the link', (_name, alert) => {
    const t = describeAlert(alert, copy);
    expect(t.title).toContain('Kim’s Shop');
    expect(t.link.url).toBe(alert.link);
    const mail = renderAlertEmail([alert], copy);
    expect(mail.language).toBe(language);
    expect(mail.text).not.toMatch(/[{}]|"\w+":/);
    expect(mail.text).toContain(alert.link);
    expect(mail.html).toContain(`lang="${language}"`);
    expect(slackErrors(slackMessage([alert], copy))).toEqual([]);
    expect(teamsErrors(teamsMessage([alert], copy))).toEqual([]);
    expect(webhookV1Errors(webhookPayload([alert], copy))).toEqual([]);
  });

  it('names the amount, the step, the failure and the contact of a failed checkout', () => {
    const text = renderAlertEmail([failed], copy).text;
    expect(text).toMatch(/149[.,]95/);
    expect(text).toContain('AUD');
    expect(text).toContain('payment');
    expect(text).toContain('POST /api/pay');
    expect(text).toContain('502');
    // quiet hours: the local time the message goes out, in the alert time zone
    expect(text).toContain('(Australia/Sydney)');
    expect(renderAlertEmail([declined], copy).text).toContain('card_declined');
  });

  it('tells the marketers whom to call back: the customer, the checkout, its value and the number', () => {
    const text = renderAlertEmail([callback], copy).text;
    for (const fact of ['+61 2 9999 0173', 'cust-1', 'co-1', 'AUD']) expect(text).toContain(fact);
    expect(text).toMatch(/149[.,]95/);
    // A nudged customer's contact line differs from the plain one (help offered in the page first).
    expect(describeAlert(nudged, copy).facts.find((f) => f.value.includes('Touchpoint'))?.value).not.toBe(describeAlert({ ...nudged, contact: { status: 'contacting', channels: ['email'], sendAt: at + 60_000 } }, copy).facts.find((f) => f.value.includes('Touchpoint'))?.value);
  });

  it('says how many failed, for how long and the money of a rate alert', () => {
    const text = renderAlertEmail([rate], copy).text;
    expect(text).toContain('21');
    expect(text).toMatch(/3[.,\u202f\u00a0 ]?150[.,]50/);
    expect(text).toMatch(/99[.,]00/);
    expect(describeAlert(rate, copy).title).toMatch(/3/); // 3 minutes
  });
});

describe('several alerts of one shop in one message', () => {
  const copy = { language: 'en', timeZone: 'UTC', everyMs: 15 * 60_000 };

  it('is one digest email listing each alert, and valid Slack, Teams and webhook bodies', () => {
    const mail = renderAlertEmail(ALL, copy);
    expect(mail.subject).toBe(`${ALL.length} alerts at Kim’s Shop`);
    expect(mail.text).toContain('every 15 minutes');
    for (const a of ALL) expect(mail.text).toContain(describeAlert(a, copy).title);
    expect(slackErrors(slackMessage(ALL, copy))).toEqual([]);
    expect(teamsErrors(teamsMessage(ALL, copy))).toEqual([]);
    const body = webhookPayload(ALL, copy);
    expect(webhookV1Errors(body)).toEqual([]);
    expect(body).toMatchObject({ kind: 'alert-group', count: ALL.length });
  });

  it('stays within Slack limits with many alerts', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ ...failed, checkout: `co-${i}` }));
    const msg = slackMessage(many, copy);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    expect(slackErrors(msg)).toEqual([]);
  });
});

it('escapes what the shop and visitors wrote: HTML in email, mrkdwn in Slack', () => {
  const nasty: CheckoutAlert = { ...declined, shop: '<b>S&M</b>', failures: [{ kind: 'reported', reason: '<script>x</script>' }] };
  const copy = { language: 'en', timeZone: 'UTC' };
  const mail = renderAlertEmail([nasty], copy);
  expect(mail.html).not.toContain('<b>S&M</b>');
  expect(mail.html).not.toContain('<script>');
  const slack = JSON.stringify(slackMessage([nasty], copy).blocks.slice(1));
  expect(slack).not.toContain('<script>');
  expect(slack).toContain('&lt;script&gt;');
});

it('the schema refuses what it should', () => {
  const copy = { language: 'en', timeZone: 'UTC' };
  const body = webhookPayload([failed], copy);
  expect(webhookV1Errors({ ...body, version: 2 })).not.toEqual([]);
  expect(webhookV1Errors({ ...body, customerContact: { status: 'maybe' } })).not.toEqual([]);
  const slack = slackMessage([failed], copy);
  expect(slackErrors({ ...slack, blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }] })).not.toEqual([]);
  expect(teamsErrors({ type: 'message', attachments: [{ contentType: 'application/json', content: {} }] })).not.toEqual([]);
});
