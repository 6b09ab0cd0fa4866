/** Bodies the page could not deliver, kept for the next page of this origin. */
export interface Unsent {
  /** Epoch ms before which the collector asked not to be called (Retry-After). */
  until: number;
  bodies: string[];
}

export const UNSENT_KEY = 'tp_unsent';
/** localStorage is ~5 MB shared with the site: keep to a small slice, newest first. */
export const MAX_UNSENT_CHARS = 200_000;

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function local(): Store | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

/** Reads and removes what earlier pages left, so two pages never send it twice. */
export function takeUnsent(store = local()): Unsent {
  try {
    const raw = store?.getItem(UNSENT_KEY);
    store?.removeItem(UNSENT_KEY);
    const u = raw ? (JSON.parse(raw) as Unsent) : undefined;
    if (u && Array.isArray(u.bodies)) return u;
  } catch {
    // Corrupt or unreadable: start afresh rather than fail the page.
  }
  return { until: 0, bodies: [] };
}

/** Adds bodies to what is stored (another tab may have left some), dropping the oldest past the bound. */
export function saveUnsent(u: Unsent, store = local()): void {
  try {
    const prev = takeUnsent(store);
    const bodies = prev.bodies.concat(u.bodies);
    while (bodies.join().length > MAX_UNSENT_CHARS) bodies.shift();
    store?.setItem(UNSENT_KEY, JSON.stringify({ until: Math.max(prev.until, u.until), bodies }));
  } catch {
    // Quota exceeded or storage blocked: these events are lost, the page is not.
  }
}
