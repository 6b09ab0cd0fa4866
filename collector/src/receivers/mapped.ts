/**
 * What a receiver's mapping gives back: protocol v1 beacons, and a count of what it dropped and
 * why (answered to the SDK where its protocol has room for it, and counted in /metrics).
 */
import { MAX_EVENTS_PER_BEACON, type Beacon, type BeaconEvent } from '@touchpoint/protocol';

export interface Dropped {
  /** The kind of item: `log`, `event`, `span`, `measurement`… */
  what: string;
  reason: string;
  count: number;
}

export interface Mapped {
  beacons: Beacon[];
  dropped: Dropped[];
  /** Items the payload carried, whatever became of them. */
  items: number;
}

/** Drops counted by kind and reason, in the order first seen. */
export class DropList {
  readonly #byKey = new Map<string, Dropped>();
  add(what: string, reason: string, count = 1): void {
    const key = `${what}\0${reason}`;
    const d = this.#byKey.get(key);
    if (d) d.count += count;
    else this.#byKey.set(key, { what, reason, count });
  }
  list(): Dropped[] {
    return [...this.#byKey.values()];
  }
}

/** Where a group of events belongs: one beacon envelope per session, page and customer. */
export interface Envelope {
  session: string;
  page: string;
  customer?: string;
}

/**
 * Events grouped by envelope, in time order (the worker reads a session's signals in order: a
 * checkout's start before its error), cut into beacons of at most
 * MAX_EVENTS_PER_BEACON. SDKs send no send time, so a beacon's `sentAt` is its latest event's
 * time: the collector's clock correction then places that event at receipt, which is off by the
 * SDK's batching delay at most (Faro 250 ms, OpenTelemetry's batch processors 1–5 s).
 */
export class BeaconPacker {
  readonly #groups = new Map<string, { envelope: Envelope; events: BeaconEvent[] }>();
  add(envelope: Envelope, event: BeaconEvent): void {
    const key = `${envelope.session}\0${envelope.page}\0${envelope.customer ?? ''}`;
    const g = this.#groups.get(key);
    if (g) g.events.push(event);
    else this.#groups.set(key, { envelope, events: [event] });
  }
  beacons(): Beacon[] {
    const out: Beacon[] = [];
    for (const { envelope, events } of this.#groups.values()) {
      events.sort((a, b) => a.at - b.at);
      for (let i = 0; i < events.length; i += MAX_EVENTS_PER_BEACON) {
        const chunk = events.slice(i, i + MAX_EVENTS_PER_BEACON);
        const beacon: Beacon = { v: 1, session: envelope.session, page: envelope.page, sentAt: Math.max(...chunk.map((e) => e.at)), events: chunk };
        if (envelope.customer) beacon.customer = envelope.customer;
        out.push(beacon);
      }
    }
    return out;
  }
}
