// @ts-check
/**
 * The marketer view's "Customer feedback": the micro-survey's score (CES or CSAT average, NPS)
 * over time, by checkout step and by page, with how many answered; a choice of survey when
 * customers answered more than one kind; then the comments, newest first, filterable by score
 * (`survey` and `score` in the URL) and paged ("Show more"), each with its page, step, device,
 * page speed and a link to its checkout's story. Comments are scrubbed by the collector and
 * shown as text.
 */
import { projectApi } from '../lib/api.js';
import { card, h, pagedMore, table } from '../lib/dom.js';
import { ENOUGH, fmtInt, fmtMetric, fmtTime, rating } from '../lib/format.js';
import { hrefFor, navigate } from '../lib/state.js';
import { SURVEYS, triggerWords } from '../lib/words.js';

/** Comments per page. */
export const COMMENTS_PAGE = 25;

/** @typedef {import('../lib/types.js').SurveyKind} SurveyKind */
/** @typedef {import('../lib/types.js').ScoreSummary} ScoreSummary */
/** @typedef {import('../lib/types.js').Feedback} Feedback */
/** @typedef {import('../lib/types.js').FeedbackComment} FeedbackComment */
/** @typedef {{ feedback: Feedback, kinds: { kind: SurveyKind, responses: number }[] }} FeedbackView */

const KINDS = /** @type {SurveyKind[]} */ (Object.keys(SURVEYS));

/** Bucket sizes (s) for the score over time, in a table: the smallest giving at most MAX_ROWS rows. */
const TREND_BUCKETS = [300, 900, 3600, 10800, 21600, 43200, 86400];
/** A day in hours, a week in half-days: a table a marketer reads without scrolling far. */
const MAX_ROWS = 24;

/** @param {{ from: number, to: number }} w */
export function trendBucket(w) {
  const span = (w.to - w.from) / 1000;
  return TREND_BUCKETS.find((b) => span / b <= MAX_ROWS) ?? 86400;
}

/** The survey and score filter the URL names, when valid. @param {URLSearchParams} p */
export function feedbackChoice(p) {
  const survey = KINDS.find((k) => k === p.get('survey')) ?? null;
  const raw = p.get('score');
  const score = raw !== null && /^\d{1,2}$/.test(raw) ? Number(raw) : null;
  return { survey, score };
}

/**
 * @param {string} project
 * @param {{ from: number, to: number }} w
 * @param {{ survey?: SurveyKind | null, score?: number | null, before?: number | null, limit?: number }} o
 * @returns {Promise<Feedback>}
 */
export const fetchFeedback = (project, w, o) =>
  projectApi(project, 'feedback', { from: w.from, to: w.to, bucket: trendBucket(w), survey: o.survey, score: o.score, before: o.before, limit: o.limit ?? COMMENTS_PAGE });

/**
 * The view's feedback, and how many answered each kind of survey (for the survey picker).
 * @param {string} project @param {{ from: number, to: number }} w @param {{ survey: SurveyKind | null, score: number | null }} choice
 * @returns {Promise<FeedbackView>}
 */
export async function loadFeedback(project, w, choice) {
  const feedback = await fetchFeedback(project, w, choice);
  const kinds = KINDS.map((kind) => ({ kind, responses: feedback.kinds.find((k) => k.survey === kind)?.responses ?? 0 })).filter((k) => k.responses > 0);
  return { feedback, kinds };
}

/** `5.4 of 7`, NPS `+32`; a dash when nobody answered. @param {SurveyKind} kind @param {ScoreSummary} s */
export function scoreWords(kind, s) {
  if (kind === 'nps') return s.nps === null || s.nps === undefined ? '–' : `${s.nps > 0 ? '+' : ''}${Math.round(s.nps)}`;
  return s.mean === null ? '–' : `${s.mean.toFixed(1)} of ${SURVEYS[kind].scale[1]}`;
}

/** Where a score sits on its scale, 0..1, for its bar. @param {SurveyKind} kind @param {ScoreSummary} s */
function scorePlace(kind, s) {
  if (kind === 'nps') return s.nps === null || s.nps === undefined ? 0 : (s.nps + 100) / 200;
  const [lo, hi] = SURVEYS[kind].scale;
  return s.mean === null ? 0 : (s.mean - lo) / (hi - lo);
}

/** @param {number} n */
const answers = (n) => `${fmtInt(n)} ${n === 1 ? 'answer' : 'answers'}`;
/** @param {number} n */
const commentCount = (n) => `${fmtInt(n)} ${n === 1 ? 'comment' : 'comments'}`;

/**
 * Columns shared by the trend, step and page tables: the score, its bar, the answers and, for
 * NPS, how the answers split.
 * @template {ScoreSummary} T
 * @param {SurveyKind} kind
 * @returns {{ label: string, value: (row: T) => string | Node, num?: boolean }[]}
 */
function scoreColumns(kind) {
  const bar = (/** @type {T} */ s) => {
    const el = h('div.bar.score');
    el.style.width = `${Math.round(Math.max(0, Math.min(1, scorePlace(kind, s))) * 120)}px`;
    return el;
  };
  return [
    { label: kind === 'nps' ? 'NPS' : 'Average score', num: true, value: (s) => scoreWords(kind, s) },
    { label: '', value: bar },
    { label: 'Answers', num: true, value: (s) => fmtInt(s.responses) },
    ...(kind === 'nps'
      ? [
          { label: 'Promoters (9–10)', num: true, value: (/** @type {T} */ s) => fmtInt(s.promoters ?? 0) },
          { label: 'Passives (7–8)', num: true, value: (/** @type {T} */ s) => fmtInt(s.passives ?? 0) },
          { label: 'Detractors (0–6)', num: true, value: (/** @type {T} */ s) => fmtInt(s.detractors ?? 0) },
        ]
      : []),
  ];
}

/** The page-load vitals nearest the answer, rated like the SRE view. @param {FeedbackComment} c */
function speedCell(c) {
  const parts = /** @type {const} */ (['lcp', 'inp', 'cls']).flatMap((k) => {
    const v = c[k];
    if (v === undefined) return [];
    const name = k.toUpperCase();
    return [h(`span.${rating(name, v) || 'muted'}`, null, `${name} ${fmtMetric(name, v)}`)];
  });
  if (!parts.length) return '–';
  return h('span', null, ...parts.flatMap((p, i) => (i ? [' · ', p] : [p])));
}

/**
 * @param {SurveyKind} kind @param {string} zone
 * @returns {{ label: string, value: (c: FeedbackComment) => string | Node, num?: boolean }[]}
 */
const commentColumns = (kind, zone) => [
  { label: `When (${zone})`, value: (c) => fmtTime(c.at, zone) },
  { label: 'Score', num: true, value: (c) => `${c.score} of ${SURVEYS[kind].scale[1]}` },
  { label: 'Comment', value: (c) => h('span.comment', null, c.comment) },
  { label: 'Asked', value: (c) => triggerWords(c.trigger) },
  { label: 'Page', value: (c) => c.path || '–' },
  { label: 'Checkout step', value: (c) => c.step || '–' },
  { label: 'Device', value: (c) => c.device || '–' },
  { label: 'Page speed', value: speedCell },
  {
    label: 'Checkout',
    value: (c) => (c.checkout ? h('a', { href: hrefFor({ set: { checkout: c.checkout } }), 'aria-label': `Open checkout ${c.checkout}, where this comment was left` }, c.checkout) : '–'),
  },
];

/** @param {SurveyKind} kind @param {string} zone @param {FeedbackComment[]} comments */
const commentTable = (kind, zone, comments) =>
  table(commentColumns(kind, zone), comments, {
    testid: 'comments',
    caption: 'Comments, newest first',
    empty: 'No comments in this range.',
    rowAttrs: (c) => ({ 'data-at': String(c.at), 'data-score': String(c.score), ...(c.incident ? { 'data-incident': c.incident } : {}) }),
  });

/** @param {SurveyKind} kind @param {number | null} score */
function scoreFilter(kind, score) {
  const [lo, hi] = SURVEYS[kind].scale;
  const options = [h('option', { value: '' }, 'any score')];
  for (let s = lo; s <= hi; s++) options.push(h('option', { value: String(s), selected: s === score ? '' : undefined }, String(s)));
  return h(
    'label',
    null,
    'Comments with the score ',
    h('select', { name: 'score', 'data-focus-key': 'comment-score', onchange: (/** @type {Event} */ e) => navigate({ set: { score: /** @type {HTMLSelectElement} */ (e.target).value || null } }) }, ...options),
  );
}

/** @param {SurveyKind} shown @param {{ kind: SurveyKind, responses: number }[]} kinds */
function surveyPicker(shown, kinds) {
  if (kinds.length < 2) return null;
  return h(
    'div.toolbar',
    { role: 'toolbar', 'aria-label': 'Which survey', 'data-testid': 'survey-picker' },
    ...kinds.map(({ kind, responses }) =>
      h(
        kind === shown ? 'button.on' : 'button',
        { type: 'button', 'data-survey': kind, 'data-focus-key': `survey:${kind}`, 'aria-pressed': String(kind === shown), onclick: () => navigate({ set: { survey: kind, score: null } }) },
        `${SURVEYS[kind].short} (${answers(responses)})`,
      ),
    ),
  );
}

/**
 * @param {string} project
 * @param {{ from: number, to: number }} w
 * @param {string} zone
 * @param {{ survey: SurveyKind | null, score: number | null }} choice
 * @param {FeedbackView | { error: string }} v
 */
export function feedbackPanel(project, w, zone, choice, v) {
  if ('error' in v) return h('div.panel', { 'data-testid': 'feedback' }, h('p.muted', null, `Customer feedback is not available: ${v.error}`));
  const f = v.feedback;
  const kind = f.survey;
  const s = f.summary;
  if (!kind || (s.responses === 0 && v.kinds.length === 0)) return h('div.panel', { 'data-testid': 'feedback' }, h('p.muted', null, 'No survey answers in this range.'));
  const words = SURVEYS[kind];
  const enough = s.responses >= ENOUGH;

  const list = commentTable(kind, zone, f.comments);
  let shown = f.comments.length;
  let cursor = f.nextBefore;
  const count = h('p.muted', { 'data-testid': 'comments-count', 'aria-live': 'polite' });
  const more = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', 'data-testid': 'comments-more' }, `Show ${COMMENTS_PAGE} older comments`));
  const filtered = choice.score === null ? '' : ` with the score ${choice.score}`;
  const say = () => {
    count.textContent = cursor === null ? `${commentCount(shown)}${filtered}, newest first: all of them in this range` : `${fmtInt(shown)} newest comments${filtered}; older ones below`;
    more.hidden = cursor === null;
  };
  pagedMore(more, count, async () => {
    if (cursor === null) return;
    const next = await fetchFeedback(project, w, { survey: kind, score: choice.score, before: cursor });
    const rows = commentTable(kind, zone, next.comments).querySelectorAll('tbody tr');
    list.querySelector('tbody')?.append(...rows);
    shown += next.comments.length;
    cursor = next.nextBefore;
    // The keyboard carries on where the new rows start.
    const first = /** @type {HTMLElement | null} */ (rows[0]?.querySelector('td') ?? null);
    first?.setAttribute('tabindex', '-1');
    first?.focus();
  }, say);

  const bucketWords = f.bucket >= 86400 ? 'day' : f.bucket >= 3600 ? `${f.bucket / 3600} h` : `${f.bucket / 60} min`;
  const scoreCols = scoreColumns(kind);
  return h(
    'div',
    { 'data-testid': 'feedback', 'data-survey': kind, 'data-bucket': f.bucket },
    surveyPicker(kind, v.kinds),
    h(
      'div.cards',
      null,
      card('feedbackScore', words.name, enough ? scoreWords(kind, s) : 'not enough data', {
        raw: kind === 'nps' ? s.nps : s.mean,
        sub: enough ? answers(s.responses) : `only ${answers(s.responses)} so far`,
      }),
      card('feedbackAnswers', 'Customers who answered', fmtInt(s.responses), { raw: s.responses }),
      kind === 'nps'
        ? card('feedbackSplit', 'Promoters · passives · detractors', `${fmtInt(s.promoters ?? 0)} · ${fmtInt(s.passives ?? 0)} · ${fmtInt(s.detractors ?? 0)}`, {
            raw: `${s.promoters ?? 0},${s.passives ?? 0},${s.detractors ?? 0}`,
          })
        : null,
    ),
    h('p.muted', { 'data-testid': 'score-reads' }, `The score is ${words.reads}.`),
    h('h3', null, `Over time (per ${bucketWords})`),
    h(
      'div.panel.trend',
      null,
      table([{ label: `From (${zone})`, value: (/** @type {Feedback['trend'][number]} */ r) => fmtTime(r.t, zone) }, ...scoreCols], f.trend, {
        testid: 'feedback-trend',
        caption: `${words.name} over time`,
        empty: 'No answers in this range.',
      }),
    ),
    h(
      'div.grid.halves',
      null,
      h(
        'div.panel',
        null,
        h('h3', null, 'By checkout step'),
        table([{ label: 'Step', value: (/** @type {Feedback['byStep'][number]} */ r) => r.step || '(no checkout)' }, ...scoreCols], f.byStep, {
          testid: 'feedback-by-step',
          caption: `${words.name} by checkout step`,
          empty: 'No answers during a checkout.',
        }),
      ),
      h(
        'div.panel',
        null,
        h('h3', null, 'By page'),
        table([{ label: 'Page', value: (/** @type {Feedback['byPage'][number]} */ r) => r.path || '–' }, ...scoreCols], f.byPage, {
          testid: 'feedback-by-page',
          caption: `${words.name} by page`,
        }),
      ),
    ),
    h('h3', null, 'What customers wrote, newest first'),
    h('div.panel.comments', null, h('div.toolbar', null, scoreFilter(kind, choice.score)), list, h('div.toolbar', null, count, more)),
  );
}
