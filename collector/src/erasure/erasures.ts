/**
 * Erasure of one customer on request, as a durable job: `request()` writes a receipt and queues
 * the job (its own queue, processed here, in the collector role: it needs the spool and
 * ClickHouse); the job erases the customer from every store, retried with backoff until it is
 * done, and is removed when it ends so the customer id does not linger in Redis. Every step is
 * idempotent: a retry, or a second request for the same customer, removes only what is left.
 *
 * In order, so that nothing is recreated behind the erasure:
 * 1. seal and drain the spool: every beacon acknowledged before now is in ClickHouse;
 * 2. find the customer's sessions and checkouts in ClickHouse;
 * 3. take their signals out of the signal batches (finding sessions the beacons never tied to them);
 * 4. the worker's stores in Redis: contact, consent, suppression, state, and its queued work
 *    (the CustomerDataEraser port, implemented by alerting);
 * 5. every ClickHouse table, the outreach log and the rollups included (storage/customer-erasure.ts);
 * 6. the rejected-rows directory.
 */
import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CustomerDataEraser, ErasureReceipt, StoreCounts } from '@touchpoint/protocol/erasure';
import type { SignalBatch } from '@touchpoint/protocol/signals';
import type { BatchWriter } from '../ingest/batch-writer.ts';
import type { Storage } from '../storage/clickhouse.ts';
import { openClickHouseErasure } from '../storage/customer-erasure.ts';
import { createReceipts, addCounts } from './receipts.ts';
import { eraseFromRejectedRows } from './rejected-rows.ts';
import { eraseFromSignalBatches } from './signal-batches.ts';

export const ERASURE_QUEUE = 'touchpoint-erasures';

/** 10 attempts 2 s apart, doubling: an erasure outlasts a ClickHouse or Redis outage of ~17 minutes before it is reported failed. */
const ATTEMPTS = 10;
const BACKOFF_MS = 2000;

interface ErasureJob {
  receipt: string;
  project: string;
  customer: string;
}

export interface ErasureDeps {
  redisUrl: string;
  /** TOUCHPOINT_ALERTING_PREFIX: receipts live beside the worker's keys. */
  keyPrefix: string;
  storage: Storage;
  /** The spool's writer: rows acknowledged before the erasure are stored before it deletes. */
  writer: Pick<BatchWriter, 'flush' | 'healthy'>;
  /** The collector's signal queue (touchpoint-signals). */
  signals: Queue<SignalBatch>;
  /** DATA_DIR/rejected. */
  rejectedDir: string;
  /** The worker's stores in Redis. */
  worker: CustomerDataEraser;
  logger: Logger;
}

export interface Erasures {
  /** Writes a pending receipt and queues the erasure. */
  request(project: string, customer: string): Promise<ErasureReceipt>;
  receipt(project: string, id: string): Promise<ErasureReceipt | undefined>;
  close(): Promise<void>;
}

export async function startErasures(deps: ErasureDeps): Promise<Erasures> {
  const { logger } = deps;
  const redis = new Redis(deps.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', (err) => logger.debug({ err }, 'erasure: redis connection error'));
  const receipts = createReceipts(redis, deps.keyPrefix);
  const queue = new Queue<ErasureJob>(ERASURE_QUEUE, {
    connection: { url: deps.redisUrl, maxRetriesPerRequest: 1 },
    defaultJobOptions: { attempts: ATTEMPTS, backoff: { type: 'exponential', delay: BACKOFF_MS }, removeOnComplete: true, removeOnFail: true },
  });
  queue.on('error', (err) => logger.debug({ err }, 'erasure queue error'));

  async function process(job: Job<ErasureJob>): Promise<void> {
    const { receipt: id, project, customer } = job.data;
    const attempt = job.attemptsMade + 1;
    const record = async (counts: StoreCounts) => void (await receipts.update(project, id, (r) => ({ ...r, removed: addCounts(r.removed, counts) })));
    await receipts.update(project, id, (r) => ({ ...r, status: 'running', startedAt: r.startedAt ?? Date.now(), attempts: attempt }));
    try {
      const { linked, unfinished } = await erase(deps, redis, id, project, customer, record);
      await receipts.update(project, id, (r) => ({ ...r, linked }));
      if (unfinished.length) throw new Error(`not finished, retrying: ${unfinished.join('; ')}`);
      await receipts.update(project, id, ({ error: _, ...r }) => ({ ...r, status: 'complete', completedAt: Date.now() }));
      logger.info({ erasure: id, project, attempt }, 'customer erased');
    } catch (err) {
      // The message reaches the receipt, the log and BullMQ's failed event: never with the id in it.
      const message = String((err as Error).message ?? err).replaceAll(customer, '<customer>').slice(0, 500);
      const last = attempt >= (job.opts.attempts ?? 1);
      await receipts.update(project, id, (r) => ({ ...r, error: message, ...(last ? { status: 'failed' as const, failedAt: Date.now() } : {}) })).catch(() => undefined);
      logger.warn({ erasure: id, project, attempt, err: message }, last ? 'erasure failed for good' : 'erasure attempt failed; will retry');
      throw new Error(message);
    }
  }

  // A job stopped by a shutdown (see close) is taken up again as stalled: let that happen often
  // before BullMQ gives it up (the default is once), since each time is a clean retry.
  const worker = new Worker<ErasureJob>(ERASURE_QUEUE, process, { connection: { url: deps.redisUrl, maxRetriesPerRequest: null }, concurrency: 1, maxStalledCount: 10 });
  worker.on('error', (err) => logger.warn({ err: err.message }, 'erasure worker error'));
  await worker.waitUntilReady();

  return {
    async request(project, customer) {
      const id = randomUUID();
      const receipt = await receipts.create(project, id, Date.now());
      await queue.add('erase', { receipt: id, project, customer }, { jobId: id });
      return receipt;
    },
    receipt: (project, id) => receipts.get(project, id),
    async close() {
      // Not waiting for a running erasure (its mutations may take minutes, and a closing worker
      // waits for Redis for ever when it is away): it stalls, and is retried from the start.
      await worker.close(true);
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

async function erase(
  deps: ErasureDeps,
  redis: Redis,
  id: string,
  project: string,
  customer: string,
  record: (counts: StoreCounts) => Promise<void>,
): Promise<{ linked: { sessions: number; checkouts: number }; unfinished: string[] }> {
  await deps.writer.flush();
  if (!deps.writer.healthy) throw new Error('the spool is not drained (ClickHouse or Redis refuses its segments)');
  const clickhouse = await openClickHouseErasure(deps.storage, id, project, customer);
  try {
    const found = await clickhouse.links();
    const batches = await eraseFromSignalBatches(deps.signals, redis, { customer, sessions: found.sessions });
    await record({ queues: { signals: batches.signals, signalBatches: batches.batches } });
    await clickhouse.addSessions(batches.sessions);
    const links = await clickhouse.links();
    const worker = await deps.worker.erase({ project, customer, ...links });
    await record(worker.removed);
    await record(await clickhouse.erase());
    const lines = await eraseFromRejectedRows(deps.rejectedDir, { project, customer, sessions: links.sessions });
    await record({ 'rejected-rows': { lines } });
    const unfinished = [...worker.unfinished];
    if (batches.running) unfinished.push(`${batches.running} signal batch(es) of the customer were being evaluated`);
    return { linked: { sessions: links.sessions.length, checkouts: links.checkouts.length }, unfinished };
  } finally {
    await clickhouse.close();
  }
}
