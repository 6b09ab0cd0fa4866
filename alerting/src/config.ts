/**
 * Alerting configuration from the environment. Every variable is documented here with its default.
 */
import { ConfigError } from '@touchpoint/protocol/errors';
import { ALERT_COPY_LANGUAGES } from './channels/alert-copy.ts';
import { parseDuration } from './lib/duration.ts';
import { parseQuietHours, type QuietHours } from './lib/quiet-hours.ts';
import { parseSreRules, DEFAULT_SRE_RULES, type SreRule } from './rules/sre-threshold.ts';

/**
 * Every outgoing webhook, each with its own secret: the variable of a webhook's secret is the
 * webhook's variable plus `_SECRET` (TOUCHPOINT_ALERT_WEBHOOK_SECRET…). A secret is a comma list:
 * while rotating, give the new and the old one and every request carries both signatures
 * (lib/webhook-signature.ts, docs/webhooks.md).
 */
export const WEBHOOK_TARGETS = {
  outreach: 'TOUCHPOINT_OUTREACH_WEBHOOK',
  alert: 'TOUCHPOINT_ALERT_WEBHOOK',
  sre: 'TOUCHPOINT_SRE_WEBHOOK',
  alertSlack: 'TOUCHPOINT_ALERT_SLACK_WEBHOOK',
  alertTeams: 'TOUCHPOINT_ALERT_TEAMS_WEBHOOK',
  sreSlack: 'TOUCHPOINT_SRE_SLACK_WEBHOOK',
  sreTeams: 'TOUCHPOINT_SRE_TEAMS_WEBHOOK',
} as const;
export type WebhookTarget = keyof typeof WEBHOOK_TARGETS;

/** A signing secret shorter than this is refused: guessing it would forge our signatures. */
export const MIN_SECRET_LENGTH = 16;

export interface AlertingConfig {
  /** TOUCHPOINT_STUCK_AFTER (default 15m): a started checkout with no progress for this long is stuck. */
  stuckAfterMs: number;
  /** TOUCHPOINT_SMTP_URL (default unset: no email): e.g. smtp://user:pass@mail.example:587, smtps://… */
  smtpUrl?: string;
  /** TOUCHPOINT_OUTREACH_FROM (default `Touchpoint <no-reply@localhost>`): From of customer and alert mail. */
  outreachFrom: string;
  /** TOUCHPOINT_OUTREACH_WEBHOOK (default unset): customer-outreach JSON for social or CRM tools. */
  outreachWebhook?: string;
  /** TOUCHPOINT_ALERT_WEBHOOK (default unset): marketer-alert JSON. */
  alertWebhook?: string;
  /** TOUCHPOINT_ALERT_EMAIL (default unset): marketer alerts by email too (needs TOUCHPOINT_SMTP_URL). */
  alertEmail?: string;
  /** TOUCHPOINT_SRE_WEBHOOK (default: TOUCHPOINT_ALERT_WEBHOOK): sre-alert JSON, firing and resolved. */
  sreWebhook?: string;
  /** TOUCHPOINT_SRE_EMAIL (default unset): SRE alerts by email too. */
  sreEmail?: string;
  /** TOUCHPOINT_HOLDOUT_SHARE (default 0): share 0..1 of eligible customers deliberately not contacted. */
  holdoutShare: number;
  /** TOUCHPOINT_SLOW_LCP_STREAK (default 3): poor LCPs in a row that make a slow experience. */
  slowLcpStreak: number;
  /** TOUCHPOINT_ERROR_RATE_THRESHOLD (default 20): failed checkouts per window above which one rate alert replaces per-checkout alerts. */
  errorRateThreshold: number;
  /** TOUCHPOINT_ERROR_RATE_WINDOW (default 5m). */
  errorRateWindowMs: number;
  /** TOUCHPOINT_OUTREACH_COOLDOWN (default 24h): at most one customer message per customer in this time. */
  cooldownMs: number;
  /** TOUCHPOINT_QUIET_HOURS (default unset), e.g. `21:00-08:00`, with TOUCHPOINT_QUIET_HOURS_TZ (default UTC); projects may override. */
  quietHours?: QuietHours;
  /** TOUCHPOINT_SUPPRESSION (default empty): comma list of customer ids never contacted, in every project. */
  suppression: string[];
  /** TOUCHPOINT_DELIVERY_ATTEMPTS (default 5): tries per message and channel before the dead-letter list. */
  deliveryAttempts: number;
  /** TOUCHPOINT_DELIVERY_BACKOFF (default 2s): first retry delay, doubled each time (2, 4, 8, 16 s). */
  deliveryBackoffMs: number;
  /** TOUCHPOINT_CHANNEL_TIMEOUT (default 10s): an SMTP or webhook call that takes longer fails and is retried. */
  channelTimeoutMs: number;
  /** TOUCHPOINT_SRE_RULES (default: p75 LCP of a page > 2500 ms over 5m; error rate > 5 % over 5m): JSON array, see rules/sre-threshold.ts. */
  sreRules: SreRule[];
  /** TOUCHPOINT_SRE_INTERVAL (default 1m): how often SRE rules are evaluated. */
  sreIntervalMs: number;
  /** TOUCHPOINT_WORKER_LOCK (default 30s): BullMQ lock; a killed worker's job is retried once this lapses. */
  lockDurationMs: number;
  /**
   * TOUCHPOINT_SIGNALS_CONCURRENCY (default 1): signal batches evaluated at once per worker process.
   * 1 keeps batches in order. Higher overlaps Redis round trips, but on a 2-core box shared with
   * other load the bench showed no steady gain (p95 email 210-970 ms at 1, 480-890 ms at 4). State
   * only moves forward in event time, so higher stays correct, except that a failed payment
   * request evaluated before its checkout's start is missed.
   */
  signalsConcurrency: number;
  /** TOUCHPOINT_ALERTING_PREFIX (default `tp`): prefix of the outreach store's Redis keys. */
  keyPrefix: string;
  /** TOUCHPOINT_CONTACT_TTL (default 90d): contact details and consent are forgotten this long after the last identify. */
  contactTtlMs: number;
  /**
   * TOUCHPOINT_PUBLIC_URL (default `http://localhost:8080`): the address people reach Touchpoint
   * at, for the links in messages (the dashboards, the unsubscribe page). Mail providers only
   * offer one-click unsubscribe for an https address.
   */
  publicUrl: string;
  /** TOUCHPOINT_ALERT_LANGUAGE (default `en`; en, de, fr or es): language of marketer and SRE alerts; a project's `alertLanguage` overrides it. */
  alertLanguage: string;
  /** TOUCHPOINT_ALERT_TIME_ZONE (default `UTC`): IANA time zone alerts tell the time in. */
  alertTimeZone: string;
  /**
   * TOUCHPOINT_ALERT_DIGEST (default unset: every marketer alert email at once): at most one
   * marketer alert email per project in this time, e.g. `15m`. The first alert after a quiet
   * spell goes at once; those that follow within the time wait and go together in one digest.
   * Webhooks, Slack and Teams still get every alert.
   */
  alertDigestMs?: number;
  /**
   * Alert grouping, as Alertmanager's group_wait / group_interval / repeat_interval, for every
   * marketer and SRE channel: alerts of one project and rule (marketer: failed checkouts, stuck
   * checkouts, the rate alert; SRE: one rule, i.e. one metric, over every page) gather in a group
   * per channel; each message lists the group's new alerts, and a closing message says when it
   * is over. With the defaults a channel gets at most one message per group in the first
   * 30 seconds of an incident and one per group every 5 minutes after that: at most three a minute
   * for a marketer channel even when failed checkouts, stuck checkouts and the rate alert all fire
   * at once, one per metric for SREs. Marketer email with TOUCHPOINT_ALERT_DIGEST goes by the digest.
   * - TOUCHPOINT_ALERT_GROUPING (default `on`; `off`: every alert on its own, at once)
   * - TOUCHPOINT_ALERT_GROUP_WAIT (default 30s): a new group's first message waits this long for more alerts
   * - TOUCHPOINT_ALERT_GROUP_INTERVAL (default 5m): least time between two messages of a group;
   *   a marketer group with nothing new for this long is over
   * - TOUCHPOINT_ALERT_REPEAT_INTERVAL (default 4h): SRE series still firing are told again after this
   */
  alertGrouping?: { waitMs: number; intervalMs: number; repeatMs: number };
  /** TOUCHPOINT_ALERT_SLACK_WEBHOOK (default unset): a Slack incoming-webhook URL for marketer alerts (channels/slack.ts). */
  alertSlackWebhook?: string;
  /** TOUCHPOINT_ALERT_TEAMS_WEBHOOK (default unset): a Microsoft Teams incoming-webhook (or Workflows) URL for marketer alerts (channels/teams.ts). */
  alertTeamsWebhook?: string;
  /** TOUCHPOINT_SRE_SLACK_WEBHOOK (default unset; not the marketers' one): Slack for SRE alerts. */
  sreSlackWebhook?: string;
  /** TOUCHPOINT_SRE_TEAMS_WEBHOOK (default unset; not the marketers' one): Teams for SRE alerts. */
  sreTeamsWebhook?: string;
  /**
   * <webhook variable>_SECRET (default unset: unsigned), e.g. TOUCHPOINT_ALERT_WEBHOOK_SECRET=new,old:
   * HMAC-SHA256 secrets per destination, at least 16 characters each. TOUCHPOINT_SRE_WEBHOOK,
   * when it defaults to TOUCHPOINT_ALERT_WEBHOOK, also takes its secret.
   */
  webhookSecrets: Record<WebhookTarget, string[]>;
  /**
   * TOUCHPOINT_UNSUBSCRIBE_SECRET (default unset: one is generated on first use and kept in Redis
   * under `<TOUCHPOINT_ALERTING_PREFIX>:unsubscribe-secret`, shared by every collector and
   * worker on that Redis): signs the unsubscribe links in customer emails. Set it (at least 32
   * characters) to keep old links working if Redis is ever replaced.
   */
  unsubscribeSecret?: string;
}

/**
 * Every variable this role reads, each documented on its field above (the webhook secrets:
 * WEBHOOK_TARGETS plus `_SECRET`). docker-compose.yml passes each one through
 * (node/src/compose.test.ts); a read not listed here fails that test.
 */
export const ALERTING_SETTINGS: readonly string[] = [
  'TOUCHPOINT_STUCK_AFTER', 'TOUCHPOINT_SMTP_URL', 'TOUCHPOINT_OUTREACH_FROM', 'TOUCHPOINT_OUTREACH_WEBHOOK', 'TOUCHPOINT_ALERT_WEBHOOK',
  'TOUCHPOINT_ALERT_EMAIL', 'TOUCHPOINT_SRE_WEBHOOK', 'TOUCHPOINT_SRE_EMAIL', 'TOUCHPOINT_HOLDOUT_SHARE', 'TOUCHPOINT_SLOW_LCP_STREAK',
  'TOUCHPOINT_ERROR_RATE_THRESHOLD', 'TOUCHPOINT_ERROR_RATE_WINDOW', 'TOUCHPOINT_OUTREACH_COOLDOWN', 'TOUCHPOINT_QUIET_HOURS',
  'TOUCHPOINT_QUIET_HOURS_TZ', 'TOUCHPOINT_SUPPRESSION', 'TOUCHPOINT_DELIVERY_ATTEMPTS', 'TOUCHPOINT_DELIVERY_BACKOFF',
  'TOUCHPOINT_CHANNEL_TIMEOUT', 'TOUCHPOINT_SRE_RULES', 'TOUCHPOINT_SRE_INTERVAL', 'TOUCHPOINT_WORKER_LOCK',
  'TOUCHPOINT_SIGNALS_CONCURRENCY', 'TOUCHPOINT_ALERTING_PREFIX', 'TOUCHPOINT_CONTACT_TTL', 'TOUCHPOINT_PUBLIC_URL',
  'TOUCHPOINT_ALERT_LANGUAGE', 'TOUCHPOINT_ALERT_TIME_ZONE', 'TOUCHPOINT_ALERT_DIGEST', 'TOUCHPOINT_ALERT_SLACK_WEBHOOK',
  'TOUCHPOINT_ALERT_TEAMS_WEBHOOK', 'TOUCHPOINT_SRE_SLACK_WEBHOOK', 'TOUCHPOINT_SRE_TEAMS_WEBHOOK', 'TOUCHPOINT_UNSUBSCRIBE_SECRET',
  'TOUCHPOINT_ALERT_GROUPING', 'TOUCHPOINT_ALERT_GROUP_WAIT', 'TOUCHPOINT_ALERT_GROUP_INTERVAL', 'TOUCHPOINT_ALERT_REPEAT_INTERVAL',
  ...Object.values(WEBHOOK_TARGETS).map((name) => `${name}_SECRET`),
];

type Env = Record<string, string | undefined>;

function num(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) throw new ConfigError(`${name}="${raw}" must be a number from ${min} to ${max}`);
  return v;
}

function dur(env: Env, name: string, def: string): number {
  const raw = env[name];
  return parseDuration(raw === undefined || raw === '' ? def : raw, name);
}

function url(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    new URL(raw);
  } catch {
    throw new ConfigError(`${name}="${raw}" is not a URL`);
  }
  return raw;
}

function opt(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function secrets(env: Env, name: string): string[] {
  const list = (opt(env, name) ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  if (list.length > 2) throw new ConfigError(`${name} takes one secret, or two while rotating (new,old); got ${list.length}`);
  for (const secret of list) {
    if (secret.length < MIN_SECRET_LENGTH) throw new ConfigError(`${name}: each secret must be at least ${MIN_SECRET_LENGTH} characters (try: openssl rand -hex 32)`);
  }
  return list;
}

function webhookSecrets(env: Env): Record<WebhookTarget, string[]> {
  const out = {} as Record<WebhookTarget, string[]>;
  for (const [target, name] of Object.entries(WEBHOOK_TARGETS) as [WebhookTarget, string][]) {
    // The SRE webhook that defaults to the alert webhook is the same receiver: same secret.
    const own = target !== 'sre' || opt(env, name) !== undefined;
    out[target] = secrets(env, own ? `${name}_SECRET` : `${WEBHOOK_TARGETS.alert}_SECRET`);
  }
  return out;
}

function timeZone(env: Env, name: string, def: string): string {
  const zone = opt(env, name) ?? def;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new ConfigError(`${name}="${zone}" is not an IANA time zone, e.g. Europe/Berlin or UTC`);
  }
  return zone;
}

export function loadAlertingConfig(env: Env): AlertingConfig {
  const alertWebhook = url(env, 'TOUCHPOINT_ALERT_WEBHOOK');
  const quiet = opt(env, 'TOUCHPOINT_QUIET_HOURS');
  const sreRaw = opt(env, 'TOUCHPOINT_SRE_RULES');
  const cfg: AlertingConfig = {
    stuckAfterMs: dur(env, 'TOUCHPOINT_STUCK_AFTER', '15m'),
    outreachFrom: opt(env, 'TOUCHPOINT_OUTREACH_FROM') ?? 'Touchpoint <no-reply@localhost>',
    holdoutShare: num(env, 'TOUCHPOINT_HOLDOUT_SHARE', 0, 0, 1),
    slowLcpStreak: num(env, 'TOUCHPOINT_SLOW_LCP_STREAK', 3, 1, 1000),
    errorRateThreshold: num(env, 'TOUCHPOINT_ERROR_RATE_THRESHOLD', 20, 1, 1e9),
    errorRateWindowMs: dur(env, 'TOUCHPOINT_ERROR_RATE_WINDOW', '5m'),
    cooldownMs: dur(env, 'TOUCHPOINT_OUTREACH_COOLDOWN', '24h'),
    suppression: (opt(env, 'TOUCHPOINT_SUPPRESSION') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    deliveryAttempts: num(env, 'TOUCHPOINT_DELIVERY_ATTEMPTS', 5, 1, 100),
    deliveryBackoffMs: dur(env, 'TOUCHPOINT_DELIVERY_BACKOFF', '2s'),
    channelTimeoutMs: dur(env, 'TOUCHPOINT_CHANNEL_TIMEOUT', '10s'),
    sreRules: sreRaw ? parseSreRules(sreRaw) : DEFAULT_SRE_RULES,
    sreIntervalMs: dur(env, 'TOUCHPOINT_SRE_INTERVAL', '1m'),
    lockDurationMs: dur(env, 'TOUCHPOINT_WORKER_LOCK', '30s'),
    signalsConcurrency: num(env, 'TOUCHPOINT_SIGNALS_CONCURRENCY', 1, 1, 64),
    keyPrefix: opt(env, 'TOUCHPOINT_ALERTING_PREFIX') ?? 'tp',
    contactTtlMs: dur(env, 'TOUCHPOINT_CONTACT_TTL', '90d'),
    publicUrl: (url(env, 'TOUCHPOINT_PUBLIC_URL') ?? 'http://localhost:8080').replace(/\/+$/, ''),
    alertLanguage: opt(env, 'TOUCHPOINT_ALERT_LANGUAGE') ?? 'en',
    alertTimeZone: timeZone(env, 'TOUCHPOINT_ALERT_TIME_ZONE', 'UTC'),
    webhookSecrets: webhookSecrets(env),
  };
  if (!ALERT_COPY_LANGUAGES.includes(cfg.alertLanguage)) {
    throw new ConfigError(`TOUCHPOINT_ALERT_LANGUAGE="${cfg.alertLanguage}" must be one of ${ALERT_COPY_LANGUAGES.join(', ')}`);
  }
  if (opt(env, 'TOUCHPOINT_ALERT_DIGEST')) cfg.alertDigestMs = dur(env, 'TOUCHPOINT_ALERT_DIGEST', '0');
  const grouping = opt(env, 'TOUCHPOINT_ALERT_GROUPING') ?? 'on';
  if (grouping !== 'on' && grouping !== 'off') throw new ConfigError(`TOUCHPOINT_ALERT_GROUPING="${grouping}" must be on or off`);
  if (grouping === 'on') {
    const g = {
      waitMs: dur(env, 'TOUCHPOINT_ALERT_GROUP_WAIT', '30s'),
      intervalMs: dur(env, 'TOUCHPOINT_ALERT_GROUP_INTERVAL', '5m'),
      repeatMs: dur(env, 'TOUCHPOINT_ALERT_REPEAT_INTERVAL', '4h'),
    };
    if (g.intervalMs < 1000) throw new ConfigError('TOUCHPOINT_ALERT_GROUP_INTERVAL must be at least 1s: it is the least time between two messages of a group');
    if (g.repeatMs < g.intervalMs) throw new ConfigError('TOUCHPOINT_ALERT_REPEAT_INTERVAL must be at least TOUCHPOINT_ALERT_GROUP_INTERVAL');
    cfg.alertGrouping = g;
  }
  for (const [key, target] of [['alertSlackWebhook', 'alertSlack'], ['alertTeamsWebhook', 'alertTeams'], ['sreSlackWebhook', 'sreSlack'], ['sreTeamsWebhook', 'sreTeams']] as const) {
    const hook = url(env, WEBHOOK_TARGETS[target]);
    if (hook) cfg[key] = hook;
  }
  const unsubscribeSecret = opt(env, 'TOUCHPOINT_UNSUBSCRIBE_SECRET');
  if (unsubscribeSecret !== undefined) {
    if (unsubscribeSecret.length < 32) throw new ConfigError('TOUCHPOINT_UNSUBSCRIBE_SECRET must be at least 32 characters (try: openssl rand -hex 32)');
    cfg.unsubscribeSecret = unsubscribeSecret;
  }
  const smtpUrl = url(env, 'TOUCHPOINT_SMTP_URL');
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError(`TOUCHPOINT_SMTP_URL must start with smtp:// or smtps://, not ${new URL(smtpUrl).protocol}//`);
  if (smtpUrl) cfg.smtpUrl = smtpUrl;
  const outreachWebhook = url(env, 'TOUCHPOINT_OUTREACH_WEBHOOK');
  if (outreachWebhook) cfg.outreachWebhook = outreachWebhook;
  if (alertWebhook) cfg.alertWebhook = alertWebhook;
  const sreWebhook = url(env, 'TOUCHPOINT_SRE_WEBHOOK') ?? alertWebhook;
  if (sreWebhook) cfg.sreWebhook = sreWebhook;
  const alertEmail = opt(env, 'TOUCHPOINT_ALERT_EMAIL');
  if (alertEmail) cfg.alertEmail = alertEmail;
  const sreEmail = opt(env, 'TOUCHPOINT_SRE_EMAIL');
  if (sreEmail) cfg.sreEmail = sreEmail;
  if (quiet) cfg.quietHours = parseQuietHours(quiet, opt(env, 'TOUCHPOINT_QUIET_HOURS_TZ'));
  if ((cfg.alertEmail || cfg.sreEmail) && !cfg.smtpUrl) {
    throw new ConfigError('TOUCHPOINT_ALERT_EMAIL / TOUCHPOINT_SRE_EMAIL need TOUCHPOINT_SMTP_URL to send mail');
  }
  return cfg;
}
