import { safeSessionStorage } from './session-id.ts';

/** Prompt ids and nudge incidents already shown in this tab, one a line, newest first. */
export const SEEN_KEY = 'tp_seen';
// Where storage is blocked, this page at least never repeats itself.
let here = '';

/** True the first time `key` is asked about in this tab, and records it; false ever after. */
export function firstTime(key: string, store: Pick<Storage, 'getItem' | 'setItem'> | undefined = safeSessionStorage()): boolean {
  const seen = store?.getItem(SEEN_KEY) ?? here;
  if (`\n${seen}\n`.includes(`\n${key}\n`)) return false;
  // The newest 20 are enough for any visit (ids are the worker's, without line breaks).
  here = [key, ...seen.split('\n').slice(0, 19)].join('\n').trim();
  try {
    store?.setItem(SEEN_KEY, here);
  } catch {
    // Quota or privacy mode: `here` still holds it for this page.
  }
  return true;
}
