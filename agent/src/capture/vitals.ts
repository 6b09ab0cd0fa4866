import type { VitalEvent } from '@touchpoint/protocol';
import { scrubBrowserText } from '@touchpoint/protocol/privacy';
// Plain web-vitals everywhere, with our own lighter attribution for the element, script and
// phases behind LCP, CLS (lcp-cls-attribution.ts) and INP (inp-attribution.ts): the attribution
// build would cost ~1.5 KB gzipped more, a fifth of the budget.
import type { CLSMetric, FCPMetric, INPMetric, LCPMetric, TTFBMetric } from 'web-vitals';
import { onCLS } from 'web-vitals/onCLS.js';
import { onFCP } from 'web-vitals/onFCP.js';
import { onINP } from 'web-vitals/onINP.js';
import { onLCP } from 'web-vitals/onLCP.js';
import { onTTFB } from 'web-vitals/onTTFB.js';
import { inpAttribution } from './inp-attribution.ts';
import { clsAttribution, lcpAttribution } from './lcp-cls-attribution.ts';
import type { Emit } from './emit.ts';

type Metric = LCPMetric | INPMetric | CLSMetric | FCPMetric | TTFBMetric;

const ms = (v: number) => Math.max(0, Math.round(v));

/**
 * Core Web Vitals, with the element or script behind LCP, INP and CLS and their phase breakdown.
 * LCP, FCP and TTFB belong to the page the browser loaded, even if the SPA has changed route
 * since; INP and CLS to the page current when they are reported.
 */
export function captureVitals(emit: Emit, landingPage: string): void {
  const inp = inpAttribution();
  const attribution = (m: Metric): VitalEvent['attribution'] => {
    const a = m.name == 'LCP' ? lcpAttribution(m) : m.name == 'INP' ? inp(m.entries) : m.name == 'CLS' ? clsAttribution(m) : undefined;
    if (a) {
      for (const k in a.phases) a.phases[k] = ms(a.phases[k] ?? 0);
      // A selector can carry ids and attribute values; a script URL, a query token.
      a.target &&= scrubBrowserText(a.target, 512) || undefined;
      a.url &&= scrubBrowserText(a.url, 2048) || undefined;
    }
    // Nothing to attribute (no shift at all, an element since removed): no empty object on the wire.
    return a?.target || a?.url || a?.phases ? a : undefined;
  };
  const report = (m: Metric) =>
    emit(
      {
        type: 'vital',
        at: Date.now(),
        name: m.name,
        // CLS is a unitless score; the others are milliseconds.
        value: m.name == 'CLS' ? +m.value.toFixed(4) : ms(m.value),
        rating: m.rating,
        navigationType: m.navigationType,
        attribution: attribution(m),
      },
      m.name == 'INP' || m.name == 'CLS' ? undefined : landingPage,
    );
  onLCP(report);
  onINP(report);
  onCLS(report);
  onFCP(report);
  onTTFB(report);
}
