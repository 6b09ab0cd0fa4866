import type { NavEvent } from '@touchpoint/protocol';
import { whenIdle } from '../lib/idle.ts';
import type { Emit } from './emit.ts';

const ms = (v: number) => Math.max(0, Math.round(v));

/**
 * Navigation timing of the page load. dns, tcp, tls and download are durations; ttfb,
 * domInteractive, domComplete and load are times since navigation start (as in the protocol's
 * example), so the phases read as a waterfall.
 */
export function toNavEvent(t: PerformanceNavigationTiming, at = Date.now()): NavEvent {
  const tlsStart = t.secureConnectionStart;
  return {
    type: 'nav',
    at,
    dns: ms(t.domainLookupEnd - t.domainLookupStart),
    tcp: ms((tlsStart || t.connectEnd) - t.connectStart),
    tls: tlsStart ? ms(t.connectEnd - tlsStart) : 0,
    ttfb: ms(t.responseStart),
    download: ms(t.responseEnd - t.responseStart),
    domInteractive: ms(t.domInteractive),
    domComplete: ms(t.domComplete),
    load: ms(t.loadEventEnd),
    transferSize: t.transferSize,
  };
}

/** Reads the navigation entry once `load` has finished, at idle time. */
export function captureNavigation(emit: Emit, landingPage: string): void {
  const read = () =>
    whenIdle(() => {
      const t = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      if (t && t.loadEventEnd > 0) emit(toNavEvent(t), landingPage);
    });
  // loadEventEnd is set only after the load handlers return: read on the next task.
  if (document.readyState == 'complete') read();
  else addEventListener('load', () => setTimeout(read), { once: true });
}
