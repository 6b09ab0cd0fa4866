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

// At a boundary (`_` is one: `cust_4111…`; a placeholder's `]` is not), a run at least 13 digits
// long (the lookahead).
const RUN = /(^|[^A-Za-z0-9.+\]-])(?=(?:[ .+-]?\d){13})(\d(?:[ .+-]?\d)*)/g;

export function scrubCards(s: string): string {
  return s.replace(RUN, replaceRun);
}

function replaceRun(_: string, before: string, run: string): string {
  return before + readCards(run, run.split(/([ .+-])/), run.replace(/\D/g, ''));
}

/**
 * `p`: the run's groups and separators, alternating; `digits`: its digits. From each group of 4
 * digits or more (every card form starts with one), the longest window of groups with at most
 * 19 digits that is a card, read by offsets into `run` and `digits`: no array is built per
 * window, nor an output for a run without a card. (No closures either: under tsx each one
 * created costs more than the window it would read.)
 */
function readCards(run: string, p: string[], digits: string): string {
  let out = '';
  let copied = 0;
  // at: digits before group i; pos: characters before it.
  for (let i = 0, at = 0, pos = 0; i < p.length; at += p[i]!.length, pos += p[i]!.length + (p[i + 1]?.length ?? 0), i += 2) {
    let j = i;
    let n = p[i]!.length;
    let end = pos + n;
    while (n > 3 && j + 2 < p.length && n + p[j + 2]!.length < 20) (end += p[j + 1]!.length + p[j + 2]!.length), (n += p[(j += 2)]!.length);
    while (n > 12 && p[i]!.length > 3 && !isCard(run.slice(pos, end), digits.substr(at, n), i == j && p[i - 1] != '.' && p[i + 1] != '.')) {
      n -= p[j]!.length;
      if (j > i) end -= p[j]!.length + p[j - 1]!.length;
      j -= 2;
    }
    if (n > 12 && p[i]!.length > 3) {
      out += run.slice(copied, pos) + CARD;
      copied = end;
      // Past the card: the loop's step then adds group j.
      at += n - p[j]!.length;
      pos = end - p[j]!.length;
      i = j;
    }
  }
  return copied ? out + run.slice(copied) : run;
}

/** A window `w` of groups with the digits `d`; `bare`: one group, not beside a dot (a decimal's side). */
function isCard(w: string, d: string, bare: boolean): boolean {
  return (
    // Printed the way cards are printed, 4-4-4-(1 to 7) with one separator: whatever the checksum.
    /^\d{4}([ .+-])\d{4}\1\d{4}\1\d{1,7}$/.test(w) ||
    (/^(4\d{12}|[2-6]\d{13,18})$/.test(d) && (bare || /^\d{4,6}([ .+-]\d{4,6})+$/.test(w)) && luhn(d))
  );
}
