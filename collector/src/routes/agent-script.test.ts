import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import agentScriptRoutes from './agent-script.ts';

const dir = mkdtempSync(join(tmpdir(), 'tp-agent-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function appFor(file: string) {
  const app = Fastify();
  await app.register(agentScriptRoutes, { file });
  return app;
}

describe('GET /agent.js', () => {
  it('answers 503 TP_ERR_AGENT_NOT_BUILT with the fix while the file is missing, then serves it once built', async () => {
    const file = join(dir, 'late.js');
    const app = await appFor(file);
    const missing = await app.inject({ url: '/agent.js' });
    expect(missing.statusCode).toBe(503);
    expect(missing.json()).toMatchObject({ code: 'TP_ERR_AGENT_NOT_BUILT' });
    expect(missing.json().message).toContain('npm run build -w @touchpoint/agent');
    writeFileSync(file, 'window.late=1;');
    const built = await app.inject({ url: '/agent.js' });
    expect(built.statusCode).toBe(200);
    expect(built.body).toBe('window.late=1;');
    await app.close();
  });

  it('serves with type, caching, CORS and a strong ETag, and 304 for a matching If-None-Match', async () => {
    const file = join(dir, 'agent.js');
    writeFileSync(file, '(()=>{window.Touchpoint={}})();');
    const app = await appFor(file);
    const r = await app.inject({ url: '/agent.js' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toBe('public, max-age=300');
    expect(r.headers['access-control-allow-origin']).toBe('*');
    const etag = String(r.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);

    const again = await app.inject({ url: '/agent.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);

    const other = await app.inject({ url: '/agent.js', headers: { 'if-none-match': '"something-else", W/"nope"' } });
    expect(other.statusCode).toBe(200);
    await app.close();
  });

  it('sends gzip to clients that accept it, with its own ETag', async () => {
    const file = join(dir, 'gz.js');
    writeFileSync(file, 'window.x=' + JSON.stringify('a'.repeat(5000)) + ';');
    const app = await appFor(file);
    const plain = await app.inject({ url: '/agent.js' });
    const gz = await app.inject({ url: '/agent.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toContain('Accept-Encoding');
    expect(gz.rawPayload.length).toBeLessThan(plain.rawPayload.length);
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    expect(gz.headers.etag).not.toBe(plain.headers.etag);
    const revalidated = await app.inject({ url: '/agent.js', headers: { 'accept-encoding': 'gzip', 'if-none-match': String(gz.headers.etag) } });
    expect(revalidated.statusCode).toBe(304);
    await app.close();
  });
});

describe('GET /agent-prompt.js', () => {
  it('serves the prompt chunk beside the agent by default, as a cross-origin module import needs it', async () => {
    const sub = mkdtempSync(join(dir, 'dist-'));
    writeFileSync(join(sub, 'agent.js'), 'window.a=1;');
    const app = await appFor(join(sub, 'agent.js'));
    const missing = await app.inject({ url: '/agent-prompt.js' });
    expect(missing.statusCode).toBe(503);
    expect(missing.json()).toMatchObject({ code: 'TP_ERR_AGENT_NOT_BUILT' });
    expect((await app.inject({ url: '/agent.js' })).statusCode).toBe(200);

    const chunk = 'export function show(){}' + '/*' + 'x'.repeat(2000) + '*/';
    writeFileSync(join(sub, 'agent-prompt.js'), chunk);
    const r = await app.inject({ url: '/agent-prompt.js', headers: { origin: 'https://shop.example' } });
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe(chunk);
    expect(r.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const etag = String(r.headers.etag);
    expect((await app.inject({ url: '/agent-prompt.js', headers: { 'if-none-match': etag } })).statusCode).toBe(304);

    const gz = await app.inject({ url: '/agent-prompt.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(chunk);
    expect(gz.headers.etag).not.toBe(etag);
    await app.close();
  });

  it('serves the file it is given', async () => {
    const file = join(dir, 'elsewhere-prompt.js');
    writeFileSync(file, 'export const show=()=>{};');
    const app = Fastify();
    await app.register(agentScriptRoutes, { file: join(dir, 'agent.js'), promptFile: file });
    const r = await app.inject({ url: '/agent-prompt.js' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe('export const show=()=>{};');
    await app.close();
  });
});
