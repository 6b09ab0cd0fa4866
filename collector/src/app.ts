import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { TouchpointError, type ErrorCode } from '@touchpoint/protocol/errors';
import { errorBody } from './error-body.ts';
import { createAdminGuard, refuseUnroutedApi } from './plugins/admin-auth.ts';
import { limitConnectionsPerClient } from './plugins/connection-limit.ts';
import agentScriptRoutes from './routes/agent-script.ts';
import apiRoutes from './routes/api.ts';
import beaconRoutes from './routes/beacon.ts';
import dashboardsRoutes from './routes/dashboards.ts';
import faroRoutes from './routes/faro.ts';
import otlpRoutes from './routes/otlp.ts';
import promptRoutes from './routes/prompts.ts';
import unsubscribeRoutes from './routes/unsubscribe.ts';
import type { HealthDeps, RouteDeps } from './routes/deps.ts';
import healthRoutes from './routes/health.ts';

/** Fastify's own errors that reach clients, mapped onto our codes. */
const FASTIFY_CODES: Record<string, [number, ErrorCode]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'TP_ERR_BEACON_TOO_LARGE'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'TP_ERR_UNSUPPORTED_MEDIA_TYPE'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'TP_ERR_INVALID_JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'TP_ERR_INVALID_JSON'],
  FST_ERR_VALIDATION: [400, 'TP_ERR_BAD_QUERY'],
};

const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;

export interface AppOptions extends HealthDeps {
  /** Ingest and query routes: present when this process runs the collector role. */
  collector?: RouteDeps;
}

/**
 * Builds the HTTP app from its parts; the process (`@touchpoint/node`) makes it listen. Every role serves health,
 * readiness and metrics; the collector role adds ingest and the query API.
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { collector, ...deps } = opts;
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; typing it so keeps the app's type the default one.
    loggerInstance: deps.logger as FastifyBaseLogger,
    // One log line per beacon would cost more than the beacon: requests are counted in /metrics instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // A request that sends its headers or body slowly is cut off (slowloris): headers within
    // 10 s, the whole request within 15 s, checked every second. Beacons take milliseconds.
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
    trustProxy: deps.config.trustProxy,
    routerOptions: { maxParamLength: 200 },
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false } },
    // The router's own refusals (a malformed escape, a path parameter over the limit) in our shape.
    frameworkErrors: (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const status = tooLong ? 414 : 400;
      void reply.code(status).send(errorBody(status, 'TP_ERR_BAD_REQUEST', tooLong ? 'a path segment is longer than 200 characters' : 'the URL is malformed (a bad percent-escape?)'));
    },
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
      // Ours say what to fix (the 413 names the limit and says to split the events); Fastify's
      // say what was wrong with a query string or a Content-Length.
      const message = mapped[0] === 413 || mapped[0] === 415 ? new TouchpointError(mapped[1]).message : err.message;
      return reply.code(mapped[0]).send(errorBody(mapped[0], mapped[1], message));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(errorBody(err.statusCode, err.code ?? 'TP_ERR_BAD_REQUEST', err.message));
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send(errorBody(500, 'TP_ERR_INTERNAL', 'Internal error; the request was logged'));
  });
  limitConnectionsPerClient(app.server, deps.config.maxConnectionsPerClient, () => deps.metrics.connectionsRefused.inc());
  const guard = createAdminGuard(deps.config.adminToken);
  app.setNotFoundHandler((req, reply) => {
    const refused = refuseUnroutedApi(guard, req);
    if (refused) {
      for (const [k, v] of Object.entries(refused.headers)) reply.header(k, v);
      return reply.code(refused.statusCode).send(errorBody(refused.statusCode, refused.code, refused.message));
    }
    return reply.code(404).send(errorBody(404, 'TP_ERR_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`));
  });

  await app.register(healthRoutes, deps);
  if (collector) {
    await app.register(beaconRoutes, collector);
    await app.register(promptRoutes, collector);
    await app.register(faroRoutes, collector);
    await app.register(otlpRoutes, collector);
    await app.register(apiRoutes, { ...collector, guard });
    await app.register(agentScriptRoutes, { file: collector.assets.agentScript });
    await app.register(dashboardsRoutes, collector.assets.dashboards);
    await app.register(unsubscribeRoutes, { unsubscribe: collector.unsubscribe, shopName: (id) => collector.projects.byId(id)?.name });
  }
  return app;
}
