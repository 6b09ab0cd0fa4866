// Sends generated beacons from k6 VUs: each VU keeps a few visitor sessions open and, on every
// iteration, sends the next beacon of one of them, so one iteration = one beacon (what the
// arrival-rate executors count) while each visitor's beacons stay spread over time.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { createBeaconGenerator, shiftBeacon } from './beacons.js';
import { createRandom, deriveSeed } from './random.js';
import { config } from './config.js';

/**
 * @typedef {import('./beacons.js').BeaconSchemaLike} BeaconSchemaLike
 * @typedef {import('./beacons.js').SessionTraffic} SessionTraffic
 * @typedef {{ runId: string, startedAt: number }} RunData
 */

/** Beacons answered 204/200/202: what Touchpoint promised to keep (200 also asks for a survey). */
export const beaconsAcked = new Counter('tp_beacons_acked');
/** +1 per acknowledged beacon, minus the stored count in teardown: must end ≤ 0 (no loss). */
export const beaconsUnstored = new Counter('tp_beacons_unstored');
export const eventsSent = new Counter('tp_events_sent');

/** @type {ReturnType<typeof createBeaconGenerator> | undefined} */
let generator;
/** Which open session sends next: seeded too, so a run replays the same interleaving per VU. */
/** @type {import('./random.js').Random | undefined} */
let picker;
/** @type {{ s: SessionTraffic, next: number }[]} */
const active = [];

/**
 * setup(): one run id for all VUs, and the start of the window the stored check counts over.
 * @returns {RunData}
 */
export function startRun() {
  const runId = config.runId || `r${Date.now().toString(36)}`;
  return { runId, startedAt: Date.now() };
}

/**
 * The default function of every scenario.
 * @param {BeaconSchemaLike} schema
 * @param {RunData} run
 */
export function sendBeacon(schema, run) {
  if (!generator) {
    generator = createBeaconGenerator({
      schema,
      seed: deriveSeed(config.seed, __VU),
      runId: run.runId,
      tag: 'k6',
      stream: __VU,
      emails: config.emails,
    });
  }
  const gen = generator;
  if (!picker) picker = createRandom(deriveSeed(config.seed, `pick-${__VU}`));
  while (active.length < config.sessionsPerVu) active.push({ s: gen.session(Date.now()), next: 0 });
  const slot = Math.floor(picker.next() * active.length);
  const cur = active[slot];
  if (!cur) return;
  const b = cur.s.beacons[cur.next];
  cur.next += 1;
  if (cur.next >= cur.s.beacons.length) active.splice(slot, 1);
  if (!b) return;

  const res = http.post(`${config.baseUrl}/v1/beacon?key=${encodeURIComponent(config.key)}`, JSON.stringify(shiftBeacon(b, Date.now())), {
    headers: cur.s.headers,
    tags: { name: 'beacon', journey: cur.s.journey },
  });
  const ok = check(res, { 'beacon acknowledged (204/200/202)': (r) => r.status === 204 || r.status === 200 || r.status === 202 });
  if (ok) {
    beaconsAcked.add(1);
    beaconsUnstored.add(1);
    eventsSent.add(b.events.length);
  }
}
