import { describe, expect, it } from 'vitest';
import { MAX_UNSENT_CHARS, saveUnsent, takeUnsent, UNSENT_KEY } from './storage.ts';

/** Web Storage semantics in memory (the browser's own is exercised by the Chromium tests). */
function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, String(v)),
    removeItem: (k: string) => void m.delete(k),
    map: m,
  };
}

describe('unsent storage', () => {
  it('round-trips bodies and the Retry-After deadline, and take() empties it', () => {
    const s = memoryStorage();
    saveUnsent({ until: 123, bodies: ['a', 'b'] }, s);
    expect(takeUnsent(s)).toEqual({ until: 123, bodies: ['a', 'b'] });
    expect(takeUnsent(s)).toEqual({ until: 0, bodies: [] });
  });

  it('appends to what another page left and keeps the later deadline', () => {
    const s = memoryStorage();
    saveUnsent({ until: 500, bodies: ['a'] }, s);
    saveUnsent({ until: 100, bodies: ['b'] }, s);
    expect(takeUnsent(s)).toEqual({ until: 500, bodies: ['a', 'b'] });
  });

  it('stays bounded, dropping the oldest bodies', () => {
    const s = memoryStorage();
    const body = (i: number) => String(i).padEnd(20_000, 'x');
    for (let i = 0; i < 30; i++) saveUnsent({ until: 0, bodies: [body(i)] }, s);
    expect((s.map.get(UNSENT_KEY) ?? '').length).toBeLessThan(MAX_UNSENT_CHARS + 1000);
    const { bodies } = takeUnsent(s);
    expect(bodies.length).toBeGreaterThan(5);
    expect(bodies.at(-1)).toBe(body(29));
    expect(bodies[0]).not.toBe(body(0));
  });

  it('survives corrupt data and missing storage', () => {
    const s = memoryStorage();
    s.setItem(UNSENT_KEY, '{not json');
    expect(takeUnsent(s)).toEqual({ until: 0, bodies: [] });
    expect(takeUnsent(undefined)).toEqual({ until: 0, bodies: [] });
    expect(() => saveUnsent({ until: 0, bodies: ['a'] }, undefined)).not.toThrow();
  });
});
