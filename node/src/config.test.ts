import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@touchpoint/protocol/errors';
import { loadConfig } from './config.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'tp-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const projects = (p: unknown) => file(`projects-${Math.random().toString(36).slice(2)}.json`, JSON.stringify({ projects: p }));
const shop = { id: 'shop', key: 'shop-key', origins: ['https://shop.example'] };

/** One bad value of every setting, from every role, and what the message must name. */
const INVALID: [Record<string, string>, RegExp][] = [
  [{ PORT: 'eighty' }, /^PORT must be a whole number from 0 to 65535/],
  [{ PORT: '70000' }, /^PORT must be/],
  [{ CLICKHOUSE_URL: 'not a url' }, /^CLICKHOUSE_URL must be a URL/],
  [{ CLICKHOUSE_URL: 'ftp://ch:21' }, /^CLICKHOUSE_URL must start with http:\/\/ or https:\/\//],
  [{ CLICKHOUSE_DATABASE: 'drop table' }, /^CLICKHOUSE_DATABASE must be a plain identifier/],
  [{ REDIS_URL: 'http://redis:6379' }, /^REDIS_URL must start with redis:\/\//],
  [{ TOUCHPOINT_ROLES: 'collector,scheduler' }, /^TOUCHPOINT_ROLES takes all, collector or worker/],
  [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL takes/],
  [{ TOUCHPOINT_ADMIN_TOKEN: 'short' }, /^TOUCHPOINT_ADMIN_TOKEN must be at least 16 characters/],
  [{ TOUCHPOINT_COUNTRY_HEADER: 'cf ip country' }, /^TOUCHPOINT_COUNTRY_HEADER must be an HTTP header name/],
  [{ TOUCHPOINT_TRUST_PROXY: 'the-load-balancer' }, /^TOUCHPOINT_TRUST_PROXY takes true, a hop count or addresses/],
  [{ TOUCHPOINT_RATE_LIMIT: '-1' }, /^TOUCHPOINT_RATE_LIMIT must be a whole number/],
  [{ TOUCHPOINT_SPOOL_MAX_BYTES: '10' }, /^TOUCHPOINT_SPOOL_MAX_BYTES must be a whole number from 4096/],
  [{ TOUCHPOINT_FLUSH_INTERVAL_MS: '0' }, /^TOUCHPOINT_FLUSH_INTERVAL_MS must be/],
  [{ TOUCHPOINT_SEGMENT_MAX_BYTES: '1.5' }, /^TOUCHPOINT_SEGMENT_MAX_BYTES must be/],
  [{ TOUCHPOINT_COMMIT_INTERVAL_MS: '5000' }, /^TOUCHPOINT_COMMIT_INTERVAL_MS must be/],
  [{ TOUCHPOINT_HOLDOUT_SHARE: '2' }, /^TOUCHPOINT_HOLDOUT_SHARE="2" must be a number from 0 to 1/],
  [{ TOUCHPOINT_STUCK_AFTER: 'forever' }, /^TOUCHPOINT_STUCK_AFTER="forever" is not a duration/],
  [{ TOUCHPOINT_SMTP_URL: 'http://mail.example' }, /^TOUCHPOINT_SMTP_URL must start with smtp:\/\/ or smtps:\/\//],
  [{ TOUCHPOINT_ALERT_WEBHOOK: 'not a url' }, /^TOUCHPOINT_ALERT_WEBHOOK="not a url" is not a URL/],
  [{ TOUCHPOINT_ALERT_EMAIL: 'm@shop.example' }, /need TOUCHPOINT_SMTP_URL/],
  [{ TOUCHPOINT_QUIET_HOURS: 'late' }, /^quiet hours "late" are invalid/],
  [{ TOUCHPOINT_QUIET_HOURS: '21:00-08:00', TOUCHPOINT_QUIET_HOURS_TZ: 'Mars/Olympus' }, /time zone "Mars\/Olympus" is unknown/],
  [{ TOUCHPOINT_SRE_RULES: '[{"id":"x","kind":"timing","above":1}]' }, /^TOUCHPOINT_SRE_RULES\[0\]\.metric/],
  [{ TOUCHPOINT_SRE_RULES: '{' }, /^TOUCHPOINT_SRE_RULES is not JSON/],
  [{ TOUCHPOINT_SLOW_LCP_STREAK: '0' }, /^TOUCHPOINT_SLOW_LCP_STREAK="0" must be a number from 1/],
  [{ TOUCHPOINT_DELIVERY_BACKOFF: '2 weeks' }, /^TOUCHPOINT_DELIVERY_BACKOFF="2 weeks" is not a duration/],
  [{ TOUCHPOINT_PROJECTS: join(dir, 'missing.json') }, /^TOUCHPOINT_PROJECTS: cannot read .*missing\.json as JSON/],
  [{ TOUCHPOINT_PROJECTS: projects([]) }, /not a valid projects file: \/projects must NOT have fewer than 1 items/],
  [{ TOUCHPOINT_PROJECTS: projects([{ ...shop, id: 'Shop One' }]) }, /not a valid projects file: \/projects\/0\/id must match pattern/],
  [{ TOUCHPOINT_PROJECTS: projects([shop, { ...shop, id: 'other' }]) }, /ingest key of "other" is used by another project/],
  [{ TOUCHPOINT_PROJECTS: projects([{ ...shop, checkoutPattern: '(pay' }]) }, /checkoutPattern of "shop" is not a regular expression/],
];

describe('every invalid setting is one ConfigError that names it', () => {
  it.each(INVALID)('%o', (env, message) => {
    let thrown: unknown;
    try {
      loadConfig({ TOUCHPOINT_ADMIN_TOKEN: 'a-valid-admin-token', ...env });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('\n');
  });

  it('never echoes a URL that may hold a password', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://user:s3cret@redis:6379' })).toThrow(/^REDIS_URL must start with redis:\/\/ or rediss:\/\/, not http:\/\/$/);
    expect(() => loadConfig({ TOUCHPOINT_SMTP_URL: 'http://user:s3cret@mail' })).not.toThrow(/s3cret/);
  });

  it('takes the defaults and a valid file', () => {
    const c = loadConfig({ TOUCHPOINT_PROJECTS: projects([shop]), TOUCHPOINT_ROLES: 'collector' });
    expect(c.port).toBe(8080);
    expect([...c.roles]).toEqual(['collector']);
    expect(c.projects.byKey('shop-key')?.id).toBe('shop');
    expect(c.projectsWarning).toBeUndefined();
    expect(c.collector.adminTokenGenerated).toBe(true);
    expect(c.alerting.stuckAfterMs).toBe(15 * 60_000);
  });
});

describe('npm start with an invalid setting', () => {
  const start = (env: Record<string, string>) => {
    const dataDir = join(dir, `data-${Math.random().toString(36).slice(2)}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'node/src/main.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, PORT: '0', ...env },
    });
    return { ...r, dataDir };
  };

  it.each([
    [{ TOUCHPOINT_HOLDOUT_SHARE: '2' }, 'TP_ERR_CONFIG', 'TOUCHPOINT_HOLDOUT_SHARE'],
    [{ TOUCHPOINT_SPOOL_MAX_BYTES: 'lots' }, 'TP_ERR_CONFIG', 'TOUCHPOINT_SPOOL_MAX_BYTES'],
    [{ TOUCHPOINT_PROJECTS: '/nonexistent/projects.json' }, 'TP_ERR_PROJECTS_FILE', 'TOUCHPOINT_PROJECTS'],
    // No REDIS_URL and no redis-server on PATH: said before the engine opens.
    [{ PATH: '/nonexistent' }, 'TP_ERR_REDIS_SERVER_MISSING', 'redis-server'],
  ])('%o: one line, exit 1, nothing started', (env, code, names) => {
    const r = start(env as Record<string, string>);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^touchpoint: ${code}: .*${names}`));
    expect(r.stdout).toBe('');
    // Neither the engine, nor the spool, nor a private Redis touched the data directory.
    expect(existsSync(r.dataDir)).toBe(false);
  });
});
