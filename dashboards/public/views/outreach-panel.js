// @ts-check
/**
 * The marketer view's outreach part, in words: who was contacted and who came back (with the
 * rule that decides it), against the holdout, day by day; then every contact, one row each with
 * its channels, newest first, searchable by customer or checkout and paged ("Show more"). A
 * contact's checkout is a link: the keyboard reaches it like any link, and it opens that
 * checkout's story at the top of the view.
 */
import { projectApi } from '../lib/api.js';
import { card, h, pagedMore, table } from '../lib/dom.js';
import { fmtInt, fmtPct, fmtTime } from '../lib/format.js';
import { hrefFor, navigate } from '../lib/state.js';
import { decisionWords, reasonWords, spokenDuration } from '../lib/words.js';

/** Contacts per page: a screenful. */
export const PAGE = 25;

/** Set when a search re-renders the view, so the search box keeps the focus. */
let focusSearch = false;

/**
 * @param {string} project
 * @param {{ from: number, to: number }} w
 * @param {string | null} q
 * @param {string | null} [cursor]
 * @returns {Promise<import('../lib/types.js').Outreach>}
 */
export const fetchOutreach = (project, w, q, cursor = null) => projectApi(project, 'outreach', { from: w.from, to: w.to, limit: PAGE, q, cursor });

/** @param {number | null} lift */
const liftWords = (lift) => (lift === null ? 'no holdout yet' : `${lift >= 0 ? '+' : ''}${(lift * 100).toFixed(1)} pts`);

/** @param {import('../lib/types.js').CameBackRule} r */
const ruleWords = (r) =>
  `“Came back” means they completed a checkout that they started at least ${spokenDuration(r.readDelayMs)} after the message was sent (for the holdout: after the decision), within ${spokenDuration(r.withinMs)}. A purchase seconds after the message is the checkout they were already in, so it does not count.`;

/** @param {import('../lib/types.js').OutreachContact} c */
function cameBackWords(c) {
  if (!c.cameBack || c.cameBackAt === undefined) return 'No';
  return `Yes, ${spokenDuration(c.cameBackAt - (c.sentAt ?? c.at))} later`;
}

/** @param {number} day epoch ms, midnight UTC */
const dayLabel = (day) => new Date(day).toISOString().slice(0, 10);

/** @type {{ label: string, value: (c: import('../lib/types.js').OutreachContact) => string | Node, num?: boolean }[]} */
const CONTACT_COLUMNS = [
  { label: 'When (UTC)', value: (c) => fmtTime(c.at) },
  { label: 'Customer', value: (c) => c.customer || '(anonymous)' },
  { label: 'Why', value: (c) => reasonWords(c.reason) },
  { label: 'What Touchpoint did', value: (c) => decisionWords(c) },
  { label: 'Came back', value: (c) => (c.cameBack ? h('span.good', null, cameBackWords(c)) : cameBackWords(c)) },
  {
    label: 'Checkout',
    value: (c) => (c.checkout ? h('a', { href: hrefFor({ set: { checkout: c.checkout } }), 'aria-label': `Open checkout ${c.checkout} of ${c.customer || 'an anonymous customer'}` }, c.checkout) : '–'),
  },
];

/** @param {import('../lib/types.js').OutreachContact[]} contacts */
const contactTable = (contacts) =>
  table(CONTACT_COLUMNS, contacts, {
    testid: 'outreach',
    empty: 'No outreach in this range.',
    onRow: (c) => c.checkout && navigate({ set: { checkout: c.checkout } }),
  });

/** @param {import('../lib/types.js').OutreachDay[]} days */
function trendPanel(days) {
  const most = Math.max(1, ...days.map((d) => d.contacted + d.holdout));
  const bar = (/** @type {number} */ n, /** @type {string} */ cls) => {
    const el = h(`div.bar.${cls}`);
    el.style.width = `${Math.round((n / most) * 160)}px`;
    return el;
  };
  return h(
    'div.panel.trend',
    null,
    table(
      [
        { label: 'Day (UTC)', value: (d) => dayLabel(d.day) },
        { label: 'Contacted', num: true, value: (d) => fmtInt(d.contacted) },
        { label: 'Came back', num: true, value: (d) => fmtInt(d.completedAfterContact) },
        { label: '', value: (d) => h('div.bars', null, bar(d.contacted, 'contacted'), bar(d.completedAfterContact, 'back')) },
        { label: 'Holdout', num: true, value: (d) => fmtInt(d.holdout) },
        { label: 'Came back anyway', num: true, value: (d) => fmtInt(d.completedInHoldout) },
        { label: 'Lift', num: true, value: (d) => liftWords(d.lift) },
      ],
      days,
      { testid: 'trend' },
    ),
  );
}

/** @param {string | null} q */
function searchForm(q) {
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'search', name: 'q', value: q ?? '', maxlength: 128, placeholder: 'customer or checkout id', 'aria-label': 'Find a customer or checkout' }));
  const form = h(
    'form.toolbar',
    {
      role: 'search',
      'data-testid': 'outreach-search',
      onsubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        focusSearch = true;
        navigate({ set: { q: input.value.trim() || null } });
      },
    },
    h('label', null, 'Find a customer or checkout ', input),
    h('button', { type: 'submit' }, 'Search'),
    q ? h('a', { href: hrefFor({ set: { q: null } }) }, 'Show everyone') : null,
  );
  if (focusSearch) {
    focusSearch = false;
    queueMicrotask(() => input.focus());
  }
  return form;
}

/**
 * @param {string} project
 * @param {{ from: number, to: number }} w
 * @param {string | null} q
 * @param {import('../lib/types.js').Outreach | { error: string }} o
 */
export function outreachPanel(project, w, q, o) {
  if ('error' in o) return h('div.panel', null, h('p.muted', null, `Outreach is not available: ${o.error}`));
  const t = o.totals;
  const list = contactTable(o.contacts);
  let shown = o.contacts.length;
  const count = h('p.muted', { 'data-testid': 'outreach-count', 'aria-live': 'polite' });
  const more = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', 'data-testid': 'more' }, `Show ${PAGE} more`));
  let cursor = o.nextCursor;
  const say = () => {
    count.textContent = q ? `${fmtInt(shown)} of ${fmtInt(o.matched)} contacts matching “${q}”` : `${fmtInt(shown)} of ${fmtInt(o.matched)} contacts`;
    more.hidden = cursor === null;
  };
  pagedMore(more, count, async () => {
    if (!cursor) return;
    const next = await fetchOutreach(project, w, q, cursor);
    const rows = contactTable(next.contacts).querySelectorAll('tbody tr');
    list.querySelector('tbody')?.append(...rows);
    shown += next.contacts.length;
    cursor = next.nextCursor;
    // The first new row's link: the keyboard carries on where the new rows start.
    /** @type {HTMLElement | null} */ (rows[0]?.querySelector('a') ?? null)?.focus();
  }, say);
  return h(
    'div',
    null,
    h(
      'div.cards',
      null,
      card('contacted', 'Customers contacted', fmtInt(t.contacted), { raw: t.contacted }),
      card('completedAfterContact', 'Came back after contact', fmtInt(t.completedAfterContact), { raw: t.completedAfterContact, sub: t.contacted ? `${fmtPct(t.completedAfterContact / t.contacted)} of contacted` : '' }),
      card('holdout', 'Holdout (deliberately not contacted)', fmtInt(t.holdout), { raw: t.holdout, sub: t.holdout ? `${fmtInt(t.completedInHoldout)} came back anyway` : '' }),
      card('lift', 'Lift over the holdout', liftWords(t.lift), { raw: t.lift, cls: t.lift !== null && t.lift > 0 ? 'good' : '' }),
    ),
    h('p.muted', { 'data-testid': 'came-back-rule' }, ruleWords(o.cameBackRule)),
    h('h3', null, 'Day by day'),
    trendPanel(o.trend),
    h('h3', null, 'Every contact, newest first'),
    h('div.panel', null, searchForm(q), list, h('div.toolbar', null, count, more)),
  );
}
