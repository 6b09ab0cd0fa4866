/**
 * Erasure receipts in Redis, under the worker's key prefix (TOUCHPOINT_ALERTING_PREFIX), one JSON
 * string per receipt kept ERASURE_RECEIPT_TTL_MS after its last update. A receipt never names the
 * customer; only the erasure job does, and it is removed when it ends.
 */
import type { Redis } from 'ioredis';
import { ERASURE_RECEIPT_TTL_MS, type ErasureReceipt, type StoreCounts } from '@touchpoint/protocol/erasure';

export interface Receipts {
  create(project: string, id: string, requestedAt: number): Promise<ErasureReceipt>;
  get(project: string, id: string): Promise<ErasureReceipt | undefined>;
  /** Applies `change` to the stored receipt (one writer: the erasure job of that receipt). */
  update(project: string, id: string, change: (r: ErasureReceipt) => ErasureReceipt): Promise<ErasureReceipt | undefined>;
}

export function createReceipts(redis: Redis, keyPrefix: string): Receipts {
  const key = (project: string, id: string) => `${keyPrefix}:${encodeURIComponent(project)}:erasure:${id}`;
  const save = async (r: ErasureReceipt) => void (await redis.set(key(r.project, r.id), JSON.stringify(r), 'PX', ERASURE_RECEIPT_TTL_MS));
  const get = async (project: string, id: string) => {
    const raw = await redis.get(key(project, id));
    return raw ? (JSON.parse(raw) as ErasureReceipt) : undefined;
  };
  return {
    async create(project, id, requestedAt) {
      const r: ErasureReceipt = { id, project, status: 'pending', requestedAt, attempts: 0 };
      await save(r);
      return r;
    },
    get,
    async update(project, id, change) {
      const r = await get(project, id);
      if (!r) return undefined;
      const next = change(r);
      await save(next);
      return next;
    },
  };
}

/** Sums what one attempt removed into what earlier attempts did. */
export function addCounts(into: StoreCounts | undefined, more: StoreCounts): StoreCounts {
  const out: StoreCounts = structuredClone(into ?? {});
  for (const [store, counts] of Object.entries(more)) {
    const dst = (out[store] ??= {});
    for (const [kind, n] of Object.entries(counts)) dst[kind] = (dst[kind] ?? 0) + n;
  }
  return out;
}
