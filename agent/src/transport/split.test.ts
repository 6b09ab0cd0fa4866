import { beaconSchema, MAX_BODY_BYTES, MAX_EVENTS_PER_BEACON, type Beacon } from '@touchpoint/protocol';
import { describe, expect, it } from 'vitest';
import { byteLength, MAX_BEACON_BYTES, splitBeacon, stamp } from './split.ts';

const head = JSON.stringify({ v: 1, session: 's-1', page: 'https://shop.example/' }).slice(1, -1) + ',';
const event = (i: number, pad = 0) => JSON.stringify({ type: 'custom', at: 1795000000000 + i, name: 'e' + i, props: { pad: 'x'.repeat(pad) } });

describe('splitBeacon', () => {
  it('keeps a small batch in one beacon that parses as a protocol v1 beacon', () => {
    const bodies = splitBeacon(head, [event(1), event(2)]);
    expect(bodies).toHaveLength(1);
    const b = JSON.parse(stamp(bodies[0] ?? '', 1795000000100)) as Beacon;
    expect(b).toMatchObject({ v: 1, session: 's-1', page: 'https://shop.example/', sentAt: 1795000000100 });
    expect(b.events.map((e) => e.at)).toEqual([1795000000001, 1795000000002]);
    expect(Object.keys(beaconSchema.properties)).toEqual(expect.arrayContaining(Object.keys(b)));
  });

  it('splits by bytes: every body stays under 60 KiB, all events kept in order', () => {
    const events = Array.from({ length: 100 }, (_, i) => event(i, 1500 + i));
    const bodies = splitBeacon(head, events);
    expect(bodies.length).toBeGreaterThan(2);
    for (const b of bodies) expect(byteLength(stamp(b))).toBeLessThanOrEqual(MAX_BEACON_BYTES);
    const all = bodies.flatMap((b) => (JSON.parse(stamp(b)) as Beacon).events);
    expect(all.map((e) => e.at)).toEqual(events.map((_, i) => 1795000000000 + i));
  });

  it('counts bytes, not characters, for non-ASCII text', () => {
    // 3 bytes per character in UTF-8: by characters these would all fit in one body.
    const events = Array.from({ length: 20 }, (_, i) => JSON.stringify({ type: 'custom', at: i, name: '€'.repeat(1000) }));
    const bodies = splitBeacon(head, events, 30_000);
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) expect(byteLength(stamp(b))).toBeLessThanOrEqual(30_000);
  });

  it('splits by count at the protocol limit', () => {
    const bodies = splitBeacon(head, Array.from({ length: MAX_EVENTS_PER_BEACON * 2 + 1 }, (_, i) => event(i)));
    expect(bodies.map((b) => (JSON.parse(stamp(b)) as Beacon).events.length)).toEqual([MAX_EVENTS_PER_BEACON, MAX_EVENTS_PER_BEACON, 1]);
  });

  it('drops an event that cannot fit in any beacon, keeps the rest', () => {
    const bodies = splitBeacon(head, [event(1), event(2, MAX_BODY_BYTES), event(3)]);
    expect(bodies.flatMap((b) => (JSON.parse(stamp(b)) as Beacon).events.map((e) => e.at))).toEqual([1795000000001, 1795000000003]);
  });

  it('returns nothing for no events', () => {
    expect(splitBeacon(head, [])).toEqual([]);
  });
});
