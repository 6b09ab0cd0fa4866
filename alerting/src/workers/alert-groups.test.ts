/**
 * Alert grouping over the real worker, Redis, SMTP peer and HTTP receivers (the generic webhook,
 * Slack, Teams): an incident of many alerts is a few messages per channel that list every alert,
 * firing and resolved per group. The times are scaled down from the defaults (wait 30 s,
 * interval 5 m, repeat 4 h) to seconds; what is checked is the count of messages and what they
 * list, not their timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RollupReader, TimingByPath } from '@touchpoint/protocol/rollups';
import { renderAlertGroupEmail } from '../channels/alert-email.ts';
import { slackGroupMessage } from '../channels/slack.ts';
import { teamsGroupMessage } from '../channels/teams.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { mimePart } from '../testing/mime.ts';
import { slackErrors, teamsErrors, webhookV1Errors } from '../testing/schemas.ts';
import { signal, waitFor } from '../testing/signals.ts';
import type { ReceivedHook } from '../testing/webhook-sink.ts';

const MARKETING = 'marketing@shop.example';
const SRE = 'sre@shop.example';
const WAIT_MS = 1000;
const INTERVAL_MS = 3000;
const REPEAT_MS = 6000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The rollups as a table the test edits (the ClickHouse reader has its own tests in the collector).
let timings: TimingByPath[] = [];
let errors = { errors: 0, pageLoads: 0 };
const rollups: RollupReader = { timingByPath: async () => timings, errorCounts: async () => errors };

let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    {
      TOUCHPOINT_ALERT_GROUPING: 'on',
      TOUCHPOINT_ALERT_GROUP_WAIT: `${WAIT_MS}ms`,
      TOUCHPOINT_ALERT_GROUP_INTERVAL: `${INTERVAL_MS}ms`,
      TOUCHPOINT_ALERT_REPEAT_INTERVAL: `${REPEAT_MS}ms`,
      TOUCHPOINT_STUCK_AFTER: '1s',
      TOUCHPOINT_ALERT_EMAIL: MARKETING,
      TOUCHPOINT_SRE_EMAIL: SRE,
      TOUCHPOINT_SRE_INTERVAL: '1h',
    },
    [{ id: 'shop', name: 'Kim’s Shop' }],
    rollups,
  );
}, 30_000);
afterAll(async () => h?.stop());

const bodies = (path: string, audience: 'marketer' | 'sre') =>
  h.hooks.on(path).filter((x) => (audience === 'sre' ? x.body.kind === 'sre-alert' || (x.body.group as { audience?: string } | undefined)?.audience === 'sre' : x.body.kind === 'marketer-alert' || (x.body.group as { audience?: string } | undefined)?.audience === 'marketer'));
const mailsTo = (to: string) => h.smtp.mails.filter((m) => m.to.includes(to));
/** The checkouts a generic-webhook body lists: one alert's, or a group's. */
const checkoutsIn = (x: ReceivedHook) => (x.body.kind === 'alert-group' ? (x.body.alerts as { checkout?: string }[]).map((a) => a.checkout) : [x.body.checkout as string]);

describe('50 stuck checkouts within a minute', () => {
  const ids = Array.from({ length: 50 }, (_, i) => `co-stuck-${i}`);

  beforeAll(async () => {
    // Ten batches of five, 200 ms apart: every checkout starts, none moves on, each becomes stuck 1 s later.
    for (let b = 0; b < 10; b++) {
      await h.producer.send(
        ids.slice(b * 5, b * 5 + 5).flatMap((id, i) => {
          const c = `cust-${b}-${i}`;
          return [
            signal('shop', `s-${id}`, c, { type: 'identify', customer: c, consent: { outreach: false } }),
            signal('shop', `s-${id}`, c, { type: 'checkout', step: 'start', id, value: 20, currency: 'EUR' }),
          ];
        }),
      );
      await sleep(200);
    }
    // The group's messages: the first after the wait, the rest after an interval, then "over".
    await waitFor('the group to close on the webhook', () => bodies('/alerts', 'marketer').some((x) => (x.body.group as { message?: string } | undefined)?.message === 'resolved'), 20_000, 100);
    await waitFor('the group to close by email', () => mailsTo(MARKETING).some((m) => m.subject.startsWith('Over:')), 10_000, 100);
    await sleep(INTERVAL_MS + 500); // and nothing after it
  }, 60_000);

  it('give at most 3 marketer messages on each channel', () => {
    expect(bodies('/alerts', 'marketer').length).toBeLessThanOrEqual(3);
    expect(mailsTo(MARKETING).length).toBeLessThanOrEqual(3);
    // At least a first message and the closing one: it really was grouped, not dropped.
    expect(bodies('/alerts', 'marketer').length).toBeGreaterThanOrEqual(2);
  });

  it('list every one of them, once, on the webhook and by email', () => {
    const listed = bodies('/alerts', 'marketer').flatMap(checkoutsIn).filter(Boolean).sort();
    expect(listed).toEqual([...ids].sort());
    const mailText = mailsTo(MARKETING).map((m) => mimePart(m.raw, 'text/plain')).join('\n');
    for (const id of ids) expect(mailText, id).toMatch(new RegExp(`\\b${id}\\b`));
  });

  it('say in words what the group is: how many, since when, the money, and when it is over', () => {
    const mails = mailsTo(MARKETING);
    expect(mails[0]?.subject).toMatch(/^\d+ checkouts stuck at Kim’s Shop$/);
    const first = mimePart(mails[0]!.raw, 'text/plain');
    expect(first).toContain('Each of them:');
    expect(first).toContain('not contacted: they have not agreed to be contacted');
    expect(first).toMatch(/EUR\s[\d,.]+ in them/);
    expect(first).toContain('no sooner than 3 seconds');
    expect(first).not.toMatch(/[{}]|"\w+":/);
    const last = mails[mails.length - 1]!;
    expect(last.subject).toBe('Over: 50 checkouts stuck at Kim’s Shop, none since');
    expect(mimePart(last.raw, 'text/plain')).toMatch(/EUR\s1,000\.00 in them/);
  });

  it('are valid webhook v1 bodies, each with the group’s facts', () => {
    const all = bodies('/alerts', 'marketer');
    for (const x of all) expect(webhookV1Errors(x.body)).toEqual([]);
    const last = all[all.length - 1]!;
    expect(last.body).toMatchObject({ kind: 'alert-group', count: 0, group: { audience: 'marketer', key: 'checkout_stuck', message: 'resolved', state: 'resolved', total: 50, atRisk: [{ currency: 'EUR', value: 1000 }], nextMessageInSeconds: null } });
    expect(all[0]!.body).toMatchObject({ kind: 'alert-group', group: { message: 'first', state: 'firing', nextMessageInSeconds: INTERVAL_MS / 1000 } });
  });
});

describe('38 pages crossing an SRE threshold in the same second', () => {
  const paths = Array.from({ length: 38 }, (_, i) => `/p/${i}`);
  const sre = () => bodies('/alerts', 'sre');
  const about = (rule: string) => sre().filter((x) => x.body.rule === rule || (x.body.group as { key?: string } | undefined)?.key === rule);

  it('give one group message per metric, then one resolved', async () => {
    const before = sre().length;
    timings = paths.map((path) => ({ path, count: 50, value: 3100 }));
    errors = { errors: 9, pageLoads: 100 };
    expect(await h.alerting.evaluateSre()).toHaveLength(39);
    await waitFor('a message per metric', () => about('lcp-p75').length === 1 && about('error-rate').length === 1, 10_000, 50);
    const lcp = about('lcp-p75')[0]!;
    expect(webhookV1Errors(lcp.body)).toEqual([]);
    expect(lcp.body).toMatchObject({ kind: 'alert-group', count: 38, title: 'LCP p75 above its threshold on 38 pages at Kim’s Shop', group: { audience: 'sre', key: 'lcp-p75', state: 'firing', firing: 38 } });
    expect((lcp.body.alerts as { path: string }[]).map((a) => a.path).sort()).toEqual([...paths].sort());
    // A rule of one series is told as the alert it is.
    expect(about('error-rate')[0]!.body).toMatchObject({ kind: 'sre-alert', state: 'firing', value: 9 });
    const sreMail = await waitFor('the SRE email', () => mailsTo(SRE).find((m) => m.subject.includes('38 pages')), 10_000);
    for (const p of paths) expect(mimePart(sreMail.raw, 'text/plain')).toContain(`${p}: 3,100 ms (above)`);

    timings = paths.map((path) => ({ path, count: 50, value: 1900 }));
    errors = { errors: 1, pageLoads: 100 };
    expect((await h.alerting.evaluateSre()).every((t) => t.state === 'resolved')).toBe(true);
    await waitFor('one resolved message per metric', () => about('lcp-p75').length === 2 && about('error-rate').length === 2, 10_000, 50);
    const resolved = about('lcp-p75')[1]!;
    expect(webhookV1Errors(resolved.body)).toEqual([]);
    expect(resolved.body).toMatchObject({ count: 38, title: 'Resolved: LCP p75 back under its threshold on every page at Kim’s Shop', group: { state: 'resolved', firing: 0 } });
    expect(about('error-rate')[1]!.body).toMatchObject({ kind: 'sre-alert', state: 'resolved' });
    await sleep(INTERVAL_MS + 500);
    expect(sre().length - before).toBe(4);
  }, 30_000);

  it('tell series still firing again after the repeat interval, and nothing in between', async () => {
    timings = [{ path: '/slow', count: 50, value: 4000 }, { path: '/slower', count: 50, value: 5000 }];
    await h.alerting.evaluateSre();
    const first = await waitFor('the first message', () => about('lcp-p75').find((x) => x.at > Date.now() - 5000 && (x.body.group as { message?: string } | undefined)?.message === 'first'), 10_000, 50);
    const repeat = await waitFor('the repeat', () => about('lcp-p75').find((x) => (x.body.group as { message?: string } | undefined)?.message === 'repeat'), REPEAT_MS + INTERVAL_MS + 3000, 100);
    expect(repeat.at - first.at).toBeGreaterThanOrEqual(REPEAT_MS - 500);
    expect(repeat.body).toMatchObject({ title: 'Still firing: LCP p75 above its threshold on 2 pages at Kim’s Shop', count: 2 });
    // Only the first and the repeat: the flushes in between found nothing new.
    expect(about('lcp-p75').filter((x) => x.at >= first.at)).toHaveLength(2);
    timings = [];
    await h.alerting.evaluateSre();
    await waitFor('resolved', () => about('lcp-p75').some((x) => x.at > repeat.at && (x.body.group as { state?: string } | undefined)?.state === 'resolved'), 10_000, 100);
  }, 30_000);
});

describe('Slack and Teams', () => {
  it('take group messages in their documented formats, in every language', () => {
    const alerts = Array.from({ length: 120 }, (_, i) => ({
      kind: 'checkout' as const, reason: 'checkout_error' as const, project: 'shop', shop: 'Kim’s Shop', at: Date.UTC(2026, 10, 21, 9, 0, i), checkout: `co-${i}`, value: 10, currency: 'EUR',
      contact: { status: 'anonymous' as const }, link: `https://tp.example/dashboards/#marketer?project=shop&checkout=co-${i}`,
    }));
    const note = { audience: 'marketer' as const, key: 'checkout_error', kind: 'update' as const, project: 'shop', shop: 'Kim’s Shop', since: alerts[0]!.at, latest: alerts[119]!.at, total: 150, firing: 0, atRisk: [{ currency: 'EUR', value: 1500 }], unlisted: 20, intervalMs: 300_000, link: 'https://tp.example/dashboards/#marketer?project=shop' };
    const listed = alerts.slice(0, 100);
    for (const language of ['en', 'de', 'fr', 'es']) {
      const copy = { language, timeZone: 'Europe/Berlin' };
      const slack = slackGroupMessage(note, listed, copy);
      expect(slackErrors(slack), language).toEqual([]);
      expect(teamsErrors(teamsGroupMessage(note, listed, copy)), language).toEqual([]);
      expect(renderAlertGroupEmail(note, listed, copy).text).toContain('co-99');
    }
    const slack = slackGroupMessage(note, listed, { language: 'en', timeZone: 'UTC' });
    expect(slack.text).toBe('150 checkouts failed at Kim’s Shop (120 new)');
    expect(JSON.stringify(slack)).toContain('co-0');
  });
});
