/** The figures a run reports, from k6's `--summary-export` JSON. */

export interface K6Figures {
  acked: number;
  /** Undefined when the stored check was skipped (no ADMIN_TOKEN). */
  stored: number | undefined;
  iterations: number;
  /** Iterations an arrival-rate executor could not start (no free VU in time). */
  dropped: number;
  p95: number;
  p99: number;
}

interface Exported {
  metrics?: Record<string, Record<string, unknown> | undefined>;
}

export function readK6Summary(summary: Exported): K6Figures {
  const m = summary.metrics ?? {};
  const count = (name: string) => {
    const v = m[name]?.count;
    return typeof v === 'number' ? v : undefined;
  };
  const beacon = m['http_req_duration{name:beacon}'] ?? {};
  const iterations = count('iterations') ?? 0;
  const dropped = count('dropped_iterations') ?? 0;
  return {
    acked: count('tp_beacons_acked') ?? 0,
    stored: count('tp_beacons_stored'),
    iterations,
    dropped,
    p95: Number(beacon['p(95)'] ?? NaN),
    p99: Number(beacon['p(99)'] ?? NaN),
  };
}
