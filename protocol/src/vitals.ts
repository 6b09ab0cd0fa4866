/**
 * Core Web Vitals thresholds, one table (protocol/vitals.json) read by every role: the
 * dashboards' colours, the pass rate, the slow-experience rule and the SRE defaults. As
 * web-vitals exports `LCPThresholds` beside `onLCP`: good ≤ [0], poor > [1].
 */
import table from '../vitals.json' with { type: 'json' };
import type { Rating, VitalName } from './beacon.ts';

export type Thresholds = readonly [good: number, poor: number];

export const VITAL_THRESHOLDS: Readonly<Record<VitalName, Thresholds>> = {
  LCP: table.LCP as unknown as Thresholds,
  INP: table.INP as unknown as Thresholds,
  CLS: table.CLS as unknown as Thresholds,
  FCP: table.FCP as unknown as Thresholds,
  TTFB: table.TTFB as unknown as Thresholds,
};

/** The three vitals a page load must pass (Core Web Vitals), with their "good" limits. */
export const CWV_GOOD = { LCP: VITAL_THRESHOLDS.LCP[0], INP: VITAL_THRESHOLDS.INP[0], CLS: VITAL_THRESHOLDS.CLS[0] } as const;

export function rateVital(name: VitalName, value: number): Rating {
  const [good, poor] = VITAL_THRESHOLDS[name];
  return value > poor ? 'poor' : value > good ? 'needs-improvement' : 'good';
}
