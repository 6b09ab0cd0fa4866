/**
 * The collector role: the durable spool, the batch writer that drains it into ClickHouse, and
 * the fast lane that hands checkout signals to the worker through BullMQ, and the prompt hub
 * (in-page nudges and surveys over Redis pub/sub). The process
 * (`@touchpoint/node`) opens storage and Redis, calls this, and serves the routes it returns.
 */
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { SIGNALS_QUEUE, type SignalBatch } from '@touchpoint/protocol/signals';
import type { CollectorConfig } from './config.ts';
import { BatchWriter } from './ingest/batch-writer.ts';
import { clickhouseSink } from './ingest/clickhouse-sink.ts';
import { SignalForwarder } from './ingest/signal-forwarder.ts';
import { signalSink } from './ingest/signal-sink.ts';
import { Spool } from './ingest/spool.ts';
import { createBeaconValidator } from './ingest/validate.ts';
import { instanceId } from './instance-id.ts';
import type { Metrics } from './metrics.ts';
import { PromptHub, type PromptHubOptions } from './prompts/prompt-hub.ts';

/** The prompt hub's tuning that is not a setting (tests shorten it). */
export type PromptHubTuning = Partial<Pick<PromptHubOptions, 'heartbeatMs' | 'maxLifetimeMs' | 'maxPerClient' | 'maxBufferedBytes'>>;
import type { Storage } from './storage/clickhouse.ts';

/** How soon the fast lane hands signals to the alerting queue: urgent ones (a failed payment) within 50 ms, the rest within 500 ms. */
const SIGNAL_LANES = { urgentMs: 50, relaxedMs: 500 };
/** On shutdown, how long the writer may take to store what is spooled before the process stops anyway (it is replayed at the next start). */
const DRAIN_ON_STOP_MS = 10_000;

/** Where rows the engine refuses are kept (ingest/clickhouse-sink.ts); erasure reads it too. */
export const rejectedDir = (dataDir: string) => join(dataDir, 'rejected');

export interface CollectorDeps {
  config: CollectorConfig;
  /** The data directory: spool, rejected rows, the instance id. */
  dataDir: string;
  storage: Storage;
  redisUrl: string;
  /** The Redis key prefix the worker uses too (config.alerting.keyPrefix): prompts go through its keys. */
  keyPrefix: string;
  metrics: Metrics;
  logger: Logger;
  promptHub?: PromptHubTuning;
}

export interface Collector {
  spool: Spool;
  writer: BatchWriter;
  queue: Queue<SignalBatch>;
  signals: SignalForwarder;
  validator: ReturnType<typeof createBeaconValidator>;
  prompts: PromptHub;
  /** Readiness: both sinks take the spool's segments. */
  healthy(): boolean;
  /** Seals and drains what is spooled (bounded), then stops. Call after the HTTP server closed. */
  close(): Promise<void>;
}

export async function startCollector({ config, dataDir, storage, redisUrl, keyPrefix, metrics, logger, promptHub }: CollectorDeps): Promise<Collector> {
  const id = instanceId(dataDir);
  const spool = new Spool({
    dir: join(dataDir, 'spool'),
    maxBytes: config.spool.maxBytes,
    segmentMaxBytes: config.spool.segmentMaxBytes,
    commitIntervalMs: config.spool.commitIntervalMs,
  });
  metrics.spoolMaxBytes.set(config.spool.maxBytes);
  const replay = await spool.open();
  if (replay.length) logger.info({ segments: replay.length }, 'replaying spool segments left by the previous run');
  const queue = new Queue<SignalBatch>(SIGNALS_QUEUE, {
    connection: { url: redisUrl, maxRetriesPerRequest: 1 },
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 500 },
      // Kept a day so a spool segment replayed after a crash finds its job id and adds nothing.
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
  queue.on('error', (err) => logger.debug({ err }, 'signals queue error'));
  const signals = new SignalForwarder(queue, id, SIGNAL_LANES, logger);
  const writer = new BatchWriter({
    spool,
    sinks: [clickhouseSink({ storage, instanceId: id, metrics, logger, rejectedDir: rejectedDir(dataDir) }), signalSink(queue, id, signals)],
    intervalMs: config.spool.flushIntervalMs,
    logger,
    metrics,
  });
  writer.start();
  void writer.drain();
  const prompts = new PromptHub({ redisUrl, keyPrefix, logger, metrics, maxChannels: config.maxPromptChannels, ...promptHub });
  await prompts.start();
  return {
    spool,
    writer,
    queue,
    signals,
    validator: createBeaconValidator(),
    prompts,
    healthy: () => writer.healthy,
    async close() {
      await Promise.race([writer.flush(), new Promise((r) => setTimeout(r, DRAIN_ON_STOP_MS))]);
      await writer.stop();
      await spool.close();
      await signals.close();
      await queue.close();
      await prompts.close();
    },
  };
}
