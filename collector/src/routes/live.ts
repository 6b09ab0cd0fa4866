/**
 * GET /api/v1/projects/:project/live (WebSocket): one JSON frame per second for the live
 * strip (LiveFrame of `@touchpoint/protocol/api/live`), aggregated over every collector through Redis.
 *
 * Authentication, never in the URL:
 * - `Sec-WebSocket-Protocol: touchpoint.v1, bearer.<admin token>` (the server answers
 *   `touchpoint.v1`, never echoing the token), for clients that can set it; or
 * - the first message `{"token": "<admin token>"}` within 5 s (what browsers do).
 * Close codes: 4401 token refused, 4408 no token in time, 4429 too many wrong tokens from the
 * address, 4404 no such project (said only after the token). Refused upgrades get 401 (also for
 * any other spelling of an /api/ path), 404, 429 (wrong tokens, or more than 8 live views from
 * one address) or 503.
 * A plain GET (no upgrade) answers 426.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { errorBody } from '../error-body.ts';
import { LiveHub, type LiveHubOptions } from '../live/live-hub.ts';
import { isApiPath, type AdminGuard } from '../plugins/admin-auth.ts';
import type { Metrics } from '../metrics.ts';
import type { RouteDeps } from './deps.ts';
import { errorResponses } from '@touchpoint/protocol/api/common';

export interface LiveDeps extends Pick<RouteDeps, 'projects' | 'storage' | 'stuckAfterMs'> {
  /** The admin token check of the /api/ plugin, for the upgrade that bypasses HTTP routing. */
  guard: AdminGuard;
  metrics: Metrics;
  logger: Logger;
  /** The Redis every collector shares (Touchpoint.redisUrl). */
  redisUrl: string;
  /** Hub tuning (tests). */
  hub?: Partial<Pick<LiveHubOptions, 'intervalMs' | 'maxBufferedBytes' | 'maxClients'>> & { maxPerClient?: number };
}

const LIVE_PROTOCOL = 'touchpoint.v1';
const AUTH_TIMEOUT_MS = 5_000;
const PATH = /^\/api\/v1\/projects\/([^/?#]{1,64})\/live(?:[?#]|$)/;

/** Live views one client address may hold open at once. */
const MAX_PER_CLIENT = 8;

export default async function liveRoutes(app: FastifyInstance, deps: LiveDeps): Promise<void> {
  const { projects, logger, guard } = deps;

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

  /** Open live sockets per client address: one dashboard needs one; a cap keeps one address from taking the collector's whole allowance. */
  const perClient = new Map<string, number>();
  const maxPerClient = deps.hub?.maxPerClient ?? MAX_PER_CLIENT;

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = req.url ?? '';
    const m = PATH.exec(url);
    if (!m) {
      // Another spelling of /api/ (encoded, dot segments, case…) is refused like an unrouted
      // HTTP request to /api/: 401, whatever it names.
      if (isApiPath(url)) return refuse(socket, 401, 'TP_ERR_UNAUTHORIZED', 'Open the live view at /api/v1/projects/<project>/live with the admin token');
      // Nobody else takes upgrades: do not leave the socket hanging.
      if (app.server.listenerCount('upgrade') === 1) refuse(socket, 404, 'TP_ERR_NOT_FOUND', 'No WebSocket here');
      return;
    }
    const client = req.socket.remoteAddress ?? '';
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const bearer = offered.find((p) => p.startsWith('bearer.'))?.slice(7);
    if (bearer !== undefined) {
      const outcome = guard.check(bearer, client);
      if (outcome === 'throttled') return refuse(socket, 429, 'TP_ERR_TOO_MANY_AUTH_FAILURES', 'Too many wrong admin tokens from this address', guard.retryAfter(client));
      if (outcome === 'denied') return refuse(socket, 401, 'TP_ERR_UNAUTHORIZED', 'The admin token was not accepted');
    }
    let project: string;
    try {
      project = decodeURIComponent(m[1]!);
    } catch {
      return refuse(socket, 404, 'TP_ERR_UNKNOWN_PROJECT', 'Malformed project id');
    }
    // Without a header token, which projects exist is not told before the first message.
    const known = projects.byId(project) !== undefined;
    if (!known && bearer !== undefined) return refuse(socket, 404, 'TP_ERR_UNKNOWN_PROJECT', `No such project: ${project}`);
    if (hub.clientCount >= hub.maxClients) return refuse(socket, 503, 'TP_ERR_NOT_READY', 'Too many live viewers on this collector; retry later');
    if ((perClient.get(client) ?? 0) >= maxPerClient) return refuse(socket, 429, 'TP_ERR_RATE_LIMITED', `At most ${maxPerClient} live views per client address`, 5);

    perClient.set(client, (perClient.get(client) ?? 0) + 1);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Protocol errors (an oversized frame…) close the socket; unhandled they would throw.
      ws.on('error', (err) => logger.debug({ err }, 'live: websocket error'));
      ws.once('close', () => {
        const n = (perClient.get(client) ?? 1) - 1;
        if (n > 0) perClient.set(client, n);
        else perClient.delete(client);
      });
      if (bearer !== undefined) return admit(ws, project);
      const timer = setTimeout(() => ws.close(4408, 'send {"token": ...} first'), AUTH_TIMEOUT_MS);
      ws.once('message', (data) => {
        clearTimeout(timer);
        let token: string | undefined;
        try {
          const t = (JSON.parse(String(data)) as { token?: unknown }).token;
          token = typeof t === 'string' ? t : undefined;
        } catch {
          token = undefined;
        }
        const outcome = guard.check(token, client);
        if (outcome === 'throttled') return ws.close(4429, 'too many wrong admin tokens from this address');
        if (outcome === 'denied') return ws.close(4401, 'the admin token was not accepted');
        if (!known) return ws.close(4404, 'no such project');
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

function refuse(socket: Duplex, status: number, code: string, message: string, retryAfter?: number) {
  const body = JSON.stringify(errorBody(status, code, message));
  const extra = retryAfter === undefined ? '' : `Retry-After: ${retryAfter}\r\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n${extra}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
