// The one read the bench makes of Touchpoint: the summary API (what a dashboard reads too).
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchOnce } from './http-retry.ts';

export interface SummaryQuery {
  baseUrl: string;
  adminToken: string;
  project: string;
  from: number;
  to: number;
  session?: string;
}

export interface Summary {
  beacons: number;
  events: Record<string, number>;
  vitals: Record<string, { count: number; p50: number; p75: number; p95: number }>;
}

export async function fetchSummary(q: SummaryQuery): Promise<Summary> {
  // The bench's beacons are test traffic (bench-… sessions, the load-test header): counted only when asked.
  const params = new URLSearchParams({ from: String(q.from), to: String(q.to), test: 'include' });
  if (q.session) params.set('session', q.session);
  const url = `${q.baseUrl}/api/v1/projects/${encodeURIComponent(q.project)}/summary?${params}`;
  const res = await fetchOnce(url, { headers: { authorization: `Bearer ${q.adminToken}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`TP_BENCH_SUMMARY_FAILED: GET ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  const body: unknown = JSON.parse(text);
  if (typeof body !== 'object' || body === null || !('beacons' in body) || typeof body.beacons !== 'number') {
    throw new Error(`TP_BENCH_SUMMARY_SHAPE: the summary has no numeric "beacons": ${text.slice(0, 300)}`);
  }
  return body as Summary;
}

/**
 * Polls the stored beacon count over [from, now] until it reaches `expected`, or stops growing
 * for `stableMs`, or `timeoutMs` passes; returns the last count.
 */
export async function waitForStored(q: Omit<SummaryQuery, 'to'>, expected: number, timeoutMs = 60_000, stableMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const n = (await fetchSummary({ ...q, to: Date.now() + 1000 })).beacons;
    if (n >= expected) return n;
    if (n !== last) {
      last = n;
      lastChange = Date.now();
    }
    if (Date.now() - lastChange > stableMs || Date.now() > deadline) return n;
    await sleep(250);
  }
}
