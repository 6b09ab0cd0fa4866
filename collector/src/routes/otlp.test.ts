import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import logFixtures from '../receivers/fixtures/otlp-logs.json' with { type: 'json' };
import traceFixtures from '../receivers/fixtures/otlp-traces.json' with { type: 'json' };
import type { OtlpLogs, OtlpTraces } from '../receivers/otlp-payload.ts';
import { postPayload, type Answer } from '../receivers/testing/post-payload.ts';
import { shiftTimes } from '../receivers/testing/shift-times.ts';
import { startTestTouchpoint, summary, waitFor } from '@touchpoint/node/testing';
import type { Touchpoint } from '@touchpoint/node';
import { SDK_MAX_BODY_BYTES } from './sdk-ingest.ts';

let tp: Touchpoint;
beforeAll(async () => {
  tp = await startTestTouchpoint();
});
afterAll(async () => tp?.close());

const post = (path: string, body: unknown, headers?: Record<string, string>, raw?: boolean) => postPayload(tp, path, body, headers, raw);
const traces = traceFixtures as unknown as OtlpTraces[];
const logs = logFixtures as unknown as OtlpLogs[];
const REFERER = 'https://shop.example/products/kettle';

/** A captured payload under a session of its own (web-common's session.id attribute). */
function withSession<T>(payload: T, id: string): T {
  const text = JSON.stringify(shiftTimes(payload)).replace(/"key":"session\.id","value":\{"stringValue":"[0-9a-f]+"\}/g, `"key":"session.id","value":{"stringValue":"${id}"}`);
  return JSON.parse(text) as T;
}

describe('POST /v1/traces and /v1/logs accept what the OpenTelemetry browser SDK sends', () => {
  it('traces and logs with 200 {}, and the summary shows the page load, FCP, failed requests and errors', async () => {
    const id = `otel-${Date.now()}`;
    for (const t of traces) {
      const res = await post('/v1/traces', withSession(t, id), { 'content-type': 'application/json', 'x-api-key': 'demo', referer: REFERER });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({});
    }
    const l = await post('/v1/logs?key=demo', withSession(logs[0]!, id), { 'content-type': 'application/json', referer: REFERER });
    expect(l.status).toBe(200);
    const s = await waitFor(async () => {
      const s = await summary(tp, { session: id });
      return (s.events.error ?? 0) >= 2 && (s.events.http ?? 0) >= 2 && s;
    });
    expect(s.events).toEqual({ nav: 1, vital: 2, http: 2, error: 2 });
    expect(s.vitals.FCP?.count).toBe(1);
    const rs = await tp.storage.client.query({ query: 'SELECT status, path FROM touchpoint.requests WHERE session = {s:String} ORDER BY status', query_params: { s: id }, format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([
      { status: 0, path: '/products/kettle' },
      { status: 500, path: '/products/kettle' },
    ]);
  });

  it('partialSuccess names the events refused, the rest stored', async () => {
    const span = (status: number, method: string) => ({
      name: method,
      startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
      endTimeUnixNano: String(BigInt(Date.now() + 5) * 1_000_000n),
      attributes: [
        { key: 'http.request.method', value: { stringValue: method } },
        { key: 'url.full', value: { stringValue: 'https://api.example/x' } },
        { key: 'http.response.status_code', value: { intValue: status } },
        { key: 'location.href', value: { stringValue: 'https://shop.example/cart' } },
        { key: 'session.id', value: { stringValue: 'otel-partial' } },
      ],
    });
    const res = await post('/v1/traces', { resourceSpans: [{ scopeSpans: [{ spans: [span(503, 'GET'), span(500, 'NOT-A-METHOD')] }] }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ partialSuccess: { rejectedSpans: 1, errorMessage: 'http: method must NOT have more than 10 characters' } });
  });

  it('a service.version that is no release: the spans stored without one, and a warning (partialSuccess with 0 rejected)', async () => {
    const id = `otel-version-${Date.now()}`;
    const t = withSession(traces[0]!, id);
    const version = t.resourceSpans[0]!.resource!.attributes!.find((a) => a.key === 'service.version')!;
    version.value = { stringValue: '1.0.0 (build 7)' };
    const res = await post('/v1/traces', t, { 'content-type': 'application/json', 'x-api-key': 'demo', referer: REFERER });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ partialSuccess: { rejectedSpans: 0, errorMessage: 'service.version: not a release: 1–64 of A-Z a-z 0-9 . _ + : @ / -' } });
    await waitFor(async () => ((await summary(tp, { session: id })).events.nav ?? 0) >= 1);
  });

  it('gzip, and spans that map onto nothing (200, counted)', async () => {
    const ok = { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'GET', startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: [{ key: 'http.response.status_code', value: { intValue: 200 } }] }] }] }] };
    const res = await post('/v1/traces', gzipSync(JSON.stringify(ok)), { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': 'demo' }, true);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const text = await (await fetch(`${tp.url}/metrics`)).text();
    expect(text).toMatch(/touchpoint_receiver_items_total\{receiver="otlp-traces",what="span",outcome="dropped"\} [1-9]/);
    expect(text).toMatch(/touchpoint_receiver_payloads_total\{receiver="otlp-traces",outcome="dropped",reason="ok"\} [1-9]/);
  });

  it('CORS preflight for the exporter headers', async () => {
    const pre = await fetch(`${tp.url}/v1/logs`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('x-api-key');
    expect(pre.headers.get('access-control-allow-methods')).toBe('POST');
  });
});

describe('POST /v1/traces and /v1/logs refuse', () => {
  const json = { 'content-type': 'application/json', 'x-api-key': 'demo' };
  const cases: [string, () => Promise<Answer>, number, string, RegExp?][] = [
    ['protobuf, naming JSON', () => post('/v1/traces', new Uint8Array([10, 0]), { 'content-type': 'application/x-protobuf', 'x-api-key': 'demo' }, true), 415, 'TP_ERR_OTLP_PROTOBUF', /http\/json/],
    ['protobuf logs', () => post('/v1/logs', new Uint8Array([10, 0]), { 'content-type': 'application/x-protobuf', 'x-api-key': 'demo' }, true), 415, 'TP_ERR_OTLP_PROTOBUF'],
    ['a body that is not JSON', () => post('/v1/traces', '{"resourceSpans": [', json, true), 400, 'TP_ERR_INVALID_JSON'],
    ['a logs body sent to /v1/traces', () => post('/v1/traces', logs[0]), 400, 'TP_ERR_INVALID_OTLP_PAYLOAD', /resourceSpans is missing/],
    ['a traces body sent to /v1/logs', () => post('/v1/logs', traces[0]), 400, 'TP_ERR_INVALID_OTLP_PAYLOAD', /resourceLogs is missing/],
    ['a span without times', () => post('/v1/traces', { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x' }] }] }] }), 400, 'TP_ERR_INVALID_OTLP_PAYLOAD', /startTimeUnixNano is missing/],
    ['no spans at all', () => post('/v1/traces', { resourceSpans: [] }), 400, 'TP_ERR_EMPTY_PAYLOAD'],
    ['no log records at all', () => post('/v1/logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [] }] }] }), 400, 'TP_ERR_EMPTY_PAYLOAD'],
    ['no key', () => post('/v1/traces', traces[0], { 'content-type': 'application/json' }), 401, 'TP_ERR_MISSING_SDK_KEY'],
    ['an unknown key', () => post('/v1/logs', logs[0], { 'content-type': 'application/json', 'x-api-key': 'nope' }), 401, 'TP_ERR_UNKNOWN_KEY'],
    ['a body over the limit', () => post('/v1/traces', { resourceSpans: [{ resource: { attributes: [{ key: 'x', value: { stringValue: 'x'.repeat(SDK_MAX_BODY_BYTES) } }] } }] }), 413, 'TP_ERR_PAYLOAD_TOO_LARGE', /maxExportBatchSize/],
    ['a content type that is not JSON', () => post('/v1/traces', 'a=b', { 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': 'demo' }, true), 415, 'TP_ERR_SDK_MEDIA_TYPE'],
    ['events none of which is valid', () => post('/v1/logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1', severityNumber: 17, body: { stringValue: 'x' }, attributes: [{ key: 'session.id', value: { stringValue: 's' } }, { key: 'location.href', value: { stringValue: 'ftp://x' } }] }] }] }] }), 400, 'TP_ERR_NO_VALID_EVENTS', /beacon: page must match pattern/],
  ];
  it.each(cases)('%s', async (_name, send, status, code, message) => {
    const res = await send();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.code).toBe(code);
    if (message) expect(String(res.body.message)).toMatch(message);
  });
});
