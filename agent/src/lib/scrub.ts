/**
 * Scrubs personal data out of URLs and messages before they leave the browser: emails, card-like
 * numbers, secret-looking query values and bearer tokens.
 *
 * The same rules as the collector's `collector/src/ingest/scrub.ts` (scrub.test.ts runs both
 * over one corpus), without its fast-path checks, which cost bytes the agent has no use for.
 */

const EMAIL = /[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** 13–19 digits, optionally grouped by single spaces or dashes. */
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
/** Printed like a card (4-4-4-…): a card even when the checksum fails. */
const GROUPED = /^\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}$/;
const SECRET_PARAM = /([?&;#][\w.-]*(?:token|password|passwd|pwd|secret|auth|session|sid|jwt|apikey|api_key|key|code|signature|sig|otp|pin)[\w.-]*)=[^&#;:\s"'<>]*/gi;
const BEARER = /\b(Bearer|Basic)\s+[\w.~+/=-]{8,}/g;

/** Ungrouped digit runs must look like a card number: a 2–6 first digit (no card network
 *  issues 1: epoch-ms timestamps start with it) and a valid Luhn checksum. */
function luhn(digits: string): boolean {
  let sum = 0;
  let odd = false;
  for (const c of digits.replace(/\D/g, '').split('').reverse()) {
    let d = +c;
    if ((odd = !odd)) sum += d;
    else sum += (d *= 2) > 9 ? d - 9 : d;
  }
  return sum % 10 == 0;
}

/** Returns `s` scrubbed and cut to `max` characters (the schema's limit for the field). */
export function scrub(s: string, max = 2048): string {
  return s
    .replace(EMAIL, '[email]')
    .replace(CARD, (m) => (GROUPED.test(m) || (/^[2-6]/.test(m) && luhn(m)) ? '[card]' : m))
    .replace(SECRET_PARAM, '$1=[redacted]')
    .replace(BEARER, '$1 [redacted]')
    .slice(0, max);
}
