/**
 * Grafana Faro Web SDK payload → protocol v1 beacons. The field-by-field mapping, and what is
 * dropped, is in docs/faro-compat.md; this module is pure (no I/O), the route stores the result.
 */
import { VITAL_NAMES, type BeaconEvent, type ErrorEvent, type IdentifyEvent, type VitalEvent } from '@touchpoint/protocol';
import { splitUrl } from '../ingest/spool-record.ts';
import { CHECKOUT_EVENT, faroCheckout, faroCheckoutError } from './faro-checkout.ts';
import type { FaroEvent, FaroException, FaroMeasurement, FaroPayload } from './faro-payload.ts';
import { faroFailedRequest, faroNavigation, ResourceSummary } from './faro-performance.ts';
import { BeaconPacker, DropList, releaseOf, type Envelope, type Mapped } from './mapped.ts';

/** Faro's own bookkeeping events: they say nothing about the experience. */
const BOOKKEEPING = new Set(['session_start', 'session_resume', 'session_extend', 'view_changed', 'route_change']);
/** meta.user.attributes that carry outreach consent and the message language (docs/faro-compat.md). */
export const CONSENT_ATTRIBUTE = 'outreachConsent';
export const LANGUAGE_ATTRIBUTE = 'language';
const MAX_MESSAGE = 2048;
const MAX_STACK = 16384;
const MAX_PAGE = 2048;
const MAX_PROPS = 32;
/** Faro's web-vitals attribution values → the protocol's phase names (the agent's). */
const PHASES: Partial<Record<VitalEvent['name'], [string, string][]>> = {
  LCP: [['ttfb', 'time_to_first_byte'], ['loadDelay', 'resource_load_delay'], ['loadDuration', 'resource_load_duration'], ['renderDelay', 'element_render_delay']],
  INP: [['inputDelay', 'input_delay'], ['processingDuration', 'processing_duration'], ['presentationDelay', 'presentation_delay']],
};

export function faroToBeacons(payload: FaroPayload): Mapped {
  const { meta } = payload;
  const dropped = new DropList();
  const packer = new BeaconPacker();
  const envelope: Envelope = { session: meta.session.id, page: meta.page.url.slice(0, MAX_PAGE) };
  if (meta.user?.id) envelope.customer = meta.user.id;
  const release = meta.app?.version === undefined
    ? releaseOf(meta.app?.release, 'meta.app.release', dropped)
    : releaseOf(meta.app.version, 'meta.app.version', dropped);
  if (release) envelope.release = release;
  const events: BeaconEvent[] = [];
  const add = (e: BeaconEvent) => events.push(e);
  const time = (what: string, iso: string): number | undefined => {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) dropped.add(what, `timestamp ${JSON.stringify(iso)} is not an ISO 8601 time`);
    return Number.isNaN(t) ? undefined : t;
  };

  for (const m of payload.measurements ?? []) {
    const at = time('measurement', m.timestamp);
    if (at !== undefined) add(measurement(m, at));
  }

  let checkouts = 0;
  for (const x of payload.exceptions ?? []) {
    const at = time('exception', x.timestamp);
    if (at === undefined) continue;
    add(exception(x, at));
    const c = faroCheckoutError(x, at);
    if (c) {
      add(c);
      checkouts++;
    }
  }

  const resources = new ResourceSummary(splitUrl(envelope.page).host);
  for (const e of payload.events ?? []) {
    const at = time('event', e.timestamp);
    if (at === undefined) continue;
    if (e.name === 'faro.performance.navigation') add(faroNavigation(e, at));
    else if (e.name === 'faro.performance.resource') {
      const failed = faroFailedRequest(e, at);
      if (failed) add(failed);
      if (!resources.add(e, at) && !failed) dropped.add('event', 'faro.performance.resource of the page\'s own host that did not fail: only failed requests and third-party hosts are kept');
    } else if (e.name === CHECKOUT_EVENT) {
      add(faroCheckout(e, at));
      checkouts++;
    } else if (BOOKKEEPING.has(e.name)) dropped.add('event', `${e.name} is Faro's session/view bookkeeping`);
    else if (e.name.startsWith('faro.')) dropped.add('event', `${e.name} is not mapped`);
    else add(custom(e, at));
  }
  for (const r of resources.events()) add(r);

  // Contact details only ride along with a checkout, where outreach may need them, and go
  // first: the worker must know them before it handles the checkout's error.
  const identify = checkouts > 0 ? identifyEvent(payload) : undefined;
  if (identify) packer.add(envelope, identify);
  for (const e of events) packer.add(envelope, e);

  if (payload.logs?.length) dropped.add('log', 'Faro logs are not stored: errors reach Touchpoint as exceptions', payload.logs.length);
  const spans = countSpans(payload.traces);
  if (spans > 0) dropped.add('span', 'Faro traces are not stored: failed requests come from faro.performance.resource events', spans);

  const items = (payload.measurements?.length ?? 0) + (payload.exceptions?.length ?? 0) + (payload.events?.length ?? 0) + (payload.logs?.length ?? 0) + spans;
  return { beacons: packer.beacons(), dropped: dropped.list(), items, fields: dropped.fields() };
}

function measurement(m: FaroMeasurement, at: number): BeaconEvent {
  const ctx = m.context ?? {};
  const name = m.type === 'web-vitals' ? VITAL_NAMES.find((n) => m.values[n.toLowerCase()] !== undefined) : undefined;
  if (!name) {
    // Custom measurements (pushMeasurement) are kept as custom events, their values as props.
    return { type: 'custom', at, name: m.type.slice(0, 128) || 'measurement', props: firstProps(m.values) };
  }
  const v = m.values;
  const vital: VitalEvent = { type: 'vital', at, name, value: v[name.toLowerCase()] as number };
  if (typeof ctx.rating === 'string') vital.rating = ctx.rating as VitalEvent['rating'] & string;
  if (typeof ctx.navigation_type === 'string') vital.navigationType = ctx.navigation_type as NonNullable<VitalEvent['navigationType']>;
  const target = ctx.element ?? ctx.interaction_target ?? ctx.largest_shift_target;
  const phases: Record<string, number> = {};
  for (const [as, key] of PHASES[name] ?? []) {
    const ms = v[key];
    if (typeof ms === 'number') phases[as] = Math.max(0, Math.round(ms));
  }
  const attribution: NonNullable<VitalEvent['attribution']> = {};
  if (typeof target === 'string' && target) attribution.target = target.slice(0, 512);
  if (typeof ctx.resource_url === 'string') attribution.url = ctx.resource_url.slice(0, 2048);
  if (Object.keys(phases).length) attribution.phases = phases;
  if (Object.keys(attribution).length) vital.attribution = attribution;
  return vital;
}

/** Faro keeps the error's type apart from its message and parses the stack into frames; the
 *  stack is written back in Chrome's form, which is what the agent stores. */
function exception(x: FaroException, at: number): ErrorEvent {
  const frames = x.stacktrace?.frames ?? [];
  const e: ErrorEvent = { type: 'error', at, kind: x.type === 'UnhandledRejection' ? 'promise' : 'js', message: x.value.slice(0, MAX_MESSAGE) };
  if (frames.length) {
    const lines = frames.map((f) => `    at ${f.function && f.function !== '?' ? `${f.function} (` : ''}${f.filename ?? '<anonymous>'}:${f.lineno ?? 0}:${f.colno ?? 0}${f.function && f.function !== '?' ? ')' : ''}`);
    e.stack = `${x.type}: ${x.value}\n${lines.join('\n')}`.slice(0, MAX_STACK);
    const top = frames[0];
    if (top?.filename) e.source = top.filename.slice(0, 2048);
    if (top?.lineno !== undefined) e.line = Math.max(0, Math.round(top.lineno));
    if (top?.colno !== undefined) e.col = Math.max(0, Math.round(top.colno));
  }
  return e;
}

function custom(e: FaroEvent, at: number): BeaconEvent {
  const c: BeaconEvent = { type: 'custom', at, name: e.name.slice(0, 128) };
  if (e.attributes && Object.keys(e.attributes).length) c.props = firstProps(e.attributes);
  return c;
}

function firstProps(values: Record<string, string | number | boolean>): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(values).slice(0, MAX_PROPS));
}

function identifyEvent(payload: FaroPayload): IdentifyEvent | undefined {
  const user = payload.meta.user;
  const consent = user?.attributes?.[CONSENT_ATTRIBUTE];
  if (!user?.id || consent === undefined) return undefined;
  const times = [...(payload.events ?? []), ...(payload.exceptions ?? [])].map((e) => Date.parse(e.timestamp)).filter((t) => !Number.isNaN(t));
  const given = consent === true || consent === 'true';
  const e: IdentifyEvent = { type: 'identify', at: Math.min(...times), customer: user.id, consent: { outreach: given } };
  // Without consent the email is not passed on at all.
  if (given && user.email) e.email = user.email;
  const language = user.attributes?.[LANGUAGE_ATTRIBUTE];
  if (typeof language === 'string') e.language = language;
  return e;
}

function countSpans(traces: FaroPayload['traces']): number {
  let n = 0;
  for (const rs of traces?.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
  return n;
}
