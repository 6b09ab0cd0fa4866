/**
 * What the Faro and OTLP route plugins share, so an SDK's payload gets the guarantees of a
 * beacon: CORS as for /v1/beacon (every answer readable by the page, preflights allowed per
 * project origin), the per-project-and-address rate limit, the 503 when the spool is full, a body
 * limit with a coded 413, coded 4xx for every bad input, and then each mapped beacon through the
 * beacon validator and ingest/accept-beacon.ts (scrubbing, durable spool, signals), acknowledged
 * only once the spool has it.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Beacon } from '@touchpoint/protocol';
import { TouchpointError, type ErrorCode } from '@touchpoint/protocol/errors';
import { beaconAcceptor } from '../ingest/accept-beacon.ts';
import { RateLimiter } from '../lib/rate-limiter.ts';
import { originAllowed, type Project } from '../projects.ts';
import { decodeBody, parseJson } from '../ingest/read-body.ts';
import type { Dropped, Mapped } from '../receivers/mapped.ts';
import type { PayloadCheck } from '../receivers/payload-schema.ts';
import { receiverMetrics } from '../receivers/receiver-metrics.ts';
import type { RouteDeps } from './deps.ts';

/**
 * Larger than a beacon's 64 KiB: OpenTelemetry's batch processors export up to 512 spans at
 * once (~0.5–1 KiB each as JSON); Faro's batches (50 items by default) stay far below.
 */
export const SDK_MAX_BODY_BYTES = 512 * 1024;
/** Seconds a client should wait when the spool is full, as for beacons. */
const SPOOL_FULL_RETRY_AFTER = '5';
/** Request headers the SDKs send: Faro's transport, and an OTLP exporter's `headers` option. */
const ALLOWED_HEADERS = 'content-type, content-encoding, x-api-key, x-faro-session-id, idempotency-key, x-touchpoint-key';
/** Rejected events listed in an answer at most: the rest are counted. */
const MAX_LISTED = 20;

export interface SdkReceiver<P> {
  /** Label in /metrics: faro, otlp-traces, otlp-logs. */
  name: string;
  check: PayloadCheck<P>;
  invalid: ErrorCode;
  map(payload: P, req: FastifyRequest): Mapped;
}

export interface SdkOutcome {
  /** Events stored. */
  accepted: number;
  /** Mapped events the beacon validator refused. */
  rejected: { type: string; reason: string }[];
  rejectedCount: number;
  /** What the mapping did not turn into events. */
  dropped: Dropped[];
}

export interface SdkIngest {
  /** OPTIONS on `path`: allowed for an origin that the key's project (or, without a key, any project) allows. */
  preflight(path: string, pathKey?: (req: FastifyRequest) => string | undefined): void;
  ingest<P>(receiver: SdkReceiver<P>, req: FastifyRequest, pathKey?: string): Promise<SdkOutcome>;
}

/** Sets up the calling plugin (its own encapsulated context) for SDK payloads. */
export function sdkIngest(app: FastifyInstance, deps: RouteDeps, receiverOf: (url: string) => string): SdkIngest {
  const { projects, spool, validator, config } = deps;
  const accept = beaconAcceptor(deps);
  const limiter = new RateLimiter(config.rateLimitPerSecond);
  const metrics = receiverMetrics(deps.metrics.registry);

  // Bodies stay bytes: the route decides what a content type means, so a wrong one gets a coded 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: SDK_MAX_BODY_BYTES }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', (req, reply, done) => {
    const origin = req.headers.origin;
    if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin').header('access-control-expose-headers', 'retry-after');
    done();
  });

  // Fastify's own refusals in our words; the app's error handler writes the coded body.
  app.setErrorHandler((err: FastifyError | TouchpointError, req) => {
    const coded =
      err instanceof TouchpointError
        ? err
        : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? new TouchpointError('TP_ERR_PAYLOAD_TOO_LARGE', `the limit is ${SDK_MAX_BODY_BYTES} bytes`)
          : err.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH'
            ? new TouchpointError('TP_ERR_INVALID_JSON', err.message)
            : err;
    if (coded instanceof TouchpointError) metrics.payloads.labels(receiverOf(req.url), 'rejected', coded.code).inc();
    throw coded;
  });

  function authenticate(req: FastifyRequest, pathKey: string | undefined): Project {
    const header = req.headers['x-api-key'] ?? req.headers['x-touchpoint-key'];
    const key = pathKey ?? (typeof header === 'string' ? header : undefined) ?? (req.query as { key?: string }).key;
    if (typeof key !== 'string' || key === '') throw new TouchpointError('TP_ERR_MISSING_SDK_KEY');
    const project = projects.byKey(key);
    if (!project) throw new TouchpointError('TP_ERR_UNKNOWN_KEY');
    if (!originAllowed(project, req.headers.origin)) throw new TouchpointError('TP_ERR_ORIGIN_NOT_ALLOWED', req.headers.origin);
    return project;
  }

  function parse<P>(receiver: SdkReceiver<P>, req: FastifyRequest): P {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type === 'application/x-protobuf' || type === 'application/protobuf') throw new TouchpointError('TP_ERR_OTLP_PROTOBUF');
    // text/plain: what navigator.sendBeacon sends for a string body.
    if (type !== 'application/json' && type !== 'text/plain') throw new TouchpointError('TP_ERR_SDK_MEDIA_TYPE', type ? `got ${type}` : 'no Content-Type header');
    if (!Buffer.isBuffer(req.body)) throw new TouchpointError('TP_ERR_EMPTY_PAYLOAD', 'no body');
    const encoding = req.headers['content-encoding'];
    const text = decodeBody(req.body, typeof encoding === 'string' ? encoding : undefined, { maxBytes: SDK_MAX_BODY_BYTES, tooLarge: 'TP_ERR_PAYLOAD_TOO_LARGE' });
    const parsed = parseJson(text);
    if (!receiver.check(parsed)) throw new TouchpointError(receiver.invalid, receiver.check.problem());
    return parsed;
  }

  return {
    preflight(path, pathKey) {
      app.options(path, async (req, reply) => {
        const origin = req.headers.origin;
        const key = pathKey?.(req) ?? (req.query as { key?: string }).key;
        const project = key ? projects.byKey(key) : undefined;
        const allowed = origin !== undefined && (project ? originAllowed(project, origin) : projects.all.some((p) => originAllowed(p, origin)));
        if (!allowed) throw new TouchpointError('TP_ERR_ORIGIN_NOT_ALLOWED', origin ?? '(no Origin header)');
        reply.header('access-control-allow-methods', 'POST').header('access-control-allow-headers', ALLOWED_HEADERS).header('access-control-max-age', '86400').code(204);
      });
    },

    async ingest(receiver, req, pathKey) {
      const project = authenticate(req, pathKey);
      if (!limiter.take(`${project.id}|${req.ip}`)) throw new TouchpointError('TP_ERR_RATE_LIMITED', undefined, { 'retry-after': '1' });
      if (spool.full) throw new TouchpointError('TP_ERR_SPOOL_FULL', undefined, { 'retry-after': SPOOL_FULL_RETRY_AFTER });
      const mapped = receiver.map(parse(receiver, req), req);
      if (mapped.items === 0) throw new TouchpointError('TP_ERR_EMPTY_PAYLOAD');

      const rejected: SdkOutcome['rejected'] = [];
      let rejectedCount = 0;
      const refuse = (type: string, reason: string, n = 1) => {
        rejectedCount += n;
        if (rejected.length < MAX_LISTED) rejected.push({ type, reason });
      };
      // Said like the envelope fields accept() leaves out: the items carried on without them.
      for (const f of mapped.fields) refuse(f.field, f.reason, 0);
      const valid: Beacon[] = [];
      for (const b of mapped.beacons) {
        const events = b.events.length;
        // The envelope the mapping built: a session id or page URL the SDK sent may not fit it.
        if (validator.beacon(b)) valid.push(b);
        else refuse('beacon', validator.beaconError(), events);
      }
      const results = await Promise.all(
        valid.map((b) =>
          accept(b, project, req).catch((err: unknown) => {
            // A session id that is personal data refuses that beacon, not the whole payload.
            if (!(err instanceof TouchpointError) || err.code !== 'TP_ERR_PERSONAL_ID') throw err;
            refuse('beacon', err.message, b.events.length);
            return { accepted: 0, rejected: [], dropped: [] };
          }),
        ),
      );
      let accepted = 0;
      results.forEach((r, i) => {
        accepted += r.accepted;
        for (const x of r.rejected) refuse(valid[i]?.events[x.index]?.type ?? 'event', x.reason);
        for (const d of r.dropped) refuse(d.field, d.reason, 0);
      });

      const name = receiver.name;
      const mappedEvents = mapped.beacons.reduce((n, b) => n + b.events.length, 0);
      // Counted as rejected by the error handler, as every coded refusal is.
      if (mappedEvents > 0 && accepted === 0) {
        throw new TouchpointError('TP_ERR_NO_VALID_EVENTS', rejected.slice(0, 5).map((r) => `${r.type}: ${r.reason}`).join('; '));
      }
      for (const d of mapped.dropped) metrics.items.labels(name, d.what, 'dropped').inc(d.count);
      metrics.items.labels(name, 'item', 'mapped').inc(mapped.items - mapped.dropped.reduce((n, d) => n + d.count, 0));
      metrics.payloads.labels(name, accepted > 0 ? 'accepted' : 'dropped', 'ok').inc();
      return { accepted, rejected, rejectedCount, dropped: mapped.dropped };
    },
  };
}
