// What the privacy module costs on the hot path: every string of a beacon through the treatment
// protocol/src/privacy/fields.ts gives it, for (a) typical beacons of the load generator, (b) a
// beacon at the size limit made of normal strings, and (c) that beacon with every scrubbed string
// replaced by the worst hostile pattern found, at the same lengths. Issue 18's goal: (c) < 2 × (b).
//
//   node --import tsx load-tests/bench/privacy-cost.ts     one line per case
import { beaconSchema, MAX_BODY_BYTES, MAX_EVENTS_PER_BEACON, type Beacon, type BeaconEvent } from '@touchpoint/protocol';
import { FIELD_TREATMENTS, normalizeRoute, personalIdReason, scrubText, scrubUrl, type FieldTreatment } from '@touchpoint/protocol/privacy';
import { fileURLToPath } from 'node:url';
import { createBeaconGenerator } from '../k6/lib/beacons.js';

export interface ScrubCase {
  label: string;
  /** JSON size of one beacon of the case. */
  bytes: number;
  /** Strings scrubbed per beacon (field values and map keys that get a treatment). */
  strings: number;
  perBeaconMicros: number;
  perStringMicros: number;
}

export interface ScrubCost {
  typical: ScrubCase;
  maxNormal: ScrubCase;
  worstHostile: ScrubCase & { pattern: string };
  /** worstHostile / maxNormal per beacon: the goal is under 2. */
  hostileOverNormal: number;
}

/** Repeated to each field's length; the worst of these is reported (from the fuzz test's list). */
const HOSTILE_PATTERNS = [
  'a', 'a.b+c-', 'a@', 'a@b.c.d.e.f.g.h.', 'token', 'token=', '"a":', 'password ', '1 ', '123 ', '1234-', '41119-', '1234 1 ', '1.', '(1) ', '+1 ',
  '%', '%41', '%25', '%20', '%40', 'eyJ', 'eyJa.', 'bearer ', 'authorization:', 'DE89 ', 'AB 12 ', '"', '\\"', '4111\t4111',
  'kim%40x.com 4111 1111 1111 1111 token=abc +61412345678 ',
];
const SCRUBBERS: Partial<Record<FieldTreatment, (s: string) => unknown>> = {
  url: scrubUrl,
  text: scrubText,
  selector: scrubText,
  label: scrubText,
  host: scrubText,
  id: personalIdReason,
};

export async function measureScrubCost(): Promise<ScrubCost> {
  const gen = createBeaconGenerator({ schema: beaconSchema, seed: 18, runId: 'privacy', tag: 'bench' });
  const typical: Beacon[] = [];
  while (typical.length < 400) typical.push(...gen.session(Date.now()).beacons);
  const maxNormal = maxSizeBeacon(typical);
  const normal = measure('max-size, normal strings', [maxNormal]);
  let worst: ScrubCase & { pattern: string } = { ...normal, pattern: '' };
  // A quick pass to find the worst pattern, then a full measurement of it.
  for (const pattern of HOSTILE_PATTERNS) {
    const c = measure('', [hostile(maxNormal, pattern)], 30);
    if (c.perBeaconMicros > worst.perBeaconMicros) worst = { ...c, pattern };
  }
  const name = JSON.stringify(worst.pattern.length > 12 ? worst.pattern.slice(0, 11) + '…' : worst.pattern);
  const worstHostile = { ...measure(`max-size, hostile ${name}`, [hostile(maxNormal, worst.pattern)]), pattern: worst.pattern };
  return {
    typical: measure('typical beacons', typical.slice(0, 400)),
    maxNormal: normal,
    worstHostile,
    hostileOverNormal: worstHostile.perBeaconMicros / normal.perBeaconMicros,
  };
}

/** Every string of `b` through its treatment, and the page path as a route; returns how many. */
function scrubBeacon(b: Beacon): number {
  let strings = 0;
  for (const k of ['session', 'customer', 'page'] as const) strings += visit(b[k], k);
  normalizeRoute(b.page);
  for (const e of b.events) for (const [k, v] of Object.entries(e)) strings += visit(v, `${e.type}.${k}`);
  return strings;
}

// A module function, not a closure per beacon: under tsx each closure made costs a defineProperty.
function visit(value: unknown, path: string): number {
  if (typeof value == 'string') {
    const scrub = SCRUBBERS[FIELD_TREATMENTS[path as keyof typeof FIELD_TREATMENTS]];
    if (!scrub) return 0;
    scrub(value);
    return 1;
  }
  let strings = 0;
  if (value && typeof value == 'object') {
    const map = `${path}.*` in FIELD_TREATMENTS;
    for (const [k, v] of Object.entries(value)) {
      if (map) strings += visit(k, `${path}.<name>`);
      strings += visit(v, map ? `${path}.*` : `${path}.${k}`);
    }
  }
  return strings;
}

/** Median µs per beacon over rounds of at least `roundMs`, after a warm-up. */
function measure(label: string, beacons: Beacon[], roundMs = 150): ScrubCase {
  const strings = beacons.reduce((s, b) => s + scrubBeacon(b), 0) / beacons.length;
  for (let i = 0; i < 20; i++) scrubBeacon(beacons[i % beacons.length]!);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < roundMs) {
      scrubBeacon(beacons[n++ % beacons.length]!);
      t = performance.now();
    }
    rounds.push(((t - t0) * 1000) / n);
  }
  const perBeacon = rounds.sort((a, b) => a - b)[2]!;
  const bytes = beacons.reduce((s, b) => s + JSON.stringify(b).length, 0) / beacons.length;
  return { label, bytes: Math.round(bytes), strings: Math.round(strings), perBeaconMicros: perBeacon, perStringMicros: perBeacon / strings };
}

/**
 * A beacon at the size limit (just under MAX_BODY_BYTES, at most MAX_EVENTS_PER_BEACON events) of
 * strings as real pages send them: the generator's events, plus errors with framework-deep stacks
 * and failed requests with query strings, the events that carry the long strings.
 */
function maxSizeBeacon(typical: Beacon[]): Beacon {
  const first = typical[0]!;
  const events: BeaconEvent[] = [];
  const at = first.sentAt;
  const frame = (i: number) => `    at ${['commitHookEffectListMount', 'renderWithHooks', 'Checkout.submit', 'flushPassiveEffects'][i % 4]} (https://shop.example/static/js/vendor.4f2a91c3.js:2:${91234 + i * 37})`;
  let size = JSON.stringify({ ...first, events: [] }).length;
  for (let i = 0; events.length < MAX_EVENTS_PER_BEACON; i++) {
    const pool = typical[i % typical.length]!.events;
    const e: BeaconEvent =
      i % 3 == 0
        ? { type: 'error', at, kind: 'js', message: `TypeError: Cannot read properties of undefined (reading 'price') in CartLine #${i}`, stack: Array.from({ length: 12 }, (_, k) => frame(i + k)).join('\n'), source: 'https://shop.example/static/js/vendor.4f2a91c3.js', line: 2, col: 91234 }
        : i % 3 == 1
          ? { type: 'http', at, method: 'GET', url: `https://api.shop.example/v2/products/kettle-2000/stock?store=sydney-cbd&lang=en-AU&page=${i}&sort=price`, status: 503, duration: 812 }
          : pool[i % pool.length]!;
    const add = JSON.stringify(e).length + 1;
    if (size + add > MAX_BODY_BYTES - 2048) break;
    events.push(e);
    size += add;
  }
  return { ...first, customer: first.customer ?? 'bench-c-privacy-4821', events };
}

/** `b` with every string that gets scrubbed replaced by `pattern`, repeated to the same length. */
function hostile(b: Beacon, pattern: string): Beacon {
  const fill = (s: string) => pattern.repeat(Math.ceil(s.length / pattern.length)).slice(0, s.length);
  const swap = (o: object, path: string): void => {
    const map = `${path}.*` in FIELD_TREATMENTS;
    for (const [k, v] of Object.entries(o)) {
      const at = map ? `${path}.*` : `${path}.${k}`;
      if (typeof v == 'string' && FIELD_TREATMENTS[at as keyof typeof FIELD_TREATMENTS] in SCRUBBERS) Reflect.set(o, k, fill(v));
      else if (v && typeof v == 'object') swap(v, at);
      if (map && fill(k) != k) {
        Reflect.set(o, fill(k), Reflect.get(o, k));
        Reflect.deleteProperty(o, k);
      }
    }
  };
  const h = structuredClone(b);
  h.session = fill(h.session);
  h.page = fill(h.page);
  if (h.customer) h.customer = fill(h.customer);
  for (const e of h.events) swap(e, e.type);
  return h;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const r = await measureScrubCost();
  for (const c of [r.typical, r.maxNormal, r.worstHostile]) {
    console.log(`${c.label.padEnd(34)} ${String(c.bytes).padStart(6)} B  ${String(c.strings).padStart(4)} strings  ${c.perBeaconMicros.toFixed(1).padStart(8)} µs/beacon  ${c.perStringMicros.toFixed(2).padStart(6)} µs/string`);
  }
  console.log(`hostile / normal at the size limit: ${r.hostileOverNormal.toFixed(2)}× (goal < 2×)`);
}
