/**
 * GET /v1/prompts?key=<project key>&session=<session id>[&lang=<BCP 47>]: the prompt channel
 * (Server-Sent Events) the agent opens while a checkout is open (protocol/src/prompts.ts). The
 * key and the Origin are checked as for beacons; the stream is `retry:` once, then
 * `event: prompt` / `id: <prompt id>` / `data: <Prompt JSON>` per prompt, rendered in `lang`
 * with the project's copy, and a `:` comment every PROMPT_HEARTBEAT_MS. One channel per
 * session (a newer one replaces the older), bounded per client address and per collector
 * (prompts/prompt-hub.ts).
 */
import type { FastifyInstance } from 'fastify';
import { beaconSchema } from '@touchpoint/protocol';
import { renderPrompt } from '@touchpoint/protocol/copy';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { PROMPT_CHANNEL_PATH, type NudgeSpec, type PromptSpec } from '@touchpoint/protocol/prompts';
import { errorResponses } from '@touchpoint/protocol/api/common';
import { personalIdProblem } from '../ingest/accept-beacon.ts';
import { originAllowed, type Project } from '../projects.ts';
import type { RouteDeps } from './deps.ts';

/** What the browser waits before reconnecting a dropped channel (the SSE `retry:` field). */
const RETRY_MS = 3000;
/** Seconds a refused client waits: a few heartbeats, long enough for a channel to close. */
const RETRY_AFTER = '30';
const SESSION = beaconSchema.properties.session;
const LANG = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,4}$/;

type Query = { key?: string; session?: string; lang?: string };

export default async function promptRoutes(app: FastifyInstance, deps: Pick<RouteDeps, 'projects' | 'prompts' | 'metrics'>): Promise<void> {
  const { projects, prompts, metrics } = deps;

  // Readable errors for the page's EventSource or fetch, as for beacons: the origin is decided per project.
  app.addHook('onRequest', (req, reply, done) => {
    const origin = req.headers.origin;
    if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin').header('access-control-expose-headers', 'retry-after');
    done();
  });
  // The HTTP server's close waits for open responses: end the streams first.
  app.addHook('preClose', (done) => {
    prompts.endAll();
    done();
  });

  // EventSource sends Last-Event-ID when it reconnects, which some browsers preflight.
  app.options(PROMPT_CHANNEL_PATH, async (req, reply) => {
    const origin = req.headers.origin;
    const key = (req.query as Query).key;
    const project = key ? projects.byKey(key) : undefined;
    const allowed = origin !== undefined && (project ? originAllowed(project, origin) : projects.all.some((p) => originAllowed(p, origin)));
    if (!allowed) throw new TouchpointError('TP_ERR_ORIGIN_NOT_ALLOWED', origin ?? '(no Origin header)');
    reply.header('access-control-allow-methods', 'GET').header('access-control-allow-headers', 'last-event-id, cache-control, x-touchpoint-key').header('access-control-max-age', '86400').code(204);
  });

  app.get<{ Querystring: Query }>(
    PROMPT_CHANNEL_PATH,
    {
      // A HEAD would hold a channel open with nothing to show for it.
      exposeHeadRoute: false,
      schema: {
        querystring: {
          type: 'object',
          properties: { key: { type: 'string', maxLength: 128 }, session: { type: 'string', maxLength: 1024 }, lang: { type: 'string', maxLength: 1024 } },
        },
        response: { ...errorResponses },
      },
    },
    async (req, reply) => {
      const { session, lang } = req.query;
      // As for beacons; a page's EventSource can only send the query.
      const key = req.query.key ?? req.headers['x-touchpoint-key'];
      if (typeof key !== 'string' || key === '') throw new TouchpointError('TP_ERR_MISSING_KEY');
      const project = projects.byKey(key);
      if (!project) throw new TouchpointError('TP_ERR_UNKNOWN_KEY');
      const origin = req.headers.origin;
      if (!originAllowed(project, origin)) throw new TouchpointError('TP_ERR_ORIGIN_NOT_ALLOWED', origin);
      if (session === undefined || session.length < SESSION.minLength || session.length > SESSION.maxLength) {
        throw new TouchpointError('TP_ERR_BAD_PROMPT_CHANNEL', `session must be ${SESSION.minLength}-${SESSION.maxLength} characters, as in the beacons`);
      }
      const personal = personalIdProblem(session, 'session');
      if (personal) throw new TouchpointError('TP_ERR_PERSONAL_ID', personal);
      if (lang !== undefined && (lang.length > 35 || !LANG.test(lang))) throw new TouchpointError('TP_ERR_BAD_PROMPT_CHANNEL', 'lang must be a BCP 47 tag such as nl or nl-BE');

      const refusal = prompts.refusal(project.id, session, req.ip);
      if (refusal) {
        metrics.promptChannelsRefused.labels(refusal).inc();
        throw new TouchpointError(refusal === 'full' ? 'TP_ERR_PROMPT_CHANNELS_FULL' : 'TP_ERR_TOO_MANY_PROMPT_CHANNELS', undefined, { 'retry-after': RETRY_AFTER });
      }

      reply.hijack();
      const res = reply.raw;
      res.on('error', (err) => req.log.debug({ err }, 'prompts: channel error'));
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        // nginx and other proxies pass events on as they come.
        'x-accel-buffering': 'no',
        ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
      });
      res.write(`retry: ${RETRY_MS}\n\n`);
      await prompts.open({ project: project.id, session, client: req.ip, stream: res, render: renderer(project, lang) });
    },
  );

  function renderer(project: Project, lang: string | undefined) {
    const book = projects.copyOf(project);
    const shop = project.name ?? project.id;
    const supportUrl = project.prompts?.nudges?.supportUrl ?? project.supportUrl;
    return (spec: PromptSpec) => {
      const nudge: NudgeSpec | undefined = spec.kind === 'nudge' ? spec : undefined;
      const url = nudge?.supportUrl ?? supportUrl;
      return renderPrompt(book, spec, lang, { shop, ...(url ? { supportUrl: url } : {}), ...(nudge?.amount ? { amount: nudge.amount } : {}) });
    };
  }
}
