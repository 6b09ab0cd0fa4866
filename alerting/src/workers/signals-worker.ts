/**
 * Evaluates one SignalBatch from the collector: updates per-customer state and turns what the
 * rules find into incident jobs. Safe to run twice for the same batch (a worker killed mid-batch
 * leaves the job to be retried): state updates are idempotent or harmless when repeated, and
 * incidents have deterministic job ids. Safe to run batches concurrently or out of order
 * (several workers): checkout state, consent and LCP streaks only move forward in event time.
 */
import type { Signal, SignalBatch } from '@touchpoint/protocol/signals';
import type { AlertingContext } from './context.ts';
import { checkoutErrorIncident, isFailedRequest } from '../rules/checkout-error.ts';
import { isPoorLcp, slowIncident } from '../rules/slow-experience.ts';
import { mayTouchCustomer } from '../rules/test-traffic.ts';
import { nudgeAnswered } from './nudges.ts';
import type { CheckoutState, CheckoutUpdate } from '../store/checkout-state.ts';
import type { Contact } from '../store/outreach-store.ts';

export async function processSignalBatch(ctx: AlertingContext, batch: SignalBatch): Promise<void> {
  // A session's signals in order: a start must be seen before the error of the same checkout.
  // Sessions side by side: what they share (a customer's contact and LCP streak) only moves
  // forward in event time, as with several workers, and their Redis commands leave in one write
  // per turn of the event loop (the store's connection pipelines) instead of one round trip each.
  const bySession = new Map<string, Signal[]>();
  for (const signal of batch.signals) {
    const list = bySession.get(signal.session);
    if (list) list.push(signal);
    else bySession.set(signal.session, [signal]);
  }
  const results = await Promise.allSettled(
    [...bySession.values()].map(async (signals) => {
      for (const signal of signals) {
        await processSignal(ctx, signal);
        ctx.metrics.signals.inc({ type: signal.event.type });
      }
    }),
  );
  // Every session has finished before the job fails and is retried (processing is idempotent).
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

async function processSignal(ctx: AlertingContext, s: Signal): Promise<void> {
  const e = s.event;
  const { project } = s;
  switch (e.type) {
    case 'identify': {
      if (!mayTouchCustomer(ctx.project(project), s.synthetic, e.customer)) return;
      const contact: Contact = { consent: e.consent.outreach === true, updatedAt: s.eventTime };
      if (e.email) contact.email = e.email;
      if (e.language) contact.language = e.language;
      await ctx.store.saveContact(project, e.customer, contact);
      return;
    }
    case 'checkout': {
      const base: CheckoutUpdate = { id: e.id, session: s.session, at: s.eventTime };
      if (s.customer) base.customer = s.customer;
      if (e.value !== undefined) base.value = e.value;
      if (e.currency) base.currency = e.currency;
      if (e.step === 'step' && e.name) base.name = e.name;
      if (e.step === 'error' && e.reason) base.reason = e.reason;
      if (s.synthetic) base.synthetic = s.synthetic;
      if (e.step === 'start' && e.resumeUrl) base.resumeUrl = e.resumeUrl;
      if (e.step === 'start' || e.step === 'step') {
        const { applied, seq } = await ctx.checkouts.apply(project, { ...base, status: 'open' });
        if (applied) await ctx.queues.scheduleStuck({ project, checkout: e.id, seq, dueAt: s.ackedAt + ctx.config.stuckAfterMs }, ctx.config.stuckAfterMs);
        return;
      }
      const before = await ctx.checkouts.get(project, e.id);
      const { applied, seq } = await ctx.checkouts.apply(project, { ...base, status: e.step === 'complete' ? 'complete' : 'error' });
      if (applied) await ctx.queues.cancelStuck(project, e.id, seq);
      // An error older than the checkout's completion (batches out of order) lost no order.
      else if (before?.status === 'complete') return;
      const customer = s.customer ?? before?.customer;
      if (e.step === 'complete') {
        if (customer && mayTouchCustomer(ctx.project(project), s.synthetic, customer)) await ctx.store.markCompleted(project, customer, s.eventTime);
        return;
      }
      const state: Pick<CheckoutState, 'id' | 'customer' | 'value' | 'currency' | 'step' | 'synthetic'> = { id: e.id };
      if (before?.step) state.step = before.step;
      if (before?.synthetic) state.synthetic = before.synthetic;
      if (customer) state.customer = customer;
      const value = e.value ?? before?.value;
      if (value !== undefined) state.value = value;
      const currency = e.currency ?? before?.currency;
      if (currency) state.currency = currency;
      await ctx.queues.addIncident(checkoutErrorIncident(s, state));
      return;
    }
    case 'http': {
      if (!isFailedRequest(e)) return;
      const open = await ctx.checkouts.forSession(project, s.session);
      if (!open) return;
      await ctx.queues.addIncident(checkoutErrorIncident(s, open));
      return;
    }
    case 'vital': {
      if (e.name !== 'LCP' || !s.customer) return;
      const startedAt = await ctx.checkouts.advanceLcpStreak(project, s.customer, s.eventTime, isPoorLcp(e), ctx.config.slowLcpStreak);
      if (startedAt > 0) await ctx.queues.addIncident(slowIncident(s, s.customer, startedAt));
      return;
    }
    case 'error':
      // JS errors on checkout pages are context, not an incident (rules/checkout-error.ts).
      return;
    case 'nudge':
      await nudgeAnswered(ctx, s, e);
      return;
  }
}

/** The batch without the call-back phone numbers it carried (to keep in its job once handled), or undefined when it had none. */
export function withoutPhoneNumbers(batch: SignalBatch): SignalBatch | undefined {
  if (!batch.signals.some((s) => s.event.type === 'nudge' && s.event.phone !== undefined)) return undefined;
  return {
    ...batch,
    signals: batch.signals.map((s) => {
      if (s.event.type !== 'nudge' || s.event.phone === undefined) return s;
      const { phone: _, ...event } = s.event;
      return { ...s, event };
    }),
  };
}
