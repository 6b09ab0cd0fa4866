import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { freePort, startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
import { ADMIN_TOKEN, tempDir, waitFor } from '@touchpoint/node/testing';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let redis: PrivateRedis;
const dataDir = tempDir('crash');
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis({ dir: tempDir('crash-redis') });
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await redis?.stop();
});

async function startCollector(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'node/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      REDIS_URL: redis.url,
      TOUCHPOINT_ADMIN_TOKEN: ADMIN_TOKEN,
      TOUCHPOINT_ROLES: 'collector',
      TOUCHPOINT_RATE_LIMIT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 60_000, 100);
  return child;
}

it('stores every beacon it acknowledged when killed with SIGKILL under load', { timeout: 240_000 }, async () => {
  const port = await freePort();
  const child = await startCollector(port);
  const url = `http://127.0.0.1:${port}`;
  const acked: string[] = [];
  let attempted = 0;
  let stop = false;
  const from = Date.now() - 60_000;

  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const session = `crash-${w}-${i}`;
      const now = Date.now();
      attempted++;
      const body = JSON.stringify({ v: 1, session, page: 'https://shop.example/', sentAt: now, events: [{ type: 'vital', at: now, name: 'LCP', value: 1000 + i }] });
      try {
        const res = await fetch(`${url}/v1/beacon?key=demo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
        if (res.status === 204) acked.push(session);
      } catch {
        return; // the collector is gone: this beacon was never acknowledged
      }
    }
  };
  const load = Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
  await waitFor(async () => acked.length >= 1000, 120_000, 20);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  stop = true;
  await load;
  await exited;

  const port2 = await freePort();
  await startCollector(port2);
  const q = (extra = '') =>
    fetch(`http://127.0.0.1:${port2}/api/v1/projects/demo/summary?from=${from}&to=${Date.now() + 60_000}${extra}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }).then((r) => r.json() as Promise<{ beacons: number }>);
  const stored = await waitFor(async () => {
    const s = await q();
    return s.beacons >= acked.length && s.beacons;
  }, 60_000, 250);
  // A beacon synced but not yet answered when the process died is stored without an ack: that is the only slack.
  expect(stored).toBeGreaterThanOrEqual(acked.length);
  expect(stored).toBeLessThanOrEqual(attempted);
  // The ones acknowledged last, right before the kill, are the ones at risk: each is there exactly once.
  for (const session of acked.slice(-25)) expect((await q(`&session=${session}`)).beacons).toBe(1);
});
