/**
 * Runs `fn` when the main thread is idle, so the agent never competes with the page's own
 * input handling (what INP measures). The timeout bounds the wait on a busy page; Safari has no
 * requestIdleCallback, where a zero timeout at least yields to pending input.
 */
export function whenIdle(fn: () => void, timeout = 2000): void {
  if (typeof requestIdleCallback == 'function') requestIdleCallback(fn, { timeout });
  else setTimeout(fn, 0);
}
