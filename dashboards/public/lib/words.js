// @ts-check
/**
 * The outreach log's codes in words for the marketer view: reasons, channels and decisions.
 * A code this list does not know (a newer worker) is shown as words made from it, never as a
 * bare `snake_case` code.
 */

/** @type {Record<string, string>} */
const REASONS = {
  checkout_error: 'Checkout failed',
  checkout_stuck: 'Checkout stuck',
  slow_experience: 'Slow pages, again and again',
};

/** Why someone was not contacted (SKIP_REASONS in @touchpoint/protocol/outreach). @type {Record<string, string>} */
const SKIPS = {
  no_consent: 'they have not agreed to be contacted',
  suppressed: 'on the do-not-contact list',
  cooldown: 'contacted about another checkout recently',
  completed: 'completed a checkout in the meantime',
  no_channel: 'no way to reach them',
  test_traffic: 'test traffic (a load test or test mode)',
};

/** @type {Record<string, string>} */
const CHANNELS = { email: 'email', webhook: 'the outreach webhook', slack: 'Slack', teams: 'Teams', nudge: 'help in the page' };

/** `some_code` → `Some code`: the last resort for a code this file does not know. @param {string} code */
const spelled = (code) => {
  const s = code.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/** @param {string} reason */
export const reasonWords = (reason) => REASONS[reason] ?? spelled(reason);

/** @param {string | undefined} skip */
export const skipWords = (skip) => (skip ? (SKIPS[skip] ?? spelled(skip).toLowerCase()) : 'no reason recorded');

/** `email and the outreach webhook` @param {string[]} channels */
export function channelList(channels) {
  const names = channels.map((c) => CHANNELS[c] ?? spelled(c));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? '');
}

/**
 * What was decided about a contact, in one phrase.
 * @param {import('./types.js').OutreachContact} c
 */
export function decisionWords(c) {
  if (c.decision === 'holdout') return 'Held back on purpose (holdout group)';
  if (c.decision === 'skipped') return `Not contacted: ${skipWords(c.skipReason)}`;
  const sent = c.channels.filter((x) => x.status === 'sent').map((x) => x.channel);
  const failed = c.channels.filter((x) => x.status === 'skipped');
  const also = failed.length ? ` (not by ${channelList(failed.map((x) => x.channel))}: ${skipWords(failed[0]?.skipReason)})` : '';
  return `Contacted by ${channelList(sent)}${also}`;
}

/** `1 min`, `24 h`, `45 s`: a duration as the rule and the table say it. @param {number} ms */
export function spokenDuration(ms) {
  if (ms >= 2 * 3600e3) return `${Math.round(ms / 3600e3)} h`;
  if (ms >= 60e3) return `${Math.round(ms / 60e3)} min`;
  return `${Math.round(ms / 1000)} s`;
}

/**
 * The micro-surveys in words (SURVEY_KINDS and SURVEY_SCALES in @touchpoint/protocol/prompts;
 * src/survey-words.test.ts checks that this table follows them).
 * @type {Record<import('./types.js').SurveyKind, { name: string, short: string, scale: readonly [number, number], reads: string }>}
 */
export const SURVEYS = {
  ces: { name: 'How easy it was (CES)', short: 'Ease', scale: [1, 7], reads: 'the average answer to “How easy was it…”, from 1 (very difficult) to 7 (very easy)' },
  csat: { name: 'How satisfied customers were (CSAT)', short: 'Satisfaction', scale: [1, 5], reads: 'the average answer to “How satisfied were you…”, from 1 (very unsatisfied) to 5 (very satisfied)' },
  nps: {
    name: 'Would they recommend us (NPS)',
    short: 'Recommend',
    scale: [0, 10],
    reads: 'the share of customers answering 9 or 10 minus the share answering 0 to 6, from −100 to +100',
  },
};

/** When the survey was asked (SURVEY_TRIGGERS). @type {Record<string, string>} */
const TRIGGERS = { complete: 'after a completed checkout', nudge: 'after the help in the page', page: 'on a page' };

/** @param {string} trigger */
export const triggerWords = (trigger) => TRIGGERS[trigger] ?? spelled(trigger).toLowerCase();

