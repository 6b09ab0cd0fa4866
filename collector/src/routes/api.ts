/**
 * Every /api/ route, in one encapsulated plugin behind the admin token: its onRequest hook
 * (plugins/admin-auth.ts) runs for whatever request the router hands to these routes, so no
 * spelling of a URL reaches them without the token, and a route added here is guarded without
 * a line of its own. Every answer's strings pass the privacy module on the way out too (scrub-answers.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { AdminGuard } from '../plugins/admin-auth.ts';
import { scrubAnswers } from '../plugins/scrub-answers.ts';
import type { RouteDeps } from './deps.ts';
import erasureRoutes from './erasure.ts';
import liveRoutes from './live.ts';
import outreachRoutes from './outreach.ts';
import queryRoutes from './query.ts';
import summaryRoutes from './summary.ts';
import templateRoutes from './templates.ts';

export default async function apiRoutes(app: FastifyInstance, deps: RouteDeps & { guard: AdminGuard }): Promise<void> {
  app.addHook('onRequest', deps.guard.hook);
  app.addHook('preSerialization', scrubAnswers);
  await app.register(summaryRoutes, deps);
  await app.register(queryRoutes, deps);
  await app.register(liveRoutes, deps);
  await app.register(outreachRoutes, deps);
  await app.register(erasureRoutes, deps);
  await app.register(templateRoutes, deps);
}
