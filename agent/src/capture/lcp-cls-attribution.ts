import type { VitalEvent } from '@touchpoint/protocol';
import type { CLSMetric, LCPMetric } from 'web-vitals';
import { selector } from '../lib/selector.ts';

/**
 * LCP and CLS attribution from the plain web-vitals metrics, the way inp-attribution.ts does
 * INP's: the same element, resource and phases as web-vitals' attribution build, without its
 * entry managers, at about a third of the bytes (measured: the agent 0.4 KB gzipped lighter).
 */

/** LCP's element and resource, and its four phases (ttfb, load delay, load duration, render delay). */
export function lcpAttribution(m: LCPMetric): VitalEvent['attribution'] {
  const e = m.entries.at(-1);
  if (!e) return undefined;
  const nav = performance.getEntriesByType('navigation')[0] as (PerformanceNavigationTiming & { activationStart?: number }) | undefined;
  // No URL (a text element): no entry by the name ''.
  const res = performance.getEntriesByName(e.url, 'resource')[0] as PerformanceResourceTiming | undefined;
  // Times since the page was activated (a prerendered page), as web-vitals reports LCP itself.
  const since = nav?.activationStart || 0;
  const ttfb = Math.max(0, (nav?.responseStart ?? 0) - since);
  // requestStart is 0 for a cross-origin resource without Timing-Allow-Origin: its startTime then.
  const start = Math.max(ttfb, res ? (res.requestStart || res.startTime) - since : 0);
  // A video goes on downloading after LCP: the load ends at LCP at the latest.
  const end = Math.min(m.value, Math.max(start, res ? res.responseEnd - since : 0));
  return {
    // The element may have left the DOM since; its id still names it.
    target: selector(e.element) || (e.id ? '#' + e.id : undefined),
    url: e.url || undefined,
    phases: { ttfb, loadDelay: start - ttfb, loadDuration: end - start, renderDelay: m.value - end },
  };
}

/** The element that moved most in CLS's largest shift (an element source first, as web-vitals picks). */
export function clsAttribution(m: CLSMetric): VitalEvent['attribution'] {
  const largest = m.entries.reduce<(typeof m.entries)[number] | undefined>((a, b) => (a && a.value > b.value ? a : b), undefined);
  const source = largest?.sources.find((s) => s.node?.nodeType == 1) || largest?.sources[0];
  return source && { target: selector(source.node) };
}
