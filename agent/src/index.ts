/**
 * Touchpoint browser agent: the public API (ESM entry; `script-tag.ts` wraps it for agent.js).
 *
 *   import { init, identify, checkout, track } from '@touchpoint/agent';
 *   init({ key: 'demo', endpoint: 'https://rum.example.com' });
 *
 * Calls made before `init` are kept and replayed by it, with their original times and pages.
 */
import type { BeaconEvent, CheckoutEvent, ConnectionType } from '@touchpoint/protocol';
import { PROMPT_CHANNEL_PATH, PROMPT_LINGER_MS } from '@touchpoint/protocol/prompts';
import { scrubBrowserText } from '@touchpoint/protocol/privacy';
import type { Emit } from './capture/emit.ts';
import { captureErrors } from './capture/errors.ts';
import { captureFailedRequests } from './capture/failed-requests.ts';
import { captureNavigation } from './capture/navigation.ts';
import { captureResources } from './capture/resources.ts';
import { captureRouteChanges } from './capture/spa-routes.ts';
import { captureVitals } from './capture/vitals.ts';
import { createIdentity, type IdentifyOptions } from './lib/consent.ts';
import { whenIdle } from './lib/idle.ts';
import { releaseOf } from './lib/release.ts';
import { firstTime } from './lib/seen.ts';
import { isSampled } from './lib/sampling.ts';
import { sessionId } from './lib/session-id.ts';
import { createBatcher } from './transport/batcher.ts';
import { createOutbox } from './transport/outbox.ts';
import { createPromptChannel, type PromptChannel } from './transport/prompt-channel.ts';
import type { ShowPrompt } from './prompt/api.ts';

export type { IdentifyOptions } from './lib/consent.ts';

export interface InitOptions {
  /** The project's public key (`data-key`). */
  key: string;
  /** Collector origin, e.g. `https://rum.example.com`. Default: this page's origin (agent.js: its own origin). */
  endpoint?: string;
  /** Share of tab sessions whose vitals, timings, errors and failed requests are captured. Default 1. */
  sampleRate?: number;
  /**
   * Outreach consent known when the page loads; `identify` updates it. Default: not known here
   * (a customer who consented on an earlier page of the tab stays identified). `false` withdraws.
   */
  consent?: { outreach: boolean };
  /** Test traffic (a QA run, a synthetic check): every beacon says so, and no rule contacts anyone for it. */
  test?: boolean;
  /** The site's release (`1.4.2`, a commit), 1–64 of `A-Z a-z 0-9 . _ + : @ / -`: marks deploys on the SRE view. */
  release?: string;
}

const currentUrl = () => scrubBrowserText(location.href, 2048);
// Events recorded before init, with the page they happened on.
const early: [BeaconEvent, string][] = [];
let emit: Emit = (e, page = currentUrl()) => void early.push([e, page]);
const identity = createIdentity((e) => emit(e));
// A checkout of this page that has not completed: a request failing now is a failed checkout.
let checkingOut = false;
// The checkout's last event: the prompt chunk puts its id and step on survey answers.
let last: CheckoutEvent | undefined;
let channel: PromptChannel | undefined;
/**
 * What outreach answers (checkout-error and stuck rules) leaves the page at once instead of with
 * the next batch: every checkout step, and a failed request made while a checkout is open.
 */
const urgent = (e: BeaconEvent) => e.type == 'checkout' || (e.type == 'http' && checkingOut);

let initialised = false;

/** Starts the agent once; later calls are ignored. */
export function init(o: InitOptions): void {
  if (initialised || !o?.key) return;
  initialised = true;
  if (o.consent) identity.consent(o.consent.outreach);
  const release = releaseOf(o.release);
  const endpoint = (o.endpoint || location.origin).replace(/\/+$/, '');
  const url = `${endpoint}/v1/beacon?key=${encodeURIComponent(o.key)}`;
  const landing = currentUrl();
  let page = landing;
  const connection = (navigator as Navigator & { connection?: { effectiveType?: ConnectionType } }).connection?.effectiveType;
  // Read on first flush, at idle time or on hide: the first sessionStorage access costs 3–10 ms
  // in Chromium (measured), too much for the moment the page runs its own start-up.
  let session: string | undefined;

  const outbox = createOutbox({ url, answered: (status) => status == 200 && channel?.want(PROMPT_LINGER_MS, true) });
  const batcher = createBatcher({
    head: (p) =>
      JSON.stringify({ v: 1, session: (session ??= sessionId()), page: p, customer: identity.customer(), connection, test: o.test || undefined, release }).slice(1, -1) + ',',
    deliver: outbox.send,
    // Urgent: at most 100 ms more on a busy page, a tenth of the 1 s click-to-email promise, and
    // the page's own input handling still goes first.
    due: (flush, now) => whenIdle(flush, now ? 100 : undefined),
  });
  emit = (e, p = page) => batcher.push(e, p, urgent(e));
  // A prompt not yet shown in this tab loads the prompt chunk; the customer's answers leave at once
  // (a nudge acted on holds back the customer's email).
  channel = createPromptChannel(
    () => `${endpoint}${PROMPT_CHANNEL_PATH}?key=${encodeURIComponent(o.key)}&session=${(session ??= sessionId())}&lang=${encodeURIComponent(document.documentElement.lang || navigator.language)}`,
    identity.allowed,
    (p) =>
      firstTime(p.id) &&
      import(`${endpoint}/agent-prompt.js`)
        .then((m: { show: ShowPrompt }) => m.show(p, { emit: (e) => batcher.push(e, page, true), checkout: last?.id, step: last?.name || last?.step }))
        .catch(() => {}),
  );
  for (const [e, p] of early.splice(0)) emit(e, p);

  // Passive capture counts only in sampled sessions; explicit calls (checkout, identify, track)
  // always do. The hooks go in now, so no early error or failed request is missed; their events
  // wait in `held` until the sampling decision, made at idle time with the storage reads.
  let sampled: boolean | undefined;
  const held: [BeaconEvent, string][] = [];
  const passive: Emit = (e, p = page) => {
    // A failed checkout request counts in every session, as checkout events do.
    if (sampled || urgent(e)) emit(e, p);
    else if (sampled == undefined) held.push([e, p]);
  };
  const decide = () => {
    // A withdrawal found in storage (GPC, init consent false) is queued before the page goes.
    identity.load();
    if (sampled != undefined) return false;
    sampled = isSampled(o.sampleRate ?? 1);
    for (const [e, p] of held.splice(0)) passive(e, p);
    return sampled;
  };
  let resources = (): BeaconEvent[] => [];
  captureErrors(passive);
  captureFailedRequests(passive, endpoint + '/');
  captureRouteChanges(() => {
    for (const r of resources()) passive(r);
    page = currentUrl();
  });
  whenIdle(() => {
    if (!decide()) return;
    // The observers cost ~5 ms in Chromium; buffered, they miss nothing by starting late.
    captureVitals(passive, landing);
    captureNavigation(passive, landing);
    resources = captureResources(new URL(endpoint).host);
  });

  // On window in the bubble phase, so web-vitals (window, capture phase) has reported the final
  // LCP/CLS/INP before this runs. pagehide covers browsers that skip visibilitychange on unload.
  const leave = () => {
    decide();
    for (const r of resources()) passive(r);
    outbox.leave(batcher.take());
  };
  addEventListener('visibilitychange', () => {
    channel?.sync();
    document.visibilityState == 'hidden' ? leave() : whenIdle(outbox.resume);
  });
  addEventListener('pagehide', leave);
  // The first localStorage read costs a few ms in Chromium: not during the page's own start-up.
  whenIdle(outbox.resume);
}

/**
 * Names the visitor (a pseudonymous customer id) and records their outreach consent. Nothing of
 * it leaves the browser until `consent.outreach` is true and Global Privacy Control is off.
 */
export function identify(customerId: string, o: IdentifyOptions): void {
  identity.identify(String(customerId), o || {});
}

const step = (e: Omit<CheckoutEvent, 'type' | 'at'>) => {
  checkingOut = e.step != 'complete';
  emit((last = { type: 'checkout', at: Date.now(), ...e }));
  // While a checkout is open a nudge may come at any moment; after it ends, a survey or a late nudge.
  channel?.want(e.step == 'start' || e.step == 'step' ? Infinity : PROMPT_LINGER_MS);
};

/** The checkout funnel of one cart or order attempt, `id` being the site's checkout id. */
export const checkout = {
  /** `resumeUrl`: the shop's link back to this basket (a basket id, not a secret), for "email me my basket". */
  start: (id: string, o: { value?: number; currency?: string; resumeUrl?: string } = {}) =>
    step({ step: 'start', id, value: o.value, currency: o.currency, resumeUrl: o.resumeUrl && scrubBrowserText(String(o.resumeUrl), 2048) }),
  step: (id: string, name: string) => step({ step: 'step', id, name }),
  error: (id: string, reason: string) => step({ step: 'error', id, reason: scrubBrowserText(String(reason), 512) }),
  complete: (id: string, o: { orderId?: string } = {}) => step({ step: 'complete', id, orderId: o.orderId }),
};

/** A custom event; string props are scrubbed like messages. */
export function track(name: string, props?: Record<string, string | number | boolean>): void {
  const clean = props && { ...props };
  for (const k in clean) {
    const v = clean[k];
    if (typeof v == 'string') clean[k] = scrubBrowserText(v, 1024);
  }
  emit({ type: 'custom', at: Date.now(), name, props: clean });
}
