/**
 * What a receiver's mapping gives back: protocol v1 beacons, and a count of what it dropped and
 * why (answered to the SDK where its protocol has room for it, and counted in /metrics).
 */
import { beaconSchema, MAX_EVENTS_PER_BEACON, type Beacon, type BeaconEvent, type PartialAcceptance } from '@touchpoint/protocol';

export interface Dropped {
  /** The kind of item: `log`, `event`, `span`, `measurement`… */
  what: string;
  reason: string;
  count: number;
}

/** An envelope field the SDK sent that the mapping left out, as a beacon's answer names one: the items are kept without it. */
export type DroppedField = NonNullable<PartialAcceptance['dropped']>[number];

export interface Mapped {
  beacons: Beacon[];
  dropped: Dropped[];
  /** Items the payload carried, whatever became of them. */
  items: number;
  fields: DroppedField[];
}

/** Drops counted by kind and reason, in the order first seen. */
export class DropList {
  readonly #byKey = new Map<string, Dropped>();
  readonly #fields: DroppedField[] = [];
  add(what: string, reason: string, count = 1): void {
    const key = `${what}\0${reason}`;
    const d = this.#byKey.get(key);
    if (d) d.count += count;
    else this.#byKey.set(key, { what, reason, count });
  }
  list(): Dropped[] {
    return [...this.#byKey.values()];
  }
  /** A field left out, once per field and reason however many items carried it: not an item. */
  field(field: string, reason: string): void {
    if (!this.#fields.some((f) => f.field === field && f.reason === reason)) this.#fields.push({ field, reason });
  }
  fields(): DroppedField[] {
    return [...this.#fields];
  }
}

/** Where a group of events belongs: one beacon envelope per session, page, customer and release. */
export interface Envelope {
  session: string;
  page: string;
  customer?: string;
  /** The SDK's app or service version, when it is one the protocol accepts (releaseOf). */
  release?: string;
}

/** The beacon schema's rule for `release`. */
const RELEASE = beaconSchema.properties.release;
const RELEASE_PATTERN = new RegExp(RELEASE.pattern);
const isRelease = (v: unknown): v is string =>
  typeof v === 'string' && v.length >= RELEASE.minLength && v.length <= RELEASE.maxLength && RELEASE_PATTERN.test(v);

/**
 * The release an SDK names (Faro's `meta.app.version`, OpenTelemetry's `service.version`), or
 * undefined: a value the beacon schema would refuse is left out, and said in the answer, rather
 * than cost the payload's events.
 */
export function releaseOf(value: unknown, field: string, dropped: DropList): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (isRelease(value)) return value;
  dropped.field(field, 'not a release: 1–64 of A-Z a-z 0-9 . _ + : @ / -');
  return undefined;
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
    const key = `${envelope.session}\0${envelope.page}\0${envelope.customer ?? ''}\0${envelope.release ?? ''}`;
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
        if (envelope.release) beacon.release = envelope.release;
        out.push(beacon);
      }
    }
    return out;
  }
}
