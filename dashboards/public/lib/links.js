// @ts-check
/** Links from a row to the session view: the session id is a link, with a URL of its own. */
import { h } from './dom.js';

/**
 * The session is looked up over the day around the row's time: a visit fits in it, and the
 * API allows a week (protocol/src/api/session.ts, MAX_SESSION_RANGE_MS).
 */
const AROUND_MS = 12 * 3600e3;

/**
 * `#session?project=…&session=…&from=…&to=…` (and the time zone the screen uses).
 * @param {string} project @param {string} session @param {number} at epoch ms @param {string} [zone]
 */
export function sessionHref(project, session, at, zone) {
  const q = new URLSearchParams({ project, session, from: String(Math.max(0, Math.floor(at - AROUND_MS))), to: String(Math.floor(at + AROUND_MS)) });
  if (zone && zone !== 'UTC') q.set('tz', zone);
  return `#session?${q}`;
}

/**
 * The session id as a link to its view, or a dash when there is none.
 * @param {string} project @param {string} session @param {number} at @param {string} [zone]
 */
export function sessionLink(project, session, at, zone) {
  if (!session) return '–';
  return h('a.session', { href: sessionHref(project, session, at, zone), 'data-session': session, title: `open session ${session}` }, session);
}
