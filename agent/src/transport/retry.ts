/** Tries per body before it is dropped: about a minute of backoff without Retry-After. */
export const MAX_ATTEMPTS = 6;
/** Longest wait this page honours; a longer Retry-After is kept in storage for a later page. */
export const MAX_DELAY_MS = 10 * 60_000;

/** Network failure (0), rate limited (429) or a server-side failure (5xx): worth another try. */
export const isRetryable = (status: number): boolean => status == 0 || status == 429 || status >= 500;

/**
 * Milliseconds to wait before try number `attempt + 1`. A Retry-After from the collector (429/503)
 * wins, as seconds or an HTTP date; otherwise exponential backoff from 1 s with jitter, so a
 * fleet of browsers that failed together does not come back together.
 */
export function retryDelay(attempt: number, retryAfter?: string | null, now = Date.now(), random = Math.random): number {
  if (retryAfter) {
    const seconds = +retryAfter;
    const ms = seconds >= 0 ? seconds * 1000 : Date.parse(retryAfter) - now;
    if (ms >= 0) return Math.min(ms, MAX_DELAY_MS);
  }
  return Math.min(1000 * 2 ** attempt, MAX_DELAY_MS) * (0.5 + random() / 2);
}
