/**
 * Faro's performance instrumentation: `faro.performance.navigation` and
 * `faro.performance.resource` events, whose attributes are numbers written as strings
 * (milliseconds, rounded; `unknown` when the browser did not say).
 */
import type { HttpEvent, NavEvent, ResourceEvent } from '@touchpoint/protocol';
import type { FaroEvent } from './faro-payload.ts';

type Attributes = NonNullable<FaroEvent['attributes']>;

function ms(a: Attributes, key: string): number {
  const n = Number(a[key]);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * Faro gives durations, not the times since navigation start the protocol's waterfall uses, so
 * the later phases are rebuilt from them: domComplete = pageLoadTime (domComplete − fetchStart,
 * so off by the redirect time, usually 0), domInteractive = that − domProcessingTime, load =
 * that + onLoadTime (the gap between domComplete and loadEventStart is ~0). Faro's
 * tlsNegotiationTime is connectEnd − secureConnectionStart even over plain http, where the
 * latter is 0: it is only believed for https pages, and taken out of the TCP handshake there.
 */
export function faroNavigation(e: FaroEvent, at: number): NavEvent {
  const a = e.attributes ?? {};
  const https = String(a.name ?? '').startsWith('https:');
  const tls = https ? ms(a, 'tlsNegotiationTime') : 0;
  const domComplete = ms(a, 'pageLoadTime');
  const nav: NavEvent = {
    type: 'nav',
    at,
    dns: ms(a, 'dnsLookupTime'),
    tcp: Math.max(0, ms(a, 'tcpHandshakeTime') - tls),
    tls,
    ttfb: ms(a, 'ttfb'),
    download: ms(a, 'responseTime'),
    domInteractive: Math.max(0, domComplete - ms(a, 'domProcessingTime')),
    domComplete,
    load: domComplete + ms(a, 'onLoadTime'),
  };
  const size = ms(a, 'transferSize');
  if (size > 0) nav.transferSize = Math.round(size);
  return nav;
}

/** Resource timing cannot tell a network failure (status 0) from an opaque cross-origin answer. */
export function faroFailedRequest(e: FaroEvent, at: number): HttpEvent | undefined {
  const a = e.attributes ?? {};
  const status = ms(a, 'responseStatus');
  if (status < 400) return undefined;
  // Resource timing does not record the method.
  return { type: 'http', at, method: 'UNKNOWN', url: String(a.name ?? ''), status, duration: ms(a, 'duration') };
}

/** Third-party resources summed per host, as the agent reports them (count, bytes, p95 duration). */
export class ResourceSummary {
  readonly #hosts = new Map<string, { at: number; bytes: number; durations: number[] }>();
  constructor(private readonly pageHost: string) {}

  /** False when the resource is the page's own (first-party resources are not summarised). */
  add(e: FaroEvent, at: number): boolean {
    const a = e.attributes ?? {};
    const host = String(a.httpHost ?? '').toLowerCase();
    if (!host || host === 'unknown' || host === this.pageHost) return false;
    let s = this.#hosts.get(host);
    if (!s) this.#hosts.set(host, (s = { at, bytes: 0, durations: [] }));
    s.at = Math.max(s.at, at);
    s.bytes += Math.round(ms(a, 'transferSize'));
    s.durations.push(ms(a, 'duration'));
    return true;
  }

  events(): ResourceEvent[] {
    return [...this.#hosts].map(([host, s]) => {
      const d = s.durations.sort((x, y) => x - y);
      return { type: 'resource', at: s.at, host, count: d.length, bytes: s.bytes, p95: Math.round(d[Math.ceil(d.length * 0.95) - 1] ?? 0) };
    });
  }
}
