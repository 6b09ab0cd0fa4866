/**
 * The start that migrates and every later start agree on what a segment's insert is, so a
 * segment stored by the first and replayed by the next (a crash in between) is stored once.
 * Real engine, real views; each start is its own process, as in production.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { tempDir } from '@touchpoint/node/testing';

const start = fileURLToPath(new URL('../testing/insert-segment.ts', import.meta.url));

/** One start: opens the engine the way Touchpoint does, inserts the segment, prints the counts. */
function runStart(dataDir: string): { applied: number[]; beacons: number; vitals: number } {
  const out = spawnSync(process.execPath, ['--import', 'tsx', start, dataDir], { encoding: 'utf8', timeout: 90_000 });
  if (out.status !== 0) throw new Error(`start failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop() ?? '{}');
}

it('a segment stored by the start that ran the migrations and replayed by the next start is stored once', { timeout: 200_000 }, () => {
  const dataDir = tempDir('migrate-replay');
  const first = runStart(dataDir);
  expect(first.applied.length).toBeGreaterThan(0);
  expect(first).toMatchObject({ beacons: 40, vitals: 40 });
  const replay = runStart(dataDir);
  expect(replay).toEqual({ applied: [], beacons: 40, vitals: 40 });
});
