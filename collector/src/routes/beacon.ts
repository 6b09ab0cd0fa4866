import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_BODY_BYTES, type Beacon, type BeaconAnswer, type PartialAcceptance } from '@touchpoint/protocol';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { beaconAcceptor, noValidEvents, type Acceptance } from '../ingest/accept-beacon.ts';
import { decodeBody, parseJson } from '../ingest/read-body.ts';
import { RateLimiter } from '../lib/rate-limiter.ts';
import { askSurvey, surveyOccasion } from '../prompts/surveys.ts';
import { originAllowed, type Project } from '../projects.ts';
import type { RouteDeps } from './deps.ts';
import { errorResponses } from '@touchpoint/protocol/api/common';

/** Seconds a client should wait when the spool is full: about two writer passes. */
const SPOOL_FULL_RETRY_AFTER = '5';

/** POST /v1/beacon: protocol v1 ingest. */
export default async function beaconRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { projects, spool, metrics, validator, config, prompts, logger } = deps;
  const accept = beaconAcceptor(deps);
  const limiter = new RateLimiter(config.rateLimitPerSecond);
  const accepted = metrics.beacons.labels('accepted', 'ok');
  const partial = metrics.beacons.labels('partial', 'ok');

  // Bodies stay bytes until the route reads them (read-body.ts), so a malformed or compressed
  // one gets our coded error, and sendBeacon's text/plain is first-class.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['text/plain', 'application/json'], { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  // Every beacon answer is readable by the page that sent it, errors included: an agent that
  // cannot read a 401/403 would take it for a network failure and retry, and it needs
  // Retry-After to back off from 429/503. Whether the origin may send is decided per project.
  app.addHook('onRequest', (req, reply, done) => {
    const origin = req.headers.origin;
    if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin').header('access-control-expose-headers', 'retry-after');
    done();
  });

  app.options('/v1/beacon', async (req, reply) => {
    const origin = req.headers.origin;
    const key = (req.query as { key?: string }).key;
    const project = key ? projects.byKey(key) : undefined;
    const allowed = origin !== undefined && (project ? originAllowed(project, origin) : projects.all.some((p) => originAllowed(p, origin)));
    if (!allowed) throw new TouchpointError('TP_ERR_ORIGIN_NOT_ALLOWED', origin ?? '(no Origin header)');
    reply
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'content-type, content-encoding, x-touchpoint-key')
      .header('access-control-max-age', '86400')
      .code(204);
  });

  app.post<{ Querystring: { key?: string }; Body: Buffer }>(
    '/v1/beacon',
    {
      bodyLimit: MAX_BODY_BYTES,
      schema: {
        querystring: { type: 'object', properties: { key: { type: 'string', maxLength: 128 } } },
        response: {
          200: { type: 'object', properties: { prompt: { type: 'boolean' } } },
          202: {
            type: 'object',
            properties: {
              prompt: { type: 'boolean' },
              accepted: { type: 'integer' },
              rejected: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, reason: { type: 'string' } } } },
              dropped: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, reason: { type: 'string' } } } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const project = authenticate(req);
      if (!limiter.take(`${project.id}|${req.ip}`)) throw new TouchpointError('TP_ERR_RATE_LIMITED', undefined, { 'retry-after': '1' });
      if (spool.full) throw new TouchpointError('TP_ERR_SPOOL_FULL', undefined, { 'retry-after': SPOOL_FULL_RETRY_AFTER });

      if (!Buffer.isBuffer(req.body)) throw new TouchpointError('TP_ERR_UNSUPPORTED_MEDIA_TYPE', 'no Content-Type header');
      const encoding = req.headers['content-encoding'];
      const parsed = parseJson(decodeBody(req.body, typeof encoding === 'string' ? encoding : undefined, { maxBytes: MAX_BODY_BYTES, tooLarge: 'TP_ERR_BEACON_TOO_LARGE' }));
      if (!validator.beacon(parsed)) throw new TouchpointError('TP_ERR_INVALID_BEACON', validator.beaconError());
      const acceptance = await accept(parsed, project, req);
      const { accepted: stored, rejected, dropped } = acceptance;
      if (stored === 0) throw noValidEvents(rejected);
      // Decided after the write is durable: a survey is never asked about a beacon that was lost.
      const prompt = await surveyDecided(project, parsed, acceptance);
      if (rejected.length === 0 && dropped.length === 0) {
        accepted.inc();
        return prompt ? reply.code(200).send({ prompt: true } satisfies BeaconAnswer) : reply.code(204).send();
      }
      partial.inc();
      return reply.code(202).send({ ...(prompt ? { prompt: true as const } : {}), accepted: stored, rejected, ...(dropped.length ? { dropped } : {}) } satisfies PartialAcceptance);
    },
  );

  /** Whether this beacon gave its session its survey (prompts/surveys.ts); Redis trouble costs the survey, never the beacon. */
  async function surveyDecided(project: Project, beacon: Beacon, acceptance: Acceptance): Promise<boolean> {
    if (!project.prompts?.survey || acceptance.synthetic) return false;
    const occasion = surveyOccasion(project, acceptance.path, acceptance.events, projects.surveyPagesOf(project));
    if (!occasion) return false;
    try {
      const asked = await askSurvey(prompts, project, beacon.session, occasion);
      if (asked) metrics.surveysDecided.labels(occasion.trigger).inc();
      return asked;
    } catch (err) {
      logger.warn({ err, project: project.id }, 'survey not decided: redis is not answering');
      return false;
    }
  }

  function authenticate(req: FastifyRequest): Project {
    const key = (req.query as { key?: string }).key ?? req.headers['x-touchpoint-key'];
    if (typeof key !== 'string' || key === '') throw new TouchpointError('TP_ERR_MISSING_KEY');
    const project = projects.byKey(key);
    if (!project) throw new TouchpointError('TP_ERR_UNKNOWN_KEY');
    const origin = req.headers.origin;
    if (!originAllowed(project, origin)) throw new TouchpointError('TP_ERR_ORIGIN_NOT_ALLOWED', origin);
    return project;
  }
}
