/**
 * OTLP/HTTP JSON traces from the OpenTelemetry browser SDK → protocol v1 beacons: page loads
 * (document-load spans) become a navigation with FCP and TTFB, HTTP client spans (fetch, XHR)
 * that failed become failed requests, `exception` span events become errors; every other span
 * is counted and dropped. Field by field in docs/faro-compat.md. Pure: the route stores it.
 */
import type { BeaconEvent, ErrorEvent, HttpEvent } from '@touchpoint/protocol';
import { BeaconPacker, DropList, releaseOf, type Envelope, type Mapped } from './mapped.ts';
import { DOCUMENT_FETCH, DOCUMENT_LOAD, documentLoadEvents } from './otlp-document-load.ts';
import type { KeyValue, OtlpSpan, OtlpTraces } from './otlp-payload.ts';
import { Attrs, nanosToMs } from './otlp-values.ts';

export interface OtlpContext {
  /** The page to file spans under that name none (the Referer of the export request). */
  fallbackPage?: string;
}

/** Attribute names read, new semantic conventions first. */
export const ATTR = {
  session: ['session.id'],
  customer: ['user.id', 'enduser.id'],
  page: ['location.href', 'page.url'],
  url: ['url.full', 'http.url'],
  method: ['http.request.method', 'http.method'],
  status: ['http.response.status_code', 'http.status_code'],
  release: ['service.version'],
} as const;

const STATUS_ERROR = new Set<number | string>([2, 'STATUS_CODE_ERROR']);
const MAX_PAGE = 2048;

/** The envelope of a span or log record; a reason when there is none. */
export function envelopeOf(attrs: Attrs, traceId: string | undefined, page: string | undefined, dropped: DropList): Envelope | string {
  // Without session.id (web-common's session processors add it), each trace is its own session.
  const session = attrs.string(...ATTR.session) ?? (traceId ? `otlp-${traceId.slice(0, 16)}` : undefined);
  if (!session) return 'no session.id attribute and no traceId';
  if (!page) return 'no page URL: set a location.href attribute (docs/faro-compat.md)';
  const e: Envelope = { session, page: page.slice(0, MAX_PAGE) };
  const customer = attrs.string(...ATTR.customer);
  if (customer) e.customer = customer;
  const release = releaseOf(attrs.string(...ATTR.release), 'service.version', dropped);
  if (release) e.release = release;
  return e;
}

export function otlpTracesToBeacons(payload: OtlpTraces, ctx: OtlpContext = {}): Mapped {
  const dropped = new DropList();
  const packer = new BeaconPacker();
  let items = 0;
  for (const rs of payload.resourceSpans) {
    const resourceAttrs = rs.resource?.attributes;
    const spans = (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []);
    items += spans.length;
    // A page load's documentFetch is the child of its documentLoad, in the same export.
    const fetches = new Map<string, OtlpSpan>();
    for (const s of spans) if (s.name === DOCUMENT_FETCH && s.parentSpanId) fetches.set(s.parentSpanId, s);
    // Spans of the same session without a page of their own are filed under its page load.
    const pages = new Map<string, string>();
    for (const s of spans) {
      if (s.name !== DOCUMENT_LOAD) continue;
      const a = new Attrs(s.attributes, resourceAttrs);
      const session = a.string(...ATTR.session);
      const url = a.string(...ATTR.url);
      if (session && url) pages.set(session, url);
    }
    for (const s of spans) {
      const a = new Attrs(s.attributes, resourceAttrs);
      const isLoad = s.name === DOCUMENT_LOAD;
      const page = (isLoad ? a.string(...ATTR.url) : undefined) ?? a.string(...ATTR.page) ?? pages.get(a.string(...ATTR.session) ?? '') ?? ctx.fallbackPage;
      const events = spanEvents(s, a, isLoad ? fetches.get(s.spanId ?? '') : undefined);
      if (events.length === 0) {
        dropped.add('span', s.name === DOCUMENT_FETCH ? 'documentFetch is read with its documentLoad' : 'not a page load, a failed request or an exception');
        continue;
      }
      const envelope = envelopeOf(a, s.traceId, page, dropped);
      if (typeof envelope === 'string') {
        dropped.add('span', envelope);
        continue;
      }
      for (const e of events) packer.add(envelope, e);
    }
  }
  return { beacons: packer.beacons(), dropped: dropped.list(), items, fields: dropped.fields() };
}

function spanEvents(s: OtlpSpan, a: Attrs, fetch: OtlpSpan | undefined): BeaconEvent[] {
  const out: BeaconEvent[] = s.name === DOCUMENT_LOAD ? documentLoadEvents(s, fetch) : [];
  const failed = failedRequest(s, a);
  if (failed) out.push(failed);
  for (const e of s.events ?? []) if (e.name === 'exception') out.push(exceptionEvent(nanosToMs(e.timeUnixNano), e.attributes));
  return out;
}

/** An HTTP client span answered ≥ 400, or with no answer (status 0, or none and an error status). */
function failedRequest(s: OtlpSpan, a: Attrs): HttpEvent | undefined {
  const method = a.string(...ATTR.method);
  const url = a.string(...ATTR.url);
  if (!method || !url || s.name === DOCUMENT_LOAD || s.name === DOCUMENT_FETCH) return undefined;
  const status = a.number(...ATTR.status) ?? (STATUS_ERROR.has(s.status?.code ?? 0) ? 0 : undefined);
  if (status === undefined || (status > 0 && status < 400)) return undefined;
  const start = nanosToMs(s.startTimeUnixNano);
  const end = nanosToMs(s.endTimeUnixNano);
  return { type: 'http', at: Math.round(end), method: method.toUpperCase(), url: url.slice(0, 2048), status, duration: Math.max(0, Math.round(end - start)) };
}

/** The semantic conventions' exception attributes (span events and log records alike). */
export function exceptionEvent(at: number, attributes: KeyValue[] | undefined, body?: string): ErrorEvent {
  const a = new Attrs(attributes);
  const type = a.string('exception.type');
  const message = a.string('exception.message') ?? body ?? type ?? 'exception';
  const e: ErrorEvent = { type: 'error', at: Math.round(at), kind: 'js', message: message.slice(0, 2048) };
  const stack = a.string('exception.stacktrace');
  if (stack) e.stack = stack.slice(0, 16384);
  return e;
}
