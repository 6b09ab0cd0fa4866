/**
 * OTLP/HTTP JSON (ExportTraceServiceRequest, ExportLogsServiceRequest), as far as Touchpoint
 * reads it, and its schemas. Per the OTLP JSON mapping, 64-bit integers and nanosecond times may
 * come as strings or numbers, and enums as numbers or their names; fixtures/otlp-*.json hold
 * bodies the real browser SDK sent.
 */
import { compilePayloadSchema } from './payload-schema.ts';

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}

export interface KeyValue {
  key: string;
  value?: AnyValue;
}

type Nanos = number | string;

export interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name: string;
  kind?: number | string;
  startTimeUnixNano: Nanos;
  endTimeUnixNano: Nanos;
  attributes?: KeyValue[];
  events?: { timeUnixNano: Nanos; name: string; attributes?: KeyValue[] }[];
  status?: { code?: number | string; message?: string };
}

export interface OtlpLogRecord {
  timeUnixNano?: Nanos;
  observedTimeUnixNano?: Nanos;
  severityNumber?: number | string;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  traceId?: string;
  eventName?: string;
}

export interface OtlpResource {
  attributes?: KeyValue[];
}

export interface OtlpTraces {
  resourceSpans: { resource?: OtlpResource; scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[] }[];
}

export interface OtlpLogs {
  resourceLogs: { resource?: OtlpResource; scopeLogs?: { scope?: { name?: string }; logRecords?: OtlpLogRecord[] }[] }[];
}

const str = { type: 'string' } as const;
const nanos = { type: ['string', 'number'] } as const;
const attributes = { type: 'array', items: { type: 'object', required: ['key'], properties: { key: str, value: { type: 'object' } } } } as const;
const resource = { type: 'object', properties: { attributes } } as const;

export const otlpTracesSchema = {
  type: 'object',
  required: ['resourceSpans'],
  properties: {
    resourceSpans: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          resource,
          scopeSpans: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                spans: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['name', 'startTimeUnixNano', 'endTimeUnixNano'],
                    properties: {
                      traceId: str,
                      spanId: str,
                      parentSpanId: str,
                      name: str,
                      kind: { type: ['integer', 'string'] },
                      startTimeUnixNano: nanos,
                      endTimeUnixNano: nanos,
                      attributes,
                      events: { type: 'array', items: { type: 'object', required: ['timeUnixNano', 'name'], properties: { timeUnixNano: nanos, name: str, attributes } } },
                      status: { type: 'object', properties: { code: { type: ['integer', 'string'] }, message: str } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

export const otlpLogsSchema = {
  type: 'object',
  required: ['resourceLogs'],
  properties: {
    resourceLogs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          resource,
          scopeLogs: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                logRecords: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      timeUnixNano: nanos,
                      observedTimeUnixNano: nanos,
                      severityNumber: { type: ['integer', 'string'] },
                      severityText: str,
                      body: { type: 'object' },
                      attributes,
                      traceId: str,
                      eventName: str,
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

export const isOtlpTraces = compilePayloadSchema<OtlpTraces>(otlpTracesSchema);
export const isOtlpLogs = compilePayloadSchema<OtlpLogs>(otlpLogsSchema);
