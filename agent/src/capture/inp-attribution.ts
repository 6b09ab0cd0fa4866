import type { VitalEvent } from '@touchpoint/protocol';
import { selector } from '../lib/selector.ts';

/** Long animation frames kept to find the script behind a slow interaction (only >50 ms frames exist). */
const FRAMES_KEPT = 20;
/** Interactions whose event entries are kept: INP is one of the slowest, seen recently enough. */
const INTERACTIONS_KEPT = 50;

interface ScriptTiming {
  duration: number;
  sourceURL: string;
}
interface AnimationFrame {
  startTime: number;
  duration: number;
  scripts: ScriptTiming[];
}

/**
 * INP attribution from the interaction's own event-timing entries plus long animation frames.
 * web-vitals' attribution build does the same with more bookkeeping at ~1.1 KB gzipped, a
 * seventh of the whole budget: this is the same target and phases, and the longest script of
 * the frame, at a third of that (~0.35 KB). Returns a function that attributes one INP entry list.
 */
export function inpAttribution(): (entries: PerformanceEventTiming[]) => VitalEvent['attribution'] {
  const frames: AnimationFrame[] = [];
  // web-vitals hands over only the entries with the interaction's longest duration (often the
  // pointerdown); the handler that took the time may be the click. Keep every entry per interaction.
  const byInteraction = new Map<number, PerformanceEventTiming[]>();
  const observe = (type: string, keep: (list: PerformanceEntry[]) => void, opts?: object) => {
    try {
      new PerformanceObserver((l) => keep(l.getEntries())).observe({ type, buffered: true, ...opts });
    } catch {
      // Not in this browser (LoAF: Chromium only): attribution is partial, nothing breaks.
    }
  };
  observe('long-animation-frame', (list) => {
    frames.push(...(list as unknown as AnimationFrame[]));
    frames.splice(0, frames.length - FRAMES_KEPT);
  });
  observe(
    'event',
    (list) => {
      for (const e of list as PerformanceEventTiming[]) {
        if (!e.interactionId) continue;
        const same = byInteraction.get(e.interactionId);
        if (same) same.push(e);
        else byInteraction.set(e.interactionId, [e]);
        if (byInteraction.size > INTERACTIONS_KEPT) byInteraction.delete(byInteraction.keys().next().value ?? 0);
      }
    },
    { durationThreshold: 40 },
  );
  return (inpEntries) => {
    const e = inpEntries[0];
    if (!e) return undefined;
    const entries = inpEntries.concat(byInteraction.get(e.interactionId) ?? []);
    const start = Math.min(...entries.map((x) => x.processingStart));
    const end = Math.max(...entries.map((x) => x.processingEnd));
    let script: ScriptTiming | undefined;
    for (const f of frames) {
      if (f.startTime <= end && f.startTime + f.duration >= start) {
        for (const s of f.scripts) if (!script || s.duration > script.duration) script = s;
      }
    }
    return {
      target: selector(entries.find((x) => x.target)?.target),
      url: script?.sourceURL || undefined,
      phases: { inputDelay: start - e.startTime, processingDuration: end - start, presentationDelay: e.startTime + e.duration - end },
    };
  };
}
