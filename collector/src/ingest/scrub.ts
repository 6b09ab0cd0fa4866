/**
 * Removes personal data from free text before it is stored: emails, card-like numbers and the
 * values of secret-looking query parameters. Applied to page URLs, request URLs, error messages,
 * stacks and sources. Each pattern is tested first with a cheap check, because most strings on
 * the hot path have nothing to scrub.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// 13 to 19 digits, optionally grouped by single spaces or dashes: card numbers (PANs).
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
// Written the way cards are printed (4-4-4-…): redacted even when the checksum fails.
const GROUPED_LIKE_A_CARD = /^\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}$/;
const SECRET_PARAM =
  /([?&;#](?:[\w.-]*(?:token|password|passwd|pwd|secret|auth|session|sid|jwt|apikey|api_key|key|code|signature|sig|otp|pin)[\w.-]*))=([^&#;:\s"'<>]*)/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

export const REDACTED = '[redacted]';

export function scrub(text: string): string {
  let out = text;
  if (out.includes('@')) out = out.replace(EMAIL, '[email]');
  if (/\d{4}/.test(out)) out = out.replace(CARD, (m) => (GROUPED_LIKE_A_CARD.test(m) || (/^[2-6]/.test(m) && luhn(m)) ? '[card]' : m));
  if (out.includes('=')) out = out.replace(SECRET_PARAM, `$1=${REDACTED}`);
  if (out.includes('Bearer') || out.includes('Basic')) out = out.replace(BEARER, `$1 ${REDACTED}`);
  return out;
}

/**
 * Ungrouped digit runs must look like a card number: a 2–6 first digit (no card network issues
 * 1, and epoch-ms timestamps start with it: one in ten would pass Luhn) and a valid checksum.
 */
function luhn(candidate: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = candidate.length - 1; i >= 0; i--) {
    const c = candidate.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    let d = c - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
