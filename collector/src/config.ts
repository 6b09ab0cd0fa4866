/**
 * The collector role's settings, from the environment, each with its default. Read once, with
 * every other role's, by the process's configuration (`@touchpoint/node/config`) before anything
 * starts; an invalid value is a ConfigError that names the variable and what it takes.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError } from '@touchpoint/protocol/errors';

type Env = Record<string, string | undefined>;

export interface CollectorConfig {
  /** TOUCHPOINT_ADMIN_TOKEN guards /api/ (and the live WebSocket). Generated and printed in dev when unset. */
  adminToken: string;
  adminTokenGenerated: boolean;
  /** TOUCHPOINT_COUNTRY_HEADER: a header set by a trusted CDN, e.g. cf-ipcountry. Unset = no country. */
  countryHeader: string | undefined;
  /** TOUCHPOINT_TRUST_PROXY (unset): `true`, a hop count or comma-separated proxy addresses whose X-Forwarded-For is believed (behind a load balancer). */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  /** TOUCHPOINT_RATE_LIMIT (1000): beacons per second per project and client address, bursts of twice that; 0 turns it off (load tests from one address). */
  rateLimitPerSecond: number;
  /** TOUCHPOINT_MAX_CONNECTIONS_PER_CLIENT (512): open connections one client address may hold; more are closed at once. Behind a load balancer this counts the balancer's connections: raise it, or 0 turns it off. */
  maxConnectionsPerClient: number;
  /** TOUCHPOINT_MAX_PROMPT_CHANNELS (5000): prompt channels (GET /v1/prompts) this collector holds open at once; more are refused with 503 and the page retries. A checkout holds one while it is open; 0 refuses them all. */
  maxPromptChannels: number;
  /** TOUCHPOINT_METRICS_TOKEN (unset = /metrics open): when set, GET /metrics needs `Authorization: Bearer <it>`, for deployments that expose the port. */
  metricsToken: string | undefined;
  /**
   * TOUCHPOINT_CAME_BACK_DELAY_MS (60000): in the outreach report a contacted customer "came
   * back" only by completing a checkout that started at least this long after the message was
   * handed to its channel (CameBackRule in @touchpoint/protocol/outreach): a purchase seconds
   * after the email is the checkout they were already in, not an answer to it.
   */
  cameBackDelayMs: number;
  spool: SpoolConfig;
}

export interface SpoolConfig {
  /** TOUCHPOINT_SPOOL_MAX_BYTES (1 GiB): above this the collector answers 503 + Retry-After. */
  maxBytes: number;
  /** TOUCHPOINT_FLUSH_INTERVAL_MS (1000): how often a spool segment is sealed and written to ClickHouse. */
  flushIntervalMs: number;
  /** TOUCHPOINT_SEGMENT_MAX_BYTES (32 MiB): a segment is sealed early when it grows past this. */
  segmentMaxBytes: number;
  /** TOUCHPOINT_COMMIT_INTERVAL_MS (10): least time between two spool writes, so one fsync serves many beacons. */
  commitIntervalMs: number;
}

/**
 * Every variable this role reads, each documented on its field above. docker-compose.yml passes
 * each one through (node/src/compose.test.ts); a read not listed here fails that test.
 */
export const COLLECTOR_SETTINGS = [
  'TOUCHPOINT_ADMIN_TOKEN', 'TOUCHPOINT_COUNTRY_HEADER', 'TOUCHPOINT_TRUST_PROXY', 'TOUCHPOINT_RATE_LIMIT',
  'TOUCHPOINT_SPOOL_MAX_BYTES', 'TOUCHPOINT_FLUSH_INTERVAL_MS', 'TOUCHPOINT_SEGMENT_MAX_BYTES', 'TOUCHPOINT_COMMIT_INTERVAL_MS',
  'TOUCHPOINT_MAX_CONNECTIONS_PER_CLIENT', 'TOUCHPOINT_METRICS_TOKEN', 'TOUCHPOINT_CAME_BACK_DELAY_MS',
  'TOUCHPOINT_MAX_PROMPT_CHANNELS',
] as const;

/** A token shorter than this is guessable by the few attempts the API allows. */
const MIN_TOKEN_LENGTH = 16;

export function loadCollectorConfig(env: Env): CollectorConfig {
  const token = secret(env, 'TOUCHPOINT_ADMIN_TOKEN');
  return {
    adminToken: token || randomBytes(18).toString('base64url'),
    adminTokenGenerated: !token,
    countryHeader: header(env, 'TOUCHPOINT_COUNTRY_HEADER'),
    trustProxy: trustProxy(env.TOUCHPOINT_TRUST_PROXY),
    rateLimitPerSecond: int(env, 'TOUCHPOINT_RATE_LIMIT', 1000, 0, 10_000_000),
    maxConnectionsPerClient: int(env, 'TOUCHPOINT_MAX_CONNECTIONS_PER_CLIENT', 512, 0, 1_000_000),
    maxPromptChannels: int(env, 'TOUCHPOINT_MAX_PROMPT_CHANNELS', 5000, 0, 1_000_000),
    metricsToken: secret(env, 'TOUCHPOINT_METRICS_TOKEN'),
    cameBackDelayMs: int(env, 'TOUCHPOINT_CAME_BACK_DELAY_MS', 60_000, 0, 86_400_000),
    spool: {
      maxBytes: int(env, 'TOUCHPOINT_SPOOL_MAX_BYTES', 1024 ** 3, 4096, Number.MAX_SAFE_INTEGER),
      flushIntervalMs: int(env, 'TOUCHPOINT_FLUSH_INTERVAL_MS', 1000, 10, 60_000),
      segmentMaxBytes: int(env, 'TOUCHPOINT_SEGMENT_MAX_BYTES', 32 * 1024 ** 2, 1024, 1024 ** 3),
      commitIntervalMs: int(env, 'TOUCHPOINT_COMMIT_INTERVAL_MS', 10, 0, 1000),
    },
  };
}

/** A whole number from min to max, or the default when unset. */
export function int(env: Env, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/** A token setting: unset, or long enough not to be guessed. */
function secret(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (raw.length < MIN_TOKEN_LENGTH) throw new ConfigError(`${name} must be at least ${MIN_TOKEN_LENGTH} characters`);
  return raw;
}

function header(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return undefined;
  if (!/^[a-z0-9-]{1,64}$/.test(raw)) throw new ConfigError(`${name} must be an HTTP header name (letters, digits and -), got "${raw}"`);
  return raw;
}

function trustProxy(raw: string | undefined): CollectorConfig['trustProxy'] {
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    return (_address, hop) => hop < hops;
  }
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((s) => !/^[0-9a-fA-F.:/]+$/.test(s) && !['loopback', 'linklocal', 'uniquelocal'].includes(s));
  if (bad !== undefined) throw new ConfigError(`TOUCHPOINT_TRUST_PROXY takes true, a hop count or addresses/CIDR ranges (comma-separated), got "${bad}"`);
  return list;
}
