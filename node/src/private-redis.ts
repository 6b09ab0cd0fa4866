import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { TouchpointError } from '@touchpoint/protocol/errors';

export interface PrivateRedis {
  url: string;
  port: number;
  /** The server process, e.g. for a test that kills it. */
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  /** Data directory (AOF lives here). */
  dir: string;
  /** Default: a free port chosen by the OS. */
  port?: number;
}

/**
 * Runs a redis-server owned by this process: the single-node default when REDIS_URL is unset,
 * and what every test that needs Redis uses so that tests never share one. AOF on with
 * fsync every second and `noeviction`, because BullMQ loses jobs under eviction.
 */
export async function startPrivateRedis(opts: PrivateRedisOptions): Promise<PrivateRedis> {
  if (spawnSync('redis-server', ['--version']).error) throw new TouchpointError('TP_ERR_REDIS_SERVER_MISSING');
  mkdirSync(opts.dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const child = spawn(
    'redis-server',
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', opts.dir,
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      '--maxmemory-policy', 'noeviction',
      '--protected-mode', 'yes',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new TouchpointError('TP_ERR_REDIS_SERVER_FAILED', `it exited with ${child.exitCode}: ${stderr.trim()}`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      if (Date.now() > deadline) throw new TouchpointError('TP_ERR_REDIS_SERVER_FAILED', `it did not answer on port ${port}: ${stderr.trim()}`);
      await sleep(50);
    } finally {
      probe.disconnect();
    }
  }
  return {
    url,
    port,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
