/**
 * Payment cards: 13–19 digits with any one separator (space, dash, dot, `+` as a form-encoded
 * space; `%20` is decoded before), a network's first digit (2–6; 13 digits only for Visa's 4,
 * since epoch-ms timestamps have 13 digits too) and a valid Luhn check, in groups of 4–6 or none;
 * or printed the way cards are (4-4-4-…) whatever the checksum. A bare group next to a dot is
 * one side of a decimal number (`0.30000000000000004`), not a card.
 *
 * A run of digits and single separators is matched whole in one forward pass (digits and
 * separators are disjoint), then read as windows of groups of at most 19 digits, longest first
 * from each group, so a card after a quantity (`1 4111 1111 1111 1111`) or beside another
 * number is still found; a window must start with 4 digits or more (every card form does), which
 * rules out most of a hostile run at once.
 */
import { luhn } from './checksums.ts';
import { CARD } from './placeholders.ts';

// At a boundary (`_` is one: `cust_4111…`), a run at least 13 digits long (the lookahead).
const RUN = /(^|[^A-Za-z0-9.+-])(?=(?:[ .+-]?\d){13})(\d(?:[ .+-]?\d)*)/g;

export function scrubCards(s: string): string {
  return s.replace(RUN, (_, before: string, run: string) => before + readCards(run.split(/([ .+-])/)));
}

/** `p` alternates groups and separators. */
function readCards(p: string[]): string {
  let out = '';
  for (let i = 0; i < p.length; i += 2) {
    let j = i;
    let n = p[i]!.length;
    while (j + 2 < p.length && n + p[j + 2]!.length < 20) n += p[(j += 2)]!.length;
    let found = false;
    for (; !found && p[i]!.length > 3 && n > 12; n -= p[j]!.length, j -= 2) {
      found = isCard(p.slice(i, j + 1).join(''), i == j ? (p[i - 1] ?? '') + (p[i + 1] ?? '') : '');
    }
    out += (p[i - 1] ?? '') + (found ? CARD : p[i]);
    if (found) i = j + 2;
  }
  return out;
}

/** `around`: the separators beside a bare group. */
function isCard(w: string, around: string): boolean {
  const d = w.replace(/\D/g, '');
  return (
    /^\d{4}([ .+-])\d{4}\1\d{4}\1\d{1,7}$/.test(w) ||
    (/^[2-6]/.test(d) && (d.length > 13 || d[0] == '4') && (/^\d{4,6}([ .+-]\d{4,6})+$/.test(w) || (d == w && !around.includes('.'))) && luhn(d))
  );
}
