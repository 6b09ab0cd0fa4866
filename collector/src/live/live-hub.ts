/**
 * One per collector process: every second it samples this collector's counts and publishes
 * them on Redis, reads every collector's counts from the same channel (fan-in), samples the
 * per-project figures from ClickHouse for projects someone is watching, and pushes one frame
 * per second to each watcher. Slow watchers are cut off rather than buffered without bound.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import type { Storage } from '../storage/clickhouse.ts';
import type { LiveFrame } from '@touchpoint/protocol/api/live';
import { queryLiveFigures, type LiveFigures } from '../storage/reports/live.ts';

export type { LiveFrame };
import { createCounter, LIVE_CHANNEL, parseCounts, type CollectorCounts } from './live-counts.ts';


/** What the hub needs of a WebSocket (ws's WebSocket has it). */
export interface LiveClient {
  readonly bufferedAmount: number;
  send(data: string): void;
  terminate(): void;
}

export interface LiveHubOptions {
  redisUrl: string;
  storage: Storage;
  metrics: Metrics;
  logger: Logger;
  /** A checkout idle this long is stuck, not open (the alerting setting). */
  stuckAfterMs: number;
  /** Tick (default 1000 ms): one frame per watcher per tick. */
  intervalMs?: number;
  /** Bytes queued to one watcher beyond which it is cut off (default 256 KiB ≈ 10 min of frames). */
  maxBufferedBytes?: number;
  /** Watchers per process (default 500): more are refused with 503. */
  maxClients?: number;
}

/** Another collector's counts count while fresher than this: two missed seconds mean it is gone. */
const STALE_MS = 2_500;

export class LiveHub {
  readonly id = randomUUID();
  readonly maxClients: number;
  readonly #o: Required<Omit<LiveHubOptions, 'redisUrl'>> & { redisUrl: string };
  readonly #clients = new Map<string, Set<LiveClient>>();
  readonly #counts = new Map<string, CollectorCounts & { receivedAt: number }>();
  readonly #figures = new Map<string, LiveFigures>();
  readonly #sampling = new Set<string>();
  #pub?: Redis;
  #sub?: Redis;
  #timer?: NodeJS.Timeout;
  #sample?: ReturnType<typeof createCounter>;

  constructor(o: LiveHubOptions) {
    this.#o = { intervalMs: 1000, maxBufferedBytes: 256 * 1024, maxClients: 500, ...o };
    this.maxClients = this.#o.maxClients;
  }

  get clientCount(): number {
    let n = 0;
    for (const s of this.#clients.values()) n += s.size;
    return n;
  }

  /** Never fails on Redis: without it the strip shows this collector alone until Redis is back. */
  async start(): Promise<void> {
    const opts = { maxRetriesPerRequest: 1 };
    this.#pub = new Redis(this.#o.redisUrl, opts);
    const sub = (this.#sub = new Redis(this.#o.redisUrl, opts));
    for (const r of [this.#pub, sub]) r.on('error', (err) => this.#o.logger.debug({ err }, 'live: redis error'));
    sub.on('message', (_channel: string, message: string) => this.#onCounts(message));
    // On every (re)connect: SUBSCRIBE is idempotent, and a first attempt made while Redis was down is not lost.
    sub.on('ready', () => void sub.subscribe(LIVE_CHANNEL).catch((err) => this.#o.logger.warn({ err }, 'live: cannot subscribe')));
    this.#sample = createCounter(this.#o.metrics, this.id);
    await this.#sample(Date.now()); // baseline
    this.#timer = setInterval(() => void this.#tick(), this.#o.intervalMs);
    this.#timer.unref();
  }

  add(project: string, client: LiveClient): void {
    let set = this.#clients.get(project);
    if (!set) this.#clients.set(project, (set = new Set()));
    set.add(client);
  }

  remove(project: string, client: LiveClient): void {
    const set = this.#clients.get(project);
    set?.delete(client);
    if (set?.size === 0) {
      this.#clients.delete(project);
      this.#figures.delete(project);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const set of this.#clients.values()) for (const c of set) c.terminate();
    this.#clients.clear();
    this.#pub?.disconnect();
    this.#sub?.disconnect();
  }

  async #tick(): Promise<void> {
    const now = Date.now();
    const own = await this.#sample?.(now).catch(() => undefined);
    if (!own) return;
    // Our own counts go straight in: the strip keeps working while Redis is away.
    this.#counts.set(own.id, { ...own, receivedAt: now });
    this.#pub?.publish(LIVE_CHANNEL, JSON.stringify(own)).catch(() => undefined);
    for (const project of this.#clients.keys()) this.#sampleProject(project, now);
    this.#push(now);
  }

  #onCounts(message: string): void {
    const c = parseCounts(message);
    if (c && c.id !== this.id) this.#counts.set(c.id, { ...c, receivedAt: Date.now() });
  }

  /** One ClickHouse sample per project at a time: a slow engine skips seconds, it never piles up. */
  #sampleProject(project: string, now: number): void {
    if (this.#sampling.has(project)) return;
    this.#sampling.add(project);
    queryLiveFigures(this.#o.storage, project, now, this.#o.stuckAfterMs)
      .then((f) => {
        if (this.#clients.has(project)) this.#figures.set(project, f);
      })
      .catch((err) => this.#o.logger.warn({ err, project }, 'live: sampling failed'))
      .finally(() => this.#sampling.delete(project));
  }

  #push(now: number): void {
    for (const [id, c] of this.#counts) if (now - c.receivedAt > STALE_MS) this.#counts.delete(id);
    const collectors = this.#counts.size;
    for (const [project, set] of this.#clients) {
      let beacons = 0;
      let events = 0;
      for (const c of this.#counts.values()) {
        const p = c.projects[project];
        if (p) {
          beacons += p.beacons;
          events += p.events;
        }
      }
      const f = this.#figures.get(project);
      const frame: LiveFrame = {
        type: 'live',
        project,
        t: now,
        beaconsPerSecond: Math.round(beacons * 10) / 10,
        eventsPerSecond: Math.round(events * 10) / 10,
        collectors,
        errorsPerSecond: f?.errorsPerSecond ?? null,
        p75: f?.p75 ?? null,
        openCheckouts: f?.openCheckouts ?? null,
      };
      const data = JSON.stringify(frame);
      for (const client of set) {
        // A watcher that cannot keep up is dropped, not buffered for: it reconnects when it can.
        if (client.bufferedAmount > this.#o.maxBufferedBytes) {
          client.terminate();
          this.remove(project, client);
          continue;
        }
        client.send(data);
      }
    }
  }
}
