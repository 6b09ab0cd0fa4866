// @ts-check
/**
 * The marketer view's "Help in the page": how the in-page nudges did (offered to an open page,
 * shown, taken up, closed, checkouts completed afterwards), side by side with email outreach
 * and the holdout, in counts and shares. A share of fewer than ENOUGH customers reads
 * "not enough data": two out of three is not 67 % of anything yet.
 */
import { card, h, table } from '../lib/dom.js';
import { ENOUGH, fmtInt, fmtShare } from '../lib/format.js';

/** @typedef {import('../lib/types.js').NudgeTotals} NudgeTotals */
/** @typedef {{ id: string, how: string, reached: number, back: number }} Group */

/** Points above (or below) the holdout's share, when both groups are large enough to say. @param {Group} g @param {Group} holdout */
function againstHoldout(g, holdout) {
  if (g === holdout) return '–';
  if (g.reached < ENOUGH || holdout.reached < ENOUGH) return 'not enough data';
  const pts = (g.back / g.reached - holdout.back / holdout.reached) * 100;
  return `${pts >= 0 ? '+' : ''}${pts.toFixed(1)} pts`;
}

/** @param {NudgeTotals | { error: string }} n */
export function nudgePanel(n) {
  if ('error' in n) return h('div.panel', { 'data-testid': 'nudges' }, h('p.muted', null, `Help in the page is not available: ${n.error}`));
  /** @type {Group[]} */
  const groups = [
    { id: 'nudge', how: 'Offered help in the page', reached: n.published, back: n.recovered },
    { id: 'email', how: 'Emailed (did not take up help in the page)', reached: n.emailed, back: n.emailRecovered },
    { id: 'holdout', how: 'Holdout (deliberately not contacted)', reached: n.holdout, back: n.holdoutRecovered },
  ];
  const holdout = /** @type {Group} */ (groups[2]);
  return h(
    'div',
    { 'data-testid': 'nudges' },
    h(
      'div.cards',
      null,
      card('nudgeShown', 'Customers shown help in the page', fmtInt(n.shown), { raw: n.shown, sub: `of ${fmtInt(n.published)} offered while their page was open` }),
      card('nudgeActed', 'Took up the help', fmtInt(n.acted), { raw: n.acted, sub: `${fmtShare(n.acted, n.shown)} of those shown` }),
      card('nudgeDismissed', 'Closed it', fmtInt(n.dismissed), { raw: n.dismissed, sub: `${fmtShare(n.dismissed, n.shown)} of those shown` }),
      card('nudgeRecovered', 'Completed their checkout afterwards', fmtInt(n.recovered), { raw: n.recovered, sub: `${fmtShare(n.recovered, n.published)} of those offered help` }),
    ),
    h('h3', null, 'Help in the page, email and the holdout side by side'),
    h(
      'div.panel',
      null,
      table(
        [
          { label: 'How we reached them', value: (g) => g.how },
          { label: 'Customers', num: true, value: (g) => fmtInt(g.reached) },
          { label: 'Completed afterwards', num: true, value: (g) => fmtInt(g.back) },
          { label: 'Share completed', num: true, value: (g) => fmtShare(g.back, g.reached) },
          { label: 'Against the holdout', num: true, value: (g) => againstHoldout(g, holdout) },
        ],
        groups,
        { testid: 'help-compared', caption: 'Help in the page, email and the holdout: customers and how many completed afterwards', rowAttrs: (g) => ({ 'data-group': g.id }) },
      ),
      h(
        'p.muted',
        null,
        `“Completed afterwards” follows the same rule as “came back” above. A customer who takes up the help in the page is not emailed about the same problem. Shares of fewer than ${ENOUGH} customers are not shown.`,
      ),
    ),
  );
}
