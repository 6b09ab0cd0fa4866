/**
 * docker-compose.yml is secure by default and complete (Docker does not run on these machines,
 * so the file is checked by reading it): ClickHouse has a user and a required password and no
 * access management, every published port listens on 127.0.0.1 unless the operator names an
 * address, the projects file is mounted where TOUCHPOINT_PROJECTS points, and every setting
 * the code declares (`SETTINGS`, from the config modules) reaches every Touchpoint container.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadProjects } from '@touchpoint/collector/projects';
import { loadConfig, SETTINGS } from './config.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

interface Mount { type: string; source: string; target: string; read_only?: boolean; bind?: { create_host_path?: boolean } }
interface Service { image?: string; environment?: Record<string, string | number>; ports?: string[]; volumes?: (string | Mount)[] }
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
/** The services that run Touchpoint (the image built from this repository). */
const touchpoint = services.filter(([, s]) => s.image === 'touchpoint:local');

type Env = Record<string, string | undefined>;

/**
 * Compose's interpolation: `${VAR}`, `${VAR:-default}` / `${VAR-default}` (defaults may nest),
 * `${VAR:?message}` / `${VAR?message}` (required: throws), `$$` for a literal `$`.
 */
function interpolate(text: string, env: Env): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$') {
      out += text[i];
    } else if (text[i + 1] === '$') {
      out += '$';
      i++;
    } else if (text[i + 1] === '{') {
      let depth = 1;
      let j = i + 2;
      for (; j < text.length && depth > 0; j++) depth += text[j] === '{' ? 1 : text[j] === '}' ? -1 : 0;
      out += substitute(text.slice(i + 2, j - 1), env);
      i = j - 1;
    } else {
      throw new Error(`unbraced variable in ${text}`);
    }
  }
  return out;
}

function substitute(expr: string, env: Env): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([\s\S]*))?$/.exec(expr);
  if (!m) throw new Error(`cannot read \${${expr}}`);
  const [, name, colon, op, rest = ''] = m as unknown as [string, string, string | undefined, string | undefined, string | undefined];
  const value = env[name];
  const missing = value === undefined || (colon === ':' && value === '');
  if (!missing || op === undefined) return value ?? '';
  if (op === '?') throw new Error(`required: ${name} (${rest})`);
  return interpolate(rest, env);
}

const environmentOf = (s: Service, env: Env): Env =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), env)]));

/** What an operator must export before `up`, per the file's header. */
const OPERATOR: Env = { CLICKHOUSE_PASSWORD: '5f0c1d2e3a4b', TOUCHPOINT_ADMIN_TOKEN: 'a-long-enough-admin-token' };

/** Settings whose value the compose file fixes, because the containers decide them. */
const FIXED: Record<string, string> = {
  PORT: '8080',
  HOST: '0.0.0.0',
  DATA_DIR: '/data',
  CLICKHOUSE_URL: 'http://touchpoint:5f0c1d2e3a4b@clickhouse:8123',
  CLICKHOUSE_DATABASE: 'touchpoint',
  REDIS_URL: 'redis://redis:6379',
  TOUCHPOINT_PROJECTS: '/etc/touchpoint/projects.json',
  TOUCHPOINT_ROLES: '',
};

describe('docker-compose.yml', () => {
  it('runs Touchpoint in a collector and a worker', () => {
    expect(touchpoint.map(([name]) => name)).toEqual(expect.arrayContaining(['collector', 'worker']));
  });

  it('the settings lists name every variable the configuration reads', () => {
    const read = new Set<string>();
    const recording = (values: Env) =>
      new Proxy(values, {
        get(target, key) {
          if (typeof key === 'string') read.add(key);
          return target[key as string];
        },
      });
    loadConfig(recording({}));
    // Reads that only happen when another setting is given.
    loadConfig(recording({ TOUCHPOINT_QUIET_HOURS: '21:00-08:00', TOUCHPOINT_SRE_WEBHOOK: 'https://hooks.example/sre' }));
    expect(read.size).toBeGreaterThan(40);
    expect([...read].filter((name) => !SETTINGS.includes(name))).toEqual([]);
    expect(new Set(SETTINGS).size).toBe(SETTINGS.length);
  });

  it.each(touchpoint)('passes every setting through to %s', (_name, service) => {
    const raw = service.environment ?? {};
    expect(SETTINGS.filter((name) => !(name in raw))).toEqual([]);
    for (const name of SETTINGS) {
      if (name in FIXED) continue;
      // The operator's value of the same name, or the code's default when unset.
      expect(String(raw[name]), name).toMatch(new RegExp(`^\\$\\{${name}(?:[:?-]|\\})`));
      expect(environmentOf({ environment: { [name]: raw[name]! } }, { [name]: 'from-the-host' })[name], name).toBe('from-the-host');
    }
    const env = environmentOf(service, OPERATOR);
    for (const [name, value] of Object.entries(FIXED)) if (value) expect(env[name], name).toBe(value);
  });

  it.each(touchpoint)('gives %s a configuration Touchpoint accepts, with the ClickHouse user and password', (_name, service) => {
    const env = { ...environmentOf(service, OPERATOR), TOUCHPOINT_PROJECTS: join(ROOT, 'projects.example.json') };
    const config = loadConfig(env);
    const url = new URL(config.clickhouseUrl!);
    expect([url.username, url.password, url.host]).toEqual(['touchpoint', OPERATOR.CLICKHOUSE_PASSWORD, 'clickhouse:8123']);
    expect(config.projects.all.map((p) => p.id)).toEqual(['shop']);
  });

  it('starts nothing without a ClickHouse password or an admin token', () => {
    for (const [, service] of touchpoint) {
      expect(() => environmentOf(service, { TOUCHPOINT_ADMIN_TOKEN: 'x'.repeat(20) })).toThrow(/CLICKHOUSE_PASSWORD/);
      expect(() => environmentOf(service, { CLICKHOUSE_PASSWORD: 'p' })).toThrow(/TOUCHPOINT_ADMIN_TOKEN/);
    }
  });

  it('gives ClickHouse a user and a required password from the environment, and no access management', () => {
    const ch = compose.services.clickhouse!;
    expect(() => environmentOf(ch, {})).toThrow(/CLICKHOUSE_PASSWORD/);
    const env = environmentOf(ch, OPERATOR);
    expect(env.CLICKHOUSE_USER).toBe('touchpoint');
    expect(env.CLICKHOUSE_PASSWORD).toBe(OPERATOR.CLICKHOUSE_PASSWORD);
    expect(environmentOf(ch, { ...OPERATOR, CLICKHOUSE_USER: 'ops' }).CLICKHOUSE_USER).toBe('ops');
    // With a user or password set the image drops the passwordless `default` user; access
    // management would let that user create users and grants from anywhere (::/0).
    expect(env.CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT).toBe('0');
    expect(env.CLICKHOUSE_SKIP_USER_SETUP).toBeUndefined();
    // Grafana reads as the same user unless given its own.
    const grafana = environmentOf(compose.services.grafana!, { ...OPERATOR, GRAFANA_ADMIN_PASSWORD: 'g' });
    expect([grafana.CLICKHOUSE_GRAFANA_USER, grafana.CLICKHOUSE_GRAFANA_PASSWORD]).toEqual(['touchpoint', OPERATOR.CLICKHOUSE_PASSWORD]);
  });

  it('publishes every port on 127.0.0.1 unless the operator names an address', () => {
    let published = 0;
    for (const [name, service] of services) {
      for (const port of service.ports ?? []) {
        published++;
        const parts = interpolate(port, {}).split(':');
        expect(parts, `${name}: ${port}`).toHaveLength(3);
        expect(parts[0], `${name}: ${port}`).toBe('127.0.0.1');
      }
    }
    expect(published).toBeGreaterThanOrEqual(4);
    const collector = compose.services.collector!.ports![0]!;
    expect(interpolate(collector, { PUBLISH_ADDRESS: '0.0.0.0' })).toBe('0.0.0.0:8081:8080');
  });

  it.each(touchpoint)('mounts the projects file read-only in %s where TOUCHPOINT_PROJECTS points', (_name, service) => {
    const target = environmentOf(service, OPERATOR).TOUCHPOINT_PROJECTS;
    const mount = service.volumes?.find((v): v is Mount => typeof v === 'object' && v.target === target);
    expect(mount).toMatchObject({ type: 'bind', read_only: true, bind: { create_host_path: false } });
    expect(interpolate(mount!.source, {})).toBe('./projects.json');
    expect(interpolate(mount!.source, { TOUCHPOINT_PROJECTS_FILE: '/etc/shop/projects.json' })).toBe('/etc/shop/projects.json');
  });

  it('ships an example projects file the collector accepts', () => {
    const { registry, warning } = loadProjects(join(ROOT, 'projects.example.json'));
    expect(warning).toBeUndefined();
    expect(registry.all).toHaveLength(1);
    const shop = registry.all[0]!;
    expect(shop.prompts?.survey).toMatchObject({ kind: 'ces', share: 0.5 });
    expect(registry.surveyPagesOf(shop)).toBeDefined();
  });
});
