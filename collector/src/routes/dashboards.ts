/**
 * Serves the web UI: the static files of dashboards/public/ at /dashboards/, and uPlot's
 * browser build from node_modules at /dashboards/vendor/. No build step at run time; files are
 * read once, kept in memory (the whole UI is a few tens of KiB) and revalidated by ETag.
 * Nothing under /dashboards/ is secret: data comes from /api/, which needs the admin token.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { TouchpointError } from '@touchpoint/protocol/errors';

/** Where the UI's files are (`@touchpoint/dashboards/assets`). */
export interface DashboardsOptions {
  publicDir: string;
  /** Vendored files served under /dashboards/vendor/, by name. */
  vendor: Record<string, string>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Same-origin only; uPlot styles through the CSSOM, which style-src does not restrict. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

interface Cached { body: Buffer; etag: string; mtimeMs: number; type: string }

export default async function dashboardsRoutes(app: FastifyInstance, opts: DashboardsOptions): Promise<void> {
  const root = realpathSync(opts.publicDir);
  const vendor = opts.vendor;
  const cache = new Map<string, Cached>();

  /** Reads (or re-reads after an edit) one file; undefined when absent. */
  function load(file: string): Cached | undefined {
    let st;
    try {
      st = statSync(file);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs) return hit;
    const body = readFileSync(file);
    const entry = {
      body,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      mtimeMs: st.mtimeMs,
      type: TYPES[extname(file)] ?? 'application/octet-stream',
    };
    cache.set(file, entry);
    return entry;
  }

  function send(reply: FastifyReply, ifNoneMatch: string | undefined, f: Cached, cacheControl: string) {
    reply
      .header('content-type', f.type)
      .header('cache-control', cacheControl)
      .header('etag', f.etag)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', CSP);
    if (ifNoneMatch === f.etag) return reply.code(304).send();
    return reply.send(f.body);
  }

  const notFound = (path: string) => new TouchpointError('TP_ERR_NOT_FOUND', `no file ${path} in the dashboards`);

  app.get('/dashboards', (_req, reply) => reply.redirect('/dashboards/', 301));

  // uPlot does not change between deploys of one version: cache it for a day.
  app.get<{ Params: { file: string } }>('/dashboards/vendor/:file', async (req, reply) => {
    const path = vendor[req.params.file];
    const f = path ? load(path) : undefined;
    if (!f) throw notFound(req.url);
    return send(reply, req.headers['if-none-match'], f, 'public, max-age=86400');
  });

  app.get<{ Params: { '*': string } }>('/dashboards/*', async (req, reply) => {
    const rel = req.params['*'] || 'index.html';
    // No dot-files, no parent segments, no absolute or encoded escapes: then check the real path too.
    if (rel.split('/').some((seg) => seg === '' || seg.startsWith('.')) || rel.includes('\\') || rel.includes('\0')) throw notFound(req.url);
    let file: string;
    try {
      file = realpathSync(join(root, rel));
    } catch {
      throw notFound(req.url);
    }
    if (!file.startsWith(root + sep)) throw notFound(req.url);
    const f = load(file);
    if (!f) throw notFound(req.url);
    // Unhashed file names: let browsers keep them, but ask again (ETag → 304) so a deploy shows at once.
    return send(reply, req.headers['if-none-match'], f, rel === 'index.html' ? 'no-cache' : 'public, max-age=0, must-revalidate');
  });
}
