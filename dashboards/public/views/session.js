// @ts-check
/**
 * Session view (`#session?project=…&session=…&from=…&to=…`): one visit as it happened. Who and on
 * what (device, browser, country, connection, release), then one timeline of everything the
 * session sent, in event time: pages, page loads, vitals with their phases and elements,
 * errors with stacks, failed requests, checkout steps, survey answers and the outreach it led
 * to; resources by host beside it. Figures are the API's (`…/sessions/:session`), as it gives them.
 */
import { projectApi } from '../lib/api.js';
import { h, table } from '../lib/dom.js';
import { fmtBytes, fmtInt, fmtMetric, fmtMoney, fmtTime, rating } from '../lib/format.js';
import { DEFAULT_RANGE, windowOf } from '../lib/state.js';
import { SURVEYS, triggerWords } from '../lib/words.js';
import { zoneOf } from '../lib/time-zone.js';

/** @typedef {import('../lib/types.js').Session} Session */
/** @typedef {{ at: number, kind: string, path: string, what: string | Node, detail: string | Node, cls?: string }} Entry */

/** `ttfb 320 ms · loadDelay 900 ms · …`, in the order the agent sent them. @param {Record<string, number>} phases */
const phasesText = (phases) => Object.entries(phases).map(([k, v]) => `${k} ${fmtMetric(k, v)}`).join(' · ');

/** @param {Session} s @param {string} zone @returns {Entry[]} */
function timeline(s, zone) {
  /** @type {Entry[]} */
  const out = [];
  for (const p of s.pages) out.push({ at: p.firstAt, kind: 'page', path: p.path, what: 'page', detail: `${p.url} (${fmtInt(p.beacons)} beacon${p.beacons === 1 ? '' : 's'}, the last received ${fmtTime(p.lastAt, zone)})` });
  for (const n of s.navigations) {
    out.push({ at: n.at, kind: 'navigation', path: n.path, what: `page load ${fmtMetric('load', n.load)}`,
      detail: `dns ${fmtMetric('dns', n.dns)} · tcp ${fmtMetric('tcp', n.tcp)} · tls ${fmtMetric('tls', n.tls)} · ttfb ${fmtMetric('ttfb', n.ttfb)} · download ${fmtMetric('download', n.download)} · DOM interactive ${fmtMetric('domInteractive', n.domInteractive)} · DOM complete ${fmtMetric('domComplete', n.domComplete)} · ${fmtBytes(n.transferSize)}` });
  }
  for (const v of s.vitals) {
    const parts = [v.target && `element ${v.target}`, v.url && `resource ${v.url}`, Object.keys(v.phases).length ? phasesText(v.phases) : ''].filter(Boolean);
    out.push({ at: v.at, kind: 'vital', path: v.path, what: h(`span.${rating(v.name, v.value) || 'x'}`, { 'data-vital': v.name, 'data-value': v.value }, `${v.name} ${fmtMetric(v.name, v.value)}`), detail: parts.join(' · ') || '–' });
  }
  for (const e of s.errors) {
    const where = e.source ? `${e.source}:${e.line}:${e.col}` : '';
    out.push({ at: e.at, kind: 'error', path: e.path, cls: 'poor', what: `${e.kind} error`,
      detail: e.stack ? h('details', null, h('summary', null, e.message, where ? ` (${where})` : ''), h('pre.stack', null, e.stack)) : `${e.message}${where ? ` (${where})` : ''}` });
  }
  for (const r of s.requests) {
    out.push({ at: r.at, kind: 'request', path: r.path, cls: 'poor', what: `${r.method} ${r.status === 0 ? 'network error' : r.status}`, detail: `${r.url} after ${fmtMetric('duration', r.duration)}` });
  }
  for (const c of s.checkouts) {
    const step = c.step === 'step' ? `step ${c.name}` : c.step;
    const bits = [c.value ? fmtMoney(c.value, c.currency) : '', c.reason && `reason ${c.reason}`, c.orderId && `order ${c.orderId}`].filter(Boolean);
    out.push({ at: c.at, kind: 'checkout', path: c.path, cls: c.step === 'error' ? 'poor' : c.step === 'complete' ? 'good' : '', what: `checkout ${step}`, detail: `${c.checkout}${bits.length ? ` · ${bits.join(' · ')}` : ''}` });
  }
  for (const f of s.feedback) {
    const survey = SURVEYS[/** @type {keyof typeof SURVEYS} */ (f.survey)];
    const high = survey?.scale[1] ?? 10;
    const bits = [triggerWords(f.trigger), f.checkout && `${f.checkout}${f.step ? ` at ${f.step}` : ''}`, f.comment && `“${f.comment}”`].filter(Boolean);
    out.push({ at: f.at, kind: 'feedback', path: f.path, what: `${survey?.short ?? f.survey} ${f.score} of ${high}`, detail: bits.join(' · ') });
  }
  for (const o of s.outreach) {
    out.push({ at: o.at, kind: 'outreach', path: '', what: `outreach ${o.status}`, detail: `${o.reason} by ${o.channel}${o.skipReason ? ` (${o.skipReason})` : ''}${o.checkout ? ` · ${o.checkout}` : ''}` });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Lists the API cut at its limit say so: how many of how many. @param {Session} s */
function truncation(s) {
  /** @type {[string, number, string][]} */
  const lists = [['vital', s.vitals.length, 'vitals'], ['nav', s.navigations.length, 'page loads'], ['error', s.errors.length, 'errors'], ['http', s.requests.length, 'failed requests'], ['checkout', s.checkouts.length, 'checkout events'], ['feedback', s.feedback.length, 'survey answers']];
  const cut = lists.filter(([type, n]) => (s.counts[type] ?? 0) > n).map(([type, n, label]) => `the first ${fmtInt(n)} of ${fmtInt(s.counts[type] ?? 0)} ${label}`);
  return cut.length ? h('p.muted', { 'data-testid': 'truncated' }, `Showing ${cut.join(', ')}.`) : null;
}

/**
 * @param {HTMLElement} main
 * @param {string} project
 * @param {URLSearchParams} p
 * @param {() => boolean} stale
 */
export async function renderSession(main, project, p, stale) {
  const id = p.get('session') ?? '';
  const { from, to } = windowOf(p, DEFAULT_RANGE.session);
  const zone = zoneOf(p);
  const back = new URLSearchParams({ project });
  if (zone !== 'UTC') back.set('tz', zone);
  if (!id) {
    main.replaceChildren(h('section', { 'data-view': 'session' }, h('p.err', { role: 'alert' }, 'No session named: open one from a row of the SRE view.')));
    return;
  }
  /** @type {Session} */
  const s = await projectApi(project, `sessions/${encodeURIComponent(id)}`, { from, to });
  if (stale()) return;
  const entries = timeline(s, zone);
  /** @param {string} label @param {string} value @param {string} key */
  const fact = (label, value, key) => [h('dt', null, label), h('dd', { 'data-fact': key }, value || '–')];
  const browser = [s.browser, s.browserVersion].filter(Boolean).join(' ');
  main.replaceChildren(
    h(
      'section',
      { 'data-view': 'session', 'data-session': s.session, 'data-from': from, 'data-to': to, 'data-zone': zone },
      h('p', null, h('a', { href: `#sre?${back}` }, '← SRE view')),
      h('h2', null, `Session ${s.session}`),
      h('p.muted', { role: 'status', 'data-testid': 'window' }, `${fmtTime(s.firstAt, zone)} – ${fmtTime(s.lastAt, zone)} (${zone}), ${fmtInt(s.beacons)} beacons, ${fmtInt(s.pages.length)} pages.`),
      h(
        'div.panel',
        { 'data-testid': 'facts' },
        h('dl', null,
          ...fact('customer', s.customer, 'customer'),
          ...fact('device', s.device, 'device'),
          ...fact('browser', browser, 'browser'),
          ...fact('OS', s.os, 'os'),
          ...fact('country', s.country, 'country'),
          ...fact('connection', s.connection, 'connection'),
          ...fact('release', s.release ?? 'none reported (init({ release }) sends one)', 'release'),
          ...fact('events', Object.entries(s.counts).map(([k, v]) => `${fmtInt(v)} ${k}`).join(', '), 'counts'),
        ),
      ),
      truncation(s),
      h('h2', null, 'Timeline'),
      h('div.panel', null, table(
        [
          { label: `time (${zone})`, value: (e) => fmtTime(e.at, zone) },
          { label: 'what', value: (e) => (typeof e.what === 'string' ? h(e.cls ? `span.${e.cls}` : 'span', null, e.what) : e.what) },
          { label: 'page', value: (e) => e.path || '–' },
          { label: 'detail', value: (e) => e.detail },
        ],
        entries,
        { testid: 'timeline', caption: `Timeline of session ${s.session}`, empty: 'This session sent no events in the window.', rowAttrs: (e) => ({ 'data-kind': e.kind }) },
      )),
      h('div.grid', null,
        h('div.panel', null, h('h3', null, 'Resources by host'), table(
          [
            { label: 'host', value: (r) => r.host },
            { label: 'requests', num: true, value: (r) => fmtInt(r.requests) },
            { label: 'bytes', num: true, value: (r) => fmtBytes(r.bytes) },
            { label: 'worst p95', num: true, value: (r) => fmtMetric('p95', r.worstP95) },
          ],
          s.resources,
          { testid: 'resources', caption: 'Resources by host', empty: 'No third-party resources reported.' },
        )),
        h('div.panel', null, h('h3', null, 'Vitals and their phases'), table(
          [
            { label: 'vital', value: (v) => v.name },
            { label: 'value', num: true, value: (v) => h(`span.${rating(v.name, v.value) || 'x'}`, null, fmtMetric(v.name, v.value)) },
            { label: 'page', value: (v) => v.path },
            { label: 'element', value: (v) => v.target || '–' },
            { label: 'phases', value: (v) => phasesText(v.phases) || '–' },
          ],
          s.vitals,
          { testid: 'vitals', caption: 'Vitals and their phases', empty: 'No vitals reported.' },
        )),
      ),
    ),
  );
}
