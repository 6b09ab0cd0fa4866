/**
 * This collector's share of the live figures: beacons and events accepted in the last second,
 * read as differences of the Prometheus counters the ingest route already keeps (no extra work
 * per beacon), published once a second on a Redis channel that every collector's hub reads.
 */
import type { Metrics } from '../metrics.ts';

/** The Redis channel of per-second counts, one message per collector per second. */
export const LIVE_CHANNEL = 'touchpoint:live:counts';

export interface CollectorCounts {
  /** Publishing collector (random per process). */
  id: string;
  /** End of the second counted, epoch ms. */
  t: number;
  beacons: number;
  events: number;
}

/** Beacons the route took in (accepted or partly accepted), events accepted: running totals. */
export async function readTotals(metrics: Metrics): Promise<{ beacons: number; events: number }> {
  const [b, e] = await Promise.all([metrics.beacons.get(), metrics.events.get()]);
  let beacons = 0;
  for (const v of b.values) if (v.labels.outcome === 'accepted' || v.labels.outcome === 'partial') beacons += v.value;
  return { beacons, events: e.values.reduce((s, v) => s + v.value, 0) };
}

/** Differences between consecutive readings; the first reading only sets the baseline. */
export function createCounter(metrics: Metrics, id: string) {
  let last: { beacons: number; events: number; at: number } | undefined;
  return async function sample(now: number): Promise<CollectorCounts | undefined> {
    const totals = await readTotals(metrics);
    const prev = last;
    last = { ...totals, at: now };
    if (!prev) return undefined;
    // Per second even when a tick came late (event-loop stall): never overstate a burst.
    const seconds = Math.max(1, (now - prev.at) / 1000);
    return {
      id,
      t: now,
      beacons: Math.round(((totals.beacons - prev.beacons) / seconds) * 10) / 10,
      events: Math.round(((totals.events - prev.events) / seconds) * 10) / 10,
    };
  };
}
