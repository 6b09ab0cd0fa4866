// Ingest-to-query freshness: how long from sending a beacon until the summary API counts it.
// One beacon at a time with a session of its own, polled with `session=` every 20 ms.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { quantile, type BeaconRequest } from './load.ts';
import { fetchSummary } from './summary-api.ts';
import { fetchOnce } from './http-retry.ts';

export interface FreshnessResult {
  samples: number;
  acked: number;
  /** Samples not visible within the timeout. */
  timedOut: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface FreshnessOptions {
  baseUrl: string;
  beaconPath: string;
  adminToken: string;
  project: string;
  /** A body to send, and a fresh session id to put in it. */
  beacon: (i: number) => { request: BeaconRequest; session: string };
  samples?: number;
  timeoutMs?: number;
}

export async function measureFreshness(opts: FreshnessOptions): Promise<FreshnessResult> {
  const n = opts.samples ?? 20;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const times: number[] = [];
  let acked = 0;
  let timedOut = 0;
  for (let i = 0; i < n; i++) {
    const { request, session } = opts.beacon(i);
    const wallStart = Date.now();
    const t0 = performance.now();
    const res = await fetchOnce(opts.baseUrl + opts.beaconPath, { method: 'POST', headers: request.headers, body: request.body });
    if (res.status !== 204 && res.status !== 202) throw new Error(`TP_BENCH_FRESHNESS_REJECTED: the beacon was answered ${res.status}: ${await res.text()}`);
    acked += 1;
    for (;;) {
      const s = await fetchSummary({ baseUrl: opts.baseUrl, adminToken: opts.adminToken, project: opts.project, from: wallStart - 60_000, to: Date.now() + 60_000, session });
      if (s.beacons > 0) {
        times.push(performance.now() - t0);
        break;
      }
      if (performance.now() - t0 > timeoutMs) {
        timedOut += 1;
        break;
      }
      await sleep(20);
    }
  }
  times.sort((a, b) => a - b);
  return { samples: n, acked, timedOut, p50Ms: quantile(times, 0.5), p95Ms: quantile(times, 0.95), maxMs: times[times.length - 1] ?? 0 };
}
