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
  expect(c).toMatchObject({ publicUrl: 'http://localhost:8080', alertLanguage: 'en', alertTimeZone: 'UTC' });
  expect(c.alertDigestMs).toBeUndefined();
  expect(c.unsubscribeSecret).toBeUndefined();
  expect(Object.values(c.webhookSecrets).every((s) => s.length === 0)).toBe(true);
});

it('reads the alert channels, their secrets and the public URL', () => {
  const c = loadAlertingConfig({
    TOUCHPOINT_PUBLIC_URL: 'https://touchpoint.shop.example/',
    TOUCHPOINT_ALERT_WEBHOOK: 'https://hooks.example/alerts',
    TOUCHPOINT_ALERT_WEBHOOK_SECRET: 'new-secret-0123456789, old-secret-0123456789',
    TOUCHPOINT_ALERT_SLACK_WEBHOOK: 'https://hooks.slack.com/services/T/B/X',
    TOUCHPOINT_ALERT_TEAMS_WEBHOOK: 'https://example.webhook.office.com/webhookb2/x',
    TOUCHPOINT_SRE_SLACK_WEBHOOK: 'https://hooks.slack.com/services/T/B/Y',
    TOUCHPOINT_SRE_TEAMS_WEBHOOK_SECRET: 'teams-secret-0123456789',
    TOUCHPOINT_ALERT_LANGUAGE: 'de',
    TOUCHPOINT_ALERT_TIME_ZONE: 'Europe/Berlin',
    TOUCHPOINT_ALERT_DIGEST: '15m',
    TOUCHPOINT_UNSUBSCRIBE_SECRET: 'x'.repeat(32),
  });
  expect(c).toMatchObject({
    publicUrl: 'https://touchpoint.shop.example',
    alertSlackWebhook: 'https://hooks.slack.com/services/T/B/X',
    alertTeamsWebhook: 'https://example.webhook.office.com/webhookb2/x',
    sreSlackWebhook: 'https://hooks.slack.com/services/T/B/Y',
    alertLanguage: 'de',
    alertTimeZone: 'Europe/Berlin',
    alertDigestMs: 15 * 60_000,
    unsubscribeSecret: 'x'.repeat(32),
  });
  expect(c.sreTeamsWebhook).toBeUndefined();
  // The SRE webhook defaults to the alert webhook, and so does its secret.
  expect(c.webhookSecrets).toMatchObject({ alert: ['new-secret-0123456789', 'old-secret-0123456789'], sre: ['new-secret-0123456789', 'old-secret-0123456789'], sreTeams: ['teams-secret-0123456789'], outreach: [] });
  expect(loadAlertingConfig({ TOUCHPOINT_ALERT_WEBHOOK_SECRET: 'a'.repeat(16), TOUCHPOINT_SRE_WEBHOOK: 'https://sre.example/hook' }).webhookSecrets.sre).toEqual([]);
});

it.each([
  [{ TOUCHPOINT_ALERT_WEBHOOK_SECRET: 'short' }, /TOUCHPOINT_ALERT_WEBHOOK_SECRET: each secret must be at least 16 characters/],
  [{ TOUCHPOINT_ALERT_SLACK_WEBHOOK_SECRET: `${'a'.repeat(16)},${'b'.repeat(16)},${'c'.repeat(16)}` }, /one secret, or two while rotating/],
  [{ TOUCHPOINT_ALERT_TEAMS_WEBHOOK: 'teams' }, /TOUCHPOINT_ALERT_TEAMS_WEBHOOK="teams" is not a URL/],
  [{ TOUCHPOINT_PUBLIC_URL: 'touchpoint.example' }, /TOUCHPOINT_PUBLIC_URL.*not a URL/],
  [{ TOUCHPOINT_ALERT_LANGUAGE: 'pt' }, /TOUCHPOINT_ALERT_LANGUAGE="pt" must be one of en, de, fr, es/],
  [{ TOUCHPOINT_ALERT_TIME_ZONE: 'Mars/Olympus' }, /TOUCHPOINT_ALERT_TIME_ZONE="Mars\/Olympus" is not an IANA time zone/],
  [{ TOUCHPOINT_ALERT_DIGEST: 'often' }, /TOUCHPOINT_ALERT_DIGEST/],
  [{ TOUCHPOINT_UNSUBSCRIBE_SECRET: 'too-short' }, /TOUCHPOINT_UNSUBSCRIBE_SECRET must be at least 32 characters/],
])('says what to fix in %o', (env, why) => {
  expect(() => loadAlertingConfig(env)).toThrow(why);
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

it('groups alerts by default, as documented, and can be told otherwise', () => {
  expect(loadAlertingConfig({}).alertGrouping).toEqual({ waitMs: 30_000, intervalMs: 300_000, repeatMs: 4 * 3_600_000 });
  expect(loadAlertingConfig({ TOUCHPOINT_ALERT_GROUPING: 'off' }).alertGrouping).toBeUndefined();
  expect(loadAlertingConfig({ TOUCHPOINT_ALERT_GROUP_WAIT: '10s', TOUCHPOINT_ALERT_GROUP_INTERVAL: '2m', TOUCHPOINT_ALERT_REPEAT_INTERVAL: '1h' }).alertGrouping).toEqual({ waitMs: 10_000, intervalMs: 120_000, repeatMs: 3_600_000 });
  expect(() => loadAlertingConfig({ TOUCHPOINT_ALERT_GROUPING: 'yes' })).toThrow(/TOUCHPOINT_ALERT_GROUPING="yes" must be on or off/);
  expect(() => loadAlertingConfig({ TOUCHPOINT_ALERT_GROUP_INTERVAL: '10ms' })).toThrow(/TOUCHPOINT_ALERT_GROUP_INTERVAL must be at least 1s/);
  expect(() => loadAlertingConfig({ TOUCHPOINT_ALERT_REPEAT_INTERVAL: '1m' })).toThrow(/REPEAT_INTERVAL must be at least TOUCHPOINT_ALERT_GROUP_INTERVAL/);
  expect(() => loadAlertingConfig({ TOUCHPOINT_ALERT_GROUP_WAIT: 'soon' })).toThrow(/TOUCHPOINT_ALERT_GROUP_WAIT="soon" is not a duration/);
});
