import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { TouchpointError } from '@touchpoint/protocol/errors';

export interface AgentScriptOptions {
  /** The built agent (`@touchpoint/agent/assets`; tests point elsewhere). */
  file: string;
  /** The prompt chunk the agent imports when a nudge or survey is due (`agentPromptFile`); default: agent-prompt.js beside `file`, where the agent's build writes it. */
  promptFile?: string;
}

interface Script {
  plain: Buffer;
  gzip: Buffer;
  etag: string;
}

/** Five minutes: a new agent reaches browsers quickly, and revalidation (ETag) is a 304. */
const CACHE_CONTROL = 'public, max-age=300';

function load(file: string): Script | undefined {
  let plain: Buffer;
  try {
    plain = readFileSync(file);
  } catch {
    return undefined;
  }
  const hash = createHash('sha256').update(plain).digest('base64url').slice(0, 27);
  // Precompressed once: the gzip size is the one the agent's budget is stated in.
  return { plain, gzip: gzipSync(plain, { level: 9 }), etag: `"${hash}"` };
}

/** If-None-Match uses weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`; `*` matches all. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag || tag === etag.replace(/"$/, '-gz"');
  });
}

/**
 * GET /agent.js: the built browser agent for `<script async src=".../agent.js" data-key="...">`, and
 * GET /agent-prompt.js: the prompt chunk it loads with `import()` (an ES module, so CORS applies:
 * a JavaScript type and `access-control-allow-origin`). Read once at registration; while a file is
 * missing, each request looks again, so building the agent does not need a restart. Any origin
 * may load them (CORS *), like any public script.
 */
export default async function agentScriptRoutes(app: FastifyInstance, opts: AgentScriptOptions): Promise<void> {
  serve(app, '/agent.js', opts.file);
  serve(app, '/agent-prompt.js', opts.promptFile ?? join(dirname(opts.file), 'agent-prompt.js'));
}

function serve(app: FastifyInstance, path: string, file: string): void {
  let script = load(file);

  app.get(path, async (req, reply) => {
    script ??= load(file);
    if (!script) throw new TouchpointError('TP_ERR_AGENT_NOT_BUILT', `looked for ${file}`);
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    // One strong ETag per representation: the gzip bytes differ from the plain ones.
    const etag = gzip ? script.etag.replace(/"$/, '-gz"') : script.etag;
    reply
      .header('access-control-allow-origin', '*')
      .header('cache-control', CACHE_CONTROL)
      .header('etag', etag)
      .header('vary', 'Accept-Encoding')
      .header('x-content-type-options', 'nosniff');
    if (matches(req.headers['if-none-match'], script.etag)) return reply.code(304).send();
    reply.header('content-type', 'application/javascript; charset=utf-8');
    if (gzip) reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? script.gzip : script.plain);
  });
}
