/**
 * POST /v1/traces and /v1/logs: OTLP/HTTP JSON from the OpenTelemetry browser SDK's exporters
 * (their `url` pointed here, the project key in `headers: { 'x-api-key': … }` or `?key=`).
 * Protobuf is refused with a 415 naming JSON: decoding it would add a protobuf runtime and the
 * OTLP schema to the collector for what the browser exporters do not send by default.
 * Answered as OTLP asks: 200 with an Export…ServiceResponse, `partialSuccess` when events were
 * refused. docs/faro-compat.md has the mapping.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { otlpLogsToBeacons } from '../receivers/otlp-logs-to-beacon.ts';
import { isOtlpLogs, isOtlpTraces, type OtlpLogs, type OtlpTraces } from '../receivers/otlp-payload.ts';
import { otlpTracesToBeacons, type OtlpContext } from '../receivers/otlp-to-beacon.ts';
import type { RouteDeps } from './deps.ts';
import { errorResponses } from '@touchpoint/protocol/api/common';
import { sdkIngest, type SdkOutcome, type SdkReceiver } from './sdk-ingest.ts';

/** Spans and log records name no page unless the app adds location.href: file them under the
 *  page that exported them (the Referer; only its origin when the collector is cross-origin). */
function context(req: FastifyRequest): OtlpContext {
  const referer = req.headers.referer;
  return typeof referer === 'string' && /^https?:\/\//.test(referer) ? { fallbackPage: referer } : {};
}

const traces: SdkReceiver<OtlpTraces> = { name: 'otlp-traces', check: isOtlpTraces, invalid: 'TP_ERR_INVALID_OTLP_PAYLOAD', map: (p, req) => otlpTracesToBeacons(p, context(req)) };
const logs: SdkReceiver<OtlpLogs> = { name: 'otlp-logs', check: isOtlpLogs, invalid: 'TP_ERR_INVALID_OTLP_PAYLOAD', map: (p, req) => otlpLogsToBeacons(p, context(req)) };

const exportResponse = (rejectedField: string) =>
  ({
    type: 'object',
    properties: { partialSuccess: { type: 'object', properties: { [rejectedField]: { type: 'integer' }, errorMessage: { type: 'string' } } } },
  }) as const;

function answer(reply: FastifyReply, outcome: SdkOutcome, rejectedField: string) {
  // Nothing refused but a field left out: OTLP's way to warn is a partialSuccess with 0 rejected.
  if (outcome.rejected.length === 0) return reply.code(200).send({});
  const errorMessage = outcome.rejected.map((r) => `${r.type}: ${r.reason}`).join('; ');
  return reply.code(200).send({ partialSuccess: { [rejectedField]: outcome.rejectedCount, errorMessage } });
}

export default async function otlpRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const sdk = sdkIngest(app, deps, (url) => (url.startsWith('/v1/logs') ? 'otlp-logs' : 'otlp-traces'));
  sdk.preflight('/v1/traces');
  sdk.preflight('/v1/logs');
  const querystring = { type: 'object', properties: { key: { type: 'string', maxLength: 128 } } } as const;
  app.post('/v1/traces', { schema: { querystring, response: { 200: exportResponse('rejectedSpans'), ...errorResponses } } }, async (req, reply) =>
    answer(reply, await sdk.ingest(traces, req), 'rejectedSpans'),
  );
  app.post('/v1/logs', { schema: { querystring, response: { 200: exportResponse('rejectedLogRecords'), ...errorResponses } } }, async (req, reply) =>
    answer(reply, await sdk.ingest(logs, req), 'rejectedLogRecords'),
  );
}
