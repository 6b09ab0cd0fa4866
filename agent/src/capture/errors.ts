import type { ErrorEvent as TpErrorEvent } from '@touchpoint/protocol';
import { scrubBrowserText } from '@touchpoint/protocol/privacy';
import type { Emit } from './emit.ts';

/** A loop that throws every frame must not flood the collector: the first errors tell the story. */
export const MAX_ERRORS_PER_PAGE = 25;

/** Uncaught errors, unhandled rejections and failed resource loads (img, script, link). */
export function captureErrors(emit: Emit): void {
  let count = 0;
  const report = (kind: TpErrorEvent['kind'], reason: unknown, e?: Partial<TpErrorEvent>) => {
    if (count++ >= MAX_ERRORS_PER_PAGE) return;
    const err = reason instanceof Error ? reason : undefined;
    emit({
      type: 'error',
      at: Date.now(),
      kind,
      message: scrubBrowserText(String(err ? err.message || err.name : reason), 2048),
      stack: err?.stack && scrubBrowserText(err.stack, 16384),
      ...e,
    });
  };

  addEventListener(
    'error',
    (ev) => {
      const t = ev.target as (Element & { src?: string; href?: string }) | null;
      if (ev instanceof ErrorEvent) {
        report('js', ev.error ?? ev.message, { source: scrubBrowserText(ev.filename, 2048), line: ev.lineno, col: ev.colno });
      } else if (t && t != (window as unknown)) {
        // Resource errors do not bubble: this listener is in the capture phase to see them.
        const src = scrubBrowserText(t.src || t.href || '', 2048);
        report('resource', `${t.tagName.toLowerCase()} failed to load: ${src}`, { source: src });
      }
    },
    true,
  );
  addEventListener('unhandledrejection', (ev) => report('promise', ev.reason));
}
