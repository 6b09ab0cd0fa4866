import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { beaconSchema, type Beacon, type BeaconEvent } from '@touchpoint/protocol';
import { createBeaconGenerator, generateRequests, shiftBeacon } from './beacons.js';
import { VITALS } from './traffic-mix.js';
import { syntheticTag } from '@touchpoint/collector/ingest/synthetic';

// Strict Ajv, as the collector validates: the whole beacon, then each event against $defs.event.
const ajv = new Ajv({ strict: true, allErrors: true, discriminator: true });
ajv.addSchema(beaconSchema);
const validateBeacon = ajv.getSchema(beaconSchema.$id);
const validateEvent = ajv.getSchema(`${beaconSchema.$id}#/$defs/event`);
if (!validateBeacon || !validateEvent) throw new Error('schema did not compile');

const START = Date.UTC(2026, 10, 24, 8, 30);
const gen = () => createBeaconGenerator({ schema: beaconSchema, seed: 42, runId: 'test1', tag: 'k6' });

function sessions(n: number) {
  const g = gen();
  return Array.from({ length: n }, () => g.session(START));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

describe('beacon generator', () => {
  const all = sessions(3000);
  const beacons = all.flatMap((s) => s.beacons);
  const events = beacons.flatMap((b) => b.events);

  it('produces thousands of beacons that the strict schema accepts, event by event', () => {
    expect(beacons.length).toBeGreaterThan(10_000);
    for (const b of beacons) {
      if (!validateBeacon(b)) throw new Error(`beacon invalid: ${ajv.errorsText(validateBeacon.errors)}\n${JSON.stringify(b)}`);
      for (const e of b.events) {
        if (!validateEvent(e)) throw new Error(`event invalid: ${ajv.errorsText(validateEvent.errors)}\n${JSON.stringify(e)}`);
      }
    }
  });

  it('never reports an event after the beacon left, nor a beacon before the previous one', () => {
    for (const s of all) {
      let last = 0;
      for (const b of s.beacons) {
        for (const e of b.events) expect(e.at).toBeLessThanOrEqual(b.sentAt);
        expect(b.sentAt).toBeGreaterThan(last);
        last = b.sentAt;
      }
    }
  });

  it('uses every event type the protocol has', () => {
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual(['checkout', 'custom', 'error', 'http', 'identify', 'nav', 'resource', 'vital']);
  });

  it('is reproducible from the seed and differs with another seed', () => {
    const a = gen().session(START);
    const b = gen().session(START);
    const c = createBeaconGenerator({ schema: beaconSchema, seed: 43, runId: 'test1' }).session(START);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('tags all traffic: session prefix, a loadtest event opening each session, a header', () => {
    for (const s of all) {
      expect(s.id.startsWith('k6-test1-')).toBe(true);
      expect(s.headers['X-Touchpoint-Load-Test']).toBe('k6/test1');
      for (const b of s.beacons) expect(b.session).toBe(s.id);
      expect(s.beacons[0]?.events[0]).toMatchObject({ type: 'custom', name: 'loadtest', props: { tool: 'k6', run: 'test1' } });
    }
  });

  it('sends several beacons per session and about five events per beacon', () => {
    const perSession = beacons.length / all.length;
    expect(perSession).toBeGreaterThan(4);
    expect(perSession).toBeLessThan(10);
    const perBeacon = events.length / beacons.length;
    expect(perBeacon).toBeGreaterThan(3.5);
    expect(perBeacon).toBeLessThan(7);
  });

  it('draws vitals around real-world medians', () => {
    for (const name of ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const) {
      const values = events.flatMap((e) => (e.type === 'vital' && e.name === name ? [e.value] : []));
      expect(values.length, name).toBeGreaterThan(2000);
      const want = VITALS[name]?.median ?? 0;
      const got = median(values);
      // ±20 %: the device mix and the TTFB ≤ FCP ≤ LCP ordering move medians a little.
      expect(got, `${name} median ${got} vs ${want}`).toBeGreaterThan(want * 0.8);
      expect(got, `${name} median ${got} vs ${want}`).toBeLessThan(want * 1.2);
    }
  });

  it('keeps each page in browser order: TTFB ≤ FCP ≤ LCP, nav phases increasing', () => {
    for (const s of all.slice(0, 300)) {
      for (let i = 0; i + 1 < s.beacons.length; i += 2) {
        const [load, hide] = [s.beacons[i], s.beacons[i + 1]];
        const v = (b: Beacon | undefined, n: string) => b?.events.find((e): e is Extract<BeaconEvent, { type: 'vital' }> => e.type === 'vital' && e.name === n)?.value;
        const ttfb = v(load, 'TTFB') ?? 0;
        const fcp = v(load, 'FCP') ?? 0;
        const lcp = v(hide, 'LCP') ?? 0;
        expect(ttfb).toBeLessThanOrEqual(fcp);
        expect(fcp).toBeLessThanOrEqual(lcp);
        const nav = load?.events.find((e) => e.type === 'nav');
        if (nav?.type === 'nav') {
          expect(nav.domInteractive).toBeLessThanOrEqual(nav.domComplete);
          expect(nav.domComplete).toBeLessThanOrEqual(nav.load);
        }
      }
    }
  });

  it('has a device mix and a realistic User-Agent per session', () => {
    const mobile = all.filter((s) => s.client.device === 'mobile').length / all.length;
    expect(mobile).toBeGreaterThan(0.5);
    expect(mobile).toBeLessThan(0.66);
    for (const s of all.slice(0, 50)) expect(s.headers['User-Agent']).toMatch(/^Mozilla\/5\.0 \(/);
    // Safari does not report navigator.connection: neither do its beacons.
    const safari = all.filter((s) => s.client.name.startsWith('safari'));
    expect(safari.every((s) => s.beacons.every((b) => b.connection === undefined))).toBe(true);
  });

  it('sends ~5 % checkout flows, ~15 % of them failing with a 502, an error and a checkout error', () => {
    const checkout = all.filter((s) => s.journey !== 'browse');
    const failed = all.filter((s) => s.journey === 'checkout-error');
    expect(checkout.length / all.length).toBeGreaterThan(0.03);
    expect(checkout.length / all.length).toBeLessThan(0.07);
    expect(failed.length / checkout.length).toBeGreaterThan(0.05);
    expect(failed.length / checkout.length).toBeLessThan(0.3);
    for (const s of failed) {
      const ev = s.beacons.flatMap((b) => b.events);
      const steps = ev.flatMap((e) => (e.type === 'checkout' ? [e.step] : []));
      expect(steps).toEqual(['start', 'step', 'step', 'error']);
      expect(ev.some((e) => e.type === 'http' && e.status === 502 && e.method === 'POST')).toBe(true);
      expect(ev.some((e) => e.type === 'error' && e.message === 'Payment failed: 502')).toBe(true);
    }
    for (const s of checkout.filter((x) => x.journey === 'checkout-complete')) {
      const steps = s.beacons.flatMap((b) => b.events).flatMap((e) => (e.type === 'checkout' ? [e.step] : []));
      expect(steps).toEqual(['start', 'step', 'step', 'complete']);
    }
  });

  it('identifies some customers, with consent, and sends their id only once consent allows', () => {
    const identifies = events.flatMap((e) => (e.type === 'identify' ? [e] : []));
    expect(identifies.length).toBeGreaterThan(50);
    const consented = identifies.filter((e) => e.consent.outreach);
    expect(consented.length).toBeGreaterThan(0);
    expect(consented.length).toBeLessThan(identifies.length);
    for (const e of identifies) expect(e.email).toMatch(/@loadtest\.invalid$/);
    for (const s of all) {
      const idf = s.beacons.findIndex((b) => b.events.some((e) => e.type === 'identify'));
      s.beacons.forEach((b, i) => {
        if (b.customer) expect(i).toBeGreaterThanOrEqual(idf);
      });
    }
  });

  it('shifts a beacon to now keeping its gaps, and flattens sessions into requests', () => {
    const b = all[0]?.beacons[1];
    if (!b) throw new Error('no beacon');
    const now = START + 3_600_000;
    const s = shiftBeacon(b, now);
    expect(s.sentAt).toBe(now);
    expect(s.events.map((e) => now - e.at)).toEqual(b.events.map((e) => b.sentAt - e.at));
    const reqs = generateRequests(gen(), 500, START);
    expect(reqs).toHaveLength(500);
    expect(new Set(reqs.map((r) => r.session)).size).toBeGreaterThan(20);
    for (const r of reqs) expect(validateBeacon(JSON.parse(r.body))).toBe(true);
  });
});

describe('the collector recognises every generated beacon as test traffic', () => {
  it('by its header, and without the header by its session id', () => {
    const g = createBeaconGenerator({ schema: beaconSchema, seed: 7, runId: 'tagcheck', tag: 'k6' });
    for (let i = 0; i < 200; i++) {
      const s = g.session(START);
      for (const b of s.beacons) {
        expect(syntheticTag(s.headers['X-Touchpoint-Load-Test'], b, b.events, {})).toBe('k6/tagcheck');
        expect(syntheticTag(undefined, b, b.events, {})).toBe('k6');
      }
    }
  });
});
