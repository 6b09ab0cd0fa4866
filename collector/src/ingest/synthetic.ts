/**
 * Test traffic, recognised once at ingest so that no rule ever reaches a person for it: load
 * tests (the tags the k6 scenarios and the bench set, load-tests/README.md "Tagged"), the agent's
 * `init({ test: true })` (the beacon's `test` field), and projects whose whole traffic is a
 * test (`testTraffic` in the projects file, e.g. a staging shop). The beacon is stored as usual,
 * the tag in its rows' `test_traffic` (migration 007: the rollups and SRE rules leave it out, the
 * raw reports unless asked); its signals carry the tag (`Signal.synthetic`) and the worker logs
 * and counts it instead.
 */
import type { Beacon, BeaconEvent } from '@touchpoint/protocol';
import { scrubText } from '@touchpoint/protocol/privacy';

/** The header every k6 scenario and bench request carries: `k6/<run>`. */
export const LOAD_TEST_HEADER = 'x-touchpoint-load-test';

/**
 * Session ids the load generators give (`k6-<run>-…`, `bench-<run>-…`). The agent's own ids are
 * base-36 digits without a dash, so no real session matches.
 */
const TAGGED_SESSION = /^(k6|bench)-/;

/** The custom event opening each generated session: `loadtest { tool, run }`. */
const LOAD_TEST_EVENT = 'loadtest';

/**
 * Tags are stored with the beacon's rows and shown in logs and the outreach log: short, only
 * harmless characters, and scrubbed like a label (a run name of digits can be a card number).
 */
const MAX_TAG = 64;
const clean = (s: string) => scrubText(s.replace(/[^A-Za-z0-9._/-]/g, '').slice(0, MAX_TAG));

/** What marked the beacon as test traffic, or undefined for real traffic. */
export function syntheticTag(header: string | string[] | undefined, beacon: Beacon, events: readonly BeaconEvent[], project: { testTraffic?: boolean }): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined) return clean(value) || 'load-test';
  const session = TAGGED_SESSION.exec(beacon.session);
  if (session) return session[1];
  for (const e of events) {
    if (e.type === 'custom' && e.name === LOAD_TEST_EVENT) return clean(`${e.props?.tool ?? ''}/${e.props?.run ?? ''}`).replace(/^\/|\/$/g, '') || 'load-test';
  }
  if (beacon.test === true) return 'agent-test';
  if (project.testTraffic === true) return 'project-test';
  return undefined;
}
