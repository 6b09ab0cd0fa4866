import { describe, expect, it } from 'vitest';
import { firstTime, SEEN_KEY } from './seen.ts';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}

describe('firstTime', () => {
  it('is true once per key and tab, whatever else is kept', () => {
    const s = memoryStorage();
    expect(firstTime('p1', s)).toBe(true);
    expect(firstTime('p1', s)).toBe(false);
    expect(firstTime('p10', s)).toBe(true);
    expect(firstTime('p', s)).toBe(true);
    expect(firstTime('p1', s)).toBe(false);
    expect(s.getItem(SEEN_KEY)?.split('\n')).toEqual(['p', 'p10', 'p1']);
  });

  it('keeps the newest 20', () => {
    const s = memoryStorage();
    for (let i = 0; i < 30; i++) firstTime(`k${i}`, s);
    expect(s.getItem(SEEN_KEY)?.split('\n')).toHaveLength(20);
    expect(firstTime('k29', s)).toBe(false);
  });

  it('still never repeats on this page where storage refuses to keep it', () => {
    const refusing = { getItem: () => null, setItem: () => { throw new Error('quota'); } };
    expect(firstTime('x1', refusing)).toBe(true);
    expect(firstTime('x1', refusing)).toBe(false);
  });
});
