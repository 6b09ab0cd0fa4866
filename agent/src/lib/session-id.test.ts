import { describe, expect, it } from 'vitest';
import { isSampled } from './sampling.ts';
import { sessionId } from './session-id.ts';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}

describe('session id and sampling', () => {
  it('keeps one session id per tab session', () => {
    const s = memoryStorage();
    const a = sessionId(s);
    expect(a).toMatch(/^[a-z0-9]{10,40}$/);
    expect(sessionId(s)).toBe(a);
    expect(sessionId(memoryStorage())).not.toBe(a);
  });

  it('decides sampling once per session and keeps it', () => {
    const runs = Array.from({ length: 200 }, () => {
      const s = memoryStorage();
      const first = isSampled(0.5, s);
      // Whatever the rate says later, the session keeps its first decision.
      for (let i = 0; i < 5; i++) expect(isSampled(first ? 0 : 1, s)).toBe(first);
      return first;
    });
    const share = runs.filter(Boolean).length / runs.length;
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.7);
    expect(isSampled(0, memoryStorage())).toBe(false);
    expect(isSampled(1, memoryStorage())).toBe(true);
  });
});
