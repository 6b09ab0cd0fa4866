/**
 * Phone numbers: `+` or `00` then 8–15 digits (E.164: `+61412345678`, `+44 20 7946 0958`,
 * `0044 20 7946 0958`, `+44 (0)20 7946 0958`); a national number with its 0 trunk prefix and
 * 9–11 digits (`(02) 9374 4000`, `020 7946 0958`, `0412 345 678`); North American 3-3-4 with
 * separators (`(415) 555-2671`, `415-555-2671`, `1-415-555-2671`). Ten bare digits without a 0
 * are as likely an order number: left alone.
 *
 * A number starts after a character that cannot continue a word or a number (so `SKU-1234-5678`
 * and `ORD-2024-000123` never start one) and reads at most 15 digit units (an optional bracket
 * or separator, then a digit): a failed start costs that many steps at most. It must end before
 * a digit, so a match ends where a group of digits does.
 */
import { PHONE } from './placeholders.ts';

// Each digit unit: \)?[ .-]?\(?\d, an optional bracket or separator, then a digit.
const PHONES =
  /(^|[^A-Za-z0-9.+\]-])(?:(?:\+|00(?=[1-9]))\d(?:\)?[ .-]?\(?\d){7,14}|\(?0[1-9](?:\)?[ .-]?\(?\d){7,9}|(?:1[ .-])?\(?[2-9]\d\d(?:\) ?|[ .-])[2-9]\d\d[ .-]\d{4})(?!\d)/g;

export function scrubPhones(s: string): string {
  return s.replace(PHONES, `$1${PHONE}`);
}
