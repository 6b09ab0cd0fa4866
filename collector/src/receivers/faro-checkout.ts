/**
 * The checkout convention for Faro users (docs/faro-compat.md), so their failed checkouts reach
 * the rescue worker as the agent's `checkout.*` calls do:
 *
 *   faro.api.pushEvent('checkout', { step: 'start', id: 'co-1', value: '149.95', currency: 'AUD' })
 *   faro.api.pushEvent('checkout', { step: 'step' | 'error' | 'complete', id: 'co-1', name?, reason?, orderId? })
 *   faro.api.pushError(err, { context: { checkout: 'co-1', reason?: 'payment_declined' } })
 *
 * The last is an error event and the checkout's `error` step at once. Faro attributes are
 * strings: `value` is read as a number. The events are checked by the beacon validator, which
 * says what is wrong with a bad step or currency.
 */
import type { CheckoutEvent } from '@touchpoint/protocol';
import type { FaroEvent, FaroException } from './faro-payload.ts';

export const CHECKOUT_EVENT = 'checkout';
/** Longest reason the protocol takes. */
const MAX_REASON = 512;

export function faroCheckout(e: FaroEvent, at: number): CheckoutEvent {
  const a = e.attributes ?? {};
  const c = { type: 'checkout', at, step: a.step, id: a.id } as CheckoutEvent;
  for (const key of ['name', 'reason', 'currency', 'orderId'] as const) {
    if (a[key] !== undefined) (c as unknown as Record<string, unknown>)[key] = a[key];
  }
  if (a.value !== undefined) {
    const n = Number(a.value);
    // A value that is no number is passed on as it is, for the validator to name.
    c.value = a.value === '' || !Number.isFinite(n) ? (a.value as number) : n;
  }
  return c;
}

/** The checkout an exception names in its context, as that checkout's `error` step. */
export function faroCheckoutError(x: FaroException, at: number): CheckoutEvent | undefined {
  const id = x.context?.checkout;
  if (id === undefined) return undefined;
  const reason = String(x.context?.reason ?? `${x.type}: ${x.value}`).slice(0, MAX_REASON);
  return { type: 'checkout', at, step: 'error', id: String(id), reason };
}
