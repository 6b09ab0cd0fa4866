/**
 * Erasure of one customer on request: the receipt the HTTP API answers with, and the port
 * through which the collector (which runs every erasure as a durable job) reaches the stores the
 * worker owns in Redis. The receipt is a TypeBox schema: the route's validation and
 * serialization, the collector's types and any client's come from this one definition.
 */
import Type, { type Static } from 'typebox';
import { Project } from './api/common.ts';

/**
 * A customer id as a beacon carries it (`customer`, 1-128 characters). Characters below U+0020
 * never occur in one the collector stored, so an id holding them is a mistake, not a customer.
 */
export const CUSTOMER_ID = { minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f\\u007f]+$' } as const;

/** How long a receipt is kept after it was last updated. */
export const ERASURE_RECEIPT_TTL_MS = 30 * 86_400_000;

/** pending: queued · running: being erased (a failed attempt is retried) · complete · failed: gave up after every retry. */
export const ERASURE_STATUSES = ['pending', 'running', 'complete', 'failed'] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];

/** What one store removed, per kind of item (rows per table, keys, jobs, lines…). */
export const RemovedCounts = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));
export type RemovedCounts = Static<typeof RemovedCounts>;

/** Per store: `clickhouse`, `redis`, `queues`, `rejected-rows`. */
export const StoreCounts = Type.Record(Type.String(), RemovedCounts);
export type StoreCounts = Static<typeof StoreCounts>;

/**
 * The receipt of one erasure. It never names the customer: it holds the status, the times and
 * what was removed as counts, and is kept ERASURE_RECEIPT_TTL_MS.
 */
export const ErasureReceipt = Type.Object({
  id: Type.String({ description: 'the receipt id (a UUID)' }),
  project: Type.String(),
  status: Type.Enum(ERASURE_STATUSES),
  /** Epoch ms. */
  requestedAt: Type.Integer(),
  startedAt: Type.Optional(Type.Integer()),
  completedAt: Type.Optional(Type.Integer()),
  failedAt: Type.Optional(Type.Integer()),
  /** Attempts begun so far; a failed attempt is retried with backoff. */
  attempts: Type.Integer({ minimum: 0 }),
  /** Why the last attempt failed (while running) or the erasure gave up (failed). */
  error: Type.Optional(Type.String()),
  /** Sessions and checkouts found to be the customer's, and erased with them. */
  linked: Type.Optional(Type.Object({ sessions: Type.Integer({ minimum: 0 }), checkouts: Type.Integer({ minimum: 0 }) })),
  /** What each store removed, summed over the attempts. */
  removed: Type.Optional(StoreCounts),
});
export type ErasureReceipt = Static<typeof ErasureReceipt>;

/** DELETE /api/v1/projects/:project/customers/:customer (the id is checked by the route, for a coded error). */
export const CustomerParams = Type.Object({ project: Project, customer: Type.String() });

/** GET /api/v1/projects/:project/erasures/:id */
export const ErasureParams = Type.Object({
  project: Project,
  id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'the id the DELETE answered with' }),
});

/** Who is erased, with the sessions and checkouts found to be theirs (in ClickHouse and the signal queue). */
export interface ErasureSubject {
  project: string;
  customer: string;
  sessions: readonly string[];
  checkouts: readonly string[];
}

export interface ErasureResult {
  removed: StoreCounts;
  /** What could not be removed yet (a job running right now): the erasure is retried. Empty when done. */
  unfinished: string[];
}

/**
 * One store's share of an erasure (the worker's: contacts, consent, suppression, state and its
 * queues in Redis). Idempotent: erasing again removes nothing more and fails nothing.
 */
export interface CustomerDataEraser {
  erase(subject: ErasureSubject): Promise<ErasureResult>;
}
