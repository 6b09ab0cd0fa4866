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
  TP_ERR_UNSUBSCRIBE_LINK_MALFORMED: [400, 'This unsubscribe link is cut short or garbled: open the link from the email as it is (it ends in ?token=…)'],
  TP_ERR_UNSUBSCRIBE_LINK_INVALID: [403, 'This unsubscribe link was not made by this Touchpoint, or was changed: open the link from the email as it is'],
  TP_ERR_SPOOL_FULL: [503, 'The ingest spool is full while storage catches up; retry after the Retry-After seconds'],
  TP_ERR_NOT_READY: [503, 'Storage or Redis is not answering'],
  TP_ERR_AGENT_NOT_BUILT: [503, 'agent/dist/agent.js is missing: build it with `npm run build -w agent`'],
  TP_ERR_INTERNAL: [500, 'Internal error; the request was logged'],
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
