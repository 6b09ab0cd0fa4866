/**
 * The generic JSON webhook's body for marketer and SRE alerts, version 1, documented by
 * alerting/schemas/webhook-v1.schema.json (docs/webhooks.md). The facts as fields, for tools
 * that act on them, and the same alert in words (`title`, `text`), for tools that only show it.
 * Several alerts of one shop at once (alert groups) go as one `alert-group` body.
 */
import type { AlertGroupNote } from '../interfaces/alert-group.ts';
import type { Alert, CustomerContact } from '../interfaces/alert.ts';
import { alertPlainText, describeAlert, type CopyOptions } from './alert-copy.ts';
import { describeGroup, groupPlainText } from './alert-group-copy.ts';

export const WEBHOOK_VERSION = 1;

const iso = (ms: number) => new Date(ms).toISOString();

function contactOf(c: CustomerContact): Record<string, unknown> {
  if (c.status === 'contacting') return { status: c.status, channels: c.channels, ...(c.sendAt !== undefined ? { sendAt: iso(c.sendAt) } : {}), ...(c.nudged ? { nudged: true } : {}) };
  return { ...c };
}

function alertFields(a: Alert): Record<string, unknown> {
  const base = { project: a.project, shop: a.shop, at: iso(a.at), link: a.link };
  if (a.kind === 'checkout') {
    return {
      kind: 'marketer-alert',
      reason: a.reason,
      ...base,
      ...(a.customer !== undefined ? { customer: a.customer } : {}),
      ...(a.checkout !== undefined ? { checkout: a.checkout } : {}),
      ...(a.value !== undefined ? { value: a.value } : {}),
      ...(a.currency !== undefined ? { currency: a.currency } : {}),
      ...(a.step !== undefined ? { step: a.step } : {}),
      ...(a.failures ? { failures: a.failures } : {}),
      customerContact: contactOf(a.contact),
    };
  }
  if (a.kind === 'callback') {
    return {
      kind: 'marketer-alert',
      reason: a.reason,
      ...base,
      customer: a.customer,
      phone: a.phone,
      ...(a.checkout !== undefined ? { checkout: a.checkout } : {}),
      ...(a.value !== undefined ? { value: a.value } : {}),
      ...(a.currency !== undefined ? { currency: a.currency } : {}),
    };
  }
  if (a.kind === 'rate') {
    return { kind: 'marketer-alert', reason: a.reason, ...base, failedCheckouts: a.failedCheckouts, threshold: a.threshold, since: iso(a.since), windowSeconds: a.windowSeconds, atRisk: a.atRisk };
  }
  return {
    kind: 'sre-alert',
    ...base,
    rule: a.rule,
    series: a.series,
    state: a.state,
    metric: a.metric,
    quantile: a.quantile,
    path: a.path,
    value: a.value,
    threshold: a.threshold,
    samples: a.samples,
    windowSeconds: a.windowSeconds,
  };
}

function single(a: Alert, o: CopyOptions): Record<string, unknown> {
  const t = describeAlert(a, o);
  return { version: WEBHOOK_VERSION, ...alertFields(a), title: t.title, text: alertPlainText(t) };
}

export function webhookPayload(alerts: readonly Alert[], o: CopyOptions): Record<string, unknown> {
  const [first] = alerts;
  if (!first) throw new Error('webhookPayload: no alert to send');
  if (alerts.length === 1) return single(first, o);
  return { version: WEBHOOK_VERSION, kind: 'alert-group', project: first.project, shop: first.shop, count: alerts.length, alerts: alerts.map((a) => single(a, o)) };
}

/** One message of an alert group: the group's facts under `group`, its words, and the alerts it lists. */
export function webhookGroupPayload(note: AlertGroupNote, alerts: readonly Alert[], o: CopyOptions): Record<string, unknown> {
  const t = describeGroup(note, alerts, o);
  return {
    version: WEBHOOK_VERSION,
    kind: 'alert-group',
    project: note.project,
    shop: note.shop,
    count: alerts.length,
    title: t.title,
    text: groupPlainText(t),
    link: note.link,
    group: {
      audience: note.audience,
      key: note.key,
      message: note.kind,
      state: note.kind === 'resolved' || (note.audience === 'sre' && note.firing === 0) ? 'resolved' : 'firing',
      since: iso(note.since),
      latest: iso(note.latest),
      total: note.total,
      ...(note.audience === 'sre' ? { firing: note.firing } : { atRisk: note.atRisk }),
      unlisted: note.unlisted,
      nextMessageInSeconds: note.kind === 'resolved' || (note.audience === 'sre' && note.firing === 0) ? null : note.intervalMs / 1000,
    },
    alerts: alerts.map((a) => single(a, o)),
  };
}
