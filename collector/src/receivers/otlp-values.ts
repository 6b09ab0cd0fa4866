/** Reading OTLP JSON values: AnyValue, attribute lists, nanosecond times. */
import type { AnyValue, KeyValue } from './otlp-payload.ts';

/** An AnyValue as a plain value; arrays and key-value lists as JSON text. */
export function plain(v: AnyValue | undefined): string | number | boolean | undefined {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return JSON.stringify((v.arrayValue.values ?? []).map(plain));
  if (v.kvlistValue) return JSON.stringify(Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, plain(kv.value)])));
  return undefined;
}

/** Attribute lookup over several lists, the first (most specific: span, then resource) winning. */
export class Attrs {
  readonly #lists: (KeyValue[] | undefined)[];
  constructor(...lists: (KeyValue[] | undefined)[]) {
    this.#lists = lists;
  }
  get(...keys: string[]): string | number | boolean | undefined {
    for (const key of keys) {
      for (const list of this.#lists) {
        const kv = list?.find((a) => a.key === key);
        const v = plain(kv?.value);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  }
  string(...keys: string[]): string | undefined {
    const v = this.get(...keys);
    return v === undefined || v === '' ? undefined : String(v);
  }
  number(...keys: string[]): number | undefined {
    const v = this.get(...keys);
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : undefined;
  }
}

/** Epoch ms from OTLP's nanoseconds (a string or a number); NaN when it is neither. */
export function nanosToMs(t: number | string | undefined): number {
  if (t === undefined || t === '') return NaN;
  return Number(t) / 1e6;
}
