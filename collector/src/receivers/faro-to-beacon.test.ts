import { describe, expect, it } from 'vitest';
import type { Beacon, BeaconEvent } from '@touchpoint/protocol';
import { createBeaconValidator } from '../ingest/validate.ts';
import payloads from './fixtures/faro-payloads.json' with { type: 'json' };
import { isFaroPayload, type FaroPayload } from './faro-payload.ts';
import { faroToBeacons } from './faro-to-beacon.ts';

// Bodies the published @grafana/faro-web-sdk 2.12 sent from headless Chromium
// (testing/capture-fixtures.ts): a product page, then a checkout page whose payment fails.
const validator = createBeaconValidator();
const all = payloads as unknown[];

function mapAll(list: unknown[]) {
  const beacons: Beacon[] = [];
  const dropped: string[] = [];
  for (const p of list) {
    if (!isFaroPayload(p)) throw new Error(isFaroPayload.problem());
    const m = faroToBeacons(p);
    beacons.push(...m.beacons);
    dropped.push(...m.dropped.map((d) => `${d.what}: ${d.reason}`));
  }
  return { beacons, dropped, events: beacons.flatMap((b) => b.events) };
}
const ofType = <T extends BeaconEvent['type']>(events: BeaconEvent[], type: T) => events.filter((e): e is Extract<BeaconEvent, { type: T }> => e.type === type);

describe('Faro payloads captured from the real SDK', () => {
  const { beacons, dropped, events } = mapAll(all);

  it('all pass the shape check and map onto beacons every event of which the beacon validator accepts', () => {
    expect(beacons.length).toBeGreaterThan(5);
    for (const b of beacons) {
      expect(validator.beacon(b), validator.beaconError()).toBe(true);
      for (const e of b.events) expect(validator.event(e, b.sentAt), JSON.stringify(e)).toBeUndefined();
    }
  });

  it('session, customer and page come from meta', () => {
    const first = all[0] as FaroPayload;
    expect(beacons[0]).toMatchObject({ session: first.meta.session.id, page: first.meta.page.url });
    expect(beacons[0]?.customer).toBeUndefined();
    // setUser() comes after the checkout page has loaded: beacons before it have no customer.
    const checkout = beacons.filter((b) => b.page.includes('/checkout/'));
    expect(checkout[0]?.customer).toBeUndefined();
    expect(checkout.at(-1)?.customer).toBe('cust-faro-1');
    // initializeFaro({ app: { version: '1.0.0' } }) in the capture page.
    for (const b of beacons) expect(b.release).toBe('1.0.0');
  });

  it('web-vitals measurements become vitals with rating, navigation type and attribution', () => {
    const vitals = ofType(events, 'vital');
    expect(new Set(vitals.map((v) => v.name))).toEqual(new Set(['LCP', 'INP', 'CLS', 'FCP', 'TTFB']));
    const lcp = vitals.find((v) => v.name === 'LCP');
    expect(lcp).toMatchObject({ rating: 'good', navigationType: 'navigate', attribution: { target: 'html>body>p' } });
    expect(lcp!.value).toBeGreaterThan(0);
    expect(Object.keys(lcp!.attribution!.phases!)).toEqual(expect.arrayContaining(['ttfb', 'renderDelay']));
    expect(vitals.find((v) => v.name === 'INP')?.attribution).toMatchObject({ target: '#buy', phases: { inputDelay: expect.any(Number), processingDuration: expect.any(Number) } });
  });

  it('exceptions become errors with a Chrome-style stack from the frames', () => {
    const errors = ofType(events, 'error');
    const typeError = errors.find((e) => e.message.startsWith('Cannot read properties'));
    expect(typeError).toMatchObject({ kind: 'js', source: expect.stringMatching(/\/faro\.js$/), line: expect.any(Number), col: expect.any(Number) });
    expect(typeError!.stack).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'price'\)\n {4}at http:\/\/.*faro\.js:\d+:\d+$/m);
    expect(errors.find((e) => e.message === 'Stock service timed out')?.stack).toMatch(/\n {4}at Object\.rejectPromise \(http:/);
  });

  it('faro.performance.navigation becomes a navigation; failed faro.performance.resource requests become http events', () => {
    const navs = ofType(events, 'nav');
    expect(navs).toHaveLength(2);
    // Plain http: Faro's tlsNegotiationTime (connectEnd − 0) is not believed.
    for (const n of navs) expect(n).toMatchObject({ tls: 0, ttfb: expect.any(Number), domComplete: expect.any(Number) });
    expect(navs[0]!.load).toBeGreaterThanOrEqual(navs[0]!.domComplete);
    expect(navs[0]!.domComplete).toBeGreaterThanOrEqual(navs[0]!.domInteractive);
    const http = ofType(events, 'http');
    expect(http.map((h) => [h.status, new URL(h.url).pathname])).toEqual([
      [500, '/api/cart'],
      [502, '/api/pay'],
    ]);
    expect(http[0]!.method).toBe('UNKNOWN');
    expect(dropped).toContain("event: faro.performance.resource of the page's own host that did not fail: only failed requests and third-party hosts are kept");
  });

  it('the checkout convention: pushEvent steps, pushError with context.checkout as the error step, identify first', () => {
    const checkout = beacons.find((b) => b.events.some((e) => e.type === 'checkout'))!;
    expect(checkout.events.map((e) => (e.type === 'checkout' ? `checkout:${e.step}` : e.type))).toEqual(['identify', 'checkout:start', 'checkout:step', 'http', 'error', 'checkout:error']);
    expect(checkout.events[0]).toMatchObject({ type: 'identify', customer: 'cust-faro-1', email: 'kim@example.com', language: 'en-AU', consent: { outreach: true } });
    expect(ofType(checkout.events, 'checkout')).toEqual([
      expect.objectContaining({ step: 'start', id: 'co-faro-1', value: 149.95, currency: 'AUD' }),
      expect.objectContaining({ step: 'step', id: 'co-faro-1', name: 'payment' }),
      expect.objectContaining({ step: 'error', id: 'co-faro-1', reason: 'Error: Payment failed: 502' }),
    ]);
  });

  it('user events become custom events; Faro bookkeeping is dropped with a reason', () => {
    expect(ofType(events, 'custom')).toEqual([expect.objectContaining({ name: 'coupon_applied', props: { code: 'SPRING', percent: '10' } })]);
    expect(dropped.filter((d) => d.includes('session_start'))).toHaveLength(2);
  });
});

describe('Faro mapping edge cases', () => {
  const meta = { session: { id: 's-1' }, page: { url: 'https://shop.example/checkout' }, user: { id: 'c-1', email: 'kim@example.com', attributes: { outreachConsent: 'false' } } };
  const at = '2026-12-01T10:00:00.000Z';

  it('logs and traces are counted and dropped; a bad timestamp drops its item with the reason', () => {
    const m = faroToBeacons({
      meta,
      logs: [{ level: 'error', message: 'x' }, { level: 'info', message: 'y' }],
      traces: { resourceSpans: [{ scopeSpans: [{ spans: [{}, {}, {}] }] }] },
      measurements: [{ type: 'web-vitals', values: { lcp: 1 }, timestamp: 'yesterday' }],
    });
    expect(m.beacons).toEqual([]);
    expect(m.items).toBe(6);
    expect(m.dropped).toEqual([
      { what: 'measurement', reason: 'timestamp "yesterday" is not an ISO 8601 time', count: 1 },
      { what: 'log', reason: 'Faro logs are not stored: errors reach Touchpoint as exceptions', count: 2 },
      { what: 'span', reason: 'Faro traces are not stored: failed requests come from faro.performance.resource events', count: 3 },
    ]);
  });

  it('without consent the email is never passed on; custom measurements become custom events', () => {
    const m = faroToBeacons({
      meta,
      events: [{ name: 'checkout', timestamp: at, attributes: { step: 'complete', id: 'co-2', orderId: 'o-9' } }],
      measurements: [{ type: 'cart', values: { items: 3 }, timestamp: at }],
    });
    const events = m.beacons[0]!.events;
    expect(events.find((e) => e.type === 'identify')).toEqual({ type: 'identify', at: Date.parse(at), customer: 'c-1', consent: { outreach: false } });
    expect(events.find((e) => e.type === 'custom')).toMatchObject({ name: 'cart', props: { items: 3 } });
  });

  it('a bad checkout value or step is passed on for the validator to name', () => {
    const m = faroToBeacons({ meta, events: [{ name: 'checkout', timestamp: at, attributes: { step: 'paid', id: 'co-3', value: 'lots' } }] });
    const e = m.beacons[0]!.events.find((x) => x.type === 'checkout')!;
    const reason = validator.event(e, Date.parse(at));
    expect(reason).toMatch(/step must be one of|value must be number/);
  });

  it('meta.app.version is the release, else meta.app.release; one the beacon schema refuses is left out and said, the events kept', () => {
    const vital = { type: 'web-vitals', values: { lcp: 1200 }, timestamp: at };
    const release = (app: Record<string, unknown>) => {
      const m = faroToBeacons({ meta: { ...meta, app }, measurements: [vital] });
      return { release: m.beacons[0]?.release, events: m.beacons[0]?.events.length, dropped: m.dropped, fields: m.fields };
    };
    expect(release({ name: 'shop', version: 'web@2.4.1', release: 'r-77' })).toEqual({ release: 'web@2.4.1', events: 1, dropped: [], fields: [] });
    expect(release({ release: '9fceb02' })).toEqual({ release: '9fceb02', events: 1, dropped: [], fields: [] });
    expect(release({ name: 'shop' })).toEqual({ release: undefined, events: 1, dropped: [], fields: [] });
    const reason = 'not a release: 1–64 of A-Z a-z 0-9 . _ + : @ / -';
    for (const version of ['2.4.1 (beta)', 'x'.repeat(65), 7, { major: 2 }]) {
      expect(release({ version })).toEqual({ release: undefined, events: 1, dropped: [], fields: [{ field: 'meta.app.version', reason }] });
    }
    expect(release({ release: 'a b' }).fields).toEqual([{ field: 'meta.app.release', reason }]);
  });

  it('third-party resources are summed per host', () => {
    const res = (host: string, duration: string) => ({ name: 'faro.performance.resource', timestamp: at, attributes: { name: `https://${host}/x.js`, httpHost: host, duration, transferSize: '1000', responseStatus: '200' } });
    const m = faroToBeacons({ meta, events: [res('cdn.example', '10'), res('cdn.example', '30'), res('shop.example', '5')] });
    expect(m.beacons[0]!.events).toEqual([{ type: 'resource', at: Date.parse(at), host: 'cdn.example', count: 2, bytes: 2000, p95: 30 }]);
  });
});

describe('Faro payload shape check', () => {
  it.each([
    ['an array', [], 'the body must be object'],
    ['no meta', {}, 'meta is missing'],
    ['no session id', { meta: { page: { url: 'https://x' }, session: {} } }, 'meta.session.id is missing'],
    ['no page', { meta: { session: { id: 's' } } }, 'meta.page is missing'],
    ['measurements not an array', { meta: { session: { id: 's' }, page: { url: 'https://x' } }, measurements: {} }, 'measurements must be array'],
    ['a measurement value that is text', { meta: { session: { id: 's' }, page: { url: 'https://x' } }, measurements: [{ type: 'web-vitals', values: { lcp: 'fast' }, timestamp: 't' }] }, 'measurements.0.values.lcp must be number'],
    ['an exception without value', { meta: { session: { id: 's' }, page: { url: 'https://x' } }, exceptions: [{ type: 'Error', timestamp: 't' }] }, 'exceptions.0.value is missing'],
  ])('refuses %s, naming the field', (_name, body, problem) => {
    expect(isFaroPayload(body)).toBe(false);
    expect(isFaroPayload.problem()).toBe(problem);
  });
});
