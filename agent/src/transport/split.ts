import { MAX_EVENTS_PER_BEACON } from '@touchpoint/protocol';

/** Under the collector's 64 KiB limit (MAX_BODY_BYTES) and the browser's 64 KiB keepalive quota. */
export const MAX_BEACON_BYTES = 60 * 1024;
/** `{"sentAt":1795000000000,` added at send time, `"events":[` and `]}`, with room to spare. */
const OVERHEAD = 48;

const encoder = new TextEncoder();
export const byteLength = (s: string): number => encoder.encode(s).length;

/**
 * Packs serialized events into beacon bodies that each stay under `maxBytes` and `maxEvents`.
 * `head` is the beacon's fields without braces, ending in a comma (`"v":1,"session":"…",`).
 * A body is returned without its leading `{"sentAt":…,`: the transport adds that when it sends,
 * so a body kept in storage for the next page still gets a true send time.
 * An event that alone exceeds the limit is dropped (capture caps every field, so it means a bug).
 */
export function splitBeacon(head: string, events: string[], maxBytes = MAX_BEACON_BYTES, maxEvents = MAX_EVENTS_PER_BEACON): string[] {
  const bodies: string[] = [];
  const base = byteLength(head) + OVERHEAD;
  let part: string[] = [];
  let size = base;
  const close = () => {
    if (part.length) bodies.push(head + '"events":[' + part.join(',') + ']}');
    part = [];
    size = base;
  };
  for (const e of events) {
    const n = byteLength(e) + 1;
    if (base + n > maxBytes) continue;
    if (size + n > maxBytes || part.length >= maxEvents) close();
    part.push(e);
    size += n;
  }
  close();
  return bodies;
}

/** The body as sent: the send time goes in last so the collector can correct the browser's clock. */
export const stamp = (body: string, now = Date.now()): string => '{"sentAt":' + now + ',' + body;
