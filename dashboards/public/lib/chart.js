// @ts-check
/**
 * Percentile chart: p50, p75 and p95 lines over time with the p50–p95 band filled (uPlot); the
 * previous period's p75 dashed when comparing; release markers. The legend shows the latest
 * bucket until the cursor points elsewhere, the axis tells time in the screen's zone, and the
 * chart follows its box's width.
 */
// @ts-ignore: served from node_modules/uplot by collector/src/routes/dashboards.ts; typed just below
import uPlotModule from '../vendor/uPlot.esm.js';
/** @type {typeof import('uplot')} */
const uPlot = uPlotModule;
import { fmtMetric, fmtTick, fmtTime } from './format.js';

const HEIGHT = 260;

/**
 * @typedef {{ from: number, to: number, bucket: number, points: { t: number, p50: number, p75: number, p95: number, count: number }[] }} Series
 * @typedef {import('./types.js').Release} Release
 */

/**
 * Releases worth a marker: those that appeared inside the window. The earliest one, seen from the
 * window's first bucket on, was already running: no marker for it.
 * @param {Series} data @param {Release[]} releases
 */
export function releaseMarkers(data, releases) {
  const step = data.bucket * 1000;
  return releases.filter((r, i) => r.firstAt >= data.from && r.firstAt < data.to && !(i === 0 && r.firstAt < data.from + step));
}

/**
 * @param {HTMLElement} el
 * @param {string} metric
 * @param {Series} data
 * @param {{ zone?: string, previous?: Series | null, releases?: Release[] }} [o]
 */
export function percentileChart(el, metric, data, o = {}) {
  const zone = o.zone ?? 'UTC';
  // Every bucket of the window, empty ones as gaps: a missing minute is not a zero.
  const step = data.bucket * 1000;
  const x0 = Math.floor(data.from / step) * step;
  const byT = new Map(data.points.map((p) => [p.t, p]));
  /** @type {number[]} */ const xs = [];
  /** @type {(number | null)[][]} */ const ys = [[], [], [], []];
  for (let t = x0; t < data.to; t += step) {
    const p = byT.get(t);
    xs.push(t / 1000);
    ys[0]?.push(p ? p.p50 : null);
    ys[1]?.push(p ? p.p75 : null);
    ys[2]?.push(p ? p.p95 : null);
    ys[3]?.push(null);
  }
  // The previous period laid over this one: each of its buckets moved forward by the shift.
  const prev = o.previous;
  if (prev) {
    const shift = data.from - prev.from;
    for (const p of prev.points) {
      const i = Math.round((p.t + shift - x0) / step);
      if (i >= 0 && i < xs.length) /** @type {(number | null)[]} */ (ys[3])[i] = p.p75;
    }
  }
  let last = -1;
  ys[1]?.forEach((v, i) => {
    if (v !== null) last = i;
  });
  const markers = releaseMarkers(data, o.releases ?? []);

  const fmt = (/** @type {uPlot} */ _u, /** @type {number | null} */ v) => (v === null || v === undefined ? '–' : fmtMetric(metric, v));
  /** Latest values until the cursor points at a bucket, and again once it leaves. @param {uPlot} u */
  const showLatest = (u) => {
    if (u.legend.idx === null || u.legend.idx === undefined) {
      if (last >= 0) u.setLegend({ idx: last }, false);
    }
  };
  /** @param {uPlot} u */
  const drawReleases = (u) => {
    const { ctx } = u;
    ctx.save();
    ctx.strokeStyle = '#6941c6';
    ctx.fillStyle = '#6941c6';
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    for (const r of markers) {
      const x = u.valToPos(r.firstAt / 1000, 'x', true);
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillText(r.release, x + 3 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
    }
    ctx.restore();
  };
  /** @type {import('uplot').Options} */
  const opts = {
    width: Math.max(320, el.clientWidth || 900),
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), zone),
    scales: { x: { time: true } },
    series: [
      { label: 'bucket', value: (/** @type {uPlot} */ _u, /** @type {number | null} */ v) => (v === null || v === undefined ? '–' : fmtTime(v * 1000, zone)) },
      { label: 'p50', stroke: '#2e5aac', width: 1.5, value: fmt },
      { label: 'p75', stroke: '#b54708', width: 2, value: fmt },
      { label: 'p95', stroke: '#b42318', width: 1.5, value: fmt },
      // Only when comparing: a legend entry for a line that is not there would read as missing data.
      ...(prev ? [{ label: 'p75, previous period', stroke: '#667085', width: 1.5, dash: [6, 4], value: fmt }] : []),
    ],
    bands: [{ series: [3, 1], fill: 'rgba(46, 90, 172, 0.12)' }],
    axes: [
      { label: `time (${zone})`, values: (/** @type {uPlot} */ _u, /** @type {number[]} */ ticks) => ticks.map((t) => fmtTick(t * 1000, zone, data.to - data.from > 86_400_000)) },
      { size: 60, values: (/** @type {uPlot} */ _u, /** @type {number[]} */ vals) => vals.map((v) => fmtMetric(metric, v)) },
    ],
    hooks: { setLegend: [showLatest], draw: [drawReleases] },
  };
  el.replaceChildren();
  const u = new uPlot(opts, /** @type {import('uplot').AlignedData} */ ([xs, ...(prev ? ys : ys.slice(0, 3))]), el);
  showLatest(u);
  // uPlot's legend is a table of series (row headers) and their values: say so to screen readers.
  const legend = u.root.querySelector('.u-legend');
  legend?.setAttribute('aria-label', `${metric} legend: the latest bucket, or the one the cursor points at`);
  legend?.querySelectorAll('th').forEach((th) => th.setAttribute('scope', 'row'));
  // Follows the box's width (the window resized, a side panel opened); gone with the box.
  const ro = new ResizeObserver(() => {
    if (!el.isConnected) {
      ro.disconnect();
      u.destroy();
      return;
    }
    const width = Math.max(320, el.clientWidth);
    if (width !== u.width) u.setSize({ width, height: HEIGHT });
  });
  ro.observe(el);
  return { chart: u, latest: last >= 0 ? { t: /** @type {number} */ (xs[last]) * 1000, p50: ys[0]?.[last] ?? null, p75: ys[1]?.[last] ?? null, p95: ys[2]?.[last] ?? null } : null, markers };
}
