/**
 * Where the real k6 is: $K6, else `k6` on PATH, else ../shared/bin/k6 beside the repository
 * (where development and CI machines here have k6 v1.3.0). Undefined when none runs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../bench/touchpoint-process.ts';

export interface K6 {
  path: string;
  version: string;
}

export const K6_CANDIDATES = (): string[] => [process.env.K6, 'k6', join(REPO_ROOT, '../shared/bin/k6')].filter((p): p is string => !!p);

export function findK6(): K6 | undefined {
  for (const path of K6_CANDIDATES()) {
    const r = spawnSync(path, ['version'], { encoding: 'utf8' });
    if (!r.error && r.status === 0) return { path, version: r.stdout.trim().split('\n')[0] ?? '' };
  }
  return undefined;
}

/** The one line said wherever the k6 runs are skipped. */
export const NO_K6 = `k6 not found (tried $K6, k6 on PATH, ../shared/bin/k6): the real-k6 runs are skipped. Install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or set K6=/path/to/k6.`;
