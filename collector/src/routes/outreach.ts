/**
 * GET /api/v1/projects/:project/outreach?from=&to=&limit=&cursor=&q= : customer-rescue contacts,
 * one per incident with the decision on each channel (sent, holdout, skipped and why) and
 * whether the customer came back (CameBackRule, shown in the answer), newest first and paged
 * by `cursor`, searched by part of a customer or checkout id (`q`); the window's totals with the
 * lift over the holdout, a trend per UTC day, and the dead letters. Bounded like every query
 * route: a known project, at most 92 days, at most 1000 contacts a page. Admin auth is applied
 * by the app to every /api/ route.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, MAX_RANGE_MS } from '@touchpoint/protocol/api/common';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { CAME_BACK_WITHIN_MS, OutreachList, OutreachListParams, OutreachListQuery } from '@touchpoint/protocol/outreach';
import type { RouteDeps } from './deps.ts';
import { decodeCursor, encodeCursor } from './outreach-cursor.ts';

const DAY_MS = 86_400_000;
/** Dead letters listed with the incidents; older ones are still kept in Redis (up to 1000). */
const DEAD_LETTERS_SHOWN = 100;

export default async function outreachRoutes(fastify: FastifyInstance, { outreach, projects, config }: Pick<RouteDeps, 'outreach' | 'projects' | 'config'>): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/v1/projects/:project/outreach', {
    schema: { params: OutreachListParams, querystring: OutreachListQuery, response: { 200: OutreachList, ...errorResponses } },
  }, async (req) => {
    const { project } = req.params;
    if (!projects.byId(project)) throw new TouchpointError('TP_ERR_UNKNOWN_PROJECT', project);
    const to = req.query.to ?? Date.now();
    const from = req.query.from ?? to - 7 * DAY_MS;
    if (from >= to) throw new TouchpointError('TP_ERR_BAD_QUERY', '"from" must be before "to"');
    if (to - from > MAX_RANGE_MS) throw new TouchpointError('TP_ERR_BAD_QUERY', 'the range may span at most 92 days');
    const { cursor, q } = req.query;
    const readDelayMs = config.cameBackDelayMs;
    const [report, deadLetters] = await Promise.all([
      outreach.log.list({ project, from, to, limit: req.query.limit ?? 100, readDelayMs, ...(cursor ? { after: decodeCursor(cursor) } : {}), ...(q ? { search: q } : {}) }),
      outreach.deadLetters.list(project, DEAD_LETTERS_SHOWN),
    ]);
    return {
      project,
      from,
      to,
      contacts: report.contacts,
      totals: report.totals,
      trend: report.trend,
      cameBackRule: { readDelayMs, withinMs: CAME_BACK_WITHIN_MS },
      matched: report.matched,
      nextCursor: report.next ? encodeCursor(report.next) : null,
      deadLetters,
    };
  });
}
