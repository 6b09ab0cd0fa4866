/**
 * Secrets written into text: credential headers, bearer tokens, JWTs and `key = value` pairs
 * whose key names a secret, in header, query, form, JSON (also escaped inside a JSON string) or
 * JavaScript-object form.
 *
 * A pair is found from a key that starts after a character no key holds, so a run of key
 * characters is tried once however it ends (`tokentokentoken…` costs one pass); every class is
 * disjoint from the one that follows it, so nothing is matched twice.
 */
import { JWT, REDACTED } from './placeholders.ts';
import { isSecretKey, SECRET_HINT } from './secret-keys.ts';

/**
 * Header text (`Authorization: Bearer …`, `cookie: a=1; b=2`): the value, scheme included, runs
 * to the end of the line or of the quoted string.
 */
const HEADER = /\b((?:proxy-)?authorization|(?:set-)?cookie)([ \t]*:[ \t]*)[^\r\n"']+/gi;
/** A bearer token outside a header. `Basic` alone is left: "Basic authentication failed" is prose. */
const BEARER = /\b(bearer[ \t]+)[\w.~+/=-]{8,}/gi;
/** A signed JWT: header and payload are both JSON objects, so both start `eyJ` (`{"`). */
const JWT_TEXT = /(^|[^\w-])eyJ[\w-]+\.eyJ[\w-]+(\.[\w-]*)?/g;
/** boundary, key, then the `"key" : "` punctuation up to the value. */
const KEY = /(^|[^\w.-])([\w.-]+)(\\?["']?[ \t]*[:=][ \t]*)/g;
/**
 * The value after a secret key: quoted, single-quoted or bare; the quote is kept. A bare value may
 * hold brackets, so `[redacted]` is read whole and redacting twice changes nothing, and a colon,
 * but not one before a digit: in a stack frame `app.js?token=…:10:5` the line and column stay.
 */
const VALUE = /\\?"[^"\\]*|\\?'[^'\\]*|(?:[^\s&#;,"'<>{}()\\?=:]|:(?!\d))+/y;

export function scrubSecrets(s: string): string {
  if (s.includes('eyJ')) s = s.replace(JWT_TEXT, `$1${JWT}`);
  if (!SECRET_HINT.test(s)) return s;
  s = s.replace(HEADER, `$1$2${REDACTED}`).replace(BEARER, `$1${REDACTED}`);
  let out = '';
  let done = (KEY.lastIndex = 0);
  for (let m; (m = KEY.exec(s)); ) {
    VALUE.lastIndex = KEY.lastIndex;
    const v = isSecretKey(m[2]!) && VALUE.exec(s);
    if (v) {
      out += s.slice(done, KEY.lastIndex) + /^\\?["']?/.exec(v[0])![0] + REDACTED;
      done = KEY.lastIndex = VALUE.lastIndex;
    } else {
      // The value is read on: it may hold a pair of its own (`"msg":"password=…"`). The last
      // punctuation character starts the next key, as its boundary.
      KEY.lastIndex--;
    }
  }
  return done ? out + s.slice(done) : s;
}
