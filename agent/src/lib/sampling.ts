import { safeSessionStorage } from './session-id.ts';

export const SAMPLED_KEY = 'tp_smp';

/**
 * Whether this tab session is measured. Decided once per session and kept, so a visit is either
 * fully measured or not at all (half a visit would skew funnels and per-session views).
 */
export function isSampled(rate = 1, store: Pick<Storage, 'getItem' | 'setItem'> | undefined = safeSessionStorage()): boolean {
  const kept = store?.getItem(SAMPLED_KEY);
  if (kept) return kept == '1';
  const sampled = Math.random() < rate;
  try {
    store?.setItem(SAMPLED_KEY, sampled ? '1' : '0');
  } catch {
    // Storage refused: decided for this page only.
  }
  return sampled;
}
