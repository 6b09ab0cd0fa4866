import { describe, expect, it } from 'vitest';
import type { Beacon } from '@touchpoint/protocol';
import { buildRecord, replaceLoneSurrogates } from './spool-record.ts';

const ctx = { project: 'p', checkoutPage: /checkout/, receivedAt: 1_800_000_000_000, client: { device: 'desktop', browser: 'chrome', browserVersion: '1', os: 'linux' } as const, country: '' };

describe('spool record', () => {
  it('turns a lone surrogate escape into U+FFFD and leaves pairs and escaped backslashes alone', () => {
    expect(replaceLoneSurrogates(JSON.stringify(['a\ud800b']))).toBe('["a\\ufffdb"]');
    expect(replaceLoneSurrogates(JSON.stringify(['\udfff']))).toBe('["\\ufffd"]');
    expect(replaceLoneSurrogates(JSON.stringify(['😀 ok']))).toBe(JSON.stringify(['😀 ok']));
    // A literal backslash followed by "ud800" is text, not an escape.
    expect(replaceLoneSurrogates(JSON.stringify(['\\ud800']))).toBe(JSON.stringify(['\\ud800']));
    expect(replaceLoneSurrogates(JSON.stringify(['\\\ud800']))).toBe('["\\\\\\ufffd"]');
  });

  it('builds one row per beacon with whole-millisecond times, whatever fractions the browser sent', () => {
    const beacon: Beacon = {
      v: 1,
      session: 's',
      page: 'https://shop.example/cart?x=1',
      sentAt: 1_799_999_999_000.4,
      events: [
        { type: 'vital', at: 1_799_999_998_000.7, name: 'LCP', value: 1234.5 },
        { type: 'error', at: 1_799_999_998_500, kind: 'js', message: 'bad \ud83d half' },
      ],
    };
    const { row, signals } = buildRecord(beacon, beacon.events, ctx);
    const r = JSON.parse(row) as unknown[];
    expect(r.slice(0, 4)).toEqual(['p', 1_800_000_000_000, 1_799_999_999_000, 1000]);
    expect(r[8]).toBe('/cart');
    expect((r[16] as unknown[][])[0]?.slice(0, 3)).toEqual([1_799_999_999_001, 'LCP', 1234.5]);
    expect((r[19] as unknown[][])[0]?.[2]).toBe('bad \ufffd half');
    expect(row).not.toMatch(/\\ud[89a-f]/);
    expect(signals).toEqual([]);
  });

  it('marks a beacon urgent when outreach answers one of its signals at once', () => {
    const at = 1_799_999_999_000;
    const make = (page: string, events: Beacon['events']): Beacon => ({ v: 1, session: 's', customer: 'c', page, sentAt: at, events });
    const checkout = 'https://shop.example/checkout';
    const urgent = (b: Beacon) => buildRecord(b, b.events, ctx).urgent;
    expect(urgent(make(checkout, [{ type: 'checkout', at, step: 'error', id: 'co', reason: 'declined' }]))).toBe(true);
    expect(urgent(make(checkout, [{ type: 'http', at, method: 'POST', url: 'https://pay.example/charge', status: 502, duration: 80 }]))).toBe(true);
    // Signals too, but acted on over minutes (contacts, stuck checkouts, LCP streaks) or context only (JS errors).
    expect(urgent(make(checkout, [{ type: 'checkout', at, step: 'start', id: 'co' }, { type: 'error', at, kind: 'js', message: 'x' }]))).toBe(false);
    expect(urgent(make('https://shop.example/', [{ type: 'identify', at, customer: 'c', consent: { outreach: true } }, { type: 'vital', at, name: 'LCP', value: 5000 }]))).toBe(false);
    // A failed request away from the checkout is no signal at all.
    expect(urgent(make('https://shop.example/', [{ type: 'http', at, method: 'GET', url: 'https://shop.example/api', status: 0, duration: 80 }]))).toBe(false);
  });
});
