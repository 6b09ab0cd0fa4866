/**
 * Text built to make the scrubber's and the validator's patterns backtrack (issue 18), for the
 * tests and benchmarks that hold them to linear time (`@touchpoint/protocol/privacy/testing/hostile-text`):
 * the scrubber's fuzz test, the validator's, the hostile-beacon test over HTTP and the benches.
 * Each entry makes a string of any length; repetition is what turns a backtracking pattern
 * quadratic (a 16 K local part ending in `@` took 230 ms before the linear rules).
 */

/** `unit` repeated to exactly `length` characters ('' for 0 or less). */
export const fill = (unit: string, length: number): string => (length > 0 ? unit.repeat(Math.ceil(length / unit.length)).slice(0, length) : '');

const repeat = (unit: string) => (length: number) => fill(unit, length);

/**
 * The inputs issue 18 names, and the worst ones found while writing the scrubber and measuring
 * it (privacy-cost.ts, hostile.ts): a name, and the text at a given length.
 */
export const HOSTILE_TEXT: Readonly<Record<string, (length: number) => string>> = {
  'a local part ending in @': (n) => (fill('a', n - 1) + '@').slice(0, n),
  'local parts with dots, tags and dashes': repeat('a.b+c-'),
  '@ after @': repeat('a@'),
  'domains that never reach a TLD': repeat('a@b.c.d.e.f.g.h.'),
  // Quadratic for `^[^@\s]+@[^@\s]+\.[^@\s]+$` (the schema's email check, safe behind its 254 cap).
  'one @ before endless labels': (n) => ('a@' + fill('b.', n - 3) + ' ').slice(0, n),
  'repeated secret key words': (n) => (fill('token', n - 1) + '=').slice(0, n),
  'repeated secret pairs': repeat('token='),
  'repeated JSON keys': repeat('"a":'),
  'spaces after a key': repeat('password       '),
  'digits with single spaces': repeat('1 '),
  'groups of four digits': repeat('1234-'),
  'groups of five digits (a Luhn check per group)': repeat('41119-'),
  'card-sized groups between single digits': repeat('1234 1 '),
  'groups of three digits (an id check per group)': repeat('123 '),
  'dotted digits': repeat('1.'),
  'bracketed digits': repeat('(1) '),
  'one long digit run': repeat('1'),
  'phone leads': repeat('+1 '),
  'a run of %': repeat('%'),
  'a run of escapes': repeat('%41'),
  'nested %25 escapes': (n) => ('%' + fill('25', n - 3) + '40').slice(0, n),
  'JWT headers without a payload': repeat('eyJ'),
  'JWT-like parts': repeat('eyJa.'),
  'bearer words': repeat('bearer '),
  'header names': repeat('authorization:'),
  'IBAN prefixes': repeat('DE89 '),
  'NINO prefixes': repeat('AB 12 '),
  quotes: repeat('"'),
  'escaped quotes': repeat('\\"'),
  'personal data everywhere': repeat('kim%40x.com 4111 1111 1111 1111 token=abc +61412345678 '),
};
