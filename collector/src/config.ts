import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

export type Role = 'collector' | 'worker';

/** Every setting Touchpoint reads, from the environment, with its default. */
export interface Config {
  /** PORT (8080). 0 picks a free port. */
  port: number;
  /** HOST (0.0.0.0). */
  host: string;
  /** DATA_DIR (./data): embedded ClickHouse, the spool, the private Redis. */
  dataDir: string;
  /** CLICKHOUSE_URL (unset = embedded chDB under DATA_DIR/clickhouse). */
  clickhouseUrl: string | undefined;
  /** CLICKHOUSE_DATABASE (touchpoint). */
  clickhouseDatabase: string;
  /** REDIS_URL (unset = a private redis-server under DATA_DIR/redis). */
  redisUrl: string | undefined;
  /** TOUCHPOINT_ADMIN_TOKEN guards /api/. Generated and printed in dev when unset. */
  adminToken: string;
  adminTokenGenerated: boolean;
  /** TOUCHPOINT_PROJECTS: a JSON file of projects. Unset = the dev project `demo`. */
  projectsFile: string | undefined;
  /** TOUCHPOINT_ROLES (all): collector, worker or both, comma-separated. */
  roles: Set<Role>;
  /** TOUCHPOINT_COUNTRY_HEADER: a header set by a trusted CDN, e.g. cf-ipcountry. Unset = no country. */
  countryHeader: string | undefined;
  /** TOUCHPOINT_TRUST_PROXY (unset): `true`, a hop count or comma-separated proxy addresses whose X-Forwarded-For is believed (behind a load balancer). */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  /** TOUCHPOINT_RATE_LIMIT (1000): beacons per second per project and client address, bursts of twice that; 0 turns it off (load tests from one address). */
  rateLimitPerSecond: number;
  spool: SpoolConfig;
  /** LOG_LEVEL (info). */
  logLevel: string;
  /** The whole environment, for roles that read their own settings (alerting). */
  env: Record<string, string | undefined>;
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

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const token = env.TOUCHPOINT_ADMIN_TOKEN?.trim();
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.DATA_DIR || './data'),
    clickhouseUrl: env.CLICKHOUSE_URL || undefined,
    clickhouseDatabase: ident(env.CLICKHOUSE_DATABASE || 'touchpoint', 'CLICKHOUSE_DATABASE'),
    redisUrl: env.REDIS_URL || undefined,
    adminToken: token || randomBytes(18).toString('base64url'),
    adminTokenGenerated: !token,
    projectsFile: env.TOUCHPOINT_PROJECTS || undefined,
    roles: roles(env.TOUCHPOINT_ROLES),
    countryHeader: env.TOUCHPOINT_COUNTRY_HEADER?.toLowerCase() || undefined,
    trustProxy: trustProxy(env.TOUCHPOINT_TRUST_PROXY),
    rateLimitPerSecond: int(env, 'TOUCHPOINT_RATE_LIMIT', 1000, 0, 10_000_000),
    spool: {
      maxBytes: int(env, 'TOUCHPOINT_SPOOL_MAX_BYTES', 1024 ** 3, 4096, Number.MAX_SAFE_INTEGER),
      flushIntervalMs: int(env, 'TOUCHPOINT_FLUSH_INTERVAL_MS', 1000, 10, 60_000),
      segmentMaxBytes: int(env, 'TOUCHPOINT_SEGMENT_MAX_BYTES', 32 * 1024 ** 2, 1024, 1024 ** 3),
      commitIntervalMs: int(env, 'TOUCHPOINT_COMMIT_INTERVAL_MS', 10, 0, 1000),
    },
    logLevel: env.LOG_LEVEL || 'info',
    env,
  };
}

function int(env: Record<string, string | undefined>, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function ident(value: string, name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) throw new ConfigError(`${name} must be a plain identifier, got "${value}"`);
  return value;
}

function trustProxy(raw: string | undefined): Config['trustProxy'] {
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    return (_address, hop) => hop < hops;
  }
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

function roles(raw: string | undefined): Set<Role> {
  const parts = (raw || 'all').split(',').map((s) => s.trim()).filter(Boolean);
  const out = new Set<Role>();
  for (const p of parts) {
    if (p === 'all') {
      out.add('collector').add('worker');
    } else if (p === 'collector' || p === 'worker') {
      out.add(p);
    } else {
      throw new ConfigError(`TOUCHPOINT_ROLES takes all, collector or worker (comma-separated), got "${p}"`);
    }
  }
  return out;
}
