// @ts-check
/**
 * SRE view: is it slow, where, for whom, since when. Pass rate and p75s up top (with the change
 * against the previous period when comparing), a percentile chart of one metric with release
 * markers, breakdowns that filter on click or Enter, slow page loads, errors and failing hosts
 * whose session opens in the session view, and third parties. Every panel is asked with the
 * same window and filters, shown in `data-from/to` and in the status line.
 */
import { projectApi } from '../lib/api.js';
import { percentileChart } from '../lib/chart.js';
import { card, h, table } from '../lib/dom.js';
import { fmtBytes, fmtInt, fmtMetric, fmtPct, fmtTime, rating } from '../lib/format.js';
import { sessionLink } from '../lib/links.js';
import { DEFAULT_RANGE, FILTERS, navigate, windowOf } from '../lib/state.js';
import { zoneOf } from '../lib/time-zone.js';

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
const PHASES = ['dns', 'tcp', 'tls', 'ttfb', 'download', 'domInteractive', 'domComplete', 'load'];

/**
 * The change against the previous period, under a card: ▲/▼, how much, and the previous value;
 * green when it got better.
 * @param {HTMLElement} el the card
 * @param {number | null | undefined} now
 * @param {number | null | undefined} before
 * @param {(v: number) => string} fmt the value's format
 * @param {boolean} lowerIsBetter
 * @param {(v: number) => string} [fmtChange] the change's, when it differs (percentage points)
 */
function withDelta(el, now, before, fmt, lowerIsBetter, fmtChange = fmt) {
  if (now === null || now === undefined || before === null || before === undefined) {
    el.append(h('div.s.delta', { 'data-delta': '' }, 'previous period: –'));
    return el;
  }
  const d = Math.round((now - before) * 1e4) / 1e4;
  const better = d !== 0 && d < 0 === lowerIsBetter;
  const arrow = d > 0 ? '▲' : d < 0 ? '▼' : '=';
  el.append(h(`div.s.delta${d === 0 ? '' : better ? '.good' : '.poor'}`, { 'data-delta': String(d) }, `${arrow} ${fmtChange(Math.abs(d))} vs previous period (${fmt(before)})`));
  return el;
}

const pp = (/** @type {number} */ v) => `${(v * 100).toFixed(1)} pp`;

/**
 * @param {HTMLElement} main
 * @param {string} project
 * @param {URLSearchParams} p
 * @param {() => boolean} stale  true once a newer render started
 */
export async function renderSre(main, project, p, stale) {
  const { from, to } = windowOf(p, DEFAULT_RANGE.sre);
  const zone = zoneOf(p);
  const compare = p.get('compare') === '1';
  const metric = [...VITALS, ...PHASES].includes(p.get('metric') ?? '') ? /** @type {string} */ (p.get('metric')) : 'LCP';
  /** @type {Record<string, string>} */
  const filters = {};
  for (const f of FILTERS) {
    const v = p.get(f);
    if (v) filters[f] = v;
  }
  const q = { from, to, ...filters };
  // The period just before, as long: the same auto bucket, so the overlay lines up.
  const pq = { from: from - (to - from), to: from, ...filters };
  /** @type {[Promise<import('../lib/types.js').PassRate>, Promise<import('../lib/types.js').Timeseries>, Promise<import('../lib/types.js').Errors>, Promise<import('../lib/types.js').ThirdParties>, Promise<import('../lib/types.js').Sessions>, Promise<import('../lib/types.js').Releases>]} */
  const asks = [
    projectApi(project, 'vitals-pass-rate', q),
    projectApi(project, 'timeseries', { ...q, metric }),
    projectApi(project, 'errors', q),
    projectApi(project, 'third-parties', { ...q, limit: 10 }),
    VITALS.includes(metric) ? projectApi(project, 'sessions', { ...q, metric, limit: 10 }) : Promise.resolve({ project, from, to, metric, sessions: [] }),
    projectApi(project, 'releases', { from, to }),
  ];
  /** @type {Promise<[import('../lib/types.js').PassRate, import('../lib/types.js').Timeseries, import('../lib/types.js').Errors] | null>} */
  const previousAsks = compare
    ? Promise.all([projectApi(project, 'vitals-pass-rate', pq), projectApi(project, 'timeseries', { ...pq, metric }), projectApi(project, 'errors', pq)])
    : Promise.resolve(null);
  /** @type {Promise<import('../lib/types.js').Breakdown>[]} */
  const breakdownAsks = FILTERS.map((by) => projectApi(project, 'breakdown', { ...q, metric, by, limit: 8 }));
  const [[pass, series, errors, thirdParties, slow, releases], breakdowns, previous] = await Promise.all([Promise.all(asks), Promise.all(breakdownAsks), previousAsks]);
  if (stale()) return;
  const [prevPass, prevSeries, prevErrors] = previous ?? [];

  const total = series.points.reduce((s, x) => s + x.count, 0);
  const chartBox = h('div', { 'data-testid': 'chart', role: 'img' });
  const ms = (/** @type {string} */ m) => (/** @type {number} */ v) => fmtMetric(m, v);
  const passCard = card('passRate', 'Core Web Vitals pass rate', fmtPct(pass.passRate), { raw: pass.passRate, sub: `${fmtInt(pass.good)} of ${fmtInt(pass.pageLoads)} page loads good on LCP, INP and CLS` });
  const lcpCard = card('lcpP75', 'LCP p75', fmtMetric('LCP', pass.p75.LCP), { raw: pass.p75.LCP, cls: rating('LCP', pass.p75.LCP), sub: 'good ≤ 2.5 s' });
  const inpCard = card('inpP75', 'INP p75', fmtMetric('INP', pass.p75.INP), { raw: pass.p75.INP, cls: rating('INP', pass.p75.INP), sub: 'good ≤ 200 ms' });
  const clsCard = card('clsP75', 'CLS p75', fmtMetric('CLS', pass.p75.CLS), { raw: pass.p75.CLS, cls: rating('CLS', pass.p75.CLS), sub: 'good ≤ 0.1' });
  const errCard = card('errorRate', 'Errors per page load', fmtPct(errors.errorRate), { raw: errors.errorRate, sub: `${fmtInt(errors.errors)} errors, ${fmtInt(errors.pageLoads)} page loads` });
  const httpCard = card('failedRequestRate', 'Failed requests per page load', fmtPct(errors.failedRequestRate), { raw: errors.failedRequestRate, sub: `${fmtInt(errors.failedRequests)} failed requests` });
  if (prevPass && prevErrors) {
    withDelta(passCard, pass.passRate, prevPass.passRate, fmtPct, false, pp);
    withDelta(lcpCard, pass.p75.LCP, prevPass.p75.LCP, ms('LCP'), true);
    withDelta(inpCard, pass.p75.INP, prevPass.p75.INP, ms('INP'), true);
    withDelta(clsCard, pass.p75.CLS, prevPass.p75.CLS, ms('CLS'), true);
    withDelta(errCard, errors.errorRate, prevErrors.errorRate, fmtPct, true, pp);
    withDelta(httpCard, errors.failedRequestRate, prevErrors.failedRequestRate, fmtPct, true, pp);
  }
  const filterText = Object.entries(filters).map(([k, v]) => `${k} = ${v}`).join(', ');
  const releaseNote = releases.releases.length === 0
    ? h('p.muted', { 'data-testid': 'releases' }, 'No release reported in this window (the agent sends one with init({ release })).')
    : h('p', { 'data-testid': 'releases' }, 'Releases: ',
        ...releases.releases.map((r) => h('span.release', { 'data-release': r.release, 'data-first-at': r.firstAt }, `${r.release} (first seen ${fmtTime(r.firstAt, zone)}, ${fmtInt(r.beacons)} beacons) `)));

  const view = h(
    'section',
    { 'data-view': 'sre', 'data-from': from, 'data-to': to, 'data-metric': metric, 'data-zone': zone },
    h('p.muted', { role: 'status', 'data-testid': 'window' },
      `${fmtTime(from, zone)} – ${fmtTime(to, zone)} (${zone})${filterText ? `, ${filterText}` : ''}${compare ? ', compared with the period before' : ''}: every panel below. Updated ${fmtTime(Date.now(), zone)}.`),
    h('div.cards', null, passCard, lcpCard, inpCard, clsCard, errCard, httpCard),
    h(
      'div.toolbar',
      { role: 'toolbar', 'aria-label': 'Metric and comparison' },
      ...VITALS.map((m) => h(m === metric ? 'button.on' : 'button', { type: 'button', 'data-metric': m, 'data-focus-key': `metric:${m}`, 'aria-pressed': String(m === metric), onclick: () => navigate({ set: { metric: m } }) }, m)),
      h(
        'select',
        { 'aria-label': 'Navigation phase', 'data-focus-key': 'phase', onchange: (/** @type {Event} */ e) => navigate({ set: { metric: /** @type {HTMLSelectElement} */ (e.target).value || 'LCP' } }) },
        h('option', { value: '' }, 'navigation phase…'),
        ...PHASES.map((m) => h('option', { value: m, selected: m === metric ? '' : undefined }, m)),
      ),
      h(compare ? 'button.on' : 'button', { type: 'button', 'data-compare': '', 'data-focus-key': 'compare', 'aria-pressed': String(compare), onclick: () => navigate({ set: { compare: compare ? null : '1' } }) }, 'Compare with previous period'),
      ...Object.entries(filters).map(([k, v]) => h('span.chip', { 'data-filter': k }, `${k} = ${v} `, h('button', { type: 'button', 'aria-label': `clear filter ${k}`, 'data-focus-key': `clear:${k}`, onclick: () => navigate({ set: { [k]: null } }) }, '×'))),
    ),
    h('div.panel', { 'data-panel': 'chart' }, h('h3', null, `${metric} p50 / p75 / p95 (${fmtInt(total)} samples, ${series.bucket / 60}-minute buckets${prevSeries ? '; dashed: p75 of the period before' : ''})`), chartBox, releaseNote),
    h('h2', null, `${metric} by dimension (slowest p75 first; pick a row to filter)`),
    h(
      'div.grid',
      null,
      ...FILTERS.map((by, i) =>
        h(
          'div.panel',
          { 'data-breakdown': by },
          h('h3', null, by),
          table(
            [
              { label: by, value: (r) => r.value || '(none)' },
              { label: 'p75', num: true, value: (r) => h(`span.${rating(metric, r.p75) || 'x'}`, null, fmtMetric(metric, r.p75)) },
              { label: 'p95', num: true, value: (r) => fmtMetric(metric, r.p95) },
              { label: 'count', num: true, value: (r) => fmtInt(r.count) },
            ],
            breakdowns[i]?.rows ?? [],
            { onRow: (r) => navigate({ set: { [by]: r.value } }), rowLabel: (r) => `Filter by ${by} ${r.value || '(none)'}`, caption: `${metric} by ${by}`, testid: `breakdown-${by}` },
          ),
        ),
      ),
    ),
    h('h2', null, VITALS.includes(metric) ? `Slowest page loads by ${metric} (open a session, or pick a row to filter by its path)` : 'Slowest page loads: pick a vital'),
    h(
      'div.panel',
      { 'data-panel': 'slow-sessions' },
      table(
        [
          { label: metric, num: true, value: (r) => fmtMetric(metric, r.value) },
          { label: 'path', value: (r) => r.path },
          { label: 'device', value: (r) => r.device },
          { label: 'browser', value: (r) => r.browser },
          { label: 'country', value: (r) => r.country || '–' },
          { label: 'connection', value: (r) => r.connection || '–' },
          { label: 'LCP element', value: (r) => r.lcpTarget || '–' },
          { label: 'INP element', value: (r) => r.inpTarget || '–' },
          { label: 'session', value: (r) => sessionLink(project, r.session, r.at, zone) },
          { label: `at (${zone})`, value: (r) => fmtTime(r.at, zone) },
        ],
        slow.sessions,
        { testid: 'slow-sessions', caption: `Slowest page loads by ${metric}`, onRow: (r) => navigate({ set: { path: r.path } }), rowLabel: (r) => `Filter by path ${r.path} (${fmtMetric(metric, r.value)})` },
      ),
    ),
    h(
      'div.grid',
      null,
      h('div.panel', { 'data-panel': 'top-errors' }, h('h3', null, 'Top error messages'), table(
        [
          { label: 'kind', value: (r) => r.kind },
          { label: 'message', value: (r) => r.message },
          { label: 'count', num: true, value: (r) => fmtInt(r.count) },
          { label: 'sessions', num: true, value: (r) => fmtInt(r.sessions) },
          { label: 'latest session', value: (r) => sessionLink(project, r.session, r.lastAt, zone) },
          { label: `last (${zone})`, value: (r) => fmtTime(r.lastAt, zone) },
        ],
        errors.topMessages,
        { testid: 'top-errors', caption: 'Top error messages' },
      )),
      h('div.panel', { 'data-panel': 'failing-hosts' }, h('h3', null, 'Failing request hosts'), table(
        [
          { label: 'host', value: (r) => r.host },
          { label: 'failed', num: true, value: (r) => fmtInt(r.count) },
          { label: '5xx', num: true, value: (r) => fmtInt(r.serverErrors) },
          { label: '4xx', num: true, value: (r) => fmtInt(r.clientErrors) },
          { label: 'network', num: true, value: (r) => fmtInt(r.network) },
          { label: 'latest session', value: (r) => sessionLink(project, r.session, r.lastAt, zone) },
        ],
        errors.topHosts,
        { testid: 'failing-hosts', caption: 'Failing request hosts' },
      )),
      h('div.panel', { 'data-panel': 'third-parties' }, h('h3', null, 'Third-party hosts by bytes'), table(
        [
          { label: 'host', value: (r) => r.host },
          { label: 'bytes', num: true, value: (r) => fmtBytes(r.bytes) },
          { label: 'requests', num: true, value: (r) => fmtInt(r.requests) },
          { label: 'p95', num: true, value: (r) => fmtMetric('p95', r.p95) },
        ],
        thirdParties.rows,
        { testid: 'third-parties', caption: 'Third-party hosts by bytes' },
      )),
    ),
  );
  main.replaceChildren(view);
  const { latest, markers } = percentileChart(chartBox, metric, series, { zone, previous: prevSeries ?? null, releases: releases.releases });
  chartBox.dataset.markers = String(markers.length);
  chartBox.setAttribute('aria-label', latest
    ? `${metric} over the window; latest bucket ${fmtTime(latest.t, zone)}: p50 ${fmtMetric(metric, latest.p50)}, p75 ${fmtMetric(metric, latest.p75)}, p95 ${fmtMetric(metric, latest.p95)}`
    : `${metric} over the window: no samples`);
}
