/**
 * The dashboards' filters on an event family's raw table, for every dimension, including those
 * the family does not store. Migration 001 denormalises onto each family only the beacon
 * dimensions it needed: errors and requests have no connection, resources no browser and no
 * connection. A filter on one of those goes through the beacon the event came in: one intake
 * row spreads into `beacons` and every family with the same session and received_at
 * (migration 004), so `(session, received_at) IN (the window's beacons with that value)` keeps
 * exactly the events of matching beacons. The pair goes in hashed (cityHash64): a set of 64-bit
 * numbers builds and probes in half the time of one of (String, DateTime64) tuples (measured:
 * 26 vs 56 ms over 400k beacons a day), and a collision among even 10⁷ beacons has odds ~10⁻⁵.
 *
 * Columns come from the fixed DIMENSIONS map (via filterSql); values are bound parameters
 * `f_<name>`, the same as filterSql's.
 */
import { DIMENSION_NAMES, type Dimension, type Filters } from '@touchpoint/protocol/api/common';
import { filterSql, RAW_WINDOW } from './report-sql.ts';

/** The beacon dimensions each family's raw table stores (migration 001). */
export const FAMILY_DIMENSIONS = {
  errors: ['path', 'device', 'browser', 'country'],
  requests: ['path', 'device', 'browser', 'country'],
  resources: ['path', 'device', 'country'],
  navigations: DIMENSION_NAMES,
} as const satisfies Record<string, readonly Dimension[]>;

/**
 * ` AND …` for the filters on a table in database `db` (quoted) that stores `own` dimensions;
 * `window` is the receive-time clause the query reads the family with, so the beacons match it.
 */
export function familyFilterSql(db: string, own: readonly Dimension[], f: Filters, window = RAW_WINDOW): { sql: string; params: Record<string, string> } {
  const direct = filterSql(f, own);
  const viaBeacon = filterSql(f, DIMENSION_NAMES.filter((d) => !own.includes(d)));
  if (!viaBeacon.sql) return direct;
  return {
    sql: `${direct.sql} AND cityHash64(session, received_at) IN (SELECT cityHash64(session, received_at) FROM ${db}.beacons WHERE ${window}${viaBeacon.sql})`,
    params: { ...direct.params, ...viaBeacon.params },
  };
}
