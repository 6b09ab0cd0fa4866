// The end of every scenario: was everything Touchpoint acknowledged stored?
//
// A k6 Counter cannot be read in teardown(), and handleSummary() runs after the exit code is
// decided (its result cannot fail the run), so the check is a threshold on one counter: each VU adds +1 per acknowledged beacon
// to `tp_beacons_unstored`; teardown() waits for the spool to drain, asks the summary API how
// many beacons were stored since setup(), and adds minus that. The threshold `count<=0` then
// fails the run (exit code 99) if anything acknowledged is missing. Other traffic to the same
// project in that window can only hide a loss, never invent one: give load tests a project of
// their own (PROJECT/KEY) for an exact count. handleSummary() prints both numbers.
import http from 'k6/http';
import { sleep } from 'k6';
import { Counter } from 'k6/metrics';
import { config } from './config.js';
import { beaconsUnstored } from './traffic.js';

/** Beacons the summary API counted over the run window, recorded once in teardown. */
export const beaconsStored = new Counter('tp_beacons_stored');

/**
 * @typedef {import('./traffic.js').RunData} RunData
 */

/**
 * Thresholds to add to a scenario's options: none without an admin token to check with.
 * @returns {Record<string, string[]>}
 */
export function storedThresholds() {
  return config.adminToken ? { tp_beacons_unstored: ['count<=0'] } : {};
}

/**
 * @param {RunData} run
 * @returns {number}
 */
function storedSince(run) {
  // The scenarios' beacons are tagged as test traffic, which the summary counts only when asked.
  const url = `${config.baseUrl}/api/v1/projects/${encodeURIComponent(config.project)}/summary?from=${run.startedAt - 1000}&to=${Date.now() + 1000}&test=include`;
  const res = http.get(url, {
    headers: { Authorization: `Bearer ${config.adminToken}` },
    tags: { name: 'summary' },
    // The scenarios discard response bodies; this one is needed.
    responseType: 'text',
    responseCallback: http.expectedStatuses(200),
  });
  if (res.status !== 200) {
    throw new Error(`TP_LOAD_SUMMARY_FAILED: GET ${url} answered ${res.status}: check ADMIN_TOKEN and PROJECT (${String(res.body).slice(0, 200)})`);
  }
  const body = /** @type {{ beacons?: unknown }} */ (res.json());
  if (typeof body.beacons !== 'number') throw new Error(`TP_LOAD_SUMMARY_SHAPE: summary has no numeric "beacons": ${String(res.body).slice(0, 200)}`);
  return body.beacons;
}

/**
 * teardown(): polls until the stored count stops growing (3 polls in a row, 1 s apart) or the
 * drain timeout passes, then records it.
 * @param {RunData} run
 */
export function checkStored(run) {
  if (!config.adminToken) {
    console.warn('stored check skipped: set ADMIN_TOKEN (TOUCHPOINT_ADMIN_TOKEN of the server) to verify that acknowledged beacons were stored');
    return;
  }
  const deadline = Date.now() + config.drainTimeoutS * 1000;
  let last = -1;
  let stable = 0;
  let stored = 0;
  while (Date.now() < deadline) {
    stored = storedSince(run);
    stable = stored === last ? stable + 1 : 0;
    last = stored;
    if (stable >= 3) break;
    sleep(1);
  }
  beaconsStored.add(stored);
  beaconsUnstored.add(-stored);
  console.log(`stored check: ${stored} beacons stored for project ${config.project} since ${new Date(run.startedAt).toISOString()} (run ${run.runId})`);
}
