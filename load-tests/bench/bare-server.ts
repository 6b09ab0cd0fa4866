// The baseline of every ratio in the bench: a bare Fastify 5 route that reads the beacon body
// and answers 204, in its own process like Touchpoint. Run directly, it listens on PORT.
import Fastify from 'fastify';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, spawnNode, type NodeChild } from './child-process.ts';

const SELF = fileURLToPath(import.meta.url);

export async function startBareServer(logDir: string): Promise<NodeChild> {
  return spawnNode({
    script: SELF,
    cwd: process.cwd(),
    env: {},
    port: await freePort(),
    readyPath: '/readyz',
    logFile: join(logDir, 'bare-server.log'),
  });
}

async function main() {
  // Fastify's defaults, as Touchpoint's app gets them: text/plain bodies are read as a string.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.post('/v1/beacon', async (req, reply) => {
    if (typeof req.body !== 'string' || req.body.length === 0) return reply.code(400).send();
    return reply.code(204).send();
  });
  app.get('/readyz', async () => ({ ok: true }));
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const shutdown = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main();
