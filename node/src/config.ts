/**
 * Every setting of every role, read and checked in one pass before anything starts: the
 * process's own (below), the collector's (`@touchpoint/collector/config`), the worker's
 * (`@touchpoint/alerting/config`) and the projects file. Anything invalid is a ConfigError
 * naming the setting: `main.ts` prints it as one line and exits 1, with no engine, Redis or
 * port opened.
 */
import { resolve } from 'node:path';
import { ALERTING_SETTINGS, loadAlertingConfig, type AlertingConfig } from '@touchpoint/alerting/config';
import { COLLECTOR_SETTINGS, int, loadCollectorConfig, type CollectorConfig } from '@touchpoint/collector/config';
import { loadProjects, type ProjectRegistry } from '@touchpoint/collector/projects';
import { ConfigError } from '@touchpoint/protocol/errors';

export type Role = 'collector' | 'worker';

type Env = Record<string, string | undefined>;

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
  /** TOUCHPOINT_ROLES (all): collector, worker or both, comma-separated. */
  roles: Set<Role>;
  /** LOG_LEVEL (info). */
  logLevel: string;
  /** TOUCHPOINT_PROJECTS: a JSON file of projects; unset = the dev project `demo` (with `projectsWarning`). */
  projects: ProjectRegistry;
  projectsWarning?: string;
  collector: CollectorConfig;
  alerting: AlertingConfig;
}

/** The variables the process itself reads (the fields above). */
export const NODE_SETTINGS = ['PORT', 'HOST', 'DATA_DIR', 'CLICKHOUSE_URL', 'CLICKHOUSE_DATABASE', 'REDIS_URL', 'TOUCHPOINT_ROLES', 'LOG_LEVEL', 'TOUCHPOINT_PROJECTS'] as const;
/** Every variable any part of Touchpoint reads: what a deployment (docker-compose.yml) must pass through. */
export const SETTINGS: readonly string[] = [...NODE_SETTINGS, ...COLLECTOR_SETTINGS, ...ALERTING_SETTINGS];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): Config {
  const { registry: projects, warning } = loadProjects(env.TOUCHPOINT_PROJECTS || undefined);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL takes ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.DATA_DIR || './data'),
    clickhouseUrl: url(env, 'CLICKHOUSE_URL', ['http:', 'https:']),
    clickhouseDatabase: ident(env.CLICKHOUSE_DATABASE || 'touchpoint', 'CLICKHOUSE_DATABASE'),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    roles: roles(env.TOUCHPOINT_ROLES),
    logLevel,
    projects,
    ...(warning ? { projectsWarning: warning } : {}),
    collector: loadCollectorConfig(env),
    alerting: loadAlertingConfig(env),
  };
}

function url(env: Env, name: string, schemes: string[]): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL such as ${schemes[0]}//host:port`);
  }
  // Never echo the value: it may hold a password.
  if (!schemes.includes(u.protocol)) throw new ConfigError(`${name} must start with ${schemes.map((s) => `${s}//`).join(' or ')}, not ${u.protocol}//`);
  return raw;
}

function ident(value: string, name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) throw new ConfigError(`${name} must be a plain identifier, got "${value}"`);
  return value;
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
