import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Signal, SignalBatch } from '@touchpoint/protocol/signals';

/**
 * The fast lane for signals: the signals of acknowledged beacons go to the alerting queue as one
 * job per flush, so a failed checkout reaches the worker well within a second instead of waiting
 * for its spool segment to be sealed (about a second more). An urgent signal (a checkout error, a
 * request on a checkout page: what outreach answers) is flushed within `urgentMs`; the rest
 * (contacts, checkout starts, LCP streaks, which act over minutes) within `relaxedMs`, or with
 * the next urgent one. Every job costs a few Redis scripts, so at a steady 3,000 beacons/s this
 * keeps ~2 jobs/s instead of ~20 without slowing outreach. A flush sends everything pending, in
 * the order it came: a checkout's start is never overtaken by its error.
 *
 * The spool stays the source of truth: when a sealed segment reaches the signal sink, it asks
 * `settle()` whether every signal of that segment already made it; if not (Redis refused, or
 * the segment was replayed after a crash), the sink adds the segment's whole batch. Rules are
 * idempotent per incident, so a signal handed over twice does no harm.
 */
export class SignalForwarder {
  readonly #queue: Queue<SignalBatch>;
  readonly #instanceId: string;
  readonly #urgentMs: number;
  readonly #relaxedMs: number;
  readonly #logger: Logger;
  readonly #pending = new Map<string, string[]>();
  readonly #state = new Map<string, { pushed: number; added: number; failed: boolean; seq: number }>();
  #timer: NodeJS.Timeout | undefined;
  /** When the pending timer fires (performance.now()). */
  #dueAt = Infinity;
  #flushing: Promise<void> = Promise.resolve();

  constructor(queue: Queue<SignalBatch>, instanceId: string, lanes: { urgentMs: number; relaxedMs: number }, logger: Logger) {
    this.#queue = queue;
    this.#instanceId = instanceId;
    this.#urgentMs = lanes.urgentMs;
    this.#relaxedMs = lanes.relaxedMs;
    this.#logger = logger;
  }

  /** Signals (JSON lines) of a beacon whose record is durable in `segment`. */
  push(segment: string, signals: string[], urgent: boolean): void {
    const list = this.#pending.get(segment);
    if (list) list.push(...signals);
    else this.#pending.set(segment, [...signals]);
    const st = this.#state.get(segment);
    if (st) st.pushed += signals.length;
    else this.#state.set(segment, { pushed: signals.length, added: 0, failed: false, seq: 0 });
    const dueAt = performance.now() + (urgent ? this.#urgentMs : this.#relaxedMs);
    if (dueAt < this.#dueAt) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#dueAt = dueAt;
      this.#timer = setTimeout(() => void this.flush(), dueAt - performance.now());
    }
  }

  /** Sends what is pending now; flushes never overlap. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAt = Infinity;
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
