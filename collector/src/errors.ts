/**
 * Every error the collector answers with: one code, its HTTP status and a message that tells
 * the caller what to fix. Bodies are `{ statusCode, code, error, message }` (protocol ErrorBody).
 */
import { STATUS_CODES } from 'node:http';
import { MAX_BODY_BYTES } from '@touchpoint/protocol';

export const ERRORS = {
  TP_ERR_INVALID_JSON: [400, 'The body is not valid JSON'],
  TP_ERR_INVALID_BEACON: [400, 'The beacon does not match protocol v1'],
  TP_ERR_NO_VALID_EVENTS: [400, 'No event in the beacon is valid'],
  TP_ERR_MISSING_KEY: [401, 'Send the project key as ?key= or the X-Touchpoint-Key header'],
  TP_ERR_UNKNOWN_KEY: [401, 'No project has this ingest key'],
  TP_ERR_UNAUTHORIZED: [401, 'Send the admin token as Authorization: Bearer <token>'],
  TP_ERR_ORIGIN_NOT_ALLOWED: [403, 'This origin is not allowed for the project'],
  TP_ERR_UNKNOWN_PROJECT: [404, 'No such project'],
  TP_ERR_NOT_FOUND: [404, 'No such route'],
  TP_ERR_BEACON_TOO_LARGE: [413, `A beacon body may be at most ${MAX_BODY_BYTES} bytes; split the events over several beacons`],
  TP_ERR_UNSUPPORTED_MEDIA_TYPE: [415, 'Send beacons as text/plain (navigator.sendBeacon) or application/json'],
  TP_ERR_RATE_LIMITED: [429, 'Too many beacons; retry after the Retry-After seconds'],
  TP_ERR_BAD_QUERY: [400, 'Invalid query parameters'],
  TP_ERR_SPOOL_FULL: [503, 'The ingest spool is full while storage catches up; retry after the Retry-After seconds'],
  TP_ERR_NOT_READY: [503, 'Storage or Redis is not answering'],
  TP_ERR_AGENT_NOT_BUILT: [503, 'agent/dist/agent.js is missing: build it with `npm run build -w agent`'],
  TP_ERR_INTERNAL: [500, 'Internal error; the request was logged'],
  // The Faro and OTLP receivers (receivers/, routes/faro.ts, routes/otlp.ts).
  TP_ERR_MISSING_SDK_KEY: [401, 'Send the project key as the x-api-key header (Faro: apiKey; OpenTelemetry exporters: headers), in the path (/collect/<key>) or as ?key='],
  TP_ERR_INVALID_FARO_PAYLOAD: [400, 'The body is not a Grafana Faro payload (meta.session.id, meta.page.url, and arrays of measurements, exceptions, logs or events)'],
  TP_ERR_INVALID_OTLP_PAYLOAD: [400, 'The body is not OTLP/HTTP JSON: /v1/traces takes an ExportTraceServiceRequest (resourceSpans), /v1/logs an ExportLogsServiceRequest (resourceLogs)'],
  TP_ERR_EMPTY_PAYLOAD: [400, 'The payload carries nothing: no measurements, exceptions, logs, events, spans or log records'],
  TP_ERR_INVALID_GZIP: [400, 'The body is not valid gzip, though Content-Encoding says it is'],
  TP_ERR_PAYLOAD_TOO_LARGE: [413, "The Faro or OTLP body is too large; lower the SDK's batch size (Faro: batching.itemLimit; OpenTelemetry: maxExportBatchSize)"],
  TP_ERR_OTLP_PROTOBUF: [415, 'OTLP/HTTP protobuf is not accepted: send OTLP/HTTP JSON (Content-Type: application/json, exporter protocol http/json, the browser exporters\' default)'],
  TP_ERR_UNSUPPORTED_ENCODING: [415, 'Send the body uncompressed or with Content-Encoding: gzip'],
  TP_ERR_SDK_MEDIA_TYPE: [415, 'Send Faro and OTLP payloads as JSON (Content-Type: application/json)'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERRORS;

export class TouchpointError extends Error {
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly headers: Record<string, string>;
  constructor(code: ErrorCode, detail?: string, headers: Record<string, string> = {}) {
    const [status, message] = ERRORS[code];
    super(detail ? `${message}: ${detail}` : message);
    this.statusCode = status;
    this.code = code;
    this.headers = headers;
  }
}

export function errorBody(statusCode: number, code: string, message: string) {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
