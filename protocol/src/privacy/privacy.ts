/**
 * The privacy module (`@touchpoint/protocol/privacy`): every string of a beacon passes through
 * it before it is stored or shown; fields.ts says which function each field gets.
 *
 * - `scrubText` free text: personal data and secrets become placeholders (scrub-text.ts);
 *   `scrubBrowserText` the part of it the browser agent carries (secrets, emails, cards).
 * - `scrubUrl` (here) a URL keeping its shape: secret parameters redacted by name, personal data
 *   in any component scrubbed, percent-encoded and nested values included.
 * - `normalizeRoute` / `compileRoutes` a URL path as a low-cardinality dimension (route-path.ts).
 * - `personalIdReason` why a session or customer id is personal data (personal-id.ts).
 *
 * All of it runs in linear time on any input (see scrub-text.ts for how), in browsers and Node.
 */
import { decodePercent, HAS_ESCAPE } from './percent.ts';
import { REDACTED } from './placeholders.ts';
import { isSecretKey } from './secret-keys.ts';
import { scrubText } from './scrub-text.ts';

export { scrubBrowserText, scrubText } from './scrub-text.ts';
export { compileRoutes, normalizeRoute, type CompiledRoutes } from './route-path.ts';
export { personalIdReason, type PersonalIdReason } from './personal-id.ts';
export { FIELD_TREATMENTS, type FieldPath, type FieldTreatment } from './fields.ts';
export * as PLACEHOLDERS from './placeholders.ts';

// scheme://authority, path, ?query, #fragment: each part stops at the character that starts the
// next. Without `//` there is no authority and no scheme is split off: `mailto:kim@…` and
// `x-api-key:…` are read whole, as a path.
const PARTS = /^([a-z][a-z\d+.-]*:)?(\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?(#[^]*)?$/i;

/**
 * `url` with the values of secret-named query and fragment parameters replaced by `[redacted]`,
 * credentials before the host by `[redacted]`, and personal data in the host, any path segment,
 * parameter name or value, or the fragment scrubbed as `scrubText` would. Untouched parts keep
 * their exact bytes; a changed part is percent-encoded again (placeholders keep their
 * brackets), so the URL keeps its shape. Text that cannot be a URL (it holds white space,
 * quotes or braces, which browsers always encode) is scrubbed as text. Cut to `max` characters
 * if given.
 */
export function scrubUrl(url: string, max?: number): string {
  let out = url;
  if (/[\s"'<>{}`]/.test(url)) out = scrubText(url);
  else {
    const [, scheme, authority = '', path = '', query = '', fragment = ''] = PARTS.exec(url)!;
    // A URL with nothing to scrub as a whole has nothing in any of its parts either: every part
    // boundary (/ ? & = #) is a boundary for every pattern. Credentials before the host are the
    // one thing only the parts show.
    if (authority.includes('@') || scrubText(url) != url) {
      const [, credentials, host = ''] = /^\/\/([^@]*@)?([^]*)$/.exec(authority) ?? [];
      // Credentials that are already a placeholder stay as they are.
      const user = credentials && (/^\[\w+\]@$/.test(credentials) ? credentials : REDACTED + '@');
      out = authority ? (scheme ?? '') + '//' + (user ?? '') + part(host) + segments(path) : segments((scheme ?? '') + path);
      if (query) out += '?' + params(query.slice(1));
      if (fragment) {
        // `#access_token=…&state=…` (OAuth), `#/route?x=…` (hash routers), or a plain anchor.
        const f = fragment.slice(1);
        const q = f.indexOf('?');
        out += '#' + (q >= 0 ? segments(f.slice(0, q)) + '?' + params(f.slice(q + 1)) : f.includes('=') ? params(f) : segments(f));
      }
    }
  }
  return max === undefined ? out : out.slice(0, max);
}

const segments = (path: string) => path.split('/').map(part).join('/');

function params(query: string): string {
  return query.split('&').map(param).join('&');
}

function param(p: string): string {
  const eq = p.indexOf('=');
  if (eq < 0) return part(p);
  const key = p.slice(0, eq);
  const value = p.slice(eq + 1);
  // Decided on the key as it comes out (a key that is a JWT reads `[jwt]`), so a second pass agrees.
  const name = part(key);
  return name + '=' + (value && isSecretKey(decodeFully(name)) ? REDACTED : part(value));
}

/** One component, read decoded: unchanged, or scrubbed and encoded again. */
function part(raw: string): string {
  const decoded = decodeFully(raw);
  const clean = scrubText(decoded);
  if (clean == decoded) return raw;
  return decoded == raw ? clean : encodeComponent(clean);
}

/**
 * Percent-encoded again, except the placeholders' brackets and the non-ASCII escapes that
 * reading left encoded. A lone surrogate (half an emoji, cut by the page) becomes U+FFFD
 * instead of making `encodeURIComponent` throw.
 */
function encodeComponent(s: string): string {
  return encodeURIComponent(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, (c) => (c.length > 1 ? c : '\uFFFD')))
    .replace(/%5B(\w+)%5D/g, '[$1]')
    .replace(/%25([89A-Fa-f][0-9A-Fa-f])/g, '%$1');
}

function decodeFully(s: string): string {
  for (let level = 0; level < 3 && HAS_ESCAPE.test(s); level++) s = decodePercent(s);
  return s;
}
