import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, MAX_RANGE_MS, ProjectParams } from '@touchpoint/protocol/api/common';
import { Summary, SummaryQuery } from '@touchpoint/protocol/api/summary';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { querySummary } from '../storage/reports/summary.ts';
import type { RouteDeps } from './deps.ts';

/** GET /api/v1/projects/:project/summary */
export default async function summaryRoutes(fastify: FastifyInstance, { projects, storage }: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/v1/projects/:project/summary', {
    schema: { params: ProjectParams, querystring: SummaryQuery, response: { 200: Summary, ...errorResponses } },
  }, async (req) => {
    const { project } = req.params;
    const { from, to, customer, session, test } = req.query;
    if (!projects.byId(project)) throw new TouchpointError('TP_ERR_UNKNOWN_PROJECT', project);
    if (to <= from) throw new TouchpointError('TP_ERR_BAD_QUERY', '"to" must be after "from"');
    if (to - from > MAX_RANGE_MS) throw new TouchpointError('TP_ERR_BAD_QUERY', 'the range may span at most 92 days');
    return querySummary(storage, { project, from, to, customer, session, test });
  });
}
