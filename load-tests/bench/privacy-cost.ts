// What the privacy module costs on the hot path: every string of a beacon through the treatment
// protocol/src/privacy/fields.ts gives it, for (a) typical beacons of the load generator, (b) a
// beacon at the size limit made of normal strings, and (c) that beacon with every scrubbed string
// replaced by the worst hostile text found (HOSTILE_TEXT), at the same lengths. Issue 18's goal: (c) < 2 × (b).
//
//   node --import tsx load-tests/bench/privacy-cost.ts     one line per case
import type { Beacon } from '@touchpoint/protocol';
import { FIELD_TREATMENTS, normalizeRoute, personalIdReason, scrubText, scrubUrl, type FieldTreatment } from '@touchpoint/protocol/privacy';
import { HOSTILE_TEXT } from '@touchpoint/protocol/privacy/testing/hostile-text';
import { fileURLToPath } from 'node:url';
import { hostileBeacon, maxSizeBeacon, typicalBeacons } from './hostile-beacons.ts';

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

const SCRUBBERS: Partial<Record<FieldTreatment, (s: string) => unknown>> = {
  url: scrubUrl,
  text: scrubText,
  selector: scrubText,
  label: scrubText,
  host: scrubText,
  id: personalIdReason,
};

export async function measureScrubCost(): Promise<ScrubCost> {
  const typical = typicalBeacons(400);
  const maxNormal = maxSizeBeacon(typical);
  const normal = measure('max-size, normal strings', [maxNormal]);
  let worst: ScrubCase & { pattern: string } = { ...normal, pattern: '' };
  // A quick pass to find the worst text, then a full measurement of it.
  for (const [pattern, text] of Object.entries(HOSTILE_TEXT)) {
    const c = measure('', [hostileBeacon(maxNormal, text)], 30);
    if (c.perBeaconMicros > worst.perBeaconMicros) worst = { ...c, pattern };
  }
  const worstHostile = { ...measure(`max-size, hostile: ${worst.pattern}`, [hostileBeacon(maxNormal, HOSTILE_TEXT[worst.pattern]!)]), pattern: worst.pattern };
  return {
    typical: measure('typical beacons', typical),
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

/**
 * µs per beacon: the least of five rounds of at least `roundMs`, after a warm-up. The least, not
 * the median: on this shared box the median hostile/normal ratio of one build read 6.8× and 10.3×.
 */
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
  const perBeacon = Math.min(...rounds);
  const bytes = beacons.reduce((s, b) => s + JSON.stringify(b).length, 0) / beacons.length;
  return { label, bytes: Math.round(bytes), strings: Math.round(strings), perBeaconMicros: perBeacon, perStringMicros: perBeacon / strings };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const r = await measureScrubCost();
  for (const c of [r.typical, r.maxNormal, r.worstHostile]) {
    console.log(`${c.label.padEnd(52)} ${String(c.bytes).padStart(6)} B  ${String(c.strings).padStart(4)} strings  ${c.perBeaconMicros.toFixed(1).padStart(8)} µs/beacon  ${c.perStringMicros.toFixed(2).padStart(6)} µs/string`);
  }
  console.log(`hostile / normal at the size limit: ${r.hostileOverNormal.toFixed(2)}× (goal < 2×)`);
}
