/**
 * A URL path as a route: the low-cardinality dimension dashboards group by, the way Datadog RUM
 * names views and Sentry names transactions. `/account/8812/orders/ORD-2024-000123` becomes
 * `/account/:id/orders/:id`; a project's own patterns (`/account/:account/orders`) win when
 * they match.
 *
 * A segment becomes `:id` when it holds anything the scrubber would replace (an email, a card,
 * a phone, a token…) or looks like an identifier:
 * - all digits (`42`, `2024`, `100045872`);
 * - as many digits as letters or more (`ORD-2024-000123`, `a1b2c3d4`, `2024-12-02`);
 * - hex of 8 characters or more with a digit (UUIDs, hashes, Mongo ids);
 * - 16 characters or more of letters in both cases and digits (base64 and random tokens);
 * - longer than 64 characters.
 * Kept: readable slugs (`blue-kettle`, `kettle-2000`, `iphone-15`), versions (`v2`, `v10`),
 * locales (`en-au`, `fr_FR`), file names (`app.js`). `;jsessionid=…` path parameters are dropped,
 * empty segments and a trailing slash too. At most 12 segments and 200 characters are kept;
 * beyond, the route ends in `/…`.
 */
import { decodePercent } from './percent.ts';
import { scrubText } from './scrub-text.ts';

export const ID_SEGMENT = ':id';
const MAX_SEGMENTS = 12;
const MAX_LENGTH = 200;

/** Route patterns compiled once per project: see `compileRoutes`. */
export interface CompiledRoutes {
  /** The first pattern matching these segments, written as configured, or undefined. */
  match(segments: readonly string[]): string | undefined;
}

/**
 * `/account/:id/orders`: a `:name` segment matches any one segment; a last segment `*` matches
 * the rest (one segment or more). Literal segments match exactly. Throws on a malformed pattern
 * with a message naming it.
 */
export function compileRoutes(patterns: readonly string[]): CompiledRoutes {
  const compiled = patterns.map((pattern) => {
    const parts = pattern.split('/').slice(1);
    if (pattern[0] != '/' || parts.some((s, i) => !s || (s == '*' && i < parts.length - 1))) {
      throw new Error(`route pattern ${JSON.stringify(pattern)} is not /segment/:param/…[/*]: segments must not be empty and * may only end it`);
    }
    const rest = parts.at(-1) == '*';
    const fixed = rest ? parts.slice(0, -1) : parts;
    return { pattern: '/' + parts.join('/'), rest, fixed: fixed.map((s) => (s[0] == ':' ? undefined : s)) };
  });
  return {
    match(segments) {
      // Loops, not find/every: this runs for every beacon (closures cost under tsx, see cards.ts).
      for (const r of compiled) {
        if (r.rest ? segments.length <= r.fixed.length : segments.length != r.fixed.length) continue;
        let i = 0;
        while (i < r.fixed.length && (r.fixed[i] === undefined || r.fixed[i] == segments[i])) i++;
        if (i == r.fixed.length) return r.pattern;
      }
      return undefined;
    },
  };
}

/** `pathOrUrl`'s route (query and fragment dropped; a hash router's `#/path` read when the path is `/`). */
export function normalizeRoute(pathOrUrl: string, routes?: CompiledRoutes): string {
  const [, path = '', hashPath] = /^(?:[a-z][a-z\d+.-]*:\/\/[^/?#]*)?([^?#]*)(?:\?[^#]*)?(?:#!?(\/[^?]*))?/i.exec(pathOrUrl)!;
  const segments: string[] = [];
  for (const s of (path.replace(/\/+$/, '') || hashPath || '').split('/')) {
    const segment = s.replace(/;[^]*/, '');
    if (segment) segments.push(segment);
  }
  const matched = routes?.match(segments);
  if (matched) return matched;
  let route = '';
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const next = '/' + (isIdSegment(decodePercent(s)) ? ID_SEGMENT : s);
    if (i == MAX_SEGMENTS || route.length + next.length > MAX_LENGTH) return route + '/…';
    route += next;
  }
  return route || '/';
}

function isIdSegment(s: string): boolean {
  const digits = s.replace(/\D/g, '').length;
  return (
    s.length > 64 ||
    (digits > 0 && digits >= s.replace(/[^A-Za-z]/g, '').length && !/^v\d+$/i.test(s)) ||
    (digits > 0 && /^[\da-f-]{8,}$/i.test(s)) ||
    (digits > 0 && s.length > 15 && /^[\w-]+$/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s)) ||
    scrubText(s) != s
  );
}
