/**
 * Turns an incident into messages: marketer alerts (with the rate fold for failed checkouts)
 * and, for an identified customer, the outreach decision (an in-page nudge first when their
 * page is open: workers/nudges.ts). Every step is idempotent, so a
 * retried or replayed incident never adds a message: delivery job ids are deterministic and the
 * cooldown remembers which incident owns it.
 */
import type { ChannelName } from '@touchpoint/protocol/outreach';
import type { CheckoutAlert, CheckoutFailure, CustomerContact, NotContactedReason, RateAlert } from '../interfaces/alert.ts';
import type { DeliveryJob, IncidentJob, StuckTimerJob } from '../interfaces/jobs.ts';
import type { AlertingContext } from './context.ts';
import { alertDestinations } from '../channels/alert-destinations.ts';
import { checkoutLink, marketerWindowLink } from '../lib/dashboard-links.ts';
import { joinId } from '../lib/ids.ts';
import { inHoldout } from '../lib/holdout.ts';
import { quietDelay } from '../lib/quiet-hours.ts';
import { rateDecision } from '../rules/error-rate.ts';
import { isStillStuck, stuckIncident } from '../rules/checkout-stuck.ts';
import { isTestRecipient, SKIP_REASON as TEST_TRAFFIC } from '../rules/test-traffic.ts';
import { mayNudge, offerNudge } from './nudges.ts';

export async function processStuckTimer(ctx: AlertingContext, t: StuckTimerJob): Promise<void> {
  const state = await ctx.checkouts.get(t.project, t.checkout);
  if (!isStillStuck(state, t)) return;
  await ctx.queues.addIncident(stuckIncident(state, t));
}

/**
 * How long an incident waits for the customer's identify before deciding they gave no consent:
 * with several workers (or TOUCHPOINT_SIGNALS_CONCURRENCY > 1) the batch carrying the identify
 * may be evaluated just after the one carrying the failure.
 */
const CONTACT_GRACE_MS = 2000;

class ContactNotYetKnownError extends Error {
  readonly code = 'TP_ERR_CONTACT_NOT_YET_KNOWN';
}

export async function processIncident(ctx: AlertingContext, inc: IncidentJob, attempt = 0): Promise<void> {
  if (attempt === 0) ctx.metrics.incidents.inc({ reason: inc.reason });
  if (inc.synthetic) return testIncident(ctx, inc, attempt);
  // The outreach decision first: the marketer alert says whether and how the customer is contacted.
  const contact: CustomerContact = inc.customer ? await decideOutreach(ctx, inc, inc.customer) : { status: 'anonymous' };
  await alertMarketers(ctx, inc, contact);
}

/**
 * Test traffic (rules/test-traffic.ts): no marketer alert, and a customer message only for the
 * project's test recipients; every other one is logged as skipped and counted.
 */
async function testIncident(ctx: AlertingContext, inc: IncidentJob, attempt: number): Promise<void> {
  const recipient = isTestRecipient(ctx.project(inc.project), inc.customer);
  if (attempt === 0) {
    ctx.metrics.testTraffic.inc({ reason: inc.reason, outcome: recipient ? 'test_recipient' : 'skipped' });
    ctx.logger.debug({ project: inc.project, incident: inc.incident, tag: inc.synthetic }, 'test traffic: nobody is alerted');
  }
  if (!inc.customer) return;
  if (recipient) {
    await decideOutreach(ctx, inc, inc.customer);
    return;
  }
  ctx.metrics.outreach.inc({ reason: inc.reason, channel: 'none', outcome: TEST_TRAFFIC });
  await ctx.outreachLog.record({
    project: inc.project,
    incident: inc.incident,
    customer: inc.customer,
    reason: inc.reason,
    channel: 'none',
    status: 'skipped',
    skipReason: TEST_TRAFFIC,
    at: ctx.now(),
    ...(inc.checkout ? { checkout: inc.checkout } : {}),
  });
}

/**
 * The incident's own failure, and the shop's reason when its `checkout.error` came after the
 * failed request that raised the incident (the same beacon, usually: its state is applied by then).
 */
async function failuresOf(ctx: AlertingContext, inc: IncidentJob): Promise<CheckoutFailure[]> {
  const out: CheckoutFailure[] = inc.failure ? [inc.failure] : [];
  if (inc.reason !== 'checkout_error' || !inc.checkout || out.some((f) => f.kind === 'reported')) return out;
  const reason = (await ctx.checkouts.get(inc.project, inc.checkout))?.reason;
  if (reason) out.push({ kind: 'reported', reason });
  return out;
}

async function alertMarketers(ctx: AlertingContext, inc: IncidentJob, contact: CustomerContact): Promise<void> {
  // Marketers hear about lost orders; a slow page is the SREs' business (sre-threshold rules).
  if (inc.reason === 'slow_experience') return;
  const channels = alertDestinations(ctx.config, 'marketer', Boolean(ctx.email)).map((d) => d.channel);
  if (!channels.length) return;
  const project = ctx.project(inc.project);
  const shop = project.name ?? project.id;
  const base = {
    audience: 'marketer' as const,
    project: inc.project,
    incidentAt: inc.at,
    startedAt: inc.startedAt,
  };
  if (inc.reason === 'checkout_error') {
    const value = inc.value !== undefined ? { value: inc.value, ...(inc.currency ? { currency: inc.currency } : {}) } : undefined;
    const rate = await ctx.checkouts.countFailedCheckout(inc.project, inc.incident, inc.at, ctx.config.errorRateWindowMs, value);
    const decision = rateDecision(rate.count, ctx.config.errorRateThreshold);
    if (decision === 'rate-alert') {
      const alert: RateAlert = {
        kind: 'rate',
        reason: 'checkout_error_rate',
        project: inc.project,
        shop,
        at: inc.at,
        failedCheckouts: rate.count,
        threshold: ctx.config.errorRateThreshold,
        since: rate.since,
        windowSeconds: ctx.config.errorRateWindowMs / 1000,
        atRisk: rate.atRisk,
        link: marketerWindowLink(ctx.config.publicUrl, inc.project, rate.windowStart, rate.windowStart + ctx.config.errorRateWindowMs),
      };
      for (const channel of channels) {
        await ctx.queues.addDelivery({
          ...base,
          id: joinId('marketer', inc.project, 'rate', String(rate.windowStart), channel),
          channel,
          reason: 'checkout_error_rate',
          incident: joinId('checkout_error_rate', String(rate.windowStart)),
          alerts: [alert],
        });
      }
    }
    if (decision !== 'individual') return;
  }
  const alert: CheckoutAlert = {
    kind: 'checkout',
    reason: inc.reason,
    project: inc.project,
    shop,
    at: inc.at,
    contact,
    link: checkoutLink(ctx.config.publicUrl, inc.project, inc.checkout, inc.at),
  };
  if (inc.checkout) alert.checkout = inc.checkout;
  if (inc.customer) alert.customer = inc.customer;
  if (inc.value !== undefined) alert.value = inc.value;
  if (inc.currency) alert.currency = inc.currency;
  if (inc.step) alert.step = inc.step;
  const failures = await failuresOf(ctx, inc);
  if (failures.length) alert.failures = failures;
  for (const channel of channels) {
    const d: DeliveryJob = { ...base, id: joinId('marketer', inc.project, inc.incident, channel), channel, reason: inc.reason, incident: inc.incident, alerts: [alert] };
    if (inc.customer) d.customer = inc.customer;
    if (inc.checkout) d.checkout = inc.checkout;
    if (inc.value !== undefined) d.value = inc.value;
    if (inc.currency) d.currency = inc.currency;
    await ctx.queues.addDelivery(d);
  }
}

/** Decides (idempotently) whether and how the customer is contacted, queues the messages, and says what it decided. */
async function decideOutreach(ctx: AlertingContext, inc: IncidentJob, customer: string): Promise<CustomerContact> {
  const { config, store } = ctx;
  const project = ctx.project(inc.project);
  const now = ctx.now();
  const entry = { project: inc.project, incident: inc.incident, customer, reason: inc.reason, at: now, ...(inc.checkout ? { checkout: inc.checkout } : {}) };
  const skip = async (why: Exclude<NotContactedReason, 'holdout'>): Promise<CustomerContact> => {
    ctx.metrics.outreach.inc({ reason: inc.reason, channel: 'none', outcome: why });
    await ctx.outreachLog.record({ ...entry, channel: 'none', status: 'skipped', skipReason: why });
    return { status: 'not_contacted', reason: why };
  };

  const contact = await store.contact(inc.project, customer);
  // Retried by BullMQ (backoff 500 ms, 1 s): marketer alerts above are idempotent.
  if (!contact && now - inc.startedAt < CONTACT_GRACE_MS) throw new ContactNotYetKnownError(`no identify yet for the customer of ${inc.incident}; retrying`);
  if (!contact?.consent) return skip('no_consent');
  if (config.suppression.includes(customer) || project.suppression?.includes(customer) || (await store.isSuppressed(inc.project, customer))) {
    return skip('suppressed');
  }
  const channels: ('email' | 'webhook')[] = [];
  if (ctx.email && contact.email) channels.push('email');
  if (config.outreachWebhook) channels.push('webhook');
  // The open page is a way to reach them too: without email or webhook, a nudge may still help.
  if (!channels.length && !(await mayNudge(ctx, inc))) return skip('no_channel');
  if ((await store.completedAt(inc.project, customer)) >= inc.at) return skip('completed');
  if (!(await store.claimCooldown(inc.project, customer, inc.incident, config.cooldownMs))) return skip('cooldown');
  // Drawn among eligible customers only, so holdout and contacted groups are comparable.
  if (inHoldout(inc.project, customer, config.holdoutShare)) {
    ctx.metrics.outreach.inc({ reason: inc.reason, channel: 'none', outcome: 'holdout' });
    await ctx.outreachLog.record({ ...entry, channel: 'none', status: 'holdout' });
    return { status: 'not_contacted', reason: 'holdout' };
  }
  // The holdout gets no nudge either (above), so the comparison stays fair. With the page open,
  // help is offered there first and the messages wait for the customer to take it.
  const resumeUrl = inc.checkout ? (await ctx.checkouts.get(inc.project, inc.checkout))?.resumeUrl : undefined;
  const wait = await offerNudge(ctx, inc, customer, { email: channels.includes('email'), ...(resumeUrl ? { resumeUrl } : {}) });
  // The page closed (or another worker took the nudge) since mayNudge: nothing reached them.
  if (!channels.length && wait === undefined) return skip('no_channel');
  const delay = Math.max(quietDelay(project.quietHours ?? config.quietHours, now), wait ?? 0);
  for (const channel of channels) {
    const d: DeliveryJob = {
      id: joinId('customer', inc.project, customer, inc.incident, channel),
      audience: 'customer',
      channel,
      project: inc.project,
      reason: inc.reason,
      incident: inc.incident,
      customer,
      incidentAt: inc.at,
      startedAt: inc.startedAt,
    };
    if (inc.checkout) d.checkout = inc.checkout;
    if (inc.value !== undefined) d.value = inc.value;
    if (inc.currency) d.currency = inc.currency;
    if (resumeUrl) d.resumeUrl = resumeUrl;
    await ctx.queues.addDelivery(d, delay);
  }
  return { status: 'contacting', channels, ...(delay > 0 ? { sendAt: now + delay } : {}), ...(wait !== undefined ? { nudged: true as const } : {}) };
}
