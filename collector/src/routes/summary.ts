import type { FastifyInstance } from 'fastify';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { querySummary } from '../storage/summary.ts';
import type { RouteDeps } from './deps.ts';
import { errorResponses } from './schemas.ts';

/** Queries may span at most this much: every query is bounded in time. */
const MAX_RANGE_MS = 92 * 24 * 3600_000;

const quantiles = { type: 'object', properties: { count: { type: 'integer' }, p50: { type: 'number' }, p75: { type: 'number' }, p95: { type: 'number' } } };

/** GET /api/v1/projects/:project/summary */
export default async function summaryRoutes(app: FastifyInstance, { projects, storage }: RouteDeps): Promise<void> {
  app.get<{ Params: { project: string }; Querystring: { from: number; to: number; customer?: string; session?: string } }>(
    '/api/v1/projects/:project/summary',
    {
      schema: {
        params: { type: 'object', required: ['project'], properties: { project: { type: 'string', maxLength: 64 } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'to'],
          properties: {
            from: { type: 'integer', minimum: 0, maximum: 1e14 },
            to: { type: 'integer', minimum: 0, maximum: 1e14 },
            customer: { type: 'string', minLength: 1, maxLength: 128 },
            session: { type: 'string', minLength: 1, maxLength: 128 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              beacons: { type: 'integer' },
              events: { type: 'object', additionalProperties: { type: 'integer' } },
              vitals: { type: 'object', additionalProperties: quantiles },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { project } = req.params;
      const { from, to, customer, session } = req.query;
      if (!projects.byId(project)) throw new TouchpointError('TP_ERR_UNKNOWN_PROJECT', project);
      if (to <= from) throw new TouchpointError('TP_ERR_BAD_QUERY', '"to" must be after "from"');
      if (to - from > MAX_RANGE_MS) throw new TouchpointError('TP_ERR_BAD_QUERY', 'the range may span at most 92 days');
      return querySummary(storage, { project, from, to, customer, session });
    },
  );
}
