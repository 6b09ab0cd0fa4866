import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { TouchpointError } from '@touchpoint/protocol/errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Guards every /api/ route with `Authorization: Bearer <TOUCHPOINT_ADMIN_TOKEN>`. Added on the
 * root instance (not an encapsulated plugin) so that it covers route plugins registered later.
 */
export function addAdminAuth(app: FastifyInstance, token: string): void {
  const expected = digest(token);
  // A callback hook, not an async one: it runs on every request, beacons included.
  app.addHook('onRequest', (req, _reply, done) => {
    if (!req.url.startsWith('/api/')) return done();
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    // Compare digests: equal length, constant time, whatever was sent.
    if (!given || !timingSafeEqual(digest(given), expected)) return done(new TouchpointError('TP_ERR_UNAUTHORIZED'));
    done();
  });
}
