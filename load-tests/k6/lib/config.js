// Settings of every k6 scenario, from `k6 run -e NAME=value` (__ENV) with defaults that suit a
// Touchpoint started locally with `npm start`. Scale knobs are read by each scenario file.

/**
 * @param {string} name
 * @param {string} fallback
 * @returns {string}
 */
export function str(name, fallback) {
  const v = __ENV[name];
  return v === undefined || v === '' ? fallback : v;
}

/**
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
export function num(name, fallback) {
  const v = __ENV[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`TP_LOAD_BAD_ENV: ${name}=${v} must be a non-negative number`);
  return n;
}

/** Seconds → a k6 duration string. @param {number} s */
export function seconds(s) {
  return `${Math.max(1, Math.round(s))}s`;
}

export const config = {
  /** Touchpoint (or its load balancer), without a trailing slash. */
  baseUrl: str('BASE_URL', 'http://127.0.0.1:8080').replace(/\/+$/, ''),
  /** Project key the beacons are sent with (`?key=`). */
  key: str('KEY', 'demo'),
  /** Project id for the summary API; give load tests a project of their own for an exact check. */
  project: str('PROJECT', 'demo'),
  /** Bearer token of the summary API. Without it the stored-count check is skipped (and said so). */
  adminToken: str('ADMIN_TOKEN', ''),
  /** Same SEED, same traffic (per VU). */
  seed: num('SEED', 1),
  /** Tags every session id; default: derived from the start time in setup(). */
  runId: str('RUN_ID', ''),
  /** Sessions each VU keeps open at once: beacons of one visitor are spread over time. */
  sessionsPerVu: num('SESSIONS_PER_VU', 4),
  /** Longest wait, after the load, for the spool to drain into storage (seconds). */
  drainTimeoutS: num('DRAIN_TIMEOUT_S', 60),
  /** Identify events carry emails at the reserved `.invalid` TLD; set EMAILS=0 to leave them out. */
  emails: str('EMAILS', '1') !== '0',
  /** Where the schema is, relative to the scenario file (k6 resolves open() from the script). */
  schemaPath: str('SCHEMA_PATH', '../../protocol/beacon.schema.json'),
};
