// What a visitor does, page by page (browse, maybe checkout), and what goes wrong on the way:
// uncaught errors, and the payment gateway answering 502.
import { BROWSE_PAGES, CATEGORIES, INFO_PAGES, JS_ERRORS, MAX_BROWSE_PAGES, NEXT_PAGE_PROBABILITY, PRODUCTS } from './traffic-mix.js';
import { ms } from './page-timings.js';
import { asEnum } from './schema-enums.js';

/**
 * @typedef {import('@touchpoint/protocol').BeaconEvent} BeaconEvent
 * @typedef {import('@touchpoint/protocol').CheckoutEvent} CheckoutEvent
 * @typedef {import('@touchpoint/protocol').ErrorEvent} ErrorEvent
 * @typedef {import('./random.js').Random} Random
 * @typedef {import('./schema-enums.js').SchemaEnums} SchemaEnums
 */

const PAYMENT_FAILURES = ['payment_gateway_502', 'payment_timeout', 'card_declined'];

/**
 * @typedef {{ kind: 'home' | 'category' | 'product' | 'search' | 'cart' | 'info' | 'checkout', path: string, product?: string,
 *   checkout: ('start' | 'shipping' | 'payment' | 'complete' | 'fail')[] }} PagePlan
 */

/**
 * @param {Random} rnd
 * @param {boolean} checkout
 * @param {boolean} failed
 * @returns {PagePlan[]}
 */
export function planPages(rnd, checkout, failed) {
  /** @type {PagePlan[]} */
  const pages = [];
  let n = 1;
  while (n < MAX_BROWSE_PAGES && rnd.chance(NEXT_PAGE_PROBABILITY)) n += 1;
  for (let i = 0; i < n; i++) {
    const kind = rnd.weighted(BROWSE_PAGES);
    const product = rnd.pick(PRODUCTS);
    const path =
      kind === 'home' ? '/'
      : kind === 'category' ? `/c/${rnd.pick(CATEGORIES)}${rnd.chance(0.3) ? `?page=${rnd.int(2, 5)}` : ''}`
      : kind === 'product' ? `/products/${product}${i === 0 && rnd.chance(0.4) ? '?utm_source=tv&utm_medium=broadcast' : ''}`
      : kind === 'search' ? `/search?q=${encodeURIComponent(product.split('-')[0] || 'kettle')}`
      : kind === 'cart' ? '/cart'
      : rnd.pick(INFO_PAGES);
    pages.push({ kind, path, product, checkout: [] });
  }
  if (checkout) {
    pages.push({ kind: 'product', path: `/products/${rnd.pick(PRODUCTS)}`, checkout: [] });
    pages.push({ kind: 'cart', path: '/cart', checkout: [] });
    pages.push({ kind: 'checkout', path: '/checkout', checkout: ['start'] });
    pages.push({ kind: 'checkout', path: '/checkout/shipping', checkout: ['shipping'] });
    pages.push({ kind: 'checkout', path: '/checkout/payment', checkout: failed ? ['payment', 'fail'] : ['payment'] });
    if (!failed) pages.push({ kind: 'checkout', path: '/checkout/confirmation', checkout: ['complete'] });
  }
  return pages;
}

/**
 * @param {Random} rnd
 * @param {SchemaEnums} enums
 * @param {string} site
 * @param {number} at
 * @returns {ErrorEvent}
 */
export function jsError(rnd, enums, site, at) {
  const e = rnd.pick(JS_ERRORS);
  const line = rnd.int(1, 4000);
  const col = rnd.int(1, 120);
  return {
    type: 'error',
    at: Math.round(at),
    kind: asEnum(enums.errorKinds, e.kind, 'error kind'),
    message: e.message,
    stack: `${e.message}\n    at ${e.fn} (${site}/assets/app.js:${line}:${col})\n    at ${site}/assets/app.js:${line + 40}:7`,
    source: `${site}/assets/app.js`,
    line,
    col,
  };
}

/**
 * @param {Random} rnd
 * @param {SchemaEnums} enums
 * @param {PagePlan['checkout'][number]} step
 * @param {string} id
 * @param {number} value
 * @param {string} site
 * @param {number} at
 * @returns {BeaconEvent[]}
 */
export function checkoutEvents(rnd, enums, step, id, value, site, at) {
  /** @param {string} s */
  const st = (s) => /** @type {CheckoutEvent['step']} */ (asEnum(enums.checkoutSteps, s, 'checkout step'));
  const t = Math.round(at);
  switch (step) {
    case 'start':
      return [{ type: 'checkout', at: t, step: st('start'), id, value, currency: 'AUD' }];
    case 'shipping':
    case 'payment':
      return [{ type: 'checkout', at: t, step: st('step'), id, name: step }];
    case 'complete':
      return [{ type: 'checkout', at: t, step: st('complete'), id, value, currency: 'AUD', orderId: `ord-${id.slice(3)}` }];
    case 'fail': {
      // A payment gateway answering 502: the failed request, the error the shop's code throws,
      // and the checkout error step, as the agent reports them.
      const duration = ms(rnd.logNormal(3000, 0.4));
      return [
        { type: 'http', at: t, method: 'POST', url: `${site}/api/pay`, status: 502, duration },
        {
          type: 'error',
          at: t + duration + 5,
          kind: asEnum(enums.errorKinds, 'promise', 'error kind'),
          message: 'Payment failed: 502',
          stack: `Error: Payment failed: 502\n    at pay (${site}/assets/checkout.js:210:11)`,
          source: `${site}/assets/checkout.js`,
          line: 210,
          col: 11,
        },
        { type: 'checkout', at: t + duration + 10, step: st('error'), id, reason: rnd.pick(PAYMENT_FAILURES) },
      ];
    }
  }
}
