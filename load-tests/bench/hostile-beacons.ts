/**
 * Beacons at the size limit, normal and hostile, for the benches and the hostile-beacon test
 * (privacy-cost.ts, hostile.ts, hostile-beacons.test.ts): the same bytes measured in-process and
 * sent to a running Touchpoint.
 *
 * - `maxSizeBeacon`: strings as real pages send them, as many events as fit under the limit.
 * - `hostileBeacon`: that beacon with every string the collector scrubs replaced by hostile text
 *   of the same length (HOSTILE_TEXT), so the two differ only in what the strings hold.
 * - `longStringBeacon`: the same hostile text in the longest strings the schema allows (error
 *   stacks of 16 K), where a backtracking pattern would do worst.
 * All of them are valid and accepted: a hostile beacon refused early would cost less, not more.
 */
import { beaconSchema, MAX_BODY_BYTES, MAX_EVENTS_PER_BEACON, type Beacon, type BeaconEvent } from '@touchpoint/protocol';
import { FIELD_TREATMENTS, type FieldTreatment } from '@touchpoint/protocol/privacy';
import { createBeaconGenerator } from '../k6/lib/beacons.js';

/** The treatments that run a scrubber over the string (the others are ids, contacts and closed codes). */
export const SCRUBBED: ReadonlySet<FieldTreatment> = new Set(['url', 'text', 'selector', 'label', 'host']);
/** Room left under the body limit for the session id and numbers that vary per request. */
const HEADROOM = 2048;

/** Beacons of the load generator: what ordinary traffic looks like. */
export function typicalBeacons(count: number, seed = 18): Beacon[] {
  const gen = createBeaconGenerator({ schema: beaconSchema, seed, runId: 'hostile', tag: 'bench' });
  const out: Beacon[] = [];
  while (out.length < count) out.push(...gen.session(Date.now()).beacons);
  return out.slice(0, count);
}

/**
 * A beacon at the size limit (at most MAX_EVENTS_PER_BEACON events) of strings as real pages
 * send them: the generator's events, plus errors with framework-deep stacks and failed requests
 * with query strings, the events that carry the long strings. Every event is stamped at `sentAt`.
 */
export function maxSizeBeacon(typical: Beacon[]): Beacon {
  const first = typical[0]!;
  const events: BeaconEvent[] = [];
  const at = first.sentAt;
  const frame = (i: number) => `    at ${['commitHookEffectListMount', 'renderWithHooks', 'Checkout.submit', 'flushPassiveEffects'][i % 4]} (https://shop.example/static/js/vendor.4f2a91c3.js:2:${91234 + i * 37})`;
  let size = JSON.stringify({ ...first, events: [] }).length;
  for (let i = 0; events.length < MAX_EVENTS_PER_BEACON; i++) {
    const pool = typical[i % typical.length]!.events;
    const e: BeaconEvent =
      i % 3 == 0
        ? { type: 'error', at, kind: 'js', message: `TypeError: Cannot read properties of undefined (reading 'price') in CartLine #${i}`, stack: Array.from({ length: 12 }, (_, k) => frame(i + k)).join('\n'), source: 'https://shop.example/static/js/vendor.4f2a91c3.js', line: 2, col: 91234 }
        : i % 3 == 1
          ? { type: 'http', at, method: 'GET', url: `https://api.shop.example/v2/products/kettle-2000/stock?store=sydney-cbd&lang=en-AU&page=${i}&sort=price`, status: 503, duration: 812 }
          : { ...pool[i % pool.length]!, at };
    const add = JSON.stringify(e).length + 1;
    if (size + add > MAX_BODY_BYTES - HEADROOM) break;
    events.push(e);
    size += add;
  }
  return { ...first, customer: first.customer ?? 'bench-c-hostile-4821', events };
}

/**
 * `b` with every scrubbed string replaced by `text` at the same length (the page keeps its
 * `https://`, which the schema requires), then as many events dropped from the end as it takes
 * to fit the body limit again (text with quotes doubles in JSON). Ids stay as they were.
 */
export function hostileBeacon(b: Beacon, text: (length: number) => string): Beacon {
  const swap = (o: object, path: string): void => {
    const map = `${path}.*` in FIELD_TREATMENTS;
    for (const [k, v] of Object.entries(o)) {
      const at = map ? `${path}.*` : `${path}.${k}`;
      if (typeof v == 'string' && scrubbed(at)) Reflect.set(o, k, text(v.length));
      else if (v && typeof v == 'object') swap(v, at);
      if (map && scrubbed(`${path}.<name>`) && text(k.length) != k) {
        Reflect.set(o, text(k.length), Reflect.get(o, k));
        Reflect.deleteProperty(o, k);
      }
    }
  };
  const h = structuredClone(b);
  const scheme = /^https?:\/\//.exec(h.page)![0];
  h.page = scheme + text(h.page.length - scheme.length);
  for (const e of h.events) swap(e, e.type);
  return fitted(h);
}

/**
 * Error events whose message and stack are `text` at their caps (2048 and 16384 characters),
 * as many as fit under the body limit, on a page URL of `text` at its cap.
 */
export function longStringBeacon(base: Beacon, text: (length: number) => string): Beacon {
  const at = base.sentAt;
  const events: BeaconEvent[] = [];
  for (let i = 0; i < 8; i++) events.push({ type: 'error', at, kind: 'js', message: text(2048), stack: text(16384), source: text(2048), line: 1, col: i });
  return fitted({ ...base, page: 'https://' + text(2040), customer: base.customer ?? 'bench-c-hostile-4821', events });
}

/** Bytes of `b` as a request body. */
export const bodyBytes = (b: Beacon): number => Buffer.byteLength(JSON.stringify(b));

function fitted(b: Beacon): Beacon {
  while (b.events.length > 1 && bodyBytes(b) > MAX_BODY_BYTES - HEADROOM) b.events.pop();
  return b;
}

const scrubbed = (path: string) => SCRUBBED.has(FIELD_TREATMENTS[path as keyof typeof FIELD_TREATMENTS]);
