/**
 * `scrubText`: personal data and secrets out of free text (error messages and stacks, checkout
 * reasons, custom prop values, element selectors), each replaced by a placeholder naming its
 * class (placeholders.ts): secrets (secrets.ts), emails, IBANs, national ids, phones, cards.
 * `scrubBrowserText` is the part the browser agent can carry in its byte budget (secrets,
 * emails, cards: what pages most often leak into URLs and errors, and what must not travel even
 * to our own collector); the collector applies `scrubText`, all of it, to every field again
 * before anything is spooled. Phones went to the collector's side for the agent's bytes (~100 B
 * gzipped, what urgent checkout events and the session identity cost).
 *
 * Linear time, whatever the input. We use the platform's regular expressions, written so they
 * cannot backtrack more than a constant per character, plus small readers for keys and digit
 * groups:
 * - every pattern starts after a boundary character that its first run cannot contain, so a run
 *   (a 16 K local part, `tokentokentoken…`, a long digit string) is tried once, not once per
 *   character;
 * - consecutive parts use disjoint classes, so a run ends at one place and a failed match gives
 *   back at most that run; where a count matters it is bounded (19 digits, 15 phone digits);
 * - what code reads (digit windows, keys) is bounded the same way.
 * A linear-time engine (RE2) would promise the same, but none runs in a browser without a
 * native or WebAssembly payload many times the agent's whole budget; a hand-written scanner of
 * every class would cost more bytes than these patterns for the same guarantee. The fuzz test
 * (scrub-text.fuzz.test.ts) holds the line: a time bound per input size on hostile input.
 *
 * Cheap on clean text: each class is looked for only when its trigger is there (`@`, a run of 7
 * digits and separators, a secret word, an escape, `eyJ`), so most strings cost a few passes of
 * short tests.
 *
 * Percent-encoding: the text is scrubbed as written, then, if it holds ASCII escapes, decoded
 * and scrubbed again, up to three levels (`%2540` is `@` twice encoded); when a decoded reading
 * reveals something, that reading, scrubbed, is the result. Deeper encodings are not read: each
 * level costs a pass, and three covers what browsers and proxies do.
 *
 * Left alone on purpose: UUIDs and hex ids (request and trace ids an error needs to be traced;
 * not personal on their own), timestamps, prices, versions, dates, order numbers and SKUs. The
 * route normaliser (route-path.ts) still turns ids in URL paths into `:id`.
 */
import { scrubCards } from './cards.ts';
import { scrubEmails } from './email.ts';
import { scrubIbans } from './iban.ts';
import { scrubNationalIds, scrubNino } from './national-ids.ts';
import { decodePercent, HAS_ESCAPE } from './percent.ts';
import { scrubPhones } from './phones.ts';
import { scrubSecrets } from './secrets.ts';

/** `text` scrubbed of every class, then cut to `max` characters (the schema's cap) if given. */
export function scrubText(text: string, max?: number): string {
  return scrubReadings(text, everything, max);
}

/** `text` scrubbed of secrets, emails and cards, then cut to `max` characters if given. */
export function scrubBrowserText(text: string, max?: number): string {
  return scrubReadings(text, common, max);
}

/**
 * Every number the digit rules look for (cards, phones, IBANs' account numbers, the digit ids,
 * down to the NIE's 7 digits) holds 7 digits, separators or brackets in a row: text without such
 * a run (most stack traces, with their `:12:345`) skips all of them at the cost of this one test.
 */
const NUMBER = /[\d+(][\d .()+-]{6}/;

// National ids before phones: an SSN or a TFN may start with 0 like a phone number. Phones before
// cards: a phone read first leaves the card written after it whole.
function everything(s: string): string {
  s = scrubEmails(scrubSecrets(s));
  if (!/\d/.test(s)) return s;
  s = scrubNino(s);
  return NUMBER.test(s) ? scrubCards(scrubPhones(scrubNationalIds(scrubIbans(s)))) : s;
}

function common(s: string): string {
  s = scrubEmails(scrubSecrets(s));
  return NUMBER.test(s) ? scrubCards(s) : s;
}

/** The text as written, then up to three percent-decoded readings of it. */
function scrubReadings(text: string, scrub: (s: string) => string, max?: number): string {
  let out = scrub(text);
  for (let view = out, level = 0; level < 3 && HAS_ESCAPE.test(view); level++) {
    const decoded = decodePercent(view);
    view = scrub(decoded);
    if (view != decoded) out = view;
  }
  return out.slice(0, max);
}
