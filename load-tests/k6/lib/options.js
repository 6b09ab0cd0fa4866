// What every scenario shares around its executor: thresholds on the beacon requests (failure
// rate, p95, p99; each overridable from the environment), the stored-count threshold, and a
// teardown long enough to wait for the spool to drain.
import { config, num, seconds } from './config.js';
import { storedThresholds } from './stored-check.js';

/**
 * @typedef {object} Limits
 * @property {number} failRate largest share of beacon requests that may fail (env MAX_FAIL_RATE)
 * @property {number} p95 ms (env P95_MS)
 * @property {number} p99 ms (env P99_MS)
 */

/**
 * @param {Record<string, import('k6/options').Scenario>} scenarios
 * @param {Limits} limits
 * @param {Record<string, string[]>} [extraThresholds]
 * @returns {import('k6/options').Options}
 */
export function scenarioOptions(scenarios, limits, extraThresholds = {}) {
  const failRate = num('MAX_FAIL_RATE', limits.failRate);
  const p95 = num('P95_MS', limits.p95);
  const p99 = num('P99_MS', limits.p99);
  return {
    scenarios,
    thresholds: Object.assign(
      {
        // Only the beacons: the summary calls of the stored check are not part of the load.
        'http_req_failed{name:beacon}': [`rate<=${failRate}`],
        'http_req_duration{name:beacon}': [`p(95)<${p95}`, `p(99)<${p99}`],
      },
      storedThresholds(),
      extraThresholds,
    ),
    teardownTimeout: seconds(config.drainTimeoutS + 30),
    summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max'],
    // Beacons are tiny and the answers empty: no need to keep bodies around.
    discardResponseBodies: true,
  };
}

/**
 * Total iterations a ramping-arrival-rate plan asks for (area under the stages), for a
 * dropped_iterations threshold relative to the plan.
 * @param {number} startRate per second
 * @param {{ target: number, duration: string }[]} stages durations in seconds (`Ns`)
 */
export function plannedIterations(startRate, stages) {
  let total = 0;
  let from = startRate;
  for (const s of stages) {
    const secs = Number(s.duration.replace(/s$/, ''));
    total += ((from + s.target) / 2) * secs;
    from = s.target;
  }
  return Math.round(total);
}
