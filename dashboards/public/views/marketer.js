// @ts-check
/**
 * Marketer view, in plain words: how many checkouts got through, where people dropped out,
 * which checkouts failed or got stuck and the money in them, what outreach brought back
 * compared with the holdout (views/outreach-panel.js), how the help in the page did beside email
 * (views/nudge-panel.js), what customers answered in the micro-surveys (views/feedback-panel.js),
 * and an estimate of what slow pages cost. Each failed or stuck checkout, each contact and each
 * comment left in a checkout links to that checkout's story.
 */
import { projectApi } from '../lib/api.js';
import { card, h, table } from '../lib/dom.js';
import { fmtInt, fmtMetric, fmtMoney, fmtPct, fmtTime } from '../lib/format.js';
import { hrefFor, navigate, windowOf } from '../lib/state.js';
import { zoneOf } from '../lib/time-zone.js';
import { feedbackChoice, feedbackPanel, loadFeedback } from './feedback-panel.js';
import { nudgePanel } from './nudge-panel.js';
import { fetchOutreach, outreachPanel } from './outreach-panel.js';

/**
 * @param {HTMLElement} main
 * @param {string} project
 * @param {URLSearchParams} p
 * @param {() => boolean} stale
 */
export async function renderMarketer(main, project, p, stale) {
  const { from, to } = windowOf(p);
  const checkout = p.get('checkout');
  const q = p.get('q');
  /** @type {Promise<import('../lib/types.js').Funnel>} */
  const funnelAsk = projectApi(project, 'funnel', { from, to, limit: 50, checkout });
  /** @type {Promise<import('../lib/types.js').Outreach | { error: string }>} */
  const outreachAsk = fetchOutreach(project, { from, to }, q).catch((/** @type {Error} */ err) => ({ error: err.message }));
  const choice = feedbackChoice(p);
  /** @type {Promise<import('./feedback-panel.js').FeedbackView | { error: string }>} */
  const feedbackAsk = loadFeedback(project, { from, to }, choice).catch((/** @type {Error} */ err) => ({ error: err.message }));
  const [funnel, outreach, feedback] = await Promise.all([funnelAsk, outreachAsk, feedbackAsk]);
  if (stale()) return;

  const revenue = funnel.revenue;
  const atRisk = revenue.filter((r) => r.atRisk > 0);
  const conversion = funnel.started ? funnel.completed / funnel.started : null;
  const maxStep = Math.max(1, ...funnel.steps.map((s) => s.checkouts));
  const stuckFor = funnel.stuckAfterMs >= 60000 ? `${Math.round(funnel.stuckAfterMs / 60000)} min` : `${Math.round(funnel.stuckAfterMs / 1000)} s`;
  const effect = funnel.latencyEffect;

  const view = h(
    'section',
    { 'data-view': 'marketer', 'data-from': from, 'data-to': to },
    checkout ? focusPanel(checkout, funnel.focus ?? null) : null,
    h(
      'div.cards',
      null,
      card('started', 'Checkouts started', fmtInt(funnel.started), { raw: funnel.started }),
      card('completed', 'Checkouts completed', fmtInt(funnel.completed), { raw: funnel.completed, sub: `${fmtPct(conversion)} of started` }),
      card('failed', 'Checkouts that failed', fmtInt(funnel.failed), { raw: funnel.failed, cls: funnel.failed ? 'poor' : '' }),
      card('stuck', `Stuck (no progress for ${stuckFor})`, fmtInt(funnel.stuck), { raw: funnel.stuck, cls: funnel.stuck ? 'needs-improvement' : '' }),
      card('atRisk', 'Money in failed or stuck checkouts', atRisk.length ? atRisk.map((r) => fmtMoney(r.atRisk, r.currency)).join(' · ') : '0', {
        raw: atRisk.map((r) => `${r.currency}:${r.atRisk}`).join(','),
      }),
      card(
        'latencyEffect',
        'Estimated revenue lost to slow pages',
        effect.conversionLoss > 0 ? effect.revenueEffect.map((r) => fmtMoney(r.value, r.currency)).join(' · ') : 'none',
        { raw: effect.conversionLoss, sub: `estimate: LCP p75 ${fmtMetric('LCP', effect.lcpP75)}, ~1 % fewer checkouts per 100 ms above 2.5 s` },
      ),
    ),
    h('h2', null, 'Checkout funnel'),
    h(
      'div.panel.funnel',
      null,
      table(
        [
          { label: 'step', value: (s) => s.step },
          { label: 'checkouts', num: true, value: (s) => fmtInt(s.checkouts) },
          { label: 'lost since previous step', num: true, value: (s) => (s.dropOff === null ? '' : fmtPct(s.dropOff)) },
          {
            label: '',
            value: (s) => {
              const bar = h('div.bar');
              bar.style.width = `${Math.round((s.checkouts / maxStep) * 300)}px`;
              return bar;
            },
          },
        ],
        funnel.steps,
        { testid: 'funnel' },
      ),
      h('p.muted', null, 'A checkout counts at every step up to the furthest one it reached (the steps the project declares, in order), so no step counts more than the one before it.'),
      funnel.otherSteps.length
        ? h(
            'div',
            null,
            h('h3', null, 'Other steps checkouts reported (not declared in checkoutSteps)'),
            table([{ label: 'step', value: (s) => s.step }, { label: 'checkouts', num: true, value: (s) => fmtInt(s.checkouts) }], funnel.otherSteps, { testid: 'other-steps' }),
          )
        : null,
    ),
    h('h2', null, 'Failed and stuck checkouts (largest first)'),
    h(
      'div.panel',
      null,
      table(
        [
          { label: 'status', value: (r) => h(`span.${r.status === 'failed' ? 'poor' : 'needs-improvement'}`, null, r.status) },
          { label: 'value', num: true, value: (r) => fmtMoney(r.value, r.currency) },
          { label: 'customer', value: (r) => r.customer || '(anonymous)' },
          { label: 'last step', value: (r) => r.lastStep },
          { label: 'reason', value: (r) => r.reason || '–' },
          { label: 'last activity', value: (r) => fmtTime(r.lastAt) },
          { label: 'checkout', value: (r) => h('a', { href: hrefFor({ set: { checkout: r.checkout } }), 'aria-label': `Open ${r.status} checkout ${r.checkout}` }, r.checkout) },
        ],
        funnel.problems,
        { testid: 'problems', empty: 'No failed or stuck checkouts in this range.', onRow: (r) => navigate({ set: { checkout: r.checkout } }) },
      ),
    ),
    h('h2', null, 'Outreach: who we contacted and who came back'),
    outreachPanel(project, { from, to }, q, outreach),
    h('h2', null, 'Help in the page: nudges beside email'),
    nudgePanel('error' in feedback ? feedback : feedback.feedback.nudges),
    h('h2', null, 'Customer feedback'),
    feedbackPanel(project, { from, to }, zoneOf(p), choice, feedback),
  );
  main.replaceChildren(view);
}

/**
 * The checkout a link (an alert) named, told in words, above the figures of its window.
 * @param {string} id @param {import('../lib/types.js').CheckoutFocus | null} f
 */
function focusPanel(id, f) {
  const back = h('a', { href: hrefFor({ set: { checkout: null } }) }, 'Back to every checkout');
  if (!f) return h('div.panel', { 'data-testid': 'focus' }, h('p.muted', null, `No checkout ${id} in this range. `, back));
  const cls = f.status === 'failed' ? 'poor' : f.status === 'stuck' ? 'needs-improvement' : f.status === 'completed' ? 'good' : '';
  return h(
    'div.panel',
    { 'data-testid': 'focus', 'data-checkout': f.checkout, 'data-status': f.status },
    h('h2', null, `Checkout ${f.checkout}: `, h(`span.${cls || 'muted'}`, null, f.status)),
    h(
      'dl',
      null,
      h('dt', null, 'value'), h('dd', null, fmtMoney(f.value, f.currency)),
      h('dt', null, 'customer'), h('dd', null, f.customer || '(anonymous)'),
      h('dt', null, 'steps reached'), h('dd', null, f.steps.length ? f.steps.join(' → ') : 'none named'),
      h('dt', null, 'last step'), h('dd', null, f.lastStep),
      h('dt', null, 'reason'), h('dd', null, f.reason || '–'),
      h('dt', null, 'started'), h('dd', null, fmtTime(f.startedAt)),
      h('dt', null, 'last activity'), h('dd', null, fmtTime(f.lastAt)),
    ),
    h('p', null, back),
  );
}
