/**
 * Entry of the built agent.js:
 *
 *   <script async src="https://rum.example.com/agent.js" data-key="demo"></script>
 *
 * Initialises from the tag's data attributes (data-key, data-endpoint, data-sample-rate,
 * data-release, data-test="true"; the endpoint defaults to the script's own origin), replays
 * what the stub snippet queued, and leaves the real API on window.Touchpoint.
 */
import { checkout, identify, init, track, type InitOptions } from './index.ts';

// A plain object, not a module namespace: esbuild would add getter helpers for that.
const api = { init, identify, checkout, track };
type Api = typeof api;
/** What the stub snippet in the README leaves behind: calls as [method path, arguments]. */
type Stub = { q?: [string, ArrayLike<unknown>][] };

declare global {
  interface Window {
    Touchpoint?: Api & Stub;
  }
}

const tag = document.currentScript as HTMLScriptElement | null;
const data = tag?.dataset ?? {};
const queued = window.Touchpoint?.q ?? [];
const opts: InitOptions = {
  key: data.key ?? '',
  endpoint: data.endpoint || (tag?.src ? new URL(tag.src).origin : undefined),
  sampleRate: data.sampleRate ? +data.sampleRate : undefined,
  release: data.release,
  test: data.test == 'true',
};
window.Touchpoint = api;

// A queued init() call refines the tag's options; everything else replays in order after it.
for (const [name, args] of queued) if (name == 'init') Object.assign(opts, args[0]);
if (opts.key) api.init(opts);
for (const [name, args] of queued) {
  const [first, second] = name.split('.');
  const target = (second ? api[first as 'checkout'] : api) as unknown as Record<string, (...a: unknown[]) => void>;
  const fn = target?.[second ?? first ?? ''];
  if (name != 'init' && fn) fn(...Array.from(args));
}
