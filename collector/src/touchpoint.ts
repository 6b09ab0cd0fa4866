/**
 * The composition root: starts the roles this process runs (collector, worker or both, the
 * single-node default) on shared storage and Redis, and stops them in order.
 */
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { startAlerting, type Alerting } from '@touchpoint/alerting';
import { loadAlertingConfig } from '@touchpoint/alerting/config';
import type { DeadLetterReader } from '@touchpoint/alerting/interfaces/dead-letters';
import type { ProjectAlerting } from '@touchpoint/alerting/interfaces/project-settings';
import { openOutreachStore } from '@touchpoint/alerting/store/open-outreach-store';
import { SIGNALS_QUEUE, type SignalBatch } from '@touchpoint/protocol/signals';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { BatchWriter } from './ingest/batch-writer.ts';
import { clickhouseSink } from './ingest/clickhouse-sink.ts';
import { SignalForwarder } from './ingest/signal-forwarder.ts';
import { signalSink } from './ingest/signal-sink.ts';
import { Spool } from './ingest/spool.ts';
import { createBeaconValidator } from './ingest/validate.ts';
import { instanceId } from './instance-id.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { loadProjects, type Project } from './projects.ts';
import { startPrivateRedis, type PrivateRedis } from './redis/private-redis.ts';
import type { RouteDeps } from './routes/deps.ts';
import outreachRoutes from './routes/outreach.ts';
import unsubscribeRoutes, { type UnsubscribePort } from './routes/unsubscribe.ts';
import { createRollupReader } from './storage/alert-metrics.ts';
import { createOutreachLog } from './storage/outreach-log.ts';
import { openClickHouse, type EngineConnection, type Storage } from './storage/clickhouse.ts';
import { migrate } from './storage/migrate.ts';

export interface Touchpoint {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  config: Config;
  storage: Storage;
  redisUrl: string;
  adminToken: string;
  metrics: Metrics;
  registry: Metrics['registry'];
  logger: Logger;
  app: FastifyInstance;
  /** Present with the collector role. */
  ingest?: { spool: Spool; writer: BatchWriter; queue: Queue<SignalBatch> };
  /** Present with the worker role. */
  alerting?: Alerting;
  /** The private redis-server, when REDIS_URL is unset. */
  privateRedis?: PrivateRedis;
  close(): Promise<void>;
}

/** Signals reach the worker this soon after their beacon's ack; time-to-outreach's goal is 1 s. */
/** How soon the fast lane hands signals to the alerting queue (ingest/signal-forwarder.ts). */
const SIGNAL_LANES = { urgentMs: 50, relaxedMs: 500 };

export interface StartOptions {
  logger?: Logger;
  /** Wraps the embedded engine's connection, e.g. to inject faults in tests. */
  wrapConnection?: (c: EngineConnection) => EngineConnection;
}

export async function startTouchpoint(config: Config, opts: StartOptions = {}): Promise<Touchpoint> {
  const logger = opts.logger ?? pino({ level: config.logLevel });
  const cleanups: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => logger.error({ err }, 'shutdown step failed'));
  };
  try {
    const { registry: projects, warning } = loadProjects(config.projectsFile);
    if (warning) logger.warn(warning);
    if (config.adminTokenGenerated) {
      logger.warn(`TOUCHPOINT_ADMIN_TOKEN is not set: generated one for this run: ${config.adminToken}`);
    }

    let privateRedis: PrivateRedis | undefined;
    let redisUrl = config.redisUrl;
    if (!redisUrl) {
      privateRedis = await startPrivateRedis({ dir: join(config.dataDir, 'redis') });
      cleanups.push(() => privateRedis!.stop());
      redisUrl = privateRedis.url;
      logger.info({ redisUrl }, 'started a private redis-server (set REDIS_URL to use your own)');
    }
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false });
    redis.on('error', (err) => logger.debug({ err }, 'redis connection error'));
    cleanups.push(async () => redis.disconnect());

    const storage = await openClickHouse(
      { url: config.clickhouseUrl, dataDir: join(config.dataDir, 'clickhouse'), database: config.clickhouseDatabase },
      opts.wrapConnection,
    );
    cleanups.push(() => storage.close());
    const applied = await migrate(storage);
    if (applied.length) logger.info({ applied }, 'applied migrations');

    const metrics = createMetrics();
    const checks: RouteDeps['checks'] = {
      redis: async () => (await redis.ping()) === 'PONG',
    };

    let collector: RouteDeps | undefined;
    let ingest: Touchpoint['ingest'];
    if (config.roles.has('collector')) {
      const id = instanceId(config.dataDir);
      const spool = new Spool({ dir: join(config.dataDir, 'spool'), maxBytes: config.spool.maxBytes, segmentMaxBytes: config.spool.segmentMaxBytes, commitIntervalMs: config.spool.commitIntervalMs });
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
        sinks: [clickhouseSink({ storage, instanceId: id, metrics, logger, rejectedDir: join(config.dataDir, 'rejected') }), signalSink(queue, id, signals)],
        intervalMs: config.spool.flushIntervalMs,
        logger,
        metrics,
      });
      writer.start();
      void writer.drain();
      // Stop order: no new beacons (app closes first), then seal and drain what is spooled.
      cleanups.push(() => queue.close());
      cleanups.push(() => signals.close());
      cleanups.push(async () => {
        await Promise.race([writer.flush(), new Promise((r) => setTimeout(r, 10_000))]);
        await writer.stop();
        await spool.close();
      });
      checks.spool = async () => writer.healthy;
      collector = { config, storage, metrics, logger, checks, projects, spool, signals, redisUrl, validator: createBeaconValidator() };
      ingest = { spool, writer, queue };
    }

    const outreachLog = createOutreachLog(storage);
    let alerting: Alerting | undefined;
    if (config.roles.has('worker')) {
      alerting = await startAlerting({
        redisUrl,
        config: loadAlertingConfig(config.env),
        outreachLog,
        rollups: createRollupReader(storage),
        registry: metrics.registry,
        logger,
        projects: () => projects.all.map(toProjectAlerting),
      });
      const started = alerting;
      cleanups.push(() => started.close());
    }
    // The outreach API reads dead letters from Redis: the worker's store, or a reader of its own.
    let deadLetters: DeadLetterReader | undefined = alerting?.deadLetters;
    let unsubscribe: UnsubscribePort | undefined = alerting?.unsubscribe;
    if (collector && !deadLetters) {
      const reader = openOutreachStore(redisUrl, loadAlertingConfig(config.env));
      cleanups.push(() => reader.close());
      deadLetters = reader.store;
      unsubscribe = reader.unsubscribe;
    }
    const extraRoutes = collector && deadLetters ? [outreachPlugin(outreachLog, deadLetters)] : [];
    if (collector && unsubscribe) extraRoutes.push(unsubscribePlugin(unsubscribe, (id) => projects.byId(id)?.name));

    const app = await buildApp({ config, storage, metrics, logger, checks, extraRoutes, ...(collector ? { collector } : {}) });
    cleanups.push(() => app.close());
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port, roles: [...config.roles], engine: storage.engine }, `Touchpoint listening on http://127.0.0.1:${port}`);

    return {
      url: `http://127.0.0.1:${port}`,
      port,
      config,
      storage,
      redisUrl,
      adminToken: config.adminToken,
      metrics,
      registry: metrics.registry,
      logger,
      app,
      ...(ingest ? { ingest } : {}),
      ...(alerting ? { alerting } : {}),
      ...(privateRedis ? { privateRedis } : {}),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function outreachPlugin(outreachLog: ReturnType<typeof createOutreachLog>, deadLetters: DeadLetterReader) {
  return (app: FastifyInstance) => outreachRoutes(app, { outreachLog, deadLetters });
}

function unsubscribePlugin(unsubscribe: UnsubscribePort, shopName: (project: string) => string | undefined) {
  return (app: FastifyInstance) => unsubscribeRoutes(app, { unsubscribe, shopName });
}

/** What the alerting rules need of a project, from the projects file. */
function toProjectAlerting(p: Project): ProjectAlerting {
  const out: ProjectAlerting = { id: p.id };
  if (p.name) out.name = p.name;
  if (p.supportUrl) out.supportUrl = p.supportUrl;
  if (p.quietHours) out.quietHours = p.quietHours;
  if (p.suppression) out.suppression = p.suppression;
  if (p.alertLanguage) out.alertLanguage = p.alertLanguage;
  return out;
}
