/**
 * Which hostile beacons cost the collector most, found in-process on the collector's own path
 * (JSON.parse, the validator, the spool record with every privacy treatment): for the hostile
 * bench (hostile.ts) and the hostile-beacon test, which then send the worst to a running Touchpoint.
 */
import type { Beacon } from '@touchpoint/protocol';
import { HOSTILE_TEXT } from '@touchpoint/protocol/privacy/testing/hostile-text';
import { buildRecord } from '@touchpoint/collector/ingest/spool-record';
import { createBeaconValidator } from '@touchpoint/collector/ingest/validate';
import { hostileBeacon, longStringBeacon } from './hostile-beacons.ts';

export interface HostileCase {
  label: string;
  beacon: Beacon;
  /** µs per beacon through the collector's path in this process (inProcessMicros). */
  inProcessMicros: number;
}

const validator = createBeaconValidator();
const client = { device: 'desktop', browser: 'Chrome', browserVersion: '131', os: 'Windows' } as const;

/** What the collector does to a body before the spool: parse, validate, build the record. */
export function ingestInProcess(body: string): void {
  const b: unknown = JSON.parse(body);
  if (!validator.beacon(b)) throw new Error(`TP_BENCH_INVALID_BEACON: ${validator.beaconError()}`);
  const events = b.events.filter((e, i) => {
    const reason = validator.event(e, b.sentAt);
    if (reason) throw new Error(`TP_BENCH_INVALID_EVENT: events[${i}]: ${reason}`);
    return true;
  });
  buildRecord(b, events, { project: 'demo', checkoutPage: /checkout/i, receivedAt: Date.now(), client, country: '' });
}

/**
 * µs per beacon: the least mean of `rounds` rounds of `perRound` beacons, after a warm-up. A
 * round's mean carries the garbage collection its beacons cause (a hostile text that makes the
 * scrubber copy strings costs it there); the least of the rounds leaves out the shared box
 * taking the core away (single timings swung ±50 % between runs here).
 */
export function inProcessMicros(b: Beacon, rounds: number, perRound = 5): number {
  const body = JSON.stringify(b);
  for (let i = 0; i < 3; i++) ingestInProcess(body);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < perRound; i++) ingestInProcess(body);
    best = Math.min(best, (performance.now() - t0) / perRound);
  }
  return best * 1000;
}

/** Every hostile text in both layouts built from `normal`, costliest first. */
export function rankHostile(normal: Beacon, rounds = 4): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const [name, text] of Object.entries(HOSTILE_TEXT)) {
    for (const [layout, beacon] of [['every field', hostileBeacon(normal, text)], ['longest fields', longStringBeacon(normal, text)]] as const) {
      cases.push({ label: `hostile, ${layout}: ${name}`, beacon, inProcessMicros: inProcessMicros(beacon, rounds) });
    }
  }
  return cases.sort((a, b) => b.inProcessMicros - a.inProcessMicros);
}
