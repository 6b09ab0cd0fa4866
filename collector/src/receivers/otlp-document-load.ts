/**
 * @opentelemetry/instrumentation-document-load's spans → a navigation and the paint vitals.
 * The instrumentation sends a `documentLoad` span whose events are the navigation timing marks
 * (fetchStart, domInteractive, domComplete, loadEventEnd, firstPaint, firstContentfulPaint), and
 * a child `documentFetch` span with the network marks (domainLookupStart … responseEnd), each
 * mark as a span event at its absolute time.
 */
import type { NavEvent, VitalEvent } from '@touchpoint/protocol';
import type { OtlpSpan } from './otlp-payload.ts';
import { nanosToMs } from './otlp-values.ts';

export const DOCUMENT_LOAD = 'documentLoad';
export const DOCUMENT_FETCH = 'documentFetch';

function marks(...spans: (OtlpSpan | undefined)[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of spans) for (const e of s?.events ?? []) m.set(e.name, nanosToMs(e.timeUnixNano));
  return m;
}

/**
 * Phases as the protocol has them: dns, tcp, tls, download as durations; ttfb, domInteractive,
 * domComplete, load since the navigation's fetchStart (the instrumentation gives no earlier
 * mark, so redirects and the previous page's unload are not counted). Over plain http the
 * instrumentation still writes a secureConnectionStart (the time origin + 0): a TLS mark before
 * connectStart is taken as no TLS.
 */
export function documentLoadEvents(load: OtlpSpan, fetch: OtlpSpan | undefined): (NavEvent | VitalEvent)[] {
  const m = marks(load, fetch);
  const base = m.get('fetchStart') ?? nanosToMs(load.startTimeUnixNano);
  const at = Math.round(nanosToMs(load.endTimeUnixNano));
  const mark = (name: string) => m.get(name);
  const since = (name: string) => {
    const t = mark(name);
    return t === undefined ? 0 : Math.max(0, Math.round(t - base));
  };
  const between = (from: string, to: string) => {
    const a = mark(from);
    const b = mark(to);
    return a === undefined || b === undefined ? 0 : Math.max(0, Math.round(b - a));
  };
  const connectStart = mark('connectStart');
  const tlsStart = mark('secureConnectionStart');
  const hasTls = tlsStart !== undefined && connectStart !== undefined && tlsStart >= connectStart;
  const nav: NavEvent = {
    type: 'nav',
    at,
    dns: between('domainLookupStart', 'domainLookupEnd'),
    tcp: hasTls ? between('connectStart', 'secureConnectionStart') : between('connectStart', 'connectEnd'),
    tls: hasTls ? between('secureConnectionStart', 'connectEnd') : 0,
    ttfb: since('responseStart'),
    download: between('responseStart', 'responseEnd'),
    domInteractive: since('domInteractive'),
    domComplete: since('domComplete'),
    load: since('loadEventEnd'),
  };
  const out: (NavEvent | VitalEvent)[] = [nav];
  if (mark('firstContentfulPaint') !== undefined) out.push({ type: 'vital', at, name: 'FCP', value: since('firstContentfulPaint') });
  if (mark('responseStart') !== undefined) out.push({ type: 'vital', at, name: 'TTFB', value: nav.ttfb });
  return out;
}
