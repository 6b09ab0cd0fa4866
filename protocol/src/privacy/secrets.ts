/**
 * Secrets written into text: credential headers, bearer tokens, JWTs and `key = value` pairs
 * whose key names a secret, in header, query, form, JSON (also escaped inside a JSON string) or
 * JavaScript-object form.
 *
 * A pair is found from a hint word of a secret key, widened to the key around it; the search
 * goes on after that key, so a run of key characters is read once however it ends
 * (`tokentokentoken…` costs one pass), and a value is read only after a secret key.
 */
import { JWT, REDACTED } from './placeholders.ts';
import { isSecretKey, SECRET_HINT } from './secret-keys.ts';

/** A bearer token outside a header. `Basic` alone is left: "Basic authentication failed" is prose. */
const BEARER = /(^|[^\w\]])(bearer[ \t]+)[\w.~+/=-]{8,}/gi;
/** A signed JWT: header and payload are both JSON objects, so both start `eyJ` (`{"`). */
const JWT_TEXT = /(^|[^\w\]-])eyJ[\w-]+\.eyJ[\w-]+(\.[\w-]*)?/g;
/**
 * Header text (`Authorization: Bearer …`, `cookie: a=1; b=2`, a key ending in `authorization` or
 * `cookie` then a colon without quotes): the value, scheme included, runs to the end of the line
 * or of the quoted string it is in.
 */
const HEADER_VALUE = /[^\r\n"']+/y;
const HEADER_NAME = /(authorization|cookie)$/i;
/** After a key: the `"key" : "` punctuation up to the value (the quote, the separator). */
const PUNCT = /\\?(["'])?[ \t]*([:=])[ \t]*/y;
/**
 * The value after a secret key: quoted, single-quoted or bare; the quote is kept. A bare value
 * does not start with `[` (a placeholder: redacting twice changes nothing) and stops at a colon
 * before a digit (in a stack frame `app.js?token=…:10:5` the line and column stay) or before a
 * placeholder, which replaced what the first pass stopped before.
 */
const VALUE = /(\\?")[^"\\]*|(\\?')[^'\\]*|(?!\[)(?:[^\s&#;,"'<>{}()\\?=:]|:(?![\d[]))+/y;
const HINTS = new RegExp(SECRET_HINT.source, 'gi');
// `]` too: `user[password]=…` is a key, and a key glued to a placeholder (`[phone]sid=…`) reads
// the same as it did glued to what the placeholder replaced.
const KEY_CHAR = /[\w.\]-]/;

export function scrubSecrets(s: string): string {
  if (s.includes('eyJ')) s = s.replace(JWT_TEXT, `$1${JWT}`);
  if (!SECRET_HINT.test(s)) return s;
  s = s.replace(BEARER, `$1$2${REDACTED}`);
  // From each hint (`pass`, `token`, …) out to the key around it, then its punctuation
  // and value. The search goes on after the key, so no character is read more than twice, and
  // text without a secret pair costs one pass of the hints.
  let out = '';
  let done = (HINTS.lastIndex = 0);
  for (let m; (m = HINTS.exec(s)); ) {
    let start = m.index;
    let end = HINTS.lastIndex;
    while (start > done && KEY_CHAR.test(s[start - 1]!)) start--;
    while (end < s.length && KEY_CHAR.test(s[end]!)) end++;
    HINTS.lastIndex = PUNCT.lastIndex = end;
    const p = PUNCT.exec(s);
    const key = s.slice(start, end);
    const value = p && !p[1] && p[2] == ':' && HEADER_NAME.test(key) ? HEADER_VALUE : VALUE;
    value.lastIndex = PUNCT.lastIndex;
    const v = p && isSecretKey(key) && value.exec(s);
    if (v) {
      out += s.slice(done, PUNCT.lastIndex) + (v[1] ?? v[2] ?? '') + REDACTED;
      done = HINTS.lastIndex = value.lastIndex;
    }
  }
  return done ? out + s.slice(done) : s;
}
