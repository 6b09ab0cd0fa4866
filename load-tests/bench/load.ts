// The max phase: autocannon drives a server as fast as ~50 connections can go (a closed model: a
// connection waits for each answer) with pre-generated, realistic beacon bodies (text/plain, as
// navigator.sendBeacon sends them), cycled per connection. The fixed-rate phase is open-load.ts.
import autocannon from 'autocannon';

export interface BeaconRequest {
  body: string;
  headers: Record<string, string>;
  events: number;
}

export interface PhaseResult {
  label: string;
  kind: 'max' | 'rate';
  offeredRate?: number;
  durationS: number;
  connections: number;
  /** Responses received, any status. */
  responses: number;
  /** 204 + 202: what the server acknowledged. */
  acked: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Responses per second, any status. */
  reqPerSec: number;
  /** Acknowledged (204/202) per second: the throughput that counts (a fast 429/503 is not). */
  ackedPerSec: number;
  /** ≈ acked/s × mean events per body (bodies are cycled evenly). */
  eventsPerSec: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

export interface PhaseOptions {
  label: string;
  baseUrl: string;
  path: string;
  requests: BeaconRequest[];
  durationS: number;
  connections: number;
}

export async function runPhase(opts: PhaseOptions): Promise<PhaseResult> {
  if (opts.requests.length === 0) throw new Error('TP_BENCH_NO_REQUESTS: give the phase at least one beacon body');
  const meanEvents = opts.requests.reduce((s, r) => s + r.events, 0) / opts.requests.length;
  // autocannon's histogram has no p95: keep every latency (≤ a few hundred thousand numbers).
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.baseUrl,
        connections: opts.connections,
        duration: opts.durationS,
        requests: opts.requests.map((r) => ({ method: 'POST' as const, path: opts.path, body: r.body, headers: r.headers })),
      },
      (err: unknown, res: autocannon.Result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = s.count ?? 0;
  const acked = (statusCodes['204'] ?? 0) + (statusCodes['202'] ?? 0);
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const durationS = result.duration;
  latencies.sort((a, b) => a - b);
  return {
    label: opts.label,
    kind: 'max',
    durationS,
    connections: opts.connections,
    responses,
    acked,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    reqPerSec: responses / durationS,
    ackedPerSec: acked / durationS,
    eventsPerSec: (acked / durationS) * meanEvents,
    latencyMs: {
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
      max: latencies[latencies.length - 1] ?? 0,
    },
  };
}

/** q-quantile of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** Header names as autocannon writes them (lower case, no per-request Content-Length). */
export function toRequests(generated: { body: string; headers: Record<string, string>; events: number }[]): BeaconRequest[] {
  return generated.map((g) => ({
    body: g.body,
    events: g.events,
    headers: Object.fromEntries(Object.entries(g.headers).map(([k, v]) => [k.toLowerCase(), v])),
  }));
}
