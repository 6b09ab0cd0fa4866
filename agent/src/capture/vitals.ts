import type { VitalEvent } from '@touchpoint/protocol';
// web-vitals' attribution build where it names an element (LCP, CLS); plain FCP and TTFB
// (navigation timing already breaks TTFB down) and plain INP with our own lighter attribution
// (inp-attribution.ts): together ~0.9 KB gzipped less than the attribution build for all five.
import type { CLSMetricWithAttribution, FCPMetric, INPMetric, LCPMetricWithAttribution, TTFBMetric } from 'web-vitals/attribution';
import { onCLS } from 'web-vitals/attribution/onCLS.js';
import { onLCP } from 'web-vitals/attribution/onLCP.js';
import { onFCP } from 'web-vitals/onFCP.js';
import { onINP } from 'web-vitals/onINP.js';
import { onTTFB } from 'web-vitals/onTTFB.js';
import { inpAttribution } from './inp-attribution.ts';
import type { Emit } from './emit.ts';

type Metric = LCPMetricWithAttribution | INPMetric | CLSMetricWithAttribution | FCPMetric | TTFBMetric;

const ms = (v: number) => Math.max(0, Math.round(v));

/**
 * Core Web Vitals, with the element or script behind LCP, INP and CLS and their phase breakdown.
 * LCP, FCP and TTFB belong to the page the browser loaded, even if the SPA has changed route
 * since; INP and CLS to the page current when they are reported.
 */
export function captureVitals(emit: Emit, landingPage: string): void {
  const inp = inpAttribution();
  const attribution = (m: Metric): VitalEvent['attribution'] => {
    let a: VitalEvent['attribution'];
    if (m.name == 'LCP') {
      const l = m.attribution;
      a = {
        target: l.target,
        url: l.url,
        phases: { ttfb: l.timeToFirstByte, loadDelay: l.resourceLoadDelay, loadDuration: l.resourceLoadDuration, renderDelay: l.elementRenderDelay },
      };
    } else if (m.name == 'INP') a = inp(m.entries);
    else if (m.name == 'CLS') a = { target: m.attribution.largestShiftTarget };
    if (a) {
      for (const k in a.phases) a.phases[k] = ms(a.phases[k] ?? 0);
      a.target = a.target?.slice(0, 512) || undefined;
      a.url = a.url?.slice(0, 2048) || undefined;
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
