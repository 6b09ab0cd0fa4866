/**
 * POST /collect and /collect/:appKey: the Grafana Faro Web SDK's payloads (point Faro's `url` at
 * it; the project key is Faro's `apiKey`, sent as x-api-key, or the path's last segment).
 * Answered 202 with what was stored, refused and dropped; docs/faro-compat.md has the mapping.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isFaroPayload, type FaroPayload } from '../receivers/faro-payload.ts';
import { faroToBeacons } from '../receivers/faro-to-beacon.ts';
import type { RouteDeps } from './deps.ts';
import { errorResponses } from '@touchpoint/protocol/api/common';
import { sdkIngest, type SdkReceiver } from './sdk-ingest.ts';

const faro: SdkReceiver<FaroPayload> = { name: 'faro', check: isFaroPayload, invalid: 'TP_ERR_INVALID_FARO_PAYLOAD', map: (p) => faroToBeacons(p) };

const accepted = {
  type: 'object',
  properties: {
    accepted: { type: 'integer' },
    rejected: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, reason: { type: 'string' } } } },
    dropped: { type: 'array', items: { type: 'object', properties: { what: { type: 'string' }, reason: { type: 'string' }, count: { type: 'integer' } } } },
  },
} as const;

export default async function faroRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const sdk = sdkIngest(app, deps, () => 'faro');
  const appKey = (req: FastifyRequest) => (req.params as { appKey?: string }).appKey;
  sdk.preflight('/collect');
  sdk.preflight('/collect/:appKey', appKey);

  const schema = {
    params: { type: 'object', properties: { appKey: { type: 'string', minLength: 1, maxLength: 128 } } },
    querystring: { type: 'object', properties: { key: { type: 'string', maxLength: 128 } } },
    response: { 202: accepted, ...errorResponses },
  };
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const outcome = await sdk.ingest(faro, req, appKey(req));
    return reply.code(202).send({ accepted: outcome.accepted, rejected: outcome.rejected, dropped: outcome.dropped });
  };
  app.post('/collect', { schema }, handler);
  app.post('/collect/:appKey', { schema }, handler);
}
