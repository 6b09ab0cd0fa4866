/**
 * Every coded error Touchpoint raises, in one table (as fastify's lib/errors.js): what the HTTP
 * API answers (with its status) and what stops the process at start-up (no status: printed as
 * one line, exit 1). Each message tells the reader what to fix; a detail may follow it.
 *
 * HTTP bodies are `{ statusCode, code, error, message }` (ErrorBody in beacon.ts).
 */
import { MAX_BODY_BYTES } from './beacon.ts';

interface Entry {
  /** HTTP status, for errors the API answers with. */
  readonly status?: number;
  readonly message: string;
}

export const ERRORS = {
  // Ingest
  TP_ERR_INVALID_JSON: { status: 400, message: 'The body is not valid JSON' },
  TP_ERR_INVALID_BEACON: { status: 400, message: 'The beacon does not match protocol v1' },
  TP_ERR_NO_VALID_EVENTS: { status: 400, message: 'No event in the beacon is valid' },
  TP_ERR_PERSONAL_ID: { status: 400, message: 'An id is personal data' },
  TP_ERR_MISSING_KEY: { status: 401, message: 'Send the project key as ?key= or the X-Touchpoint-Key header' },
  TP_ERR_UNKNOWN_KEY: { status: 401, message: 'No project has this ingest key' },
  TP_ERR_ORIGIN_NOT_ALLOWED: { status: 403, message: 'This origin is not allowed for the project' },
  TP_ERR_BEACON_TOO_LARGE: { status: 413, message: `A beacon body may be at most ${MAX_BODY_BYTES} bytes; split the events over several beacons` },
  TP_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send beacons as text/plain (navigator.sendBeacon) or application/json' },
  TP_ERR_RATE_LIMITED: { status: 429, message: 'Too many beacons; retry after the Retry-After seconds' },
  // The Faro and OTLP receivers (collector/src/receivers/, routes/faro.ts, routes/otlp.ts)
  TP_ERR_MISSING_SDK_KEY: { status: 401, message: 'Send the project key as the x-api-key header (Faro: apiKey; OpenTelemetry exporters: headers), in the path (/collect/<key>) or as ?key=' },
  TP_ERR_INVALID_FARO_PAYLOAD: { status: 400, message: 'The body is not a Grafana Faro payload (meta.session.id, meta.page.url, and arrays of measurements, exceptions, logs or events)' },
  TP_ERR_INVALID_OTLP_PAYLOAD: { status: 400, message: 'The body is not OTLP/HTTP JSON: /v1/traces takes an ExportTraceServiceRequest (resourceSpans), /v1/logs an ExportLogsServiceRequest (resourceLogs)' },
  TP_ERR_EMPTY_PAYLOAD: { status: 400, message: 'The payload carries nothing: no measurements, exceptions, logs, events, spans or log records' },
  TP_ERR_INVALID_ENCODING: { status: 400, message: 'The body does not match its Content-Encoding' },
  TP_ERR_PAYLOAD_TOO_LARGE: { status: 413, message: "The Faro or OTLP body is too large; lower the SDK's batch size (Faro: batching.itemLimit; OpenTelemetry: maxExportBatchSize)" },
  TP_ERR_OTLP_PROTOBUF: { status: 415, message: "OTLP/HTTP protobuf is not accepted: send OTLP/HTTP JSON (Content-Type: application/json, exporter protocol http/json, the browser exporters' default)" },
  TP_ERR_UNSUPPORTED_ENCODING: { status: 415, message: 'Send the body uncompressed, or with Content-Encoding: gzip or deflate' },
  TP_ERR_SDK_MEDIA_TYPE: { status: 415, message: 'Send Faro and OTLP payloads as JSON (Content-Type: application/json)' },
  // The prompt channel (collector/src/routes/prompts.ts)
  TP_ERR_BAD_PROMPT_CHANNEL: { status: 400, message: 'Open the prompt channel as GET /v1/prompts?key=<project key>&session=<the beacons\' session id, 1-128 characters>[&lang=<BCP 47 tag, e.g. nl-BE>]' },
  TP_ERR_TOO_MANY_PROMPT_CHANNELS: { status: 429, message: 'Too many prompt channels open from this client address; retry after the Retry-After seconds' },
  TP_ERR_PROMPT_CHANNELS_FULL: { status: 503, message: 'This collector holds as many prompt channels as it may (TOUCHPOINT_MAX_PROMPT_CHANNELS); retry after the Retry-After seconds' },
  TP_ERR_SPOOL_FULL: { status: 503, message: 'The ingest spool is full while storage catches up; retry after the Retry-After seconds' },
  // Query API and admin
  TP_ERR_UNAUTHORIZED: { status: 401, message: 'Send the admin token as Authorization: Bearer <token>' },
  TP_ERR_TOO_MANY_AUTH_FAILURES: { status: 429, message: 'Too many wrong admin tokens from this address; wait for the Retry-After seconds' },
  TP_ERR_UNKNOWN_PROJECT: { status: 404, message: 'No such project' },
  TP_ERR_UNKNOWN_TEMPLATE: { status: 404, message: 'No such template: GET /api/v1/projects/:project/templates lists them' },
  TP_ERR_UNKNOWN_SESSION: { status: 404, message: 'No beacon of this session was received in the window: widen from and to' },
  TP_ERR_NOT_FOUND: { status: 404, message: 'No such route' },
  TP_ERR_BAD_QUERY: { status: 400, message: 'Invalid query parameters' },
  TP_ERR_BAD_REQUEST: { status: 400, message: 'The request is malformed' },
  // Erasure (collector/src/routes/erasure.ts)
  TP_ERR_BAD_CUSTOMER_ID: { status: 400, message: 'The customer id must be 1-128 characters without control characters, exactly as the beacons carry it (`customer`, or `identify`\'s id)' },
  TP_ERR_UNKNOWN_ERASURE: { status: 404, message: 'No erasure with this id in this project (receipts are kept 30 days)' },
  // Customer-facing links
  TP_ERR_UNSUBSCRIBE_LINK_MALFORMED: { status: 400, message: 'This unsubscribe link is cut short or garbled: open the link from the email as it is (it ends in ?token=…)' },
  TP_ERR_UNSUBSCRIBE_LINK_INVALID: { status: 403, message: 'This unsubscribe link was not made by this Touchpoint, or was changed: open the link from the email as it is' },
  TP_ERR_NOT_READY: { status: 503, message: 'Storage or Redis is not answering' },
  TP_ERR_AGENT_NOT_BUILT: { status: 503, message: 'agent/dist/agent.js is missing: build it with `npm run build -w @touchpoint/agent`' },
  TP_ERR_INTERNAL: { status: 500, message: 'Internal error; the request was logged' },
  // Start-up: printed as `touchpoint: <message>` and exit 1, before anything is started
  TP_ERR_CONFIG: { message: 'Invalid setting' },
  TP_ERR_PROJECTS_FILE: { message: 'Invalid projects file (TOUCHPOINT_PROJECTS)' },
  TP_ERR_COPY_FILE: { message: 'Invalid customer copy template file (docs/templates.md)' },
  TP_ERR_REDIS_SERVER_MISSING: {
    message:
      'REDIS_URL is not set and no redis-server is on PATH: install one (apt-get install redis-server, brew install redis) or set REDIS_URL=redis://host:6379',
  },
  TP_ERR_REDIS_SERVER_FAILED: { message: 'The private redis-server did not start' },
  // Build and tooling
  TP_ERR_AGENT_OVER_BUDGET: { message: 'agent.js is over its gzip budget: trim a capture module or a dependency before merging' },
  TP_ERR_CLUSTER_SCHEMA: { message: 'A migration has no cluster form' },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof ERRORS;

export class TouchpointError extends Error {
  readonly code: ErrorCode;
  /** HTTP status (500 for codes that are not HTTP answers). */
  readonly statusCode: number;
  /** Response headers that go with it (Retry-After…). */
  readonly headers: Record<string, string>;
  constructor(code: ErrorCode, detail?: string, headers: Record<string, string> = {}) {
    const entry: Entry = ERRORS[code];
    super(detail ? `${entry.message}: ${detail}` : entry.message);
    this.name = 'TouchpointError';
    this.code = code;
    this.statusCode = entry.status ?? 500;
    this.headers = headers;
  }
}

/** An invalid setting: `ConfigError('PORT must be …')` reads as one line at start-up. */
export class ConfigError extends TouchpointError {
  constructor(detail: string, code: 'TP_ERR_CONFIG' | 'TP_ERR_PROJECTS_FILE' | 'TP_ERR_COPY_FILE' = 'TP_ERR_CONFIG') {
    super(code, detail);
    this.name = 'ConfigError';
    // The detail names the setting and what it takes: the generic prefix adds nothing.
    this.message = detail;
  }
}
