/**
 * The admin token, checked where it cannot be bypassed: `requireAdmin` is an onRequest hook of
 * the encapsulated plugin that registers every /api/ route (routes/api.ts), so it runs for a
 * request the router sent to one of those routes, however its URL was spelled. Deny by default:
 * a route added there is guarded without doing anything.
 *
 * Requests that name /api/ in a spelling the router does not route (double-encoded, dot
 * segments, duplicate slashes, another case, absolute form) get 401 too, not 404, from the
 * not-found handler (`isApiPath`), so a prober learns nothing from the difference.
 *
 * Tokens are compared as SHA-256 digests with timingSafeEqual: equal length, constant time,
 * whatever was sent. Wrong tokens are limited per client address: past the burst, the address
 * gets 429 with Retry-After whether or not its next guess is right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { RateLimiter } from '../lib/rate-limiter.ts';

/** Failed token attempts per client address: 10 at once, then one every 6 s (a typo costs nothing; guessing costs days per million). */
const FAILURES_PER_SECOND = 1 / 6;
const FAILURE_BURST = 10;

const digest = (s: string) => createHash('sha256').update(s).digest();

export interface AdminGuard {
  /** onRequest hook for the /api/ plugin. */
  hook: onRequestHookHandler;
  /** For callers outside HTTP routing (the WebSocket upgrade): the outcome of one attempt. */
  check(token: string | undefined, client: string): 'ok' | 'denied' | 'throttled';
  retryAfter(client: string): number;
}

/** `setting` names the token in the 401's message (the admin token, or the metrics token). */
export function createAdminGuard(token: string, setting = 'TOUCHPOINT_ADMIN_TOKEN'): AdminGuard {
  const expected = digest(token);
  const failures = new RateLimiter(FAILURES_PER_SECOND, FAILURE_BURST);

  // Only a wrong token is an attempt: a request without one is refused but costs nothing.
  function check(given: string | undefined, client: string): 'ok' | 'denied' | 'throttled' {
    if (!given) return 'denied';
    if (!failures.available(client)) return 'throttled';
    if (timingSafeEqual(digest(given), expected)) return 'ok';
    failures.take(client);
    return 'denied';
  }

  const hook: onRequestHookHandler = (req, _reply, done) => {
    const outcome = check(bearerToken(req.headers.authorization), req.ip);
    if (outcome === 'ok') return done();
    done(outcome === 'throttled' ? throttled(failures.retryAfterSeconds(req.ip)) : new TouchpointError('TP_ERR_UNAUTHORIZED', setting === 'TOUCHPOINT_ADMIN_TOKEN' ? undefined : `this route takes ${setting}`));
  };
  return { hook, check, retryAfter: (client) => failures.retryAfterSeconds(client) };
}

const throttled = (seconds: number) =>
  new TouchpointError('TP_ERR_TOO_MANY_AUTH_FAILURES', `retry in ${seconds} s`, { 'retry-after': String(seconds) });

/** The token of `Authorization: Bearer <token>`; the scheme name is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}

/**
 * The path a request names, read the way any server or proxy on the way might read it: absolute
 * form reduced to its path, percent-decoded until stable, backslashes as slashes, duplicate
 * slashes collapsed, dot segments resolved, lower case. Only for deciding that a request is
 * about /api/, never for routing.
 */
export function canonicalPath(rawUrl: string): string {
  let path = rawUrl.split(/[?#]/, 1)[0] ?? '';
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  if (abs) path = path.slice(abs[0].length) || '/';
  for (let i = 0; i < 4 && path.includes('%'); i++) {
    try {
      const next = decodeURIComponent(path);
      if (next === path) break;
      path = next;
    } catch {
      break;
    }
  }
  const out: string[] = [];
  for (const seg of path.replaceAll('\\', '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return ('/' + out.join('/')).toLowerCase();
}

export const isApiPath = (rawUrl: string) => {
  const p = canonicalPath(rawUrl);
  return p === '/api' || p.startsWith('/api/');
};

/** For the not-found handler: an unrouted spelling of /api/ without a good token is a 401 (or 429), not a 404. */
export function refuseUnroutedApi(guard: AdminGuard, req: FastifyRequest): TouchpointError | undefined {
  if (!isApiPath(req.url)) return undefined;
  const outcome = guard.check(bearerToken(req.headers.authorization), req.ip);
  if (outcome === 'ok') return undefined;
  return outcome === 'throttled' ? throttled(guard.retryAfter(req.ip)) : new TouchpointError('TP_ERR_UNAUTHORIZED');
}
