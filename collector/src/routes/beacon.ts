import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_BODY_BYTES, type BeaconEvent, type PartialAcceptance } from '@touchpoint/protocol';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { RateLimiter } from '../lib/rate-limiter.ts';
import { buildRecord } from '../ingest/spool-record.ts';
import { LOAD_TEST_HEADER, syntheticTag } from '../ingest/synthetic.ts';
import { parseUserAgent } from '../ingest/user-agent.ts';
import { originAllowed, type Project } from '../projects.ts';
import type { RouteDeps } from './deps.ts';
import { errorResponses } from '@touchpoint/protocol/api/common';

/** Seconds a client should wait when the spool is full: about two writer passes. */
const SPOOL_FULL_RETRY_AFTER = '5';

/** POST /v1/beacon: protocol v1 ingest. */
export default async function beaconRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { projects, spool, signals, metrics, validator, config } = deps;
  const limiter = new RateLimiter(config.rateLimitPerSecond);
  const accepted = metrics.beacons.labels('accepted', 'ok');
  const partial = metrics.beacons.labels('partial', 'ok');

  // Bodies stay strings so a malformed one gets our coded error, and sendBeacon's text/plain is first-class.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['text/plain', 'application/json'], { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) =>
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
      .header('access-control-allow-headers', 'content-type, x-touchpoint-key')
      .header('access-control-max-age', '86400')
      .code(204);
  });

  app.post<{ Querystring: { key?: string }; Body: string }>(
    '/v1/beacon',
    {
      bodyLimit: MAX_BODY_BYTES,
      schema: {
        querystring: { type: 'object', properties: { key: { type: 'string', maxLength: 128 } } },
        response: {
          202: {
            type: 'object',
            properties: {
              accepted: { type: 'integer' },
              rejected: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, reason: { type: 'string' } } } },
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

      if (typeof req.body !== 'string') throw new TouchpointError('TP_ERR_UNSUPPORTED_MEDIA_TYPE', 'no Content-Type header');
      let parsed: unknown;
      try {
        parsed = JSON.parse(req.body);
      } catch (err) {
        throw new TouchpointError('TP_ERR_INVALID_JSON', (err as Error).message);
      }
      if (!validator.beacon(parsed)) throw new TouchpointError('TP_ERR_INVALID_BEACON', validator.beaconError());
      const beacon = parsed;

      const valid: BeaconEvent[] = [];
      const rejected: PartialAcceptance['rejected'] = [];
      for (let i = 0; i < beacon.events.length; i++) {
        const reason = validator.event(beacon.events[i], beacon.sentAt);
        if (reason === undefined) valid.push(beacon.events[i] as BeaconEvent);
        else rejected.push({ index: i, reason });
      }
      if (valid.length === 0) {
        throw new TouchpointError('TP_ERR_NO_VALID_EVENTS', rejected.slice(0, 5).map((r) => `events[${r.index}]: ${r.reason}`).join('; '));
      }

      const record = buildRecord(beacon, valid, {
        project: project.id,
        checkoutPage: projects.checkoutPage(project),
        receivedAt: Date.now(),
        client: parseUserAgent(req.headers['user-agent']),
        country: country(req),
        synthetic: syntheticTag(req.headers[LOAD_TEST_HEADER], beacon, valid, project),
      });
      const segment = await spool.append(record.row, record.signals);
      if (record.signals.length > 0) signals.push(segment, record.signals, record.urgent);
      metrics.events.inc(valid.length);
      metrics.countAccepted(project.id, valid.length);
      if (rejected.length === 0) {
        accepted.inc();
        return reply.code(204).send();
      }
      partial.inc();
      metrics.eventsRejected.inc(rejected.length);
      return reply.code(202).send({ accepted: valid.length, rejected } satisfies PartialAcceptance);
    },
  );

  function authenticate(req: FastifyRequest): Project {
    const key = (req.query as { key?: string }).key ?? req.headers['x-touchpoint-key'];
    if (typeof key !== 'string' || key === '') throw new TouchpointError('TP_ERR_MISSING_KEY');
    const project = projects.byKey(key);
    if (!project) throw new TouchpointError('TP_ERR_UNKNOWN_KEY');
    const origin = req.headers.origin;
    if (!originAllowed(project, origin)) throw new TouchpointError('TP_ERR_ORIGIN_NOT_ALLOWED', origin);
    return project;
  }

  function country(req: FastifyRequest): string {
    if (!config.countryHeader) return '';
    const v = req.headers[config.countryHeader];
    return typeof v === 'string' && /^[A-Za-z]{2}$/.test(v) ? v.toUpperCase() : '';
  }
}
