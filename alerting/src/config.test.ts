import { expect, it } from 'vitest';
import { loadAlertingConfig } from './config.ts';
import { DEFAULT_SRE_RULES } from './rules/sre-threshold.ts';

it('has the documented defaults', () => {
  const c = loadAlertingConfig({});
  expect(c).toMatchObject({
    stuckAfterMs: 15 * 60_000,
    holdoutShare: 0,
    slowLcpStreak: 3,
    errorRateThreshold: 20,
    errorRateWindowMs: 5 * 60_000,
    cooldownMs: 24 * 3_600_000,
    deliveryAttempts: 5,
    deliveryBackoffMs: 2000,
    sreIntervalMs: 60_000,
    lockDurationMs: 30_000,
    keyPrefix: 'tp',
    signalsConcurrency: 1,
    suppression: [],
    sreRules: DEFAULT_SRE_RULES,
  });
  expect(c.smtpUrl).toBeUndefined();
  expect(c.outreachWebhook).toBeUndefined();
  expect(c.quietHours).toBeUndefined();
});

it('reads every variable', () => {
  const c = loadAlertingConfig({
    TOUCHPOINT_STUCK_AFTER: '2s',
    TOUCHPOINT_SMTP_URL: 'smtp://mail.example:587',
    TOUCHPOINT_OUTREACH_FROM: 'Shop <help@shop.example>',
    TOUCHPOINT_OUTREACH_WEBHOOK: 'https://crm.example/hook',
    TOUCHPOINT_ALERT_WEBHOOK: 'https://chat.example/hook',
    TOUCHPOINT_ALERT_EMAIL: 'marketing@shop.example',
    TOUCHPOINT_HOLDOUT_SHARE: '0.1',
    TOUCHPOINT_SLOW_LCP_STREAK: '4',
    TOUCHPOINT_ERROR_RATE_THRESHOLD: '50',
    TOUCHPOINT_ERROR_RATE_WINDOW: '10m',
    TOUCHPOINT_QUIET_HOURS: '21:00-08:00',
    TOUCHPOINT_QUIET_HOURS_TZ: 'Europe/Berlin',
    TOUCHPOINT_SUPPRESSION: 'a, b',
    TOUCHPOINT_SRE_RULES: '[{"id":"inp","kind":"timing","metric":"INP","quantile":0.95,"above":500,"window":"10m"}]',
  });
  expect(c).toMatchObject({
    stuckAfterMs: 2000,
    smtpUrl: 'smtp://mail.example:587',
    alertWebhook: 'https://chat.example/hook',
    sreWebhook: 'https://chat.example/hook',
    holdoutShare: 0.1,
    slowLcpStreak: 4,
    errorRateThreshold: 50,
    errorRateWindowMs: 600_000,
    quietHours: { start: '21:00', end: '08:00', timeZone: 'Europe/Berlin' },
    suppression: ['a', 'b'],
    sreRules: [{ id: 'inp', kind: 'timing', metric: 'INP', quantile: 0.95, above: 500, windowMs: 600_000, minCount: 20 }],
  });
});

it('says what to fix', () => {
  expect(() => loadAlertingConfig({ TOUCHPOINT_HOLDOUT_SHARE: '2' })).toThrow(/TOUCHPOINT_HOLDOUT_SHARE="2" must be a number from 0 to 1/);
  expect(() => loadAlertingConfig({ TOUCHPOINT_ALERT_WEBHOOK: 'not a url' })).toThrow(/TOUCHPOINT_ALERT_WEBHOOK.*not a URL/);
  expect(() => loadAlertingConfig({ TOUCHPOINT_ALERT_EMAIL: 'm@shop.example' })).toThrow(/need TOUCHPOINT_SMTP_URL/);
  expect(() => loadAlertingConfig({ TOUCHPOINT_SRE_RULES: '[{"id":"x","kind":"timing","above":1}]' })).toThrow(/metric/);
  expect(() => loadAlertingConfig({ TOUCHPOINT_STUCK_AFTER: 'forever' })).toThrow(/TOUCHPOINT_STUCK_AFTER/);
});
