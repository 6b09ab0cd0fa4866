// One page view's timings as a browser reports them: Core Web Vitals drawn log-normal around
// real-world medians and correlated within the page, navigation phases consistent with them,
// ratings and attribution as web-vitals' attribution build gives them.
import { VITAL_CORRELATION, VITALS } from './traffic-mix.js';
import { asEnum } from './schema-enums.js';

/**
 * @typedef {import('@touchpoint/protocol').VitalEvent} VitalEvent
 * @typedef {import('@touchpoint/protocol').VitalName} VitalName
 * @typedef {import('@touchpoint/protocol').NavEvent} NavEvent
 * @typedef {import('./random.js').Random} Random
 * @typedef {import('./schema-enums.js').SchemaEnums} SchemaEnums
 * @typedef {import('./journey.js').PagePlan} PagePlan
 */

export const NAVIGATION_TYPES = /** @type {const} */ ([
  ['navigate', 85],
  ['back-forward', 7],
  ['back-forward-cache', 3],
  ['reload', 5],
]);
/** The nav fields drawNav() fills; checked against the schema's required list at start. */
export const NAV_PHASES_DRAWN = ['dns', 'tcp', 'tls', 'ttfb', 'download', 'domInteractive', 'domComplete', 'load'];
export const CLS_TARGETS = ['div.reviews', 'img.promo-banner', 'section.recommendations', 'footer', 'div.cookie-banner'];
const INP_TARGETS = ['button.add-to-cart', 'nav>a.menu', 'form#search>input', 'ul.filters>li>label', 'button#pay', 'div.gallery>img'];

/**
 * Draws the page's vitals in ms (CLS unitless), correlated through one page-level factor and
 * kept in the order the browser produces them (TTFB ≤ FCP ≤ LCP).
 * @param {Random} rnd
 * @param {number} slowdown
 * @returns {Record<VitalName, number>}
 */
export function drawVitals(rnd, slowdown) {
  const pageZ = rnd.normal();
  const own = Math.sqrt(1 - VITAL_CORRELATION * VITAL_CORRELATION);
  /** @param {string} name */
  const draw = (name) => {
    const d = VITALS[name];
    if (!d) throw new Error(`TP_LOAD_NO_DISTRIBUTION: no distribution for vital ${name}: add it to VITALS in traffic-mix.js`);
    const z = VITAL_CORRELATION * pageZ + own * rnd.normal();
    // Layout shift does not depend on the device's speed.
    const scale = name === 'CLS' ? 1 : slowdown;
    const f = 10 ** d.decimals;
    return Math.round(d.median * scale * Math.exp(d.sigma * z) * f) / f;
  };
  const TTFB = Math.max(5, draw('TTFB'));
  const FCP = Math.max(TTFB + 30, draw('FCP'));
  const LCP = Math.max(FCP, draw('LCP'));
  return { TTFB, FCP, LCP, INP: Math.max(8, draw('INP')), CLS: draw('CLS') };
}

/**
 * @param {Random} rnd
 * @param {Record<VitalName, number>} v
 * @param {boolean} coldConnection
 * @param {number} at
 * @returns {NavEvent}
 */
export function drawNav(rnd, v, coldConnection, at) {
  const cold = coldConnection || rnd.chance(0.1);
  const dns = cold ? ms(rnd.logNormal(20, 0.8)) : 0;
  const tcp = cold ? ms(rnd.logNormal(30, 0.6)) : 0;
  const tls = cold ? ms(rnd.logNormal(40, 0.6)) : 0;
  const download = ms(rnd.logNormal(40, 0.8));
  const domInteractive = v.TTFB + download + ms(rnd.logNormal(500, 0.5));
  const domComplete = domInteractive + ms(rnd.logNormal(700, 0.6));
  const load = domComplete + ms(rnd.logNormal(20, 0.8));
  return {
    type: 'nav',
    at,
    dns,
    tcp,
    tls,
    ttfb: v.TTFB,
    download,
    domInteractive,
    domComplete,
    load,
    transferSize: Math.round(rnd.logNormal(45000, 0.5)),
  };
}

/**
 * @param {SchemaEnums} enums
 * @param {VitalName} name
 * @param {number} value
 * @param {number} at
 * @param {string} navigationType
 * @returns {VitalEvent}
 */
export function vital(enums, name, value, at, navigationType) {
  asEnum(enums.vitalNames, name, 'vital');
  const d = VITALS[name];
  /** @type {VitalEvent} */
  const e = { type: 'vital', at: Math.round(at), name, value };
  if (d) e.rating = value <= d.good ? 'good' : value <= d.poor ? 'needs-improvement' : 'poor';
  if (enums.navigationTypes.includes(navigationType)) e.navigationType = /** @type {VitalEvent['navigationType']} */ (navigationType);
  return e;
}

/**
 * LCP phases as web-vitals' attribution build reports them; they add up to the LCP value.
 * @param {Random} rnd
 * @param {PagePlan} page
 * @param {Record<VitalName, number>} v
 */
export function lcpAttribution(rnd, page, v) {
  const rest = Math.max(0, v.LCP - v.TTFB);
  const a = rnd.next();
  const b = rnd.next() * (1 - a);
  const loadDelay = Math.round(rest * a * 0.5);
  const loadDuration = Math.round(rest * b);
  const renderDelay = Math.max(0, Math.round(rest - loadDelay - loadDuration));
  const image = page.kind === 'product' || page.kind === 'home' || page.kind === 'category';
  /** @type {NonNullable<import('@touchpoint/protocol').VitalEvent['attribution']>} */
  const attribution = {
    target: page.kind === 'product' ? 'main>img.product-hero' : page.kind === 'home' ? 'section.hero>img' : page.kind === 'category' ? 'ul.grid>li:first-child img' : 'main>h1',
  };
  if (image) attribution.url = `https://cdn.shop.example/img/${page.product || 'hero'}.webp`;
  attribution.phases = { ttfb: v.TTFB, loadDelay, loadDuration, renderDelay };
  return attribution;
}

/**
 * @param {Random} rnd
 * @param {number} inp
 */
export function inpAttribution(rnd, inp) {
  const inputDelay = Math.round(inp * rnd.next() * 0.3);
  const processingDuration = Math.round((inp - inputDelay) * (0.3 + rnd.next() * 0.5));
  return {
    target: rnd.pick(INP_TARGETS),
    phases: { inputDelay, processingDuration, presentationDelay: Math.max(0, inp - inputDelay - processingDuration) },
  };
}

/** @param {number} x */
export function ms(x) {
  return Math.min(86400000, Math.max(0, Math.round(x)));
}
