import type { Beacon, BeaconEvent } from '@touchpoint/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatcher } from './batcher.ts';
import { stamp } from './split.ts';

const ev = (name: string): BeaconEvent => ({ type: 'custom', at: 1795000000000, name });
const parse = (bodies: string[]) => bodies.map((b) => JSON.parse(stamp(b)) as Beacon);

describe('createBatcher', () => {
  let delivered: string[][];
  let customer: string | undefined;
  const make = (o: { maxEvents?: number; maxWaitMs?: number } = {}) =>
    createBatcher({
      head: (page) => JSON.stringify({ v: 1, session: 's', page, customer }).slice(1, -1) + ',',
      deliver: (b) => delivered.push(b),
      ...o,
    });

  beforeEach(() => {
    vi.useFakeTimers();
    delivered = [];
    customer = undefined;
  });
  afterEach(() => vi.useRealTimers());

  it('waits for more events, then delivers one beacon after maxWaitMs', () => {
    const b = make({ maxWaitMs: 5000 });
    b.push(ev('a'), 'https://s.example/');
    vi.advanceTimersByTime(3000);
    b.push(ev('b'), 'https://s.example/');
    expect(delivered).toHaveLength(0);
    vi.advanceTimersByTime(2000);
    expect(delivered).toHaveLength(1);
    expect(parse(delivered[0] ?? [])[0]?.events.map((e) => (e.type == 'custom' ? e.name : ''))).toEqual(['a', 'b']);
  });

  it('delivers at once when maxEvents is reached', () => {
    const b = make({ maxEvents: 3 });
    for (const n of ['a', 'b', 'c']) b.push(ev(n), 'https://s.example/');
    expect(delivered).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    expect(delivered).toHaveLength(1);
  });

  it('an urgent event makes the queue due at once, with what waited before it', () => {
    const dues: boolean[] = [];
    let pending: (() => void) | undefined;
    const b = createBatcher({
      head: (page) => JSON.stringify({ v: 1, session: 's', page }).slice(1, -1) + ',',
      deliver: (x) => delivered.push(x),
      due: (flush, urgent) => {
        dues.push(!!urgent);
        pending = flush;
      },
    });
    b.push(ev('vital'), 'https://s.example/');
    expect(dues).toEqual([]);
    b.push(ev('checkout-error'), 'https://s.example/', true);
    expect(dues).toEqual([true]);
    pending?.();
    expect(parse(delivered[0] ?? [])[0]?.events.map((e) => (e.type == 'custom' ? e.name : ''))).toEqual(['vital', 'checkout-error']);
    // The 5 s timer of the first event went with it: nothing is delivered twice or left behind.
    vi.advanceTimersByTime(10_000);
    expect(dues).toEqual([true]);
    expect(delivered).toHaveLength(1);
    b.push(ev('later'), 'https://s.example/');
    vi.advanceTimersByTime(5000);
    expect(dues).toEqual([true, false]);
  });

  it('makes one beacon per page context (soft navigations)', () => {
    const b = make();
    b.push(ev('a'), 'https://s.example/');
    b.push(ev('b'), 'https://s.example/cart');
    b.push(ev('c'), 'https://s.example/');
    const beacons = parse(b.take());
    expect(beacons.map((x) => [x.page, x.events.length])).toEqual([
      ['https://s.example/', 2],
      ['https://s.example/cart', 1],
    ]);
    expect(b.take()).toEqual([]);
  });

  it('reads the head at flush time, so consent given after an event still applies', () => {
    const b = make();
    b.push(ev('a'), 'https://s.example/');
    expect(parse(b.take())[0]?.customer).toBeUndefined();
    b.push(ev('b'), 'https://s.example/');
    customer = 'cust-1';
    expect(parse(b.take())[0]?.customer).toBe('cust-1');
  });

  it('take() cancels the pending timer', () => {
    const b = make();
    b.push(ev('a'), 'https://s.example/');
    expect(b.take()).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    expect(delivered).toHaveLength(0);
  });
});
