// @ts-check
/** Percentile chart: p50, p75 and p95 lines over time with the p50–p95 band filled (uPlot). */
// @ts-ignore: served from node_modules/uplot by collector/src/routes/dashboards.ts; typed just below
import uPlotModule from '../vendor/uPlot.esm.js';
/** @type {typeof import('uplot')} */
const uPlot = uPlotModule;
import { fmtMetric } from './format.js';

/**
 * @param {HTMLElement} el
 * @param {string} metric
 * @param {{ from: number, to: number, bucket: number, points: { t: number, p50: number, p75: number, p95: number, count: number }[] }} data
 */
export function percentileChart(el, metric, data) {
  // Every bucket of the window, empty ones as gaps: a missing minute is not a zero.
  const step = data.bucket * 1000;
  const byT = new Map(data.points.map((p) => [p.t, p]));
  /** @type {number[]} */ const xs = [];
  /** @type {(number | null)[][]} */ const ys = [[], [], []];
  for (let t = Math.floor(data.from / step) * step; t < data.to; t += step) {
    const p = byT.get(t);
    xs.push(t / 1000);
    ys[0]?.push(p ? p.p50 : null);
    ys[1]?.push(p ? p.p75 : null);
    ys[2]?.push(p ? p.p95 : null);
  }
  const width = Math.max(320, el.clientWidth || 900);
  const fmt = (/** @type {uPlot} */ _u, /** @type {number | null} */ v) => (v === null || v === undefined ? '–' : fmtMetric(metric, v));
  /** @type {import('uplot').Options} */
  const opts = {
    width,
    height: 260,
    scales: { x: { time: true } },
    series: [
      {},
      { label: 'p50', stroke: '#2e5aac', width: 1.5, value: fmt },
      { label: 'p75', stroke: '#b54708', width: 2, value: fmt },
      { label: 'p95', stroke: '#b42318', width: 1.5, value: fmt },
    ],
    bands: [{ series: [3, 1], fill: 'rgba(46, 90, 172, 0.12)' }],
    axes: [{}, { size: 60, values: (/** @type {uPlot} */ _u, /** @type {number[]} */ vals) => vals.map((v) => fmtMetric(metric, v)) }],
  };
  el.replaceChildren();
  return new uPlot(opts, /** @type {import('uplot').AlignedData} */ ([xs, ...ys]), el);
}
