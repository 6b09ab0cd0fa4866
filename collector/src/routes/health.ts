import type { FastifyInstance } from 'fastify';
import { createAdminGuard } from '../plugins/admin-auth.ts';
import type { HealthDeps } from './deps.ts';

/**
 * GET /healthz (the process answers), /readyz (storage and every check answer), /metrics
 * (behind TOUCHPOINT_METRICS_TOKEN when it is set: the same constant-time, rate-limited check as
 * the admin token, with its own token, so a scraper never holds the admin token).
 */
export default async function healthRoutes(app: FastifyInstance, { storage, checks, metrics, config }: HealthDeps): Promise<void> {
  const metricsGuard = config.metricsToken ? createAdminGuard(config.metricsToken, 'TOUCHPOINT_METRICS_TOKEN') : undefined;
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const results: Record<string, boolean> = {};
    const ping = await storage.client.ping().catch(() => ({ success: false }));
    results.clickhouse = ping.success;
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        results[name] = await check().catch(() => false);
      }),
    );
    const ready = Object.values(results).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: results });
  });

  app.get('/metrics', { ...(metricsGuard ? { onRequest: metricsGuard.hook } : {}) }, async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
