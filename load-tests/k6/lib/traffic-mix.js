// The shape of a shop's evening traffic: who visits with what, which pages, which third parties.
// Numbers are round figures in the range public RUM reports give for retail sites (mobile-heavy,
// Safari on iOS and Chrome on Android dominating); tune them to your own site's analytics.

/** @typedef {'mobile' | 'desktop' | 'tablet'} DeviceClass */

/**
 * @typedef {object} Client
 * @property {string} name
 * @property {DeviceClass} device
 * @property {boolean} reportsConnection Chromium exposes navigator.connection, Safari and Firefox do not
 * @property {string} userAgent
 */

/** @type {readonly (readonly [Client, number])[]} */
export const CLIENTS = [
  [{ name: 'safari-ios', device: 'mobile', reportsConnection: false, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1' }, 30],
  [{ name: 'chrome-android', device: 'mobile', reportsConnection: true, userAgent: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Mobile Safari/537.36' }, 22],
  [{ name: 'samsung-internet', device: 'mobile', reportsConnection: true, userAgent: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36' }, 6],
  [{ name: 'chrome-windows', device: 'desktop', reportsConnection: true, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36' }, 20],
  [{ name: 'edge-windows', device: 'desktop', reportsConnection: true, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0' }, 6],
  [{ name: 'safari-macos', device: 'desktop', reportsConnection: false, userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Safari/605.1.15' }, 6],
  [{ name: 'chrome-macos', device: 'desktop', reportsConnection: true, userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36' }, 4],
  [{ name: 'firefox-windows', device: 'desktop', reportsConnection: false, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:144.0) Gecko/20100101 Firefox/144.0' }, 2],
  [{ name: 'safari-ipados', device: 'tablet', reportsConnection: false, userAgent: 'Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1' }, 4],
];

/**
 * Device speed relative to the overall median. Chosen so that the weighted geometric mean over
 * CLIENTS is ~1.0 (0.58·ln 1.15 + 0.38·ln 0.8 ≈ 0): the mix keeps the overall medians in VITALS.
 * @type {Record<DeviceClass, number>}
 */
export const DEVICE_SLOWDOWN = { mobile: 1.15, desktop: 0.8, tablet: 1.0 };

/** navigator.connection.effectiveType among browsers that report it. */
export const CONNECTIONS = /** @type {const} */ ([
  ['4g', 86],
  ['3g', 7],
  ['2g', 1],
  ['slow-2g', 0.5],
  ['unknown', 5.5],
]);

/** `Accept-Language` per session; `language` of identify events follows it. */
export const LANGUAGES = /** @type {const} */ ([
  ['en-AU', 70],
  ['en-GB', 8],
  ['zh-CN', 7],
  ['en-US', 6],
  ['vi-VN', 3],
  ['it-IT', 2],
  ['el-GR', 2],
  ['ar', 2],
]);

/**
 * Field distributions of the Core Web Vitals: log-normal around real-world medians (CrUX-like
 * for a mid-sized retail site), sigma in log space. Thresholds are the web-vitals ones
 * (good ≤ first, poor > second) used for `rating`.
 * @type {Record<string, { median: number, sigma: number, good: number, poor: number, decimals: number }>}
 */
export const VITALS = {
  LCP: { median: 2200, sigma: 0.55, good: 2500, poor: 4000, decimals: 0 },
  INP: { median: 150, sigma: 0.8, good: 200, poor: 500, decimals: 0 },
  CLS: { median: 0.05, sigma: 1.1, good: 0.1, poor: 0.25, decimals: 4 },
  FCP: { median: 1400, sigma: 0.5, good: 1800, poor: 3000, decimals: 0 },
  TTFB: { median: 500, sigma: 0.7, good: 800, poor: 1800, decimals: 0 },
};

/** Correlation between a page's vitals: a slow page is slow in every metric. */
export const VITAL_CORRELATION = 0.6;

export const PRODUCTS = [
  'blue-kettle', 'red-toaster', 'oak-chopping-board', 'linen-apron', 'chef-knife-20cm',
  'cast-iron-pan', 'espresso-machine', 'milk-frother', 'tea-infuser', 'glass-teapot',
  'salad-spinner', 'stand-mixer', 'bread-tin', 'ceramic-mug-set', 'spice-rack',
  'pepper-grinder', 'wok-32cm', 'rice-cooker', 'dutch-oven', 'baking-sheet',
];

export const CATEGORIES = ['kitchen', 'coffee-tea', 'cookware', 'bakeware', 'appliances', 'gifts', 'sale'];

/** Landing and browsing pages, weight per page view outside checkout. */
export const BROWSE_PAGES = /** @type {const} */ ([
  ['home', 20],
  ['category', 20],
  ['product', 40],
  ['search', 10],
  ['cart', 5],
  ['info', 5],
]);

export const INFO_PAGES = ['/help/delivery', '/help/returns', '/about', '/stores'];

/**
 * Third parties whose resource timings the agent sums up per host, with the share of pages
 * that load from them. `checkout` hosts load on every checkout page.
 * @type {readonly { host: string, share: number, medianCount: number, medianBytes: number, checkout?: boolean }[]}
 */
export const THIRD_PARTIES = [
  { host: 'cdn.shop.example', share: 1, medianCount: 12, medianBytes: 420000 },
  { host: 'www.googletagmanager.com', share: 0.7, medianCount: 2, medianBytes: 110000 },
  { host: 'fonts.gstatic.com', share: 0.6, medianCount: 3, medianBytes: 60000 },
  { host: 'connect.facebook.net', share: 0.3, medianCount: 2, medianBytes: 95000 },
  { host: 'static.hotjar.com', share: 0.15, medianCount: 3, medianBytes: 80000 },
  { host: 'js.stripe.com', share: 0.1, medianCount: 4, medianBytes: 150000, checkout: true },
];

/** Share of sessions that go through checkout, and of those that fail at payment. */
export const CHECKOUT_SESSION_SHARE = 0.05;
export const CHECKOUT_FAILURE_SHARE = 0.15;
/** Share of checkout sessions / other sessions whose customer is logged in (identify). */
export const IDENTIFIED_CHECKOUT_SHARE = 0.6;
export const IDENTIFIED_BROWSE_SHARE = 0.08;
/** Share of identified customers who agreed to be contacted. */
export const OUTREACH_CONSENT_SHARE = 0.7;

/** Probability to view one more page (geometric: ~2.9 pages per session on average). */
export const NEXT_PAGE_PROBABILITY = 0.65;
export const MAX_BROWSE_PAGES = 12;
/** Share of pages with an interaction (INP is only reported after one). */
export const INTERACTION_SHARE = 0.75;
/** Share of pages with an uncaught JS error, and with a failed background request. */
export const JS_ERROR_SHARE = 0.03;
export const HTTP_FAILURE_SHARE = 0.01;

export const JS_ERRORS = /** @type {const} */ ([
  { kind: 'js', message: "TypeError: Cannot read properties of undefined (reading 'price')", fn: 'renderPrice' },
  { kind: 'js', message: 'ReferenceError: dataLayer is not defined', fn: 'track' },
  { kind: 'promise', message: 'NetworkError when attempting to fetch resource.', fn: 'loadReviews' },
  { kind: 'promise', message: 'AbortError: The user aborted a request.', fn: 'search' },
]);
