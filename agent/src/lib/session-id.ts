/**
 * One id per tab session: sessionStorage lives as long as the tab and survives reloads and
 * same-origin navigations, which is what a visit is. Falls back to a per-page id where storage
 * is blocked (Safari private mode, sandboxed iframes).
 */
export const SESSION_KEY = 'tp_sid';

export function sessionId(store: Pick<Storage, 'getItem' | 'setItem'> | undefined = safeSessionStorage()): string {
  let id = store?.getItem(SESSION_KEY);
  if (!id) {
    id = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    try {
      store?.setItem(SESSION_KEY, id);
    } catch {
      // Quota or privacy mode: a per-page id is still a valid session.
    }
  }
  return id;
}

/** Touching `sessionStorage` throws in some sandboxed contexts, so look it up carefully. */
export function safeSessionStorage(): Storage | undefined {
  try {
    return sessionStorage;
  } catch {
    return undefined;
  }
}
