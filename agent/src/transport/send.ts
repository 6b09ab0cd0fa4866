export interface PostResult {
  /** 0 for a network failure or a response CORS hides. */
  status: number;
  retryAfter: string | null;
}

/**
 * POSTs one body while the page is alive. `keepalive` lets it finish if the page goes away;
 * a string body is sent as text/plain, a CORS-safelisted type, so no preflight doubles the cost.
 */
export async function post(url: string, body: string): Promise<PostResult> {
  try {
    const r = await fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' });
    return { status: r.status, retryAfter: r.headers.get('retry-after') };
  } catch {
    return { status: 0, retryAfter: null };
  }
}

/** Queues one body with the browser as the page is hidden or unloaded; false when refused. */
export function beacon(url: string, body: string): boolean {
  try {
    return navigator.sendBeacon(url, body);
  } catch {
    return false;
  }
}
