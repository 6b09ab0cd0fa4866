// Census night: the evening an announcement on TV sends the whole country to your site at once.
// An open model (ramping-arrival-rate: beacons/s arrive whether or not the server keeps up),
// shaped like that evening, scaled by PEAK_RATE and DURATION_MIN:
//
//   rate ▲            spike (TV announcement) ×SPIKE_FACTOR
//        │                 ┌─┐
//   peak │          ┌──────┘ └─┐
//        │      ┌───┘  plateau  └──┐
//        │  ┌───┘ build-up          └────┐ tail
//        └──┴──────────────────────────────┴──▶ time
//         early evening
//
//   k6 run -e BASE_URL=… -e ADMIN_TOKEN=… -e PEAK_RATE=3000 -e DURATION_MIN=60 load-tests/k6/census-night.js
// See load-tests/README.md for turning a population into PEAK_RATE.
import { config, num, seconds } from './lib/config.js';
import { plannedIterations, scenarioOptions } from './lib/options.js';
import { checkStored } from './lib/stored-check.js';
import { sendBeacon, startRun } from './lib/traffic.js';

/** @type {import('./lib/beacons.js').BeaconSchemaLike} */
const schema = JSON.parse(open(config.schemaPath));

/** Beacons per second at the evening's plateau. */
const peak = num('PEAK_RATE', 1000);
/** Length of the whole evening, minutes (the shape scales with it). */
const total = num('DURATION_MIN', 30) * 60;
/** How far above the plateau the TV announcement takes traffic. */
const spike = num('SPIKE_FACTOR', 2.5);

// [share of the evening, rate at its end as a multiple of the peak]
/** @type {[number, number][]} */
const SHAPE = [
  [0.15, 0.25], // early evening
  [0.2, 1], // build-up after dinner
  [0.2, 1], // plateau
  [0.01, spike], // the announcement: a jump within seconds
  [0.06, spike], // everyone tries at once
  [0.05, 1.1], // settling
  [0.33, 0.1], // tail into the night
];
const startRate = Math.max(1, Math.round(peak * 0.05));
const stages = SHAPE.map(([share, level]) => ({ target: Math.max(1, Math.round(peak * level)), duration: seconds(Math.max(10, share * total)) }));
const planned = plannedIterations(startRate, stages);

export const options = scenarioOptions(
  {
    census_night: {
      executor: 'ramping-arrival-rate',
      startRate,
      timeUnit: '1s',
      stages,
      // VUs needed ≈ rate × latency. Allocated before the start for the spike at 100 ms a
      // beacon: a VU k6 has to initialize mid-run (its own copy of the scripts and the schema)
      // costs a burst of CPU on a box the server shares, and arrivals meanwhile are dropped
      // (measured: 2.9 % dropped at PEAK_RATE=400 when only the plateau's 20 were allocated,
      // though no more than 56 were ever busy). Up to 500 ms a beacon before k6 drops any.
      preAllocatedVUs: num('PRE_VUS', Math.max(10, Math.ceil(peak * spike * 0.1))),
      maxVUs: num('MAX_VUS', Math.max(50, Math.ceil(peak * spike * 0.5))),
    },
  },
  { failRate: 0.01, p95: 500, p99: 1500 },
  // Iterations k6 could not start (no free VU: the server got slow) count against the run.
  { dropped_iterations: [`count<=${Math.ceil(planned * num('MAX_DROPPED_SHARE', 0.01))}`] },
);

export function setup() {
  console.log(`census night: ${planned} beacons planned over ${Math.round(total / 60)} min, peak ${peak}/s, spike ${Math.round(peak * spike)}/s`);
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
