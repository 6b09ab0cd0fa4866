/**
 * Checkout error: a checkout event with step `error`, or a failed payment/checkout request
 * (HTTP status >= 500, or 0 for a network failure) while the session has a checkout open.
 * The collector forwards only requests made from checkout pages. JS errors alone are not an
 * incident: a checkout page with a noisy script is common and the customer may not notice;
 * the request that fails or the checkout's own error step is what loses the order.
 * One incident per checkout, however often it fails.
 */
import type { Signal } from '@touchpoint/protocol/signals';
import type { HttpEvent } from '@touchpoint/protocol';
import { joinId } from '../lib/ids.ts';
import type { CheckoutFailure } from '../interfaces/alert.ts';
import type { IncidentJob } from '../interfaces/jobs.ts';
import type { CheckoutState } from '../store/checkout-state.ts';

export const REASON = 'checkout_error' as const;

export function isFailedRequest(e: HttpEvent): boolean {
  return e.status === 0 || e.status >= 500;
}

/** What failed, from the signal: the shop's reported reason, or the failed request (path only: its query may hold anything). */
export function failureOf(signal: Signal): CheckoutFailure | undefined {
  const e = signal.event;
  if (e.type === 'checkout') return e.reason ? { kind: 'reported', reason: e.reason } : undefined;
  if (e.type !== 'http') return undefined;
  let path = e.url;
  try {
    path = new URL(e.url, signal.page).pathname;
  } catch {
    path = e.url.split(/[?#]/)[0] ?? '';
  }
  return { kind: 'request', method: e.method, path, status: e.status };
}

export function checkoutErrorIncident(signal: Signal, checkout: Pick<CheckoutState, 'id' | 'customer' | 'value' | 'currency' | 'step' | 'synthetic'>): IncidentJob {
  const customer = signal.customer ?? checkout.customer;
  const job: IncidentJob = {
    project: signal.project,
    incident: joinId(REASON, checkout.id),
    reason: REASON,
    session: signal.session,
    checkout: checkout.id,
    at: signal.eventTime,
    startedAt: signal.ackedAt,
  };
  if (customer) job.customer = customer;
  if (checkout.value !== undefined) job.value = checkout.value;
  if (checkout.currency) job.currency = checkout.currency;
  if (checkout.step) job.step = checkout.step;
  const failure = failureOf(signal);
  if (failure) job.failure = failure;
  const synthetic = signal.synthetic ?? checkout.synthetic;
  if (synthetic) job.synthetic = synthetic;
  return job;
}
