/**
 * A shop page instrumented the way Grafana's docs tell a Faro user to: the published
 * @grafana/faro-web-sdk with its default web instrumentations (errors, web-vitals, session,
 * performance, …), pointed at Touchpoint with `?collector=`. Checkout follows the convention in
 * docs/faro-compat.md: pushEvent('checkout', …) and pushError(…, { context: { checkout } }).
 */
import { getWebInstrumentations, initializeFaro } from '@grafana/faro-web-sdk';
import { API, shopActions } from './shop-actions.ts';

const params = new URLSearchParams(location.search);
const collector = params.get('collector') ?? '';
const key = params.get('key');
const path = params.get('path') === 'app-key' && key ? `/collect/${encodeURIComponent(key)}` : '/collect';

const faro = initializeFaro({
  url: `${collector}${path}`,
  ...(key && params.get('path') !== 'app-key' ? { apiKey: key } : {}),
  app: { name: 'faro-shop', version: '1.0.0', environment: 'test' },
  instrumentations: getWebInstrumentations({ captureConsole: false }),
  // A short batch window so a test does not wait for Faro's default 250 ms more than once.
  batching: { sendTimeout: 100 },
});

const actions = shopActions();
Object.assign(window, {
  shop: {
    ...actions,
    /** As a shop would once the visitor signs in: the customer id, email and consent. */
    identify(id: string, email: string, consent: boolean) {
      faro.api.setUser({ id, email, attributes: { outreachConsent: String(consent), language: 'en-AU' } });
    },
    startCheckout(id: string) {
      faro.api.pushEvent('checkout', { step: 'start', id, value: '149.95', currency: 'AUD' });
    },
    async pay(id: string) {
      faro.api.pushEvent('checkout', { step: 'step', id, name: 'payment' });
      const res = await fetch(API.pay, { method: 'POST', body: '{"card":"tok_visa"}' });
      await res.text();
      if (!res.ok) faro.api.pushError(new Error(`Payment failed: ${res.status}`), { context: { checkout: id } });
      return res.status;
    },
    /** The payment provider declines without any request failing: only pushError says so. */
    decline(id: string) {
      faro.api.pushEvent('checkout', { step: 'step', id, name: 'payment' });
      faro.api.pushError(new Error('Card declined'), { context: { checkout: id, reason: 'card_declined' } });
    },
    coupon() {
      faro.api.pushEvent('coupon_applied', { code: 'SPRING', percent: '10' });
    },
  },
});
