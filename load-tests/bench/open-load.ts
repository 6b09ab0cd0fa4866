// The open model for the fixed-rate phase: requests are sent on a schedule (rate per second,
// spread evenly), whether or not earlier ones were answered, and each latency counts from the
// request's scheduled time. This is what browsers do to a collector (every visitor sends on its
// own clock) and what k6's constant-arrival-rate executor does; autocannon's overallRate instead
// gives each connection a quota per second, so requests arrive in a burst at the top of each
// second and the server answers them in batches, which flatters a cheap route's cost per request.
import { Agent, request } from 'node:http';
import type { BeaconRequest, PhaseResult } from './load.ts';
import { quantile } from './load.ts';

export interface OpenPhaseOptions {
  label: string;
  baseUrl: string;
  path: string;
  requests: BeaconRequest[];
  durationS: number;
  /** Requests per second, spread evenly over each second. */
  rate: number;
  /** Keep-alive connections the sender may open; requests beyond them wait (and that wait is latency). */
  connections: number;
  /** How long to wait for answers once the schedule ends. */
  drainTimeoutMs?: number;
}

/** Sends `rate` requests per second for `durationS` seconds on a fixed schedule. */
export async function runOpenPhase(opts: OpenPhaseOptions): Promise<PhaseResult> {
  if (opts.requests.length === 0) throw new Error('TP_BENCH_NO_REQUESTS: give the phase at least one beacon body');
  if (!(opts.rate > 0)) throw new Error(`TP_BENCH_BAD_RATE: rate ${opts.rate} must be positive`);
  const url = new URL(opts.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const bodies = opts.requests.map((r) => {
    const body = Buffer.from(r.body);
    return { body, headers: { ...r.headers, 'content-length': String(body.length) } };
  });
  const meanEvents = opts.requests.reduce((s, r) => s + r.events, 0) / opts.requests.length;
  const total = Math.round(opts.rate * opts.durationS);
  const intervalMs = 1000 / opts.rate;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let inFlight = 0;
  let sent = 0;
  let onIdle: (() => void) | undefined;

  const send = (i: number, scheduledAt: number) => {
    const b = bodies[i % bodies.length]!;
    inFlight++;
    const finish = (status: string | undefined) => {
      if (status === undefined) errors++;
      else {
        statusCodes[status] = (statusCodes[status] ?? 0) + 1;
        latencies.push(performance.now() - scheduledAt);
      }
      if (--inFlight === 0 && onIdle) onIdle();
    };
    const req = request(
      { agent, hostname: url.hostname, port: url.port, method: 'POST', path: opts.path, headers: b.headers },
      (res) => {
        res.resume();
        res.on('end', () => finish(String(res.statusCode)));
        res.on('error', () => finish(undefined));
      },
    );
    req.on('error', () => finish(undefined));
    req.end(b.body);
  };

  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / intervalMs) + 1);
      while (sent < due) {
        send(sent, t0 + sent * intervalMs);
        sent++;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, t0 + sent * intervalMs - performance.now())));
    };
    tick();
  });
  const scheduleEnd = performance.now();
  const drained = inFlight === 0 || (await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), opts.drainTimeoutMs ?? 10_000);
    onIdle = () => {
      clearTimeout(timer);
      resolve(true);
    };
  }));
  const timeouts = drained ? 0 : inFlight;
  agent.destroy();

  const durationS = (scheduleEnd - t0) / 1000;
  const acked = (statusCodes['204'] ?? 0) + (statusCodes['202'] ?? 0);
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  return {
    label: opts.label,
    kind: 'rate',
    offeredRate: opts.rate,
    durationS,
    connections: opts.connections,
    responses,
    acked,
    statusCodes,
    errors,
    timeouts,
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
