import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Signal, SignalBatch } from '@touchpoint/protocol/signals';

/**
 * The fast lane for signals: every `intervalMs` the signals of acknowledged beacons go to the
 * alerting queue as one job, so a failed checkout reaches the worker well within a second
 * instead of waiting for its spool segment to be sealed (about a second more).
 *
 * The spool stays the source of truth: when a sealed segment reaches the signal sink, it asks
 * `settle()` whether every signal of that segment already made it; if not (Redis refused, or
 * the segment was replayed after a crash), the sink adds the segment's whole batch. Rules are
 * idempotent per incident, so a signal handed over twice does no harm.
 */
export class SignalForwarder {
  readonly #queue: Queue<SignalBatch>;
  readonly #instanceId: string;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  readonly #pending = new Map<string, string[]>();
  readonly #state = new Map<string, { pushed: number; added: number; failed: boolean; seq: number }>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(queue: Queue<SignalBatch>, instanceId: string, intervalMs: number, logger: Logger) {
    this.#queue = queue;
    this.#instanceId = instanceId;
    this.#intervalMs = intervalMs;
    this.#logger = logger;
  }

  /** Signals (JSON lines) of a beacon whose record is durable in `segment`. */
  push(segment: string, signals: string[]): void {
    const list = this.#pending.get(segment);
    if (list) list.push(...signals);
    else this.#pending.set(segment, [...signals]);
    const st = this.#state.get(segment);
    if (st) st.pushed += signals.length;
    else this.#state.set(segment, { pushed: signals.length, added: 0, failed: false, seq: 0 });
    this.#timer ??= setTimeout(() => void this.flush(), this.#intervalMs);
  }

  /** Sends what is pending now; flushes never overlap. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = this.#flushing.then(() => this.#send());
    return this.#flushing;
  }

  /** Whether every signal of a sealed segment reached the queue; forgets the segment. */
  async settle(segment: string): Promise<boolean> {
    await this.flush();
    const st = this.#state.get(segment);
    this.#state.delete(segment);
    return st !== undefined && !st.failed && st.added === st.pushed;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  async #send(): Promise<void> {
    const batches = [...this.#pending];
    this.#pending.clear();
    for (const [segment, lines] of batches) {
      const st = this.#state.get(segment);
      if (!st) continue;
      const id = `${this.#instanceId}-${segment}-f${st.seq++}`;
      try {
        await this.#queue.add('signals', { segment: id, signals: lines.map((l) => JSON.parse(l) as Signal) }, { jobId: id });
        st.added += lines.length;
      } catch (err) {
        st.failed = true;
        this.#logger.warn({ err, segment }, 'signals fast lane failed; the spool segment will carry them');
      }
    }
  }
}
