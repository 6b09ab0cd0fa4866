/**
 * SRE threshold rules on the per-minute rollups, e.g. "p75 LCP of a page above 2.5 s over 5 min"
 * or "error rate above 5 %". Each rule yields one series per page (timing rules) or one per
 * project (error rate); a series is `firing` while above its threshold and `resolved` when it
 * drops back. Evaluated by a repeatable job (workers/sre-worker.ts).
 */
import { ConfigError } from '@touchpoint/protocol/errors';
import { CWV_GOOD } from '@touchpoint/protocol/vitals';
import { parseDuration } from '../lib/duration.ts';
import type { Quantile, RollupReader } from '@touchpoint/protocol/rollups';

export interface TimingRule {
  id: string;
  kind: 'timing';
  /** LCP, INP, CLS, FCP, TTFB or a navigation phase (ttfb, load…). */
  metric: string;
  /** Default 0.75. */
  quantile: Quantile;
  /** Threshold in the metric's unit (ms; CLS unitless). */
  above: number;
  windowMs: number;
  /** Fewer samples in the window than this: no verdict (a single slow load is not an incident). Default 20. */
  minCount: number;
}

export interface ErrorRateRule {
  id: string;
  kind: 'error_rate';
  /** Percent of page loads with a JS error. */
  above: number;
  windowMs: number;
  /** Minimum page loads in the window. Default 50. */
  minCount: number;
}

export type SreRule = TimingRule | ErrorRateRule;

export const DEFAULT_SRE_RULES: SreRule[] = [
  { id: 'lcp-p75', kind: 'timing', metric: 'LCP', quantile: 0.75, above: CWV_GOOD.LCP, windowMs: 300_000, minCount: 20 },
  { id: 'error-rate', kind: 'error_rate', above: 5, windowMs: 300_000, minCount: 50 },
];

/**
 * TOUCHPOINT_SRE_RULES: a JSON array such as
 * `[{"id":"lcp-p75","kind":"timing","metric":"LCP","quantile":0.75,"above":2500,"window":"5m"},
 *   {"id":"errors","kind":"error_rate","above":5,"window":"5m","minCount":50}]`.
 */
export function parseSreRules(json: string): SreRule[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ConfigError('TOUCHPOINT_SRE_RULES is not JSON: write an array of rules, see alerting/src/rules/sre-threshold.ts');
  }
  if (!Array.isArray(raw)) throw new ConfigError('TOUCHPOINT_SRE_RULES must be a JSON array of rules');
  return raw.map((r: unknown, i) => {
    const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    const where = `TOUCHPOINT_SRE_RULES[${i}]`;
    if (typeof o.id !== 'string' || !/^[a-z0-9_-]{1,64}$/i.test(o.id)) throw new ConfigError(`${where}.id must be a short name (letters, digits, - and _)`);
    if (typeof o.above !== 'number') throw new ConfigError(`${where}.above must be a number`);
    const windowMs = parseDuration(typeof o.window === 'string' ? o.window : '5m', `${where}.window`);
    if (o.kind === 'error_rate') {
      return { id: o.id, kind: 'error_rate', above: o.above, windowMs, minCount: typeof o.minCount === 'number' ? o.minCount : 50 } satisfies ErrorRateRule;
    }
    if (o.kind !== 'timing') throw new ConfigError(`${where}.kind must be "timing" or "error_rate"`);
    if (typeof o.metric !== 'string') throw new ConfigError(`${where}.metric must name a timing, e.g. LCP`);
    const quantile = o.quantile ?? 0.75;
    if (quantile !== 0.5 && quantile !== 0.75 && quantile !== 0.95 && quantile !== 0.99) {
      throw new ConfigError(`${where}.quantile must be 0.5, 0.75, 0.95 or 0.99`);
    }
    return { id: o.id, kind: 'timing', metric: o.metric, quantile, above: o.above, windowMs, minCount: typeof o.minCount === 'number' ? o.minCount : 20 } satisfies TimingRule;
  });
}

/** One measured series of a rule: `series` names it (rule id, plus the page for timing rules). */
export interface SreMeasurement {
  rule: SreRule;
  series: string;
  path?: string;
  value: number;
  count: number;
  breached: boolean;
}

export async function measureRule(reader: RollupReader, project: string, rule: SreRule, now: number): Promise<SreMeasurement[]> {
  const from = now - rule.windowMs;
  if (rule.kind === 'error_rate') {
    const { errors, pageLoads } = await reader.errorCounts({ project, from, to: now });
    if (pageLoads < rule.minCount) return [{ rule, series: rule.id, value: 0, count: pageLoads, breached: false }];
    const value = (errors / pageLoads) * 100;
    return [{ rule, series: rule.id, value, count: pageLoads, breached: value > rule.above }];
  }
  const rows = await reader.timingByPath({ project, metric: rule.metric, quantile: rule.quantile, from, to: now });
  return rows.map((r) => ({
    rule,
    series: `${rule.id}:${r.path}`,
    path: r.path,
    value: r.value,
    count: r.count,
    breached: r.count >= rule.minCount && r.value > rule.above,
  }));
}
