/**
 * Builds and enqueues SignalBatch jobs exactly as the collector does (queue SIGNALS_QUEUE, job
 * name `signals`, job id = segment), so alerting tests need no collector.
 */
import { Queue } from 'bullmq';
import { SIGNALS_QUEUE, type Signal, type SignalBatch, type SignalEvent } from '@touchpoint/protocol/signals';

let seq = 0;

/** An event without `at` (defaults to now); distributive so each event type keeps its fields. */
export type EventInput = SignalEvent extends infer E ? (E extends SignalEvent ? Omit<E, 'at'> & { at?: number } : never) : never;

export function signal(project: string, session: string, customer: string | undefined, event: EventInput, page = 'https://shop.example/checkout'): Signal {
  const now = Date.now();
  const s: Signal = { project, session, page, ackedAt: now, eventTime: event.at ?? now, event: { ...event, at: event.at ?? now } as SignalEvent };
  if (customer) s.customer = customer;
  return s;
}

export class SignalProducer {
  readonly queue: Queue<SignalBatch>;
  constructor(redisUrl: string) {
    this.queue = new Queue<SignalBatch>(SIGNALS_QUEUE, { connection: { url: redisUrl, maxRetriesPerRequest: null } });
  }

  async send(signals: Signal[], segment = `seg-${process.pid}-${Date.now()}-${++seq}`): Promise<string> {
    // The collector acknowledges the beacon just before the hand-off: restamp ackedAt to now.
    const now = Date.now();
    for (const s of signals) s.ackedAt = now;
    await this.queue.add('signals', { segment, signals }, { jobId: segment, attempts: 5, backoff: { type: 'exponential', delay: 200 }, removeOnComplete: 1000 });
    return segment;
  }

  /** Sends and waits until the worker has processed the batch (to force an order across batches). */
  async sendAndWait(signals: Signal[]): Promise<void> {
    const id = await this.send(signals);
    await waitFor(`batch ${id}`, async () => (await this.queue.getJobState(id)) === 'completed');
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
