/**
 * The Grafana Faro Web SDK's transport body (`TransportBody` in @grafana/faro-core), as far as
 * Touchpoint reads it, and its schema. Faro sends it as `POST {url}` with JSON, the project key
 * in `x-api-key`; fixtures/faro-payloads.json holds bodies the real SDK sent.
 */
import { compilePayloadSchema } from './payload-schema.ts';

type Attributes = Record<string, string | number | boolean>;

export interface FaroMeta {
  session: { id: string; attributes?: Attributes };
  page: { url: string };
  user?: { id?: string; email?: string; attributes?: Attributes };
  /** Not in the schema: read only when its fields are strings (faro-to-beacon.ts). */
  app?: { version?: unknown; release?: unknown };
}

export interface FaroMeasurement {
  type: string;
  values: Record<string, number>;
  timestamp: string;
  context?: Attributes;
}

export interface FaroStackFrame {
  filename?: string;
  function?: string;
  lineno?: number;
  colno?: number;
}

export interface FaroException {
  type: string;
  value: string;
  timestamp: string;
  stacktrace?: { frames?: FaroStackFrame[] };
  context?: Attributes;
}

export interface FaroEvent {
  name: string;
  domain?: string;
  timestamp: string;
  attributes?: Attributes;
}

export interface FaroPayload {
  meta: FaroMeta;
  measurements?: FaroMeasurement[];
  exceptions?: FaroException[];
  logs?: object[];
  events?: FaroEvent[];
  traces?: { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] };
}

const str = { type: 'string' } as const;
const attributes = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } } as const;

export const faroPayloadSchema = {
  type: 'object',
  required: ['meta'],
  properties: {
    meta: {
      type: 'object',
      required: ['session', 'page'],
      properties: {
        session: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128 }, attributes } },
        page: { type: 'object', required: ['url'], properties: { url: str } },
        user: { type: 'object', properties: { id: str, email: str, attributes } },
      },
    },
    measurements: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'values', 'timestamp'],
        properties: { type: str, values: { type: 'object', additionalProperties: { type: 'number' } }, timestamp: str, context: attributes },
      },
    },
    exceptions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'value', 'timestamp'],
        properties: {
          type: str,
          value: str,
          timestamp: str,
          context: attributes,
          stacktrace: {
            type: 'object',
            properties: {
              frames: {
                type: 'array',
                items: { type: 'object', properties: { filename: str, function: str, lineno: { type: 'number' }, colno: { type: 'number' } } },
              },
            },
          },
        },
      },
    },
    logs: { type: 'array', items: { type: 'object' } },
    events: {
      type: 'array',
      items: { type: 'object', required: ['name', 'timestamp'], properties: { name: str, domain: str, timestamp: str, attributes } },
    },
    traces: {
      type: 'object',
      properties: {
        resourceSpans: {
          type: 'array',
          items: {
            type: 'object',
            properties: { scopeSpans: { type: 'array', items: { type: 'object', properties: { spans: { type: 'array' } } } } },
          },
        },
      },
    },
  },
} as const;

export const isFaroPayload = compilePayloadSchema<FaroPayload>(faroPayloadSchema);
