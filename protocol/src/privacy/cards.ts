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
  return s.replace(RUN, (_, before: string, run: string) => before + cardsIn(run));
}

// The digit count of each group of the run, reused from run to run.
const lens: number[] = [];

/**
 * From each group of 4 digits or more (every card form starts with one), the longest window of
 * groups with at most 19 digits that is a card. The run is read once into its group lengths
 * (every separator sorts before '0'; past the end is NaN), and windows are cut from it by
 * offset: no array or digit string is built per run or per window.
 */
function cardsIn(run: string): string {
  let groups = 0;
  // A run without a separator is one group, read natively: the loop costs ~4 ns a character,
  // and the longest runs (a digit string read at four decoding levels) are of this kind.
  if (!/[ .+-]/.test(run)) lens[groups++] = run.length;
  else for (let i = 0, start = 0; i <= run.length; i++) if (!(run.charCodeAt(i) > 47)) (lens[groups++] = i - start), (start = i + 1);
  let out = '';
  let copied = 0;
  // pos: characters before group i.
  for (let i = 0, pos = 0; i < groups; pos += lens[i]! + 1, i++) {
    let j = i;
    let n = lens[i]!;
    let end = pos + n;
    if (n < 4) continue;
    while (j + 1 < groups && n + lens[j + 1]! < 20) (end += lens[++j]! + 1), (n += lens[j]!);
    // Only a window of 4 groups can be printed like a card, and only 2–6 starts a network's number.
    const network = run[pos]! > '1' && run[pos]! < '7';
    while (n > 12 && !((j == i + 3 || network) && isCard(run.slice(pos, end), n, network, i == j && run[pos - 1] != '.' && run[end] != '.'))) (end -= lens[j]! + 1), (n -= lens[j--]!);
    if (n > 12) {
      out += run.slice(copied, pos) + CARD;
      copied = end;
      // Past the card: the loop's step then moves past group j.
      pos = end - lens[j]!;
      i = j;
    }
  }
  return copied ? out + run.slice(copied) : run;
}

/**
 * A window `w` of groups with `n` digits; `network`: it starts with 2–6; `bare`: one group, not
 * beside a dot (a decimal's side).
 */
function isCard(w: string, n: number, network: boolean, bare: boolean): boolean {
  return (
    // Printed the way cards are printed, 4-4-4-(1 to 7) with one separator: whatever the checksum.
    /^\d{4}([ .+-])\d{4}\1\d{4}\1\d{1,7}$/.test(w) ||
    // A network's first digit (13 digits only for Visa's 4); a single group may be longer than a card.
    (network && n < 20 && (n > 13 || w[0] == '4') && (bare || /^\d{4,6}([ .+-]\d{4,6})+$/.test(w)) && luhn(w))
  );
}
