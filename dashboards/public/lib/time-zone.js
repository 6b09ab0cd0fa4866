// @ts-check
/**
 * The one time zone the screen tells time in (`tz` in the URL hash): UTC unless the picker
 * chose another. The chart's axis, the tables and the session timeline all read it from here.
 */

/** @param {string} zone */
function isZone(zone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The browser's own zone, e.g. Europe/Berlin. */
export const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** @param {URLSearchParams} p */
export function zoneOf(p) {
  const z = p.get('tz');
  return z && isZone(z) ? z : 'UTC';
}

/** What the picker offers: UTC, the browser's zone, and the one a link named. @param {string} current */
export function zoneChoices(current) {
  return [...new Set(['UTC', LOCAL_ZONE, current])];
}
