/**
 * Hands one message to one channel, exactly once as far as the channel allows.
 *
 * The marker `sent:<delivery id>` goes `sending` (before the hand-over) → `sent` (after the
 * channel confirmed: SMTP 250 after DATA, webhook 2xx). A retry that finds `sent` only finishes
 * the bookkeeping (outreach log, idempotent). A retry that finds `sending` cannot know whether
 * the earlier attempt's message got through, so it sends again with the same Message-ID /
 * Idempotency-Key: a duplicate is possible only if the worker died in the gap between the
 * channel's confirmation and the SET of the marker (one Redis round trip, well under a
 * millisecond locally), and then carries the same id for the receiver to drop. Crashes anywhere
 * else (before or during the hand-over) lead to exactly one delivered message.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { DeliveryJob } from '../interfaces/jobs.ts';
import type { OutreachReason } from '@touchpoint/protocol/outreach';
import type { AlertingContext } from './context.ts';
import { alertDestinations } from '../channels/alert-destinations.ts';
import { ChannelError } from '../channels/channel-error.ts';
import { sendAlerts } from '../channels/send-alerts.ts';
import type { AlertGroupNote } from '../interfaces/alert-group.ts';
import { groupMessageSent, holdInGroup, takeGroupMessage } from './alert-grouping.ts';
import { loadCopy, renderEmail } from '@touchpoint/protocol/copy';
import { joinId } from '../lib/ids.ts';

export async function processDelivery(ctx: AlertingContext, job: Job<DeliveryJob>): Promise<void> {
  const d = job.data;
  try {
    await deliver(ctx, d);
  } catch (err) {
    ctx.metrics.deliveryFailures.inc({ audience: d.audience, channel: d.channel });
    const permanent = err instanceof ChannelError && err.permanent;
    const attempts = job.opts.attempts ?? 1;
    const last = permanent || job.attemptsMade + 1 >= attempts;
    ctx.logger.warn({ delivery: d.id, attempt: job.attemptsMade + 1, attempts, err: (err as Error).message }, last ? 'delivery failed for good: dead-lettered' : 'delivery failed: will retry');
    if (last) {
      const letter = {
        id: d.id,
        project: d.project,
        audience: d.audience,
        channel: d.channel,
        reason: d.reason,
        incident: d.incident,
        error: (err as Error).message,
        attempts: job.attemptsMade + 1,
        failedAt: ctx.now(),
        ...(d.customer ? { customer: d.customer } : {}),
      };
      await ctx.store.addDeadLetter(letter);
      ctx.metrics.deadLetters.inc({ audience: d.audience, channel: d.channel });
      if (permanent) throw new UnrecoverableError((err as Error).message);
    }
    throw err;
  }
}

async function deliver(ctx: AlertingContext, d: DeliveryJob): Promise<void> {
  const prev = await ctx.store.beginSend(d.project, d.id);
  if (prev === 'skipped') return;
  if (prev?.startsWith('sent')) {
    // Sent before a crash or a failed log write: only the bookkeeping is left.
    if (d.audience === 'customer') await recordSent(ctx, d, Number(prev.split(':')[1] ?? ctx.now()));
    return;
  }
  if (d.audience === 'customer') return deliverToCustomer(ctx, d);
  return deliverAlert(ctx, d);
}

async function deliverToCustomer(ctx: AlertingContext, d: DeliveryJob): Promise<void> {
  const customer = d.customer ?? '';
  const reason = d.reason as OutreachReason;
  // Checked again at send time: consent may have been withdrawn, the customer suppressed or
  // their order completed while the message waited (quiet hours, retries).
  const contact = await ctx.store.contact(d.project, customer);
  let skip: string | undefined;
  if (!contact?.consent) skip = 'no_consent';
  else if (ctx.config.suppression.includes(customer) || ctx.project(d.project).suppression?.includes(customer) || (await ctx.store.isSuppressed(d.project, customer))) skip = 'suppressed';
  else if ((await ctx.store.completedAt(d.project, customer)) >= d.incidentAt) skip = 'completed';
  // The customer took the help offered in their page (workers/nudges.ts): that replaced this
  // message. The basket email is what they asked for there, so it goes.
  else if (d.template !== 'basket' && (await ctx.nudges.isHelped(d.project, d.incident))) skip = 'nudge_acted';
  else if (d.channel === 'email' && !contact.email) skip = 'no_channel';
  if (skip) {
    await ctx.store.markSkipped(d.project, d.id);
    ctx.metrics.outreach.inc({ reason, channel: d.channel, outcome: skip });
    await ctx.outreachLog.record({ project: d.project, incident: d.incident, customer, reason, channel: d.channel, status: 'skipped', skipReason: skip, at: ctx.now(), ...(d.checkout ? { checkout: d.checkout } : {}) });
    return;
  }
  const sentAt = ctx.now();
  if (d.channel === 'email') {
    if (!ctx.email || !contact?.email) throw new ChannelError('email channel is not configured (TOUCHPOINT_SMTP_URL)', true);
    const project = ctx.project(d.project);
    const shop = project.name ?? project.id;
    const amount = d.value !== undefined ? `${d.value.toFixed(2)}${d.currency ? ` ${d.currency}` : ''}` : undefined;
    const unsubscribeUrl = await ctx.unsubscribe.link(ctx.config.publicUrl, d.project, customer, contact.language);
    // Every customer email links back to the saved basket when the shop gave one (`resumeUrl`).
    const vars = {
      shop,
      unsubscribeUrl,
      ...(project.supportUrl ? { supportUrl: project.supportUrl } : {}),
      ...(amount ? { amount } : {}),
      ...(d.resumeUrl ? { resumeUrl: d.resumeUrl } : {}),
    };
    const msg = renderEmail(project.copy ?? loadCopy(), d.template ?? reason, contact.language, vars);
    await ctx.email.send({
      deliveryId: d.id,
      to: contact.email,
      subject: msg.subject,
      text: msg.text,
      html: msg.html,
      language: msg.language,
      fromName: shop,
      // RFC 8058 one-click: mail providers POST to the https link (routes/unsubscribe.ts in the
      // collector). No mailto: Touchpoint has no mailbox that would act on it.
      headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
  } else {
    const url = ctx.config.outreachWebhook;
    if (!url) throw new ChannelError('TOUCHPOINT_OUTREACH_WEBHOOK is not set', true);
    // No contact details in the body: the receiving tool maps the pseudonymous id itself.
    const project = ctx.project(d.project);
    await ctx.webhook.post(url, d.id, {
      kind: 'customer-outreach',
      project: d.project,
      shop: project.name ?? project.id,
      customer,
      reason,
      ...(d.checkout ? { checkout: d.checkout } : {}),
      channel: 'webhook',
      sentAt: new Date(sentAt).toISOString(),
    }, ctx.config.webhookSecrets.outreach);
  }
  const done = ctx.now();
  await ctx.store.markSent(d.project, d.id, done);
  ctx.metrics.timeToOutreach.observe({ reason, channel: d.channel }, Math.max(0, done - d.startedAt) / 1000);
  ctx.metrics.outreach.inc({ reason, channel: d.channel, outcome: 'sent' });
  await recordSent(ctx, d, done);
}

async function recordSent(ctx: AlertingContext, d: DeliveryJob, at: number): Promise<void> {
  await ctx.outreachLog.record({
    project: d.project,
    incident: d.incident,
    customer: d.customer ?? '',
    reason: d.reason as OutreachReason,
    channel: d.channel,
    status: 'sent',
    at,
    timeToOutreachMs: Math.max(0, at - d.startedAt),
    ...(d.checkout ? { checkout: d.checkout } : {}),
  });
}

async function deliverAlert(ctx: AlertingContext, d: DeliveryJob): Promise<void> {
  const audience = d.audience === 'sre' ? 'sre' : 'marketer';
  const dest = alertDestinations(ctx.config, audience, Boolean(ctx.email)).find((x) => x.channel === d.channel);
  if (!dest) throw new ChannelError(`no ${d.channel} destination is configured for ${audience} alerts`, true);
  const project = ctx.project(d.project);
  const copy = { language: project.alertLanguage ?? ctx.config.alertLanguage, timeZone: ctx.config.alertTimeZone, everyMs: ctx.config.alertDigestMs ?? 0 };
  let alerts = d.alerts ?? [];
  let group: AlertGroupNote | undefined;
  const { digest, groups } = ctx;
  // Marketer email with a digest goes by the digest; every other alert delivery by its group.
  // A call-back request goes at once and is held nowhere: it carries the customer's number.
  const mayHold = d.reason !== 'callback';
  const byDigest = mayHold && digest && d.channel === 'email' && audience === 'marketer';
  if (d.reason === 'digest') {
    if (!digest) throw new ChannelError('a digest delivery, but TOUCHPOINT_ALERT_DIGEST is not set', true);
    alerts = await digest.take(d.project, d.id, ctx.now());
    if (alerts.length === 0) return ctx.store.markSkipped(d.project, d.id);
  } else if (d.reason === 'group') {
    // Grouping turned off since the group formed: nothing holds its alerts any more.
    if (!groups) return ctx.store.markSkipped(d.project, d.id);
    const message = await takeGroupMessage(ctx, groups, d);
    if (!message) return ctx.store.markSkipped(d.project, d.id);
    alerts = message.alerts;
    group = message.note;
  } else if (mayHold && !byDigest && (await holdInGroup(ctx, groups, d))) {
    return ctx.store.markSkipped(d.project, d.id);
  } else if (digest && byDigest && alerts.length === 1 && alerts[0]) {
    const held = await digest.hold(d.project, d.id, alerts[0], ctx.now());
    if (held.send === 'held') {
      // One digest delivery per period, due when the period ends (ids make repeats no-ops).
      await ctx.queues.addDelivery(
        {
          id: joinId('marketer', d.project, 'digest', String(held.periodStart), 'email'),
          audience: 'marketer',
          channel: 'email',
          project: d.project,
          reason: 'digest',
          incident: joinId('digest', String(held.periodStart)),
          incidentAt: held.periodStart,
          startedAt: held.periodStart,
        },
        Math.max(0, held.dueAt - ctx.now()),
      );
      return ctx.store.markSkipped(d.project, d.id);
    }
  }
  await sendAlerts({ webhook: ctx.webhook, ...(ctx.email ? { email: ctx.email } : {}) }, dest, d.id, alerts, copy, group);
  if (d.reason === 'digest') await digest?.sent(d.project, d.id);
  if (d.reason === 'group' && groups) await groupMessageSent(groups, d);
  await ctx.store.markSent(d.project, d.id, ctx.now());
  ctx.metrics.alerts.inc({ audience: d.audience, channel: d.channel });
}
