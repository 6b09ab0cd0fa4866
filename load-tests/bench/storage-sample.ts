// Rows and bytes per beacon need unique traffic: the throughput phases cycle 100 bodies, which
// ClickHouse compresses far better than real beacons. So a second, fresh Touchpoint receives
// N distinct generated beacons (20 at a time), then is stopped and its tables measured.
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BeaconRequest } from './load.ts';
import { measureStorage, type StorageFootprint } from './storage-footprint.ts';
import { waitForStored } from './summary-api.ts';
import { startTouchpoint } from './touchpoint-process.ts';
import { fetchOnce } from './http-retry.ts';

export interface StorageSample extends StorageFootprint {
  sent: number;
  acked: number;
  /** Requests that got no answer (connection errors, timeouts), with the first cause. */
  failed: number;
  firstError?: string;
  stored: number;
  meanBodyBytes: number;
}

export async function storageSample(logDir: string, adminToken: string, requests: BeaconRequest[], path: string, concurrency = 20): Promise<StorageSample> {
  const tp = await startTouchpoint(logDir, adminToken, 'touchpoint-storage-sample.log');
  const from = Date.now() - 1000;
  let acked = 0;
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  let stored = 0;
  try {
    const worker = async () => {
      while (next < requests.length) {
        const r = requests[next++];
        if (!r) break;
        try {
          const res = await fetchOnce(tp.url + path, { method: 'POST', headers: r.headers, body: r.body });
          await res.arrayBuffer();
          if (res.status === 204 || res.status === 200 || res.status === 202) acked += 1;
          else if (res.status === 503 || res.status === 429) await sleep(100);
        } catch (err) {
          // Not acknowledged, so not owed; keep the first cause for the report.
          failed += 1;
          firstError ??= describe(err);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    stored = await waitForStored({ baseUrl: tp.url, adminToken, project: 'demo', from }, acked, 60_000);
  } finally {
    await tp.stop();
  }
  const footprint = await measureStorage(tp.dataDir, stored);
  const meanBodyBytes = requests.reduce((s, r) => s + Buffer.byteLength(r.body), 0) / requests.length;
  if (process.env.BENCH_KEEP_DATA !== '1') rmSync(tp.dataDir, { recursive: true, force: true });
  return { ...footprint, sent: requests.length, acked, failed, ...(firstError ? { firstError } : {}), stored, meanBodyBytes };
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.name}: ${err.message}${cause}`;
}
