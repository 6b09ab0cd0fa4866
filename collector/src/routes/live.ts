/**
 * GET /api/v1/projects/:project/live (WebSocket): one JSON frame per second for the live
 * strip (LiveFrame in live/live-hub.ts), aggregated over every collector through Redis.
 *
 * Authentication, never in the URL:
 * - `Sec-WebSocket-Protocol: touchpoint.v1, bearer.<admin token>` (the server answers
 *   `touchpoint.v1`, never echoing the token), for clients that can set it; or
 * - the first message `{"token": "<admin token>"}` within 5 s (what browsers do).
 * Close codes: 4401 token refused, 4408 no token in time. Refused upgrades get 401/404/503.
 * A plain GET (no upgrade) answers 426.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { errorBody } from '../error-body.ts';
import { LiveHub, type LiveHubOptions } from '../live/live-hub.ts';
import type { Metrics } from '../metrics.ts';
import type { RouteDeps } from './deps.ts';
import { errorResponses } from '@touchpoint/protocol/api/common';

export interface LiveDeps extends Pick<RouteDeps, 'projects' | 'storage' | 'config' | 'stuckAfterMs'> {
  metrics: Metrics;
  logger: Logger;
  /** The Redis every collector shares (Touchpoint.redisUrl). */
  redisUrl: string;
  /** Hub tuning (tests). */
  hub?: Partial<Pick<LiveHubOptions, 'intervalMs' | 'maxBufferedBytes' | 'maxClients'>>;
}

const LIVE_PROTOCOL = 'touchpoint.v1';
const AUTH_TIMEOUT_MS = 5_000;
const PATH = /^\/api\/v1\/projects\/([^/?#]{1,64})\/live(?:[?#]|$)/;

const digest = (s: string) => createHash('sha256').update(s).digest();

export default async function liveRoutes(app: FastifyInstance, deps: LiveDeps): Promise<void> {
  const { projects, config, logger } = deps;
  const expected = digest(config.adminToken);
  const tokenOk = (t: unknown) => typeof t === 'string' && t.length > 0 && timingSafeEqual(digest(t), expected);

  const hub = new LiveHub({
    redisUrl: deps.redisUrl,
    storage: deps.storage,
    metrics: deps.metrics,
    logger,
    stuckAfterMs: deps.stuckAfterMs,
    ...deps.hub,
  });
  await hub.start();

  const wss = new WebSocketServer({
    noServer: true,
    // Clients only ever send the token: anything bigger is not one of ours.
    maxPayload: 4096,
    handleProtocols: (protocols) => (protocols.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false),
  });

  function admit(ws: WebSocket, project: string) {
    hub.add(project, ws);
    ws.on('close', () => hub.remove(project, ws));
    ws.send(JSON.stringify({ type: 'hello', project, intervalMs: 1000 }));
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const m = PATH.exec(req.url ?? '');
    if (!m) {
      // Nobody else takes upgrades: do not leave the socket hanging.
      if (app.server.listenerCount('upgrade') === 1) refuse(socket, 404, 'TP_ERR_NOT_FOUND', 'No WebSocket here');
      return;
    }
    let project: string;
    try {
      project = decodeURIComponent(m[1]!);
    } catch {
      return refuse(socket, 404, 'TP_ERR_UNKNOWN_PROJECT', 'Malformed project id');
    }
    if (!projects.byId(project)) return refuse(socket, 404, 'TP_ERR_UNKNOWN_PROJECT', `No such project: ${project}`);
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const bearer = offered.find((p) => p.startsWith('bearer.'))?.slice(7);
    if (bearer !== undefined && !tokenOk(bearer)) return refuse(socket, 401, 'TP_ERR_UNAUTHORIZED', 'The admin token was not accepted');
    if (hub.clientCount >= hub.maxClients) return refuse(socket, 503, 'TP_ERR_NOT_READY', 'Too many live viewers on this collector; retry later');

    wss.handleUpgrade(req, socket, head, (ws) => {
      // Protocol errors (an oversized frame…) close the socket; unhandled they would throw.
      ws.on('error', (err) => logger.debug({ err }, 'live: websocket error'));
      if (bearer !== undefined) return admit(ws, project);
      const timer = setTimeout(() => ws.close(4408, 'send {"token": ...} first'), AUTH_TIMEOUT_MS);
      ws.once('message', (data) => {
        clearTimeout(timer);
        let token: unknown;
        try {
          token = (JSON.parse(String(data)) as { token?: unknown }).token;
        } catch {
          token = undefined;
        }
        if (!tokenOk(token)) return ws.close(4401, 'the admin token was not accepted');
        admit(ws, project);
      });
      ws.once('close', () => clearTimeout(timer));
    });
  }

  app.server.on('upgrade', onUpgrade);
  app.addHook('onClose', async () => {
    app.server.off('upgrade', onUpgrade);
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    await hub.close();
  });

  app.get<{ Params: { project: string } }>(
    '/api/v1/projects/:project/live',
    { schema: { params: { type: 'object', properties: { project: { type: 'string', maxLength: 64 } } }, response: { ...errorResponses } } },
    async (req, reply) => {
      if (!projects.byId(req.params.project)) throw new TouchpointError('TP_ERR_UNKNOWN_PROJECT', req.params.project);
      return reply.code(426).header('upgrade', 'websocket').send(errorBody(426, 'TP_ERR_BAD_QUERY', 'Open this URL as a WebSocket'));
    },
  );
}

function refuse(socket: Duplex, status: number, code: string, message: string) {
  const body = JSON.stringify(errorBody(status, code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
