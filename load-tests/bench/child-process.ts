import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { treeCpu } from './cpu.ts';

export interface NodeChild {
  process: ChildProcess;
  pid: number;
  url: string;
  /** Where the child's stdout and stderr go (pino logs would cost the load tool a core on a TTY). */
  logFile: string;
  stop(): Promise<void>;
}

export interface SpawnNodeOptions {
  /** Script run through tsx, as `npm start` does. */
  script: string;
  cwd: string;
  env: Record<string, string>;
  port: number;
  /** Path answering 200 once the child is ready. */
  readyPath: string;
  logFile: string;
  readyTimeoutMs?: number;
}

/** Starts `node --import tsx SCRIPT` and waits until GET readyPath answers 200. */
export async function spawnNode(opts: SpawnNodeOptions): Promise<NodeChild> {
  const log = createWriteStream(opts.logFile);
  // BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`: profile the servers under load.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', opts.script], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, PORT: String(opts.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`TP_BENCH_CHILD_EXITED: ${opts.script} exited with ${child.exitCode} before it was ready; its log:\n${tail(opts.logFile)}`);
    }
    try {
      const res = await fetch(url + opts.readyPath);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`TP_BENCH_CHILD_NOT_READY: ${opts.script} did not answer 200 on ${opts.readyPath} within ${opts.readyTimeoutMs ?? 60_000} ms; its log:\n${tail(opts.logFile)}`);
    }
    await sleep(100);
  }
  if (child.pid === undefined) throw new Error('TP_BENCH_CHILD_NO_PID: the child has no pid');
  // Its own children (Touchpoint's redis-server) would outlive a crashed parent: remember them.
  const descendants = treeCpu(child.pid)
    .pids.filter((p) => p !== child.pid)
    .map((pid) => ({ pid, cmdline: cmdline(pid) }));
  const stopAll = async () => {
    await stop();
    // Only a process that is still the one we saw (same command line), never a reused pid.
    for (const d of descendants) {
      if (!d.cmdline || cmdline(d.pid) !== d.cmdline) continue;
      try {
        process.kill(d.pid, 'SIGTERM');
      } catch {
        // exited meanwhile
      }
    }
  };
  return { process: child, pid: child.pid, url, logFile: opts.logFile, stop: stopAll };
}

function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('TP_BENCH_NO_PORT: the OS gave no port'))));
    });
  });
}
