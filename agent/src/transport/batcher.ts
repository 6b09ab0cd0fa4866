import type { BeaconEvent } from '@touchpoint/protocol';
import { splitBeacon } from './split.ts';

export interface BatcherOptions {
  /** The beacon fields for a page at flush time (consent may have arrived since the event). */
  head(page: string): string;
  /** Receives the bodies of one flush. */
  deliver(bodies: string[]): void;
  /**
   * Called when a batch is due; the owner flushes, at idle time (default: flush at once).
   * `urgent`: an event outreach answers is waiting, so the owner should not wait long.
   */
  due?(flush: () => void, urgent?: boolean): void;
  /** A batch waits at most this long, so stuck-checkout detection stays timely. Default 5 s. */
  maxWaitMs?: number;
  /** A batch this large is flushed without waiting. Default 50. */
  maxEvents?: number;
}

export interface Batcher {
  /** Queues an event; an `urgent` one makes the whole queue due now (it goes with what waited before it). */
  push(e: BeaconEvent, page: string, urgent?: boolean): void;
  /** Empties the queue into bodies without delivering them (the page is being hidden). */
  take(): string[];
}

/** Collects events, grouped by page at flush time, into as few beacons as fit. */
export function createBatcher(o: BatcherOptions): Batcher {
  // Serialised on push: the cost is spread over the page's life instead of landing on pagehide.
  let queue: [page: string, event: string][] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const due = o.due ?? ((f: () => void) => f());
  const take = () => {
    clearTimeout(timer);
    timer = undefined;
    const byPage = new Map<string, string[]>();
    for (const [page, e] of queue) {
      const list = byPage.get(page);
      if (list) list.push(e);
      else byPage.set(page, [e]);
    }
    queue = [];
    const bodies: string[] = [];
    for (const [page, events] of byPage) bodies.push(...splitBeacon(o.head(page), events));
    return bodies;
  };
  const flush = () => {
    const bodies = take();
    if (bodies.length) o.deliver(bodies);
  };
  return {
    push(e, page, urgent) {
      queue.push([page, JSON.stringify(e)]);
      if (urgent || queue.length >= (o.maxEvents ?? 50)) {
        clearTimeout(timer);
        timer = undefined;
        due(flush, urgent);
      } else timer ??= setTimeout(() => due(flush), o.maxWaitMs ?? 5000);
    },
    take,
  };
}
