import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { errorBody, TouchpointError } from './errors.ts';
import { addAdminAuth } from './plugins/admin-auth.ts';
import agentScriptRoutes from './routes/agent-script.ts';
import beaconRoutes from './routes/beacon.ts';
import dashboardsRoutes from './routes/dashboards.ts';
import faroRoutes from './routes/faro.ts';
import liveRoutes from './routes/live.ts';
import otlpRoutes from './routes/otlp.ts';
import queryRoutes from './routes/query.ts';
import type { HealthDeps, RouteDeps } from './routes/deps.ts';
import healthRoutes from './routes/health.ts';
import summaryRoutes from './routes/summary.ts';

/** Fastify's own errors that reach clients, mapped onto our codes. */
const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'TP_ERR_BEACON_TOO_LARGE'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'TP_ERR_UNSUPPORTED_MEDIA_TYPE'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'TP_ERR_INVALID_JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'TP_ERR_INVALID_JSON'],
  FST_ERR_VALIDATION: [400, 'TP_ERR_BAD_QUERY'],
};

export interface AppOptions extends HealthDeps {
  /** Ingest and query routes: present when this process runs the collector role. */
  collector?: RouteDeps;
  /** Route plugins contributed by other roles (e.g. the outreach API). */
  extraRoutes?: ((app: FastifyInstance) => Promise<void>)[];
}

/**
 * Builds the HTTP app from its parts; touchpoint.ts makes it listen. Every role serves health,
 * readiness and metrics; the collector role adds ingest and the query API.
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { extraRoutes = [], collector, ...deps } = opts;
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; typing it so keeps the app's type the default one.
    loggerInstance: deps.logger as FastifyBaseLogger,
    // One log line per beacon would cost more than the beacon: requests are counted in /metrics instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: deps.config.trustProxy,
    routerOptions: { maxParamLength: 200 },
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false } },
  });

  app.setErrorHandler((err: FastifyError | TouchpointError, req, reply) => {
    if (err instanceof TouchpointError) {
      if (req.url.startsWith('/v1/beacon')) deps.metrics.beacons.labels('rejected', err.code).inc();
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return reply.code(err.statusCode).send(errorBody(err.statusCode, err.code, err.message));
    }
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped) {
      if (req.url.startsWith('/v1/beacon')) deps.metrics.beacons.labels('rejected', mapped[1]).inc();
      return reply.code(mapped[0]).send(errorBody(mapped[0], mapped[1], err.message));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(errorBody(err.statusCode, err.code ?? 'TP_ERR_BAD_REQUEST', err.message));
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send(errorBody(500, 'TP_ERR_INTERNAL', 'Internal error; the request was logged'));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(errorBody(404, 'TP_ERR_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`)),
  );

  addAdminAuth(app, deps.config.adminToken);
  await app.register(healthRoutes, deps);
  if (collector) {
    await app.register(beaconRoutes, collector);
    await app.register(faroRoutes, collector);
    await app.register(otlpRoutes, collector);
    await app.register(summaryRoutes, collector);
    await app.register(queryRoutes, collector);
    await app.register(liveRoutes, collector);
    await app.register(agentScriptRoutes);
    await app.register(dashboardsRoutes);
  }
  for (const routes of extraRoutes) await app.register(routes);
  return app;
}
