// CPU time of a process tree, from /proc: utime + stime of the process and every descendant
// (for Touchpoint: the node process with chDB's threads in it, and its private redis-server).
// Read before and after a phase; the difference is what the tree spent on it.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (almost always 100 on Linux). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  ppid: number;
  ticks: number;
}

function readStat(pid: number, file = `/proc/${pid}/stat`): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  // The command name is in parentheses and may hold spaces: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] = state (field 3), [1] = ppid (4), [11] = utime (14), [12] = stime (15)
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ppid) && Number.isFinite(ticks) ? { ppid, ticks } : undefined;
}

export interface TreeCpu {
  /** CPU time in µs of the root and its descendants at the moment of reading. */
  micros: number;
  pids: number[];
}

export function treeCpu(rootPid: number): TreeCpu {
  const stats = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) stats.set(Number(name), s);
  }
  const inTree = new Set([rootPid]);
  // Parents are usually listed before children, but not always: repeat until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [pid, s] of stats) {
      if (!inTree.has(pid) && inTree.has(s.ppid)) {
        inTree.add(pid);
        changed = true;
      }
    }
  }
  let ticks = 0;
  for (const pid of inTree) ticks += stats.get(pid)?.ticks ?? 0;
  return { micros: (ticks * 1_000_000) / CLK_TCK, pids: [...inTree] };
}

/**
 * CPU time in µs of a process's main thread (its tid is its pid): for node, the event loop, where
 * HTTP, parsing, validation and scrubbing run; the engine's and libuv's threads are not in it.
 */
export function mainThreadCpu(pid: number): number {
  return ((readStat(pid, `/proc/${pid}/task/${pid}/stat`)?.ticks ?? Number.NaN) * 1_000_000) / CLK_TCK;
}
