import type { ResourceEvent } from '@touchpoint/protocol';

/** Most hosts reported per page: the long tail of one-off hosts says little and costs rows. */
export const MAX_HOSTS = 20;

interface HostStats {
  count: number;
  bytes: number;
  durations: number[];
}

/** Sums resource timings per host; `p95` by nearest rank. */
export function summariseResources(entries: Iterable<PerformanceResourceTiming>, skipHosts: string[], at = Date.now()): ResourceEvent[] {
  const hosts = new Map<string, HostStats>();
  for (const e of entries) {
    let host: string;
    try {
      host = new URL(e.name).host;
    } catch {
      continue;
    }
    if (!host || skipHosts.includes(host)) continue;
    let s = hosts.get(host);
    if (!s) hosts.set(host, (s = { count: 0, bytes: 0, durations: [] }));
    s.count++;
    // Cross-origin resources without Timing-Allow-Origin report 0 bytes: the best we can know.
    s.bytes += e.transferSize || e.encodedBodySize || 0;
    s.durations.push(e.duration);
  }
  return [...hosts]
    .sort((a, b) => b[1].count - a[1].count)
    .slice(0, MAX_HOSTS)
    .map(([host, s]) => {
      const d = s.durations.sort((a, b) => a - b);
      return { type: 'resource', at, host, count: s.count, bytes: s.bytes, p95: Math.round(d[Math.ceil(d.length * 0.95) - 1] ?? 0) };
    });
}

/**
 * Third-party resources (hosts other than the page's and the collector's), summarised per host.
 * The observer only keeps entries (cheap); the summary is made when the page context ends.
 * Returns a function that emits the summary of entries seen since its last call.
 */
export function captureResources(collectorHost: string): () => ResourceEvent[] {
  let pending: PerformanceResourceTiming[] = [];
  try {
    new PerformanceObserver((list) => {
      pending.push(...(list.getEntries() as PerformanceResourceTiming[]));
    }).observe({ type: 'resource', buffered: true });
  } catch {
    // Old browsers without buffered observers: no resource summary.
  }
  return () => {
    const entries = pending;
    pending = [];
    return summariseResources(entries, [location.host, collectorHost]);
  };
}
