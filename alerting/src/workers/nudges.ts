/**
 * In-page nudges (issue 14, protocol/src/prompts.ts): "Can we help?" in the customer's page,
 * before any email.
 *
 * Offer (from the outreach decision, incidents-worker.ts): an eligible customer outside the
 * holdout whose page is still open gets one nudge per incident, and their email and webhook wait
 * `nudges.emailWaitMs` for them to act on it. Answer (a `nudge` signal): shown, dismissed or
 * acted on is logged on the `nudge` channel; an action marks the incident as helped, so its
 * waiting messages are skipped (`nudge_acted`, deliveries-worker.ts); `email_basket` sends the
 * basket link at once; `call_back` tells the marketers whom to call. An answer to a nudge this
 * worker never published changes nothing.
 *
 * Every step is idempotent for retries: the claim remembers its prompt id, the record says
 * whether the prompt went out, log entries are one per (incident, channel, status) and delivery
 * ids are deterministic.
 */
import { OUTREACH_REASONS } from '@touchpoint/protocol/outreach';
import type { NudgeEvent } from '@touchpoint/protocol';
import type { NudgeAction, NudgeSpec } from '@touchpoint/protocol/prompts';
import type { Signal } from '@touchpoint/protocol/signals';
import type { CallbackAlert } from '../interfaces/alert.ts';
import type { DeliveryJob, IncidentJob } from '../interfaces/jobs.ts';
import { alertDestinations } from '../channels/alert-destinations.ts';
import { checkoutLink } from '../lib/dashboard-links.ts';
import { joinId } from '../lib/ids.ts';
import type { NudgeRecord } from '../store/nudges.ts';
import type { AlertingContext } from './context.ts';

/** How long the customer messages wait for an action on the nudge, unless the project says (`nudges.emailWaitMs`). */
export const DEFAULT_EMAIL_WAIT_MS = 60_000;

/** What a call-back number may look like: digits with the usual separators, an optional leading `+`. */
const PHONE = /^\+?[0-9][0-9 ().-]{4,30}$/;

/** Whether the incident could be nudged now: the project nudges for its reason and its session's page is open. */
export async function mayNudge(ctx: AlertingContext, inc: IncidentJob): Promise<boolean> {
  const nudges = ctx.project(inc.project).prompts?.nudges;
  if (!nudges || nudges.enabled === false || !inc.session) return false;
  if (!(nudges.reasons ?? OUTREACH_REASONS).includes(inc.reason)) return false;
  return (await ctx.nudges.get(inc.project, inc.incident)) !== undefined || ctx.nudges.isOpen(inc.project, inc.session);
}

/**
 * Offers the incident's nudge when the project nudges for this reason and the session's page is
 * open. Returns how long the customer messages should wait for an answer, or undefined when no
 * nudge went out (the messages then go as they would without nudges).
 */
export async function offerNudge(ctx: AlertingContext, inc: IncidentJob, customer: string, o: { email: boolean; resumeUrl?: string }): Promise<number | undefined> {
  const project = ctx.project(inc.project);
  const nudges = project.prompts?.nudges;
  if (!nudges || nudges.enabled === false || !inc.session) return undefined;
  if (!(nudges.reasons ?? OUTREACH_REASONS).includes(inc.reason)) return undefined;
  const supportUrl = nudges.supportUrl ?? project.supportUrl;
  let record = await ctx.nudges.get(inc.project, inc.incident);
  if (!record) {
    const prompt = joinId('nudge', inc.incident);
    if (!(await ctx.nudges.isOpen(inc.project, inc.session))) return undefined;
    if (!(await ctx.nudges.claim(inc.project, inc.session, inc.incident, prompt))) return undefined;
    const actions: NudgeAction[] = ['retry'];
    if (supportUrl) actions.push('support');
    if (o.resumeUrl && o.email) actions.push('email_basket');
    if (nudges.callBack) actions.push('call_back');
    record = { prompt, session: inc.session, customer, reason: inc.reason, at: inc.at, startedAt: inc.startedAt, actions };
    if (inc.checkout) record.checkout = inc.checkout;
    if (inc.value !== undefined) record.value = inc.value;
    if (inc.currency) record.currency = inc.currency;
    if (o.resumeUrl) record.resumeUrl = o.resumeUrl;
    await ctx.nudges.save(inc.project, inc.incident, record);
  }
  if (!record.published) {
    const spec: NudgeSpec = { kind: 'nudge', id: record.prompt, incident: inc.incident, reason: inc.reason, actions: record.actions };
    if (supportUrl && record.actions.includes('support')) spec.supportUrl = supportUrl;
    if (record.value !== undefined) spec.amount = `${record.value.toFixed(2)}${record.currency ? ` ${record.currency}` : ''}`;
    await ctx.nudges.publish(inc.project, inc.incident, record, { project: inc.project, session: record.session, spec });
    ctx.metrics.nudges.inc({ reason: inc.reason, outcome: 'sent' });
  }
  await ctx.outreachLog.record({
    project: inc.project,
    incident: inc.incident,
    customer,
    reason: inc.reason,
    channel: 'nudge',
    status: 'sent',
    at: ctx.now(),
    timeToOutreachMs: Math.max(0, ctx.now() - inc.startedAt),
    ...(inc.checkout ? { checkout: inc.checkout } : {}),
  });
  return nudges.emailWaitMs ?? DEFAULT_EMAIL_WAIT_MS;
}

/** A `nudge` signal: what the customer did with the prompt. */
export async function nudgeAnswered(ctx: AlertingContext, s: Signal, e: NudgeEvent): Promise<void> {
  const r = await ctx.nudges.get(s.project, e.incident);
  const acted = e.outcome !== 'shown' && e.outcome !== 'dismissed';
  // Only an answer to the prompt this worker published, from its session, offering that action.
  if (!r?.published || r.prompt !== e.prompt || r.session !== s.session || (acted && !r.actions.includes(e.outcome as NudgeAction))) {
    ctx.metrics.nudges.inc({ reason: r?.reason ?? 'unknown', outcome: 'forged' });
    ctx.logger.debug({ project: s.project, incident: e.incident, outcome: e.outcome }, 'a nudge answer that matches no published nudge: ignored');
    return;
  }
  // Helped first: a waiting email that comes due meanwhile must already see it.
  if (acted) await ctx.nudges.markHelped(s.project, e.incident);
  await ctx.outreachLog.record({
    project: s.project,
    incident: e.incident,
    customer: r.customer,
    reason: r.reason,
    channel: 'nudge',
    status: acted ? 'acted' : e.outcome === 'shown' ? 'shown' : 'dismissed',
    at: s.eventTime,
    ...(r.checkout ? { checkout: r.checkout } : {}),
  });
  ctx.metrics.nudges.inc({ reason: r.reason, outcome: e.outcome });
  if (e.outcome === 'email_basket') await sendBasket(ctx, s, e.incident, r);
  if (e.outcome === 'call_back') await askForCallBack(ctx, s, e, r);
}

/** The basket link, by email, now: consent, suppression and completion are checked again at send time. */
async function sendBasket(ctx: AlertingContext, s: Signal, incident: string, r: NudgeRecord): Promise<void> {
  if (!ctx.email || !r.resumeUrl) return;
  const d: DeliveryJob = {
    id: joinId('customer', s.project, r.customer, incident, 'basket'),
    audience: 'customer',
    channel: 'email',
    project: s.project,
    reason: r.reason,
    incident,
    customer: r.customer,
    incidentAt: r.at,
    // Time-to-outreach of this email runs from the customer's click.
    startedAt: s.ackedAt,
    template: 'basket',
    resumeUrl: r.resumeUrl,
  };
  if (r.checkout) d.checkout = r.checkout;
  if (r.value !== undefined) d.value = r.value;
  if (r.currency) d.currency = r.currency;
  await ctx.queues.addDelivery(d);
}

/**
 * The marketers get the number to call, on their channels, at once. The number goes nowhere
 * else: not in a log line, not in the outreach log, and the delivery jobs holding it are removed
 * when done (the signal batch that brought it is stripped by start-alerting.ts).
 */
async function askForCallBack(ctx: AlertingContext, s: Signal, e: NudgeEvent, r: NudgeRecord): Promise<void> {
  const phone = e.phone?.trim();
  if (!phone || !PHONE.test(phone)) {
    ctx.logger.debug({ project: s.project, incident: e.incident }, 'a call-back without a usable phone number: nobody to call');
    return;
  }
  // Test traffic alerts nobody (rules/test-traffic.ts), a test recipient's call-back included.
  if (s.synthetic) return;
  const project = ctx.project(s.project);
  const alert: CallbackAlert = {
    kind: 'callback',
    reason: 'callback',
    project: s.project,
    shop: project.name ?? project.id,
    at: s.eventTime,
    customer: r.customer,
    phone,
    link: checkoutLink(ctx.config.publicUrl, s.project, r.checkout, r.at),
  };
  if (r.checkout) alert.checkout = r.checkout;
  if (r.value !== undefined) alert.value = r.value;
  if (r.currency) alert.currency = r.currency;
  for (const { channel } of alertDestinations(ctx.config, 'marketer', Boolean(ctx.email))) {
    const d: DeliveryJob = {
      id: joinId('marketer', s.project, e.incident, 'callback', channel),
      audience: 'marketer',
      channel,
      project: s.project,
      reason: 'callback',
      incident: e.incident,
      customer: r.customer,
      incidentAt: r.at,
      startedAt: s.ackedAt,
      alerts: [alert],
    };
    if (r.checkout) d.checkout = r.checkout;
    if (r.value !== undefined) d.value = r.value;
    if (r.currency) d.currency = r.currency;
    await ctx.queues.addDelivery(d, 0, { personal: true });
  }
}
