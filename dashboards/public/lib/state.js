// @ts-check
/**
 * What the screen shows lives in the URL hash (`#sre?project=demo&range=24h&metric=LCP`), so a
 * link or a reload shows the same thing. The admin token never goes there: sessionStorage only.
 */

export const RANGES = /** @type {const} */ ({ '15m': 15 * 60e3, '1h': 3600e3, '6h': 6 * 3600e3, '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3, '90d': 90 * 86400e3 });
export const FILTERS = ['path', 'device', 'browser', 'country', 'connection'];
/**
 * The range a view opens on: the SRE view's last hour shows fresh data in one-minute buckets
 * (a day squeezed the last minutes into a sliver); the marketer view counts a day of checkouts.
 */
export const DEFAULT_RANGE = /** @type {const} */ ({ sre: '1h', marketer: '24h', session: '1h' });

/** @typedef {'sre' | 'marketer' | 'session'} View */
/** @typedef {{ view: View, params: URLSearchParams }} State */

/** @returns {State} */
export function readState() {
  const raw = location.hash.replace(/^#/, '');
  const [view, query = ''] = raw.split('?');
  const params = new URLSearchParams(query);
  params.delete('token'); // never kept, whatever a pasted link carries
  return { view: view === 'marketer' || view === 'session' ? view : 'sre', params };
}

/**
 * The link (`#view?…`) to the current state with `change` applied: for real links, which the
 * keyboard and screen readers reach like any other.
 * @param {{ view?: View, set?: Record<string, string | null> }} change
 */
export function hrefFor(change) {
  const s = readState();
  const view = change.view ?? s.view;
  for (const [k, v] of Object.entries(change.set ?? {})) {
    if (v === null || v === '') s.params.delete(k);
    else s.params.set(k, v);
  }
  const q = s.params.toString();
  return q ? `#${view}?${q}` : `#${view}`;
}

/** @param {{ view?: 'sre' | 'marketer', set?: Record<string, string | null> }} change */
export function navigate(change) {
  location.hash = hrefFor(change).slice(1);
}

/**
 * The query window of a state: `from` and `to` (epoch ms) when a link fixes them (an alert's
 * link to one checkout: `#marketer?project=shop&checkout=co-1&from=…&to=…`), else [now - range, now).
 * @param {URLSearchParams} p
 * @param {string} [dflt] the range when the state names none
 */
export function windowOf(p, dflt = '24h') {
  const fixedFrom = Number(p.get('from'));
  const fixedTo = Number(p.get('to'));
  if (p.has('from') && p.has('to') && Number.isSafeInteger(fixedFrom) && Number.isSafeInteger(fixedTo) && fixedFrom >= 0 && fixedFrom < fixedTo) {
    return { from: fixedFrom, to: fixedTo, range: 'fixed' };
  }
  const range = /** @type {keyof typeof RANGES} */ (p.get('range') ?? dflt);
  const span = RANGES[range] ?? RANGES[/** @type {keyof typeof RANGES} */ (dflt)] ?? RANGES['24h'];
  const to = Date.now();
  return { from: Math.floor(to - span), to, range };
}
