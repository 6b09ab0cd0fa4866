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

/** @type {Map<string, Intl.DateTimeFormat>} */
const zoned = new Map();

/**
 * `2026-11-24 13:05:09Z` in UTC, `2026-11-24 14:05:09` in another IANA zone (the picker says
 * which): the chart's axis and every table tell the time in the same zone.
 * @param {number} ms epoch @param {string} [zone]
 */
export function fmtTime(ms, zone = 'UTC') {
  if (zone === 'UTC') return new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + 'Z';
  let f = zoned.get(zone);
  if (!f) {
    // sv-SE writes dates as ISO does: 2026-11-24 14:05:09.
    f = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    zoned.set(zone, f);
  }
  return f.format(ms);
}

/**
 * A chart tick in the screen's zone, 24-hour like the tables: `14:05`, with the date
 * (`11-24 14:05`) when the window spans more than a day.
 * @param {number} ms epoch @param {string} zone @param {boolean} withDate
 */
export function fmtTick(ms, zone, withDate) {
  const t = fmtTime(ms, zone);
  return withDate ? t.slice(5, 16) : t.slice(11, 16);
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

/**
 * Below this many, a share or an average is left unsaid ("not enough data"): with nine customers
 * one more or one fewer moves a share by over ten points.
 */
export const ENOUGH = 10;

/** `42.0 %`, or `not enough data` when `of` is under ENOUGH. @param {number} n @param {number} of */
export function fmtShare(n, of) {
  return of < ENOUGH ? 'not enough data' : fmtPct(n / of);
}
