/**
 * GET /api/v1/projects/:project/outreach?from=&to=&limit= : customer-rescue incidents with the
 * decision (sent per channel, holdout, skipped and why), whether the customer completed a
 * checkout within 24 h, totals with the lift over the holdout, and the dead letters.
 * Admin auth is applied by the app to every /api/ route.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './deps.ts';
import { TouchpointError } from '@touchpoint/protocol/errors';

const DAY_MS = 86_400_000;
/** Dead letters listed with the incidents; older ones are still kept in Redis (up to 1000). */
const DEAD_LETTERS_SHOWN = 100;

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'integer', minimum: 0, description: 'epoch ms, inclusive; default: 7 days before `to`' },
    to: { type: 'integer', minimum: 0, description: 'epoch ms, exclusive; default: now' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

const params = {
  type: 'object',
  required: ['project'],
  properties: { project: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } },
} as const;

const incident = {
  type: 'object',
  required: ['incident', 'customer', 'reason', 'channel', 'status', 'at', 'holdout', 'completedAfter'],
  properties: {
    incident: { type: 'string' },
    customer: { type: 'string' },
    reason: { type: 'string' },
    channel: { type: 'string' },
    status: { type: 'string', enum: ['sent', 'holdout', 'skipped'] },
    skipReason: { type: 'string' },
    checkout: { type: 'string' },
    at: { type: 'integer' },
    timeToOutreachMs: { type: 'integer' },
    holdout: { type: 'boolean' },
    completedAfter: { type: 'boolean' },
    completedAt: { type: 'integer' },
  },
} as const;

const deadLetter = {
  type: 'object',
  required: ['id', 'audience', 'channel', 'reason', 'incident', 'error', 'attempts', 'failedAt'],
  properties: {
    id: { type: 'string' },
    audience: { type: 'string' },
    channel: { type: 'string' },
    reason: { type: 'string' },
    incident: { type: 'string' },
    customer: { type: 'string' },
    error: { type: 'string' },
    attempts: { type: 'integer' },
    failedAt: { type: 'integer' },
  },
} as const;

const errorBody = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' } },
} as const;

const response = {
  200: {
    type: 'object',
    required: ['project', 'from', 'to', 'incidents', 'totals', 'deadLetters'],
    properties: {
      project: { type: 'string' },
      from: { type: 'integer' },
      to: { type: 'integer' },
      incidents: { type: 'array', items: incident },
      totals: {
        type: 'object',
        properties: {
          contacted: { type: 'integer' },
          completedAfterContact: { type: 'integer' },
          holdout: { type: 'integer' },
          completedInHoldout: { type: 'integer' },
          skipped: { type: 'integer' },
          lift: { type: ['number', 'null'], description: 'completion rate after contact minus in the holdout; null without a holdout' },
        },
      },
      deadLetters: { type: 'array', items: deadLetter },
    },
  },
  400: errorBody,
} as const;

export default async function outreachRoutes(app: FastifyInstance, { outreach }: Pick<RouteDeps, 'outreach'>): Promise<void> {
  app.get<{ Params: { project: string }; Querystring: { from?: number; to?: number; limit: number } }>(
    '/api/v1/projects/:project/outreach',
    { schema: { params, querystring, response }, attachValidation: true },
    async (req) => {
      if (req.validationError) throw new TouchpointError('TP_ERR_BAD_QUERY', `${req.validationError.message}; from and to are epoch ms, limit 1 to 1000`);
      const to = req.query.to ?? Date.now();
      const from = req.query.from ?? to - 7 * DAY_MS;
      if (from >= to) throw new TouchpointError('TP_ERR_BAD_QUERY', 'from must be before to');
      const { project } = req.params;
      const [report, deadLetters] = await Promise.all([
        outreach.log.list({ project, from, to, limit: req.query.limit }),
        outreach.deadLetters.list(project, DEAD_LETTERS_SHOWN),
      ]);
      return { project, from, to, incidents: report.incidents, totals: report.totals, deadLetters };
    },
  );
}
