// Touchpoint under test, as users start it (`npm start`): its own process, a fresh data
// directory, every role in one process, the private redis-server as its child. Only the
// per-address rate limit is off, and it listens on loopback only.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnNode, type NodeChild } from './child-process.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface TouchpointProcess extends NodeChild {
  dataDir: string;
  adminToken: string;
}

export async function startTouchpoint(logDir: string, adminToken: string, logName = 'touchpoint.log'): Promise<TouchpointProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tp-bench-'));
  const child = await spawnNode({
    script: join(REPO_ROOT, 'node/src/main.ts'),
    cwd: REPO_ROOT,
    // One client address sends everything: the per-address rate limit would answer 429.
    env: {
      DATA_DIR: dataDir,
      TOUCHPOINT_ADMIN_TOKEN: adminToken,
      TOUCHPOINT_RATE_LIMIT: '0',
      HOST: '127.0.0.1',
      // As `npm start` sets it.
      UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '16',
    },
    port: await freePort(),
    readyPath: '/readyz',
    logFile: join(logDir, logName),
    readyTimeoutMs: 120_000,
  });
  return { ...child, dataDir, adminToken };
}
