import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicDir, vendorFiles } from '@touchpoint/dashboards/assets';
import dashboardsRoutes from './dashboards.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify();
  await app.register(dashboardsRoutes, { publicDir, vendor: vendorFiles() });
});
afterAll(async () => app.close());

describe('GET /dashboards/', () => {
  it.each([
    ['/dashboards/', 'text/html; charset=utf-8', 'no-cache', '<title>Touchpoint</title>'],
    ['/dashboards/app.js', 'text/javascript; charset=utf-8', 'public, max-age=0, must-revalidate', 'signedIn'],
    ['/dashboards/style.css', 'text/css; charset=utf-8', 'public, max-age=0, must-revalidate', '.card'],
    ['/dashboards/views/sre.js', 'text/javascript; charset=utf-8', 'public, max-age=0, must-revalidate', 'renderSre'],
    ['/dashboards/vendor/uPlot.esm.js', 'text/javascript; charset=utf-8', 'public, max-age=86400', 'export'],
    ['/dashboards/vendor/uPlot.min.css', 'text/css; charset=utf-8', 'public, max-age=86400', '.uplot'],
  ])('serves %s as %s', async (url, type, cache, text) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe(cache);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.body).toContain(text);
  });

  it('answers 304 to a matching ETag', async () => {
    const first = await app.inject('/dashboards/app.js');
    const again = await app.inject({ url: '/dashboards/app.js', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('redirects /dashboards to /dashboards/', async () => {
    const res = await app.inject('/dashboards');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/dashboards/');
  });

  it.each([
    '/dashboards/../package.json',
    '/dashboards/%2e%2e/package.json',
    '/dashboards/lib/%2e%2e/%2e%2e/package.json',
    '/dashboards/..%2f..%2fcollector%2fpackage.json',
    '/dashboards/.hidden',
    '/dashboards/nope.js',
    '/dashboards/vendor/uPlot.cjs.js',
    '/dashboards/vendor/..%2f..%2fpackage.json',
  ])('refuses %s', async (url) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('"workspaces"');
  });
});
