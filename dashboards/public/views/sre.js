// @ts-check
/**
 * SRE view: is it slow, where, for whom, since when. Pass rate and p75s up top, a percentile
 * chart of one metric, breakdowns that filter on click, slow page loads to drill into, errors
 * and third parties. Every figure comes from the query API for the window in `data-from/to`.
 */
import { projectApi } from '../lib/api.js';
import { percentileChart } from '../lib/chart.js';
import { card, h, table } from '../lib/dom.js';
import { fmtBytes, fmtInt, fmtMetric, fmtPct, fmtTime, rating } from '../lib/format.js';
import { FILTERS, navigate, windowOf } from '../lib/state.js';


const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
const PHASES = ['dns', 'tcp', 'tls', 'ttfb', 'download', 'domInteractive', 'domComplete', 'load'];

/**
 * @param {HTMLElement} main
 * @param {string} project
 * @param {URLSearchParams} p
 * @param {() => boolean} stale  true once a newer render started
 */
export async function renderSre(main, project, p, stale) {
  const { from, to } = windowOf(p);
  const metric = [...VITALS, ...PHASES].includes(p.get('metric') ?? '') ? /** @type {string} */ (p.get('metric')) : 'LCP';
  /** @type {Record<string, string>} */
  const filters = {};
  for (const f of FILTERS) {
    const v = p.get(f);
    if (v) filters[f] = v;
  }
  const q = { from, to, ...filters };
  /** @type {[Promise<import('../lib/types.js').PassRate>, Promise<import('../lib/types.js').Timeseries>, Promise<import('../lib/types.js').Errors>, Promise<import('../lib/types.js').ThirdParties>, Promise<import('../lib/types.js').Sessions>]} */
  const asks = [
    projectApi(project, 'vitals-pass-rate', q),
    projectApi(project, 'timeseries', { ...q, metric }),
    projectApi(project, 'errors', { from, to }),
    projectApi(project, 'third-parties', { from, to, limit: 10 }),
    VITALS.includes(metric) ? projectApi(project, 'sessions', { ...q, metric, limit: 10 }) : Promise.resolve({ project, from, to, metric, sessions: [] }),
  ];
  /** @type {Promise<import('../lib/types.js').Breakdown>[]} */
  const breakdownAsks = FILTERS.map((by) => projectApi(project, 'breakdown', { ...q, metric, by, limit: 8 }));
  const [[pass, series, errors, thirdParties, slow], breakdowns] = await Promise.all([Promise.all(asks), Promise.all(breakdownAsks)]);
  if (stale()) return;

  const total = series.points.reduce((s, x) => s + x.count, 0);
  const chartBox = h('div', { 'data-testid': 'chart' });
  const view = h(
    'section',
    { 'data-view': 'sre', 'data-from': from, 'data-to': to, 'data-metric': metric },
    h(
      'div.cards',
      null,
      card('passRate', 'Core Web Vitals pass rate', fmtPct(pass.passRate), { raw: pass.passRate, sub: `${fmtInt(pass.good)} of ${fmtInt(pass.pageLoads)} page loads good on LCP, INP and CLS` }),
      card('lcpP75', 'LCP p75', fmtMetric('LCP', pass.p75.LCP), { raw: pass.p75.LCP, cls: rating('LCP', pass.p75.LCP), sub: 'good ≤ 2.5 s' }),
      card('inpP75', 'INP p75', fmtMetric('INP', pass.p75.INP), { raw: pass.p75.INP, cls: rating('INP', pass.p75.INP), sub: 'good ≤ 200 ms' }),
      card('clsP75', 'CLS p75', fmtMetric('CLS', pass.p75.CLS), { raw: pass.p75.CLS, cls: rating('CLS', pass.p75.CLS), sub: 'good ≤ 0.1' }),
      card('errorRate', 'Errors per page load', fmtPct(errors.errorRate), { raw: errors.errorRate, sub: `${fmtInt(errors.errors)} errors, ${fmtInt(errors.pageLoads)} page loads` }),
      card('failedRequestRate', 'Failed requests per page load', fmtPct(errors.failedRequestRate), { raw: errors.failedRequestRate, sub: `${fmtInt(errors.failedRequests)} failed requests` }),
    ),
    h(
      'div.toolbar',
      null,
      ...VITALS.map((m) => h(m === metric ? 'button.on' : 'button', { type: 'button', 'data-metric': m, onclick: () => navigate({ set: { metric: m } }) }, m)),
      h(
        'select',
        { 'aria-label': 'Navigation phase', onchange: (/** @type {Event} */ e) => navigate({ set: { metric: /** @type {HTMLSelectElement} */ (e.target).value || 'LCP' } }) },
        h('option', { value: '' }, 'navigation phase…'),
        ...PHASES.map((m) => h('option', { value: m, selected: m === metric ? '' : undefined }, m)),
      ),
      ...Object.entries(filters).map(([k, v]) => h('span.chip', { 'data-filter': k }, `${k} = ${v} `, h('button', { type: 'button', 'aria-label': `clear ${k}`, onclick: () => navigate({ set: { [k]: null } }) }, '×'))),
    ),
    h('div.panel', null, h('h3', null, `${metric} p50 / p75 / p95 (${fmtInt(total)} samples, ${series.bucket / 60}-minute buckets)`), chartBox),
    h('h2', null, `${metric} by dimension (slowest p75 first; click to filter)`),
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
            { onRow: (r) => navigate({ set: { [by]: (r).value } }) },
          ),
        ),
      ),
    ),
    h('h2', null, VITALS.includes(metric) ? `Slowest page loads by ${metric} (examples to drill into)` : 'Slowest page loads: pick a vital'),
    h(
      'div.panel',
      null,
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
          { label: 'session', value: (r) => r.session },
          { label: 'at', value: (r) => fmtTime(r.at) },
        ],
        slow.sessions,
        { testid: 'slow-sessions', onRow: (r) => navigate({ set: { path: (r).path } }) },
      ),
    ),
    h(
      'div.grid',
      null,
      h('div.panel', null, h('h3', null, 'Top error messages'), table(
        [
          { label: 'kind', value: (r) => r.kind },
          { label: 'message', value: (r) => r.message },
          { label: 'count', num: true, value: (r) => fmtInt(r.count) },
          { label: 'sessions', num: true, value: (r) => fmtInt(r.sessions) },
        ],
        errors.topMessages,
        { testid: 'top-errors' },
      )),
      h('div.panel', null, h('h3', null, 'Failing request hosts'), table(
        [
          { label: 'host', value: (r) => r.host },
          { label: 'failed', num: true, value: (r) => fmtInt(r.count) },
          { label: '5xx', num: true, value: (r) => fmtInt(r.serverErrors) },
          { label: '4xx', num: true, value: (r) => fmtInt(r.clientErrors) },
          { label: 'network', num: true, value: (r) => fmtInt(r.network) },
        ],
        errors.topHosts,
        { testid: 'failing-hosts' },
      )),
      h('div.panel', null, h('h3', null, 'Third-party hosts by bytes'), table(
        [
          { label: 'host', value: (r) => r.host },
          { label: 'bytes', num: true, value: (r) => fmtBytes(r.bytes) },
          { label: 'requests', num: true, value: (r) => fmtInt(r.requests) },
          { label: 'p95', num: true, value: (r) => fmtMetric('p95', r.p95) },
        ],
        thirdParties.rows,
        { testid: 'third-parties' },
      )),
    ),
  );
  main.replaceChildren(view);
  percentileChart(chartBox, metric, series);
}
