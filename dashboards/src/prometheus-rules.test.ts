/**
 * The Prometheus alert rules for Touchpoint (dashboards/prometheus/): promtool accepts them and
 * their unit tests pass (Debian's `prometheus` package; skipped, saying so, without it); every
 * metric an expression names is one a real running Touchpoint exports on /metrics; and the
 * compose file's Prometheus loads them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestTouchpoint } from '@touchpoint/node/testing';
import type { Touchpoint } from '@touchpoint/node';

const DIR = join(import.meta.dirname, '..', 'prometheus');
const RULES = join(DIR, 'touchpoint-alerts.yml');

interface RuleFile {
  groups: { name: string; rules: { alert?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}
const rules = (parse(readFileSync(RULES, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);

const promtool = spawnSync('promtool', ['--version']).status === 0;
if (!promtool) console.warn('promtool is not installed (Debian: apt-get install prometheus): the promtool checks of the alert rules are skipped');

/** Series that Prometheus itself makes, not Touchpoint. */
const PROMETHEUS_OWN = new Set(['up']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or durations. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const out = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    if (KEYWORDS.has(m[0].toLowerCase())) continue;
    if (bare.slice(m.index + m[0].length).trimStart().startsWith('(')) continue; // a function or an aggregation
    out.add(m[0]);
  }
  return [...out];
}

describe('the alert rules', () => {
  it('cover what the issue names: spool, inserts, dead letters, event-loop lag, stored < acknowledged', () => {
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['TouchpointSpoolFilling', 'TouchpointInsertsFailing', 'TouchpointDeadLetters', 'TouchpointEventLoopLag', 'TouchpointStoredBehindAcknowledged']));
    for (const r of rules) {
      expect(r.labels?.severity, r.alert).toMatch(/^(warning|critical)$/);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
    }
  });

  it('reads metric names out of expressions', () => {
    expect(metricNames('sum by (instance) (increase(a_total{x="y z"}[5m])) - on(i) b_sum > 0.5 * c + 10 or d{le="1"} == bool 0')).toEqual(['a_total', 'b_sum', 'c', 'd']);
  });

  it.skipIf(!promtool)('pass `promtool check rules`, `check config` and their unit tests', () => {
    expect(execFileSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' })).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(execFileSync('promtool', ['check', 'config', 'prometheus.yml'], { cwd: DIR, encoding: 'utf8' })).toContain('SUCCESS');
    const tested = spawnSync('promtool', ['test', 'rules', 'touchpoint-alerts.test.yml'], { cwd: DIR, encoding: 'utf8' });
    expect(`${tested.stdout}${tested.stderr}`).toContain('SUCCESS');
    expect(tested.status).toBe(0);
  });

  it('are loaded by the compose file’s Prometheus', () => {
    const compose = parse(readFileSync(join(import.meta.dirname, '..', '..', 'docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[]; command?: string[]; ports?: string[] }> };
    const prom = compose.services.prometheus;
    expect(prom?.volumes).toContain('./dashboards/prometheus:/etc/prometheus:ro');
    expect(prom?.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(prom?.ports?.every((p) => p.startsWith('127.0.0.1:'))).toBe(true);
    const config = parse(readFileSync(join(DIR, 'prometheus.yml'), 'utf8')) as { rule_files: string[]; scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[] };
    expect(config.rule_files).toEqual(['touchpoint-alerts.yml']);
    const job = config.scrape_configs.find((j) => j.job_name === 'touchpoint');
    expect(job?.metrics_path).toBe('/metrics');
    // The services the compose file runs, on the port Touchpoint listens on in them.
    expect(job?.static_configs.flatMap((c) => c.targets).sort()).toEqual(['collector:8080', 'worker:8080']);
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['collector', 'worker']));
  });
});

describe('against a running Touchpoint', () => {
  let tp: Touchpoint;
  beforeAll(async () => {
    tp = await startTestTouchpoint({ TOUCHPOINT_ROLES: 'collector,worker' });
  });
  afterAll(async () => tp?.close());

  it('names only metrics Touchpoint exports on /metrics', async () => {
    const res = await fetch(`${tp.url}/metrics`);
    expect(res.status).toBe(200);
    const exported = new Set<string>();
    for (const m of (await res.text()).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      const [, name, type] = m as unknown as [string, string, string];
      exported.add(name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(`${name}${suffix}`);
    }
    for (const r of rules) {
      const names = metricNames(r.expr);
      expect(names.length, r.alert).toBeGreaterThan(0);
      for (const n of names.filter((x) => !PROMETHEUS_OWN.has(x))) expect(exported.has(n), `${r.alert}: ${n}`).toBe(true);
    }
  });
});
