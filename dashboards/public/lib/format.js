// @ts-check
/** Number formats shared by the views, so the same figure reads the same everywhere. */

/** @param {string} metric @param {number | null | undefined} v */
export function fmtMetric(metric, v) {
  if (v === null || v === undefined) return '–';
  if (metric === 'CLS') return v.toFixed(3);
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
}

/** @param {number | null | undefined} v share 0..1 */
export function fmtPct(v, digits = 1) {
  return v === null || v === undefined ? '–' : `${(v * 100).toFixed(digits)} %`;
}

/** @param {number} n */
export function fmtInt(n) {
  return n.toLocaleString('en-US');
}

/** @param {number} v @param {string} currency */
export function fmtMoney(v, currency) {
  return `${currency || ''} ${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`.trim();
}

/** @param {number} bytes */
export function fmtBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** @param {number} ms epoch */
export function fmtTime(ms) {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + 'Z';
}

/**
 * Core Web Vitals thresholds (good, poor) per vital: protocol/vitals.json, the one table every
 * role reads, served beside uPlot.
 * @type {Record<string, [number, number]>}
 */
export const THRESHOLDS = await (await fetch(new URL('../vendor/vitals.json', import.meta.url))).json();

/** @param {string} metric @param {number | null | undefined} v @returns {string} */
export function rating(metric, v) {
  const t = THRESHOLDS[metric];
  if (!t || v === null || v === undefined) return '';
  return v <= t[0] ? 'good' : v <= t[1] ? 'needs-improvement' : 'poor';
}
