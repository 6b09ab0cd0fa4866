import { isRetryable, MAX_ATTEMPTS, retryDelay } from './retry.ts';
import { beacon, post, type PostResult } from './send.ts';
import { stamp } from './split.ts';
import { saveUnsent, takeUnsent, type Unsent } from './storage.ts';

export interface OutboxOptions {
  url: string;
  /** Injection points for tests in Node; the browser defaults are fetch and sendBeacon. */
  post?: (url: string, body: string) => Promise<PostResult>;
  beacon?: (url: string, body: string) => boolean;
  save?: (u: Unsent) => void;
  take?: () => Unsent;
  /** Told the status of every answered POST (a 200 says a prompt is waiting for this session). */
  answered?: (status: number) => void;
}

export interface Outbox {
  /** Delivers bodies in order with fetch, retrying with backoff. */
  send(bodies: string[]): void;
  /** The page is being hidden: beacon what may go now, store the rest for the next page. */
  leave(bodies: string[]): void;
  /** Picks up what earlier pages (or this one, before a hide) stored. */
  resume(): void;
}

/**
 * One body in flight at a time: a page makes a handful of beacons, and sequential sends keep
 * within the browser's 64 KiB keepalive quota and never stampede a collector that is shedding load.
 */
export function createOutbox(o: OutboxOptions): Outbox {
  const { url } = o;
  const send = o.post ?? post;
  const sendBeacon = o.beacon ?? beacon;
  const save = o.save ?? saveUnsent;
  const take = o.take ?? takeUnsent;
  const queue: string[] = [];
  let busy = false;
  let attempt = 0;
  // Set from Retry-After or backoff: no body goes out before it, by fetch or by beacon.
  let until = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const pump = (): void => {
    const body = queue[0];
    if (busy || timer || body === undefined) return;
    const wait = until - Date.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        pump();
      }, wait);
      return;
    }
    busy = true;
    void send(url, stamp(body)).then(({ status, retryAfter }) => {
      busy = false;
      o.answered?.(status);
      if (isRetryable(status) && ++attempt < MAX_ATTEMPTS) {
        until = Date.now() + retryDelay(attempt - 1, retryAfter);
      } else {
        // Delivered, or refused for good (4xx: retrying the same bytes cannot help).
        if (queue[0] === body) queue.shift();
        attempt = 0;
      }
      pump();
    });
  };

  return {
    send(bodies) {
      queue.push(...bodies);
      pump();
    },
    leave(bodies) {
      clearTimeout(timer);
      timer = undefined;
      // The body in flight finishes on its own (keepalive); everything else leaves now or is kept.
      const waiting = queue.splice(busy ? 1 : 0).concat(bodies);
      const blocked = Date.now() < until;
      const unsent = waiting.filter((b) => blocked || !sendBeacon(url, stamp(b)));
      if (unsent.length) save({ until, bodies: unsent });
    },
    resume() {
      const u = take();
      until = Math.max(until, u.until);
      queue.push(...u.bodies);
      pump();
    },
  };
}
