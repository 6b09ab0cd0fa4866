import type { FastifyInstance } from 'fastify';
import type { HealthDeps } from './deps.ts';

/** GET /healthz (the process answers), /readyz (storage and every check answer), /metrics. */
export default async function healthRoutes(app: FastifyInstance, { storage, checks, metrics }: HealthDeps): Promise<void> {
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

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
