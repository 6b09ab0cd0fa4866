/**
 * Read access to the per-minute rollups for SRE threshold rules (ClickHouse in the collector:
 * `collector/src/storage/alert-metrics.ts`). Windows are [from, to) in epoch ms, rounded to
 * whole minutes by the implementation.
 */
export type Quantile = 0.5 | 0.75 | 0.95 | 0.99;

export interface TimingByPath {
  path: string;
  count: number;
  value: number;
}

export interface RollupReader {
  /** Quantile of one timing metric (LCP, INP, ttfb…) per page path. */
  timingByPath(q: { project: string; metric: string; quantile: Quantile; from: number; to: number }): Promise<TimingByPath[]>;
  /** JS errors and page loads (navigations) in the window: error rate = errors / pageLoads. */
  errorCounts(q: { project: string; from: number; to: number }): Promise<{ errors: number; pageLoads: number }>;
}
