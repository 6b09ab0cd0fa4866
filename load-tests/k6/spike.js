// Spike: from a quiet baseline to SPIKE_RATE within seconds, held, then back, to see that
// Touchpoint absorbs a sudden burst (spool, backpressure) and recovers without losing beacons.
//   k6 run -e BASE_URL=… -e ADMIN_TOKEN=… -e BASE_RATE=200 -e SPIKE_RATE=3000 load-tests/k6/spike.js
import { config, num, seconds } from './lib/config.js';
import { plannedIterations, scenarioOptions } from './lib/options.js';
import { checkStored } from './lib/stored-check.js';
import { sendBeacon, startRun } from './lib/traffic.js';

/** @type {import('./lib/beacons.js').BeaconSchemaLike} */
const schema = JSON.parse(open(config.schemaPath));

const base = num('BASE_RATE', 200);
const top = num('SPIKE_RATE', 2000);
const hold = num('SPIKE_HOLD_S', 120);

const stages = [
  { target: base, duration: seconds(60) }, // baseline
  { target: top, duration: seconds(10) }, // the burst
  { target: top, duration: seconds(hold) },
  { target: base, duration: seconds(10) },
  { target: base, duration: seconds(120) }, // recovery: latency must come back down
];
const planned = plannedIterations(base, stages);

export const options = scenarioOptions(
  {
    spike: {
      executor: 'ramping-arrival-rate',
      startRate: base,
      timeUnit: '1s',
      stages,
      preAllocatedVUs: num('PRE_VUS', Math.max(10, Math.ceil(top * 0.05))),
      maxVUs: num('MAX_VUS', Math.max(50, Math.ceil(top * 0.5))),
    },
  },
  { failRate: 0.02, p95: 1000, p99: 3000 },
  { dropped_iterations: [`count<=${Math.ceil(planned * num('MAX_DROPPED_SHARE', 0.02))}`] },
);

export function setup() {
  return startRun();
}

/** @param {import('./lib/traffic.js').RunData} run */
export default function (run) {
  sendBeacon(schema, run);
}

/** @param {import('./lib/traffic.js').RunData} run */
export function teardown(run) {
  checkStored(run);
}
