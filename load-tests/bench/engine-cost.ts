// The storage engine's share of a beacon's cost: engine-cost-child.ts in
// its own process, fed the bench's bodies at the bench's rate (one insert a second, no HTTP).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface EngineCost {
  rate: number;
  seconds: number;
  beacons: number;
  inserts: number;
  /** CPU of the whole engine process (parsing, views, parts, merges) per beacon inserted. */
  cpuMicrosPerBeacon: number;
  insertMsP50: number;
}

export async function measureEngineCost(opts: { repoRoot: string; workDir: string; bodies: string[]; rate: number; seconds: number }): Promise<EngineCost> {
  const file = join(opts.workDir, 'engine-cost-bodies.json');
  writeFileSync(file, JSON.stringify(opts.bodies));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(opts.repoRoot, 'load-tests/bench/engine-cost-child.ts'), '--bodies', file, '--rate', String(opts.rate), '--seconds', String(opts.seconds)],
    { cwd: opts.repoRoot, maxBuffer: 1024 * 1024, timeout: 300_000 },
  );
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const r = JSON.parse(last) as EngineCost;
  if (!Number.isFinite(r.cpuMicrosPerBeacon)) throw new Error(`TP_BENCH_ENGINE_COST: no figure in ${JSON.stringify(last.slice(0, 200))}`);
  return r;
}
