import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import type { Segment, SegmentContents, Spool } from './spool.ts';

/** Where a sealed segment's contents go. A segment is released once every sink has taken it. */
export interface Sink {
  name: string;
  /** Must be idempotent for the same segment: a crash can make it run twice. */
  write(segment: Segment, contents: SegmentContents): Promise<void>;
}

export interface BatchWriterOptions {
  spool: Spool;
  sinks: Sink[];
  intervalMs: number;
  logger: Logger;
  metrics: Metrics;
}

const MAX_BACKOFF_MS = 30_000;
/** A sink call still pending after this is treated as failed and retried (its writes are
 *  idempotent), so one stuck call cannot hold the spool back for good. */
const SINK_TIMEOUT_MS = 60_000;

/**
 * Seals the spool's active segment every interval and drains sealed segments, oldest first,
 * into every sink. Each sink keeps its own place, so an unreachable Redis does not hold back
 * ClickHouse writes or the other way round; a failing sink is retried with backoff.
 */
export class BatchWriter {
  readonly #o: BatchWriterOptions;
  readonly #done = new Map<Segment, Set<string>>();
  readonly #failing = new Map<string, { until: number; delay: number }>();
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #cache: { segment: Segment; contents: SegmentContents } | undefined;

  constructor(opts: BatchWriterOptions) {
    this.#o = opts;
    opts.spool.onSealed = () => void this.drain();
  }

  start(): void {
    const tick = async () => {
      if (this.#stopped) return;
      try {
        await this.#o.spool.seal();
        await this.drain();
      } catch (err) {
        this.#o.logger.error({ err }, 'spool seal failed');
      }
      if (!this.#stopped) this.#timer = setTimeout(tick, this.#o.intervalMs);
    };
    this.#timer = setTimeout(tick, this.#o.intervalMs);
  }

  /** True while some sink is failing: readiness reports it. */
  get healthy(): boolean {
    return this.#failing.size === 0;
  }

  /** Drains what is sealed now; concurrent calls share one pass and queue one more. */
  drain(): Promise<void> {
    if (this.#draining) {
      this.#again = true;
      return this.#draining;
    }
    this.#draining = (async () => {
      try {
        do {
          this.#again = false;
          await this.#pass();
        } while (this.#again && !this.#stopped);
      } finally {
        this.#draining = undefined;
      }
    })();
    return this.#draining;
  }

  /** Seals and drains everything, e.g. at shutdown or in tests. */
  async flush(): Promise<void> {
    await this.#o.spool.seal();
    await this.drain();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#draining;
  }

  async #pass(): Promise<void> {
    const { spool, sinks, metrics } = this.#o;
    for (const segment of [...spool.sealed]) {
      if (this.#stopped) return;
      const done = this.#done.get(segment) ?? new Set<string>();
      this.#done.set(segment, done);
      for (const sink of sinks) {
        if (done.has(sink.name) || !this.#mayTry(sink.name)) continue;
        try {
          const contents = await this.#contents(segment);
          await withTimeout(sink.write(segment, contents), SINK_TIMEOUT_MS, `${sink.name} sink took over ${SINK_TIMEOUT_MS} ms on ${segment.name}`);
          done.add(sink.name);
          this.#failing.delete(sink.name);
        } catch (err) {
          this.#backoff(sink.name, err);
        }
      }
      if (sinks.every((s) => done.has(s.name))) {
        await spool.release(segment);
        this.#done.delete(segment);
        if (this.#cache?.segment === segment) this.#cache = undefined;
      } else if (sinks.every((s) => done.has(s.name) || !this.#mayTry(s.name))) {
        // Order matters per sink: a failing sink resumes from its oldest segment.
        break;
      }
    }
    metrics.spoolBytes.set(spool.bytes);
    metrics.spoolSegments.set(spool.sealed.length);
  }

  /** One read per segment, shared by the sinks. */
  async #contents(segment: Segment): Promise<SegmentContents> {
    if (this.#cache?.segment === segment) return this.#cache.contents;
    const contents = await this.#o.spool.contents(segment);
    this.#cache = { segment, contents };
    return contents;
  }

  #mayTry(sink: string): boolean {
    const f = this.#failing.get(sink);
    return !f || Date.now() >= f.until;
  }

  #backoff(sink: string, err: unknown): void {
    const prev = this.#failing.get(sink);
    const delay = Math.min(prev ? prev.delay * 2 : 250, MAX_BACKOFF_MS);
    this.#failing.set(sink, { until: Date.now() + delay, delay });
    this.#o.metrics.sinkFailures.labels(sink).inc();
    this.#o.logger.warn({ err, sink, retryInMs: delay }, 'spool sink failed; will retry');
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
