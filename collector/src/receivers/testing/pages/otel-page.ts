/**
 * A shop page instrumented the way OpenTelemetry's browser docs tell a user to: a
 * WebTracerProvider with the OTLP/HTTP trace exporter, the document-load, fetch and XHR
 * instrumentations, a LoggerProvider with the OTLP/HTTP log exporter and the web-exception
 * instrumentation, and web-common's session processors (the `session.id` attribute). Pointed at
 * Touchpoint with `?collector=`; the project key goes in the exporters' `x-api-key` header.
 */
import { logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { ExceptionInstrumentation } from '@opentelemetry/instrumentation-web-exception';
import { XMLHttpRequestInstrumentation } from '@opentelemetry/instrumentation-xml-http-request';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { createDefaultSessionIdGenerator, createLocalStorageSessionStore, createSessionLogRecordProcessor, createSessionManager, createSessionSpanProcessor } from '@opentelemetry/web-common';
import { shopActions } from './shop-actions.ts';

const params = new URLSearchParams(location.search);
const collector = params.get('collector') ?? '';
const headers: Record<string, string> = {};
const key = params.get('key');
if (key) headers['x-api-key'] = key;

const resource = resourceFromAttributes({ 'service.name': 'otel-shop', 'service.version': '1.0.0' });
const sessions = createSessionManager({ sessionIdGenerator: createDefaultSessionIdGenerator(), sessionStore: createLocalStorageSessionStore() });
void sessions.start();

// Short export delays so a test does not wait the SDKs' default 5 s (traces) and 1 s (logs).
const tracer = new WebTracerProvider({
  resource,
  spanProcessors: [createSessionSpanProcessor(sessions), new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector}/v1/traces`, headers }), { scheduledDelayMillis: 200 })],
});
tracer.register();

const logger = new LoggerProvider({
  resource,
  processors: [createSessionLogRecordProcessor(sessions), new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${collector}/v1/logs`, headers }), scheduledDelayMillis: 200 })],
});
logs.setGlobalLoggerProvider(logger);

registerInstrumentations({
  instrumentations: [
    new DocumentLoadInstrumentation(),
    new FetchInstrumentation({ ignoreUrls: [/\/v1\/(traces|logs)$/] }),
    new XMLHttpRequestInstrumentation({ ignoreUrls: [/\/v1\/(traces|logs)$/] }),
    new ExceptionInstrumentation(),
  ],
});

Object.assign(window, {
  shop: {
    ...shopActions(),
    /** Pushes both exporters' queues out now. */
    async flush() {
      await tracer.forceFlush();
      await logger.forceFlush();
    },
  },
});
