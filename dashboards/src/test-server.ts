/**
 * Test support: a real Touchpoint (chDB + private Redis) serving the dashboards, the query API,
 * the live endpoint and the outreach API on one origin. Uses the collector's own app when it
 * already registers those plugins; until then builds an app the same way (buildApp: admin auth,
 * error mapping) over the same storage, Redis and projects.
 */
import type { FastifyInstance } from 'fastify';
import { loadAlertingConfig } from '@touchpoint/alerting/config';
import { openOutreachStore } from '@touchpoint/alerting/store/open-outreach-store';
import { buildApp } from '../../collector/src/app.ts';
import { loadProjects } from '../../collector/src/projects.ts';
import dashboardsRoutes from '../../collector/src/routes/dashboards.ts';
import liveRoutes from '../../collector/src/routes/live.ts';

import outreachRoutes from '../../collector/src/routes/outreach.ts';
import queryRoutes from '../../collector/src/routes/query.ts';
import { createOutreachLog } from '../../collector/src/storage/outreach-log.ts';
import { startTestTouchpoint } from '../../collector/src/testing/touchpoint-fixture.ts';
import type { Touchpoint } from '../../collector/src/touchpoint.ts';

export interface DashboardsServer {
  tp: Touchpoint;
  /** Origin serving /dashboards/ and /api/. */
  url: string;
  close(): Promise<void>;
}

const registered = (app: FastifyInstance, url: string) => app.hasRoute({ method: 'GET', url });

export async function startDashboardsServer(env: Record<string, string> = {}): Promise<DashboardsServer> {
  const tp = await startTestTouchpoint(env);
  const all = ['/dashboards/*', '/api/v1/projects/:project/timeseries', '/api/v1/projects/:project/live'].every((u) => registered(tp.app, u));
  if (all) return { tp, url: tp.url, close: () => tp.close() };

  const { registry: projects } = loadProjects(undefined);
  const deps = { config: tp.config, storage: tp.storage, metrics: tp.metrics, logger: tp.logger, checks: {}, projects };
  const outreachStore = openOutreachStore(tp.redisUrl, loadAlertingConfig(tp.config.env));
  const app = await buildApp({
    ...deps,
    extraRoutes: [
      (a) => queryRoutes(a, deps),
      (a) => dashboardsRoutes(a),
      (a) => liveRoutes(a, { ...deps, redisUrl: tp.redisUrl }),

      (a) => outreachRoutes(a, { outreachLog: createOutreachLog(tp.storage), deadLetters: outreachStore.store }),
    ],
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    tp,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await outreachStore.close();
      await tp.close();
    },
  };
}
