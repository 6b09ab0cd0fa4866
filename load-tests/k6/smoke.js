// Smoke: a handful of VUs send a few hundred realistic beacons and every one must be
// acknowledged fast and stored. Run it after each deploy; `npm run load:smoke` runs it locally.
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e ADMIN_TOKEN=… load-tests/k6/smoke.js
import { config, num } from './lib/config.js';
import { scenarioOptions } from './lib/options.js';
import { checkStored } from './lib/stored-check.js';
import { sendBeacon, startRun } from './lib/traffic.js';

/** @type {import('./lib/beacons.js').BeaconSchemaLike} */
const schema = JSON.parse(open(config.schemaPath));

export const options = scenarioOptions(
  {
    smoke: {
      executor: 'shared-iterations',
      vus: num('VUS', 4),
      iterations: num('ITERATIONS', 400),
      maxDuration: '2m',
    },
  },
  { failRate: 0, p95: 100, p99: 250 },
  { checks: ['rate==1'] },
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
