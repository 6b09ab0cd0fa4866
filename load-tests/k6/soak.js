// Soak: a steady, ordinary evening's rate for hours, to find what only time shows: memory or
// spool growth, merges falling behind, latency creeping up.
//   k6 run -e BASE_URL=… -e ADMIN_TOKEN=… -e RATE=300 -e SOAK_DURATION=2h load-tests/k6/soak.js
import { config, num, str } from './lib/config.js';
import { scenarioOptions } from './lib/options.js';
import { checkStored } from './lib/stored-check.js';
import { sendBeacon, startRun } from './lib/traffic.js';

/** @type {import('./lib/beacons.js').BeaconSchemaLike} */
const schema = JSON.parse(open(config.schemaPath));

const rate = num('RATE', 300);

export const options = scenarioOptions(
  {
    soak: {
      executor: 'constant-arrival-rate',
      rate,
      timeUnit: '1s',
      duration: str('SOAK_DURATION', '2h'),
      preAllocatedVUs: num('PRE_VUS', Math.max(10, Math.ceil(rate * 0.05))),
      maxVUs: num('MAX_VUS', Math.max(50, Math.ceil(rate * 0.5))),
    },
  },
  { failRate: 0.001, p95: 200, p99: 500 },
  { dropped_iterations: ['count<=0'] },
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
