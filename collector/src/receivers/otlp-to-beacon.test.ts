import { describe, expect, it } from 'vitest';
import type { BeaconEvent } from '@touchpoint/protocol';
import { createBeaconValidator } from '../ingest/validate.ts';
import logFixtures from './fixtures/otlp-logs.json' with { type: 'json' };
import traceFixtures from './fixtures/otlp-traces.json' with { type: 'json' };
import { otlpLogsToBeacons } from './otlp-logs-to-beacon.ts';
import { isOtlpLogs, isOtlpTraces, type OtlpLogs, type OtlpSpan, type OtlpTraces } from './otlp-payload.ts';
import { otlpTracesToBeacons } from './otlp-to-beacon.ts';

// Bodies the OpenTelemetry browser SDK sent from headless Chromium (testing/capture-fixtures.ts):
// sdk-trace-web 2.12, exporter-trace-otlp-http and exporter-logs-otlp-http 0.223, document-load
// 0.68, fetch 0.223, web-exception 0.15, web-common's session.id.
const validator = createBeaconValidator();
const traces = traceFixtures as unknown as OtlpTraces[];
const logs = logFixtures as unknown as OtlpLogs[];
const REFERER = 'http://127.0.0.1:37351/';

function mapped(events: BeaconEvent[]) {
  return { nav: events.filter((e) => e.type === 'nav'), vitals: events.filter((e) => e.type === 'vital'), http: events.filter((e) => e.type === 'http') };
}

describe('OTLP traces captured from the real SDK', () => {
  const [load, requests] = traces.map((t) => otlpTracesToBeacons(t, { fallbackPage: REFERER }));

  it('pass the shape check and map onto beacons the validator accepts whole', () => {
    for (const t of traces) expect(isOtlpTraces(t), isOtlpTraces.problem()).toBe(true);
    for (const m of [load!, requests!]) {
      for (const b of m.beacons) {
        expect(validator.beacon(b), validator.beaconError()).toBe(true);
        for (const e of b.events) expect(validator.event(e, b.sentAt), JSON.stringify(e)).toBeUndefined();
      }
    }
  });

  it('a page load: documentLoad + documentFetch → one navigation, FCP and TTFB, under the page URL and session.id', () => {
    expect(load!.beacons).toHaveLength(1);
    const b = load!.beacons[0]!;
    const session = traces[0]!.resourceSpans[0]!.scopeSpans![0]!.spans![0]!.attributes!.find((a) => a.key === 'session.id')!.value!.stringValue;
    expect(session).toMatch(/^[0-9a-f]{32}$/);
    expect(b.session).toBe(session);
    expect(b.release).toBe('1.0.0'); // the capture page's service.version
    expect(b.page).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/otel\/products\/kettle\?/);
    const { nav, vitals } = mapped(b.events);
    expect(nav).toHaveLength(1);
    const n = nav[0] as Extract<BeaconEvent, { type: 'nav' }>;
    // Over http the instrumentation's secureConnectionStart lies before connectStart: no TLS.
    expect(n.tls).toBe(0);
    expect(n.ttfb).toBeGreaterThan(0);
    expect(n.load).toBeGreaterThanOrEqual(n.domComplete);
    expect(n.domComplete).toBeGreaterThanOrEqual(n.domInteractive);
    expect(n.domInteractive).toBeGreaterThan(n.ttfb);
    expect(vitals.map((v) => (v.type === 'vital' ? v.name : ''))).toEqual(['FCP', 'TTFB']);
    expect(load!.dropped).toEqual([
      { what: 'span', reason: 'documentFetch is read with its documentLoad', count: 1 },
      { what: 'span', reason: 'not a page load, a failed request or an exception', count: 1 },
    ]);
  });

  it('fetch spans: 500 and a network failure become http events, the 200 is dropped; no page of their own → the Referer', () => {
    const b = requests!.beacons[0]!;
    expect(b.page).toBe(REFERER);
    expect(mapped(b.events).http).toEqual([
      expect.objectContaining({ method: 'POST', url: expect.stringMatching(/\/api\/cart$/), status: 500, duration: expect.any(Number) }),
      expect.objectContaining({ method: 'GET', url: 'http://127.0.0.1:9/api/offline', status: 0 }),
    ]);
    expect(requests!.dropped).toEqual([{ what: 'span', reason: 'not a page load, a failed request or an exception', count: 1 }]);
  });
});

describe('OTLP span edge cases', () => {
  const span = (over: Partial<OtlpSpan>): OtlpSpan => ({ traceId: 'abcdef0123456789abcdef0123456789', spanId: '1', name: 'GET', startTimeUnixNano: '1796226123000000000', endTimeUnixNano: '1796226123250000000', ...over });
  const attr = (key: string, value: string | number) => ({ key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } });
  const one = (spans: OtlpSpan[], resource: ReturnType<typeof attr>[] = []) => otlpTracesToBeacons({ resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ spans }] }] });

  it('old semantic conventions, an int64 as a string, location.href and user.id from the resource', () => {
    const m = one([span({ attributes: [attr('http.method', 'post'), attr('http.url', 'https://api.example/pay'), attr('http.status_code', 503), attr('location.href', 'https://shop.example/checkout')] })], [attr('session.id', 's-9'), attr('user.id', 'c-9')]);
    expect(m.beacons).toEqual([
      { v: 1, session: 's-9', customer: 'c-9', page: 'https://shop.example/checkout', sentAt: 1796226123250, events: [{ type: 'http', at: 1796226123250, method: 'POST', url: 'https://api.example/pay', status: 503, duration: 250 }] },
    ]);
  });

  it('service.version is the release; one the beacon schema refuses is left out and said once, the spans still mapped', () => {
    const failed = span({ attributes: [attr('http.request.method', 'GET'), attr('url.full', 'https://api.example/x'), attr('http.response.status_code', 500), attr('location.href', 'https://shop.example/cart')] });
    expect(one([failed], [attr('session.id', 's'), attr('service.version', 'web@2.4.1')]).beacons[0]).toMatchObject({ release: 'web@2.4.1', events: [{ type: 'http', status: 500 }] });
    const refused = one([failed, failed], [attr('session.id', 's'), attr('service.version', '2.4.1 (beta)')]);
    expect(refused.beacons[0]?.release).toBeUndefined();
    expect(refused.beacons[0]?.events).toHaveLength(2);
    expect(refused.dropped).toEqual([]);
    expect(refused.fields).toEqual([{ field: 'service.version', reason: 'not a release: 1–64 of A-Z a-z 0-9 . _ + : @ / -' }]);
  });

  it('no session.id: the trace is the session; no status and an error span status: a network failure', () => {
    const m = otlpTracesToBeacons(
      { resourceSpans: [{ scopeSpans: [{ spans: [span({ status: { code: 'STATUS_CODE_ERROR' }, attributes: [attr('http.request.method', 'GET'), attr('url.full', 'https://api.example/x')] })] }] }] },
      { fallbackPage: 'https://shop.example/' },
    );
    expect(m.beacons[0]).toMatchObject({ session: 'otlp-abcdef0123456789', events: [{ type: 'http', status: 0 }] });
  });

  it('no page anywhere: dropped with what to do about it; exception span events become errors', () => {
    expect(one([span({ attributes: [attr('http.request.method', 'GET'), attr('url.full', 'https://a/x'), attr('http.response.status_code', 404)] })]).dropped).toEqual([
      { what: 'span', reason: 'no page URL: set a location.href attribute (docs/faro-compat.md)', count: 1 },
    ]);
    const m = one([span({ name: 'checkout', attributes: [attr('location.href', 'https://shop.example/cart')], events: [{ name: 'exception', timeUnixNano: '1796226123100000000', attributes: [attr('exception.type', 'Error'), attr('exception.message', 'boom'), attr('exception.stacktrace', 'Error: boom\n    at x')] }] })], [attr('session.id', 's')]);
    expect(m.beacons[0]!.events).toEqual([{ type: 'error', at: 1796226123100, kind: 'js', message: 'boom', stack: 'Error: boom\n    at x' }]);
  });
});

describe('OTLP logs captured from the real SDK', () => {
  it('web-exception records (severity ERROR) become errors with message and stack', () => {
    expect(isOtlpLogs(logs[0]), isOtlpLogs.problem()).toBe(true);
    const m = otlpLogsToBeacons(logs[0]!, { fallbackPage: REFERER });
    const b = m.beacons[0]!;
    expect(validator.beacon(b)).toBe(true);
    expect(b.events).toEqual([
      expect.objectContaining({ type: 'error', kind: 'js', message: "Cannot read properties of undefined (reading 'price')", stack: expect.stringMatching(/^TypeError: /) }),
      expect.objectContaining({ type: 'error', message: 'Stock service timed out', stack: expect.stringContaining('at Object.rejectPromise') }),
    ]);
  });

  it('below ERROR is dropped; severity by name, and the body when there is no exception.message', () => {
    const rec = (severityNumber: number | string, body: string) => ({ timeUnixNano: '1796226123000000000', severityNumber, body: { stringValue: body }, attributes: [{ key: 'session.id', value: { stringValue: 's' } }] });
    const m = otlpLogsToBeacons({ resourceLogs: [{ scopeLogs: [{ logRecords: [rec(9, 'info'), rec(13, 'warn'), rec('SEVERITY_NUMBER_FATAL', 'out of memory'), rec(17, 'payment failed')] }] }] }, { fallbackPage: 'https://shop.example/' });
    expect(m.items).toBe(4);
    expect(m.dropped).toEqual([{ what: 'log', reason: 'severity below ERROR', count: 2 }]);
    expect(m.beacons[0]!.events.map((e) => (e.type === 'error' ? e.message : ''))).toEqual(['out of memory', 'payment failed']);
  });
});

describe('OTLP shape check', () => {
  it.each([
    ['traces', isOtlpTraces, {}, 'resourceSpans is missing'],
    ['traces', isOtlpTraces, { resourceSpans: {} }, 'resourceSpans must be array'],
    ['traces', isOtlpTraces, { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x' }] }] }] }, 'resourceSpans.0.scopeSpans.0.spans.0.startTimeUnixNano is missing'],
    ['traces', isOtlpTraces, { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x', startTimeUnixNano: true, endTimeUnixNano: 1 }] }] }] }, 'resourceSpans.0.scopeSpans.0.spans.0.startTimeUnixNano must be string,number'],
    ['logs', isOtlpLogs, { resourceSpans: [] }, 'resourceLogs is missing'],
    ['logs', isOtlpLogs, { resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [{ value: {} }] }] }] }] }, 'resourceLogs.0.scopeLogs.0.logRecords.0.attributes.0.key is missing'],
  ])('%s: refuses %j, naming the field', (_kind, check, body, problem) => {
    expect(check(body)).toBe(false);
    expect(check.problem()).toBe(problem);
  });
});
