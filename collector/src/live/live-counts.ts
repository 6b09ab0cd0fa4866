/**
 * This collector's share of the live figures: beacons and events accepted in the last second,
 * per project, read as differences of the per-project Prometheus counters the ingest route keeps
 * (`Metrics.countAccepted`), published once a second on a Redis channel that every collector's
 * hub reads.
 */
import type { Metrics } from '../metrics.ts';

/** The Redis channel of per-second counts, one message per collector per second. */
export const LIVE_CHANNEL = 'touchpoint:live:counts';

export interface ProjectCounts {
  beacons: number;
  events: number;
}

export interface CollectorCounts {
  /** Publishing collector (random per process). */
  id: string;
  /** End of the second counted, epoch ms. */
  t: number;
  /** Per second, by project; projects with nothing in the second are left out. */
  projects: Record<string, ProjectCounts>;
}

/** Beacons accepted (wholly or partly) and events accepted per project: running totals. */
async function readTotals(metrics: Metrics): Promise<Map<string, ProjectCounts>> {
  const [b, e] = await Promise.all([metrics.projectBeacons.get(), metrics.projectEvents.get()]);
  const totals = new Map<string, ProjectCounts>();
  const of = (project: string | number | undefined) => {
    const key = String(project ?? '');
    let c = totals.get(key);
    if (!c) totals.set(key, (c = { beacons: 0, events: 0 }));
    return c;
  };
  for (const v of b.values) of(v.labels.project).beacons += v.value;
  for (const v of e.values) of(v.labels.project).events += v.value;
  return totals;
}

/** Differences between consecutive readings; the first reading only sets the baseline. */
export function createCounter(metrics: Metrics, id: string) {
  let last: { totals: Map<string, ProjectCounts>; at: number } | undefined;
  return async function sample(now: number): Promise<CollectorCounts | undefined> {
    const totals = await readTotals(metrics);
    const prev = last;
    last = { totals, at: now };
    if (!prev) return undefined;
    // Per second even when a tick came late (event-loop stall): never overstate a burst.
    const seconds = Math.max(1, (now - prev.at) / 1000);
    const rate = (n: number) => Math.round((n / seconds) * 10) / 10;
    const projects: Record<string, ProjectCounts> = {};
    for (const [project, c] of totals) {
      const before = prev.totals.get(project) ?? { beacons: 0, events: 0 };
      if (c.beacons === before.beacons && c.events === before.events) continue;
      projects[project] = { beacons: rate(c.beacons - before.beacons), events: rate(c.events - before.events) };
    }
    return { id, t: now, projects };
  };
}

/** A message from the channel, if it is one: other collectors' malformed counts are ignored. */
export function parseCounts(message: string): CollectorCounts | undefined {
  try {
    const c = JSON.parse(message) as Partial<CollectorCounts>;
    if (typeof c.id !== 'string' || typeof c.t !== 'number' || typeof c.projects !== 'object' || c.projects === null) return undefined;
    const projects: Record<string, ProjectCounts> = {};
    for (const [project, v] of Object.entries(c.projects)) {
      if (typeof v?.beacons === 'number' && typeof v.events === 'number') projects[project] = { beacons: v.beacons, events: v.events };
    }
    return { id: c.id, t: c.t, projects };
  } catch {
    return undefined;
  }
}
