/**
 * Every /api/ route, in one encapsulated plugin behind the admin token: its onRequest hook
 * (plugins/admin-auth.ts) runs for whatever request the router hands to these routes, so no
 * spelling of a URL reaches them without the token, and a route added here is guarded without
 * a line of its own.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminGuard } from '../plugins/admin-auth.ts';
import type { RouteDeps } from './deps.ts';
import erasureRoutes from './erasure.ts';
import liveRoutes from './live.ts';
import outreachRoutes from './outreach.ts';
import queryRoutes from './query.ts';
import summaryRoutes from './summary.ts';

export default async function apiRoutes(app: FastifyInstance, deps: RouteDeps & { guard: AdminGuard }): Promise<void> {
  app.addHook('onRequest', deps.guard.hook);
  await app.register(summaryRoutes, deps);
  await app.register(queryRoutes, deps);
  await app.register(liveRoutes, deps);
  await app.register(outreachRoutes, deps);
  await app.register(erasureRoutes, deps);
}
