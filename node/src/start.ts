/**
 * The composition root: opens storage and Redis once, starts the roles this process runs
 * (collector, worker or both, the single-node default) on them, wires each role's ports to the
 * other's implementations, serves HTTP, and stops everything in order.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { agentScriptFile } from '@touchpoint/agent/assets';
import { startAlerting, type Alerting } from '@touchpoint/alerting';
import { openAlertingEraser } from '@touchpoint/alerting/erasure';
import { openOutreachStore } from '@touchpoint/alerting/store/open-outreach-store';
import type { ProjectAlerting } from '@touchpoint/alerting/interfaces/project-settings';
import { rejectedDir, startCollector, type Collector, type PromptHubTuning } from '@touchpoint/collector';
import { buildApp } from '@touchpoint/collector/app';
import { startErasures, type Erasures } from '@touchpoint/collector/erasure';
import { createMetrics, type Metrics } from '@touchpoint/collector/metrics';
import type { Project } from '@touchpoint/collector/projects';
import { createRollupReader } from '@touchpoint/collector/storage/alert-metrics';
import { openClickHouse, type EngineConnection, type Storage } from '@touchpoint/collector/storage/clickhouse';
import { openMigrated } from '@touchpoint/collector/storage/migrate';
import { publicDir, vendorFiles } from '@touchpoint/dashboards/assets';
import { createOutreachLog } from '@touchpoint/collector/storage/outreach-log';
import { TouchpointError } from '@touchpoint/protocol/errors';
import type { DeadLetterReader, UnsubscribePort } from '@touchpoint/protocol/outreach';
import type { Config } from './config.ts';
import { startPrivateRedis, type PrivateRedis } from './private-redis.ts';

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
  ingest?: Pick<Collector, 'spool' | 'writer' | 'queue'>;
  /** Present with the worker role. */
  alerting?: Alerting;
  /** The private redis-server, when REDIS_URL is unset. */
  privateRedis?: PrivateRedis;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Wraps the embedded engine's connection, e.g. to inject faults in tests. */
  wrapConnection?: (c: EngineConnection) => EngineConnection;
  /** Shorter prompt-channel heartbeats, lifetimes and caps (tests). */
  promptHub?: PromptHubTuning;
}

export async function startTouchpoint(config: Config, opts: StartOptions = {}): Promise<Touchpoint> {
  // The one start-up check that is not a setting: without REDIS_URL we need redis-server.
  if (!config.redisUrl && spawnSync('redis-server', ['--version']).error) throw new TouchpointError('TP_ERR_REDIS_SERVER_MISSING');
  const logger = opts.logger ?? pino({ level: config.logLevel });
  const cleanups: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => logger.error({ err }, 'shutdown step failed'));
  };
  try {
    if (config.projectsWarning) logger.warn(config.projectsWarning);
    if (config.collector.adminTokenGenerated) {
      logger.warn(`TOUCHPOINT_ADMIN_TOKEN is not set: generated one for this run: ${config.collector.adminToken}`);
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

    const { storage, applied } = await openMigrated(() =>
      openClickHouse(
        { url: config.clickhouseUrl, dataDir: join(config.dataDir, 'clickhouse'), database: config.clickhouseDatabase },
        opts.wrapConnection,
      ),
    );
    cleanups.push(() => storage.close());
    if (applied.length) logger.info({ applied }, 'applied migrations');

    const metrics = createMetrics();
    const checks: Record<string, () => Promise<boolean>> = { redis: async () => (await redis.ping()) === 'PONG' };
    const outreachLog = createOutreachLog(storage);

    let collector: Collector | undefined;
    if (config.roles.has('collector')) {
      collector = await startCollector({ config: config.collector, dataDir: config.dataDir, storage, redisUrl, keyPrefix: config.alerting.keyPrefix, metrics, logger, ...(opts.promptHub ? { promptHub: opts.promptHub } : {}) });
      // Stop order: no new beacons (the app closes first, pushed last), then seal and drain the spool.
      cleanups.push(collector.close);
      checks.spool = async () => collector!.healthy();
    }

    let alerting: Alerting | undefined;
    if (config.roles.has('worker')) {
      alerting = await startAlerting({
        redisUrl,
        config: config.alerting,
        outreachLog,
        rollups: createRollupReader(storage),
        registry: metrics.registry,
        logger,
        projects: () => config.projects.all.map((p) => toProjectAlerting(p, config.projects)),
      });
      const started = alerting;
      cleanups.push(() => started.close());
    }

    // The outreach API and the unsubscribe route read the worker's store in Redis: the
    // worker's own, or a reader of their own when this process runs no worker.
    let deadLetters: DeadLetterReader | undefined = alerting?.deadLetters;
    let unsubscribe: UnsubscribePort | undefined = alerting?.unsubscribe;
    if (collector && (!deadLetters || !unsubscribe)) {
      const reader = openOutreachStore(redisUrl, config.alerting);
      cleanups.push(() => reader.close());
      deadLetters = reader.store;
      unsubscribe = reader.unsubscribe;
    }

    // Erasure runs in the collector role (it drains the spool and deletes in ClickHouse) and
    // reaches the worker's stores in Redis through their port: the worker's own eraser, or one
    // on connections of its own when this process runs no worker.
    let erasures: Erasures | undefined;
    if (collector) {
      let workerStores = alerting?.eraser;
      if (!workerStores) {
        const opened = openAlertingEraser(redisUrl, config.alerting);
        cleanups.push(() => opened.close());
        workerStores = opened.eraser;
      }
      erasures = await startErasures({
        redisUrl,
        keyPrefix: config.alerting.keyPrefix,
        storage,
        writer: collector.writer,
        signals: collector.queue,
        rejectedDir: rejectedDir(config.dataDir),
        worker: workerStores,
        logger,
      });
      const started = erasures;
      cleanups.push(() => started.close());
    }

    const app = await buildApp({
      config: config.collector,
      storage,
      metrics,
      logger,
      checks,
      ...(collector && deadLetters && unsubscribe && erasures
        ? {
            collector: {
              config: config.collector,
              storage,
              metrics,
              logger,
              checks,
              projects: config.projects,
              spool: collector.spool,
              signals: collector.signals,
              validator: collector.validator,
              prompts: collector.prompts,
              redisUrl,
              stuckAfterMs: config.alerting.stuckAfterMs,
              outreach: { log: outreachLog, deadLetters },
              unsubscribe,
              erasures,
              assets: { agentScript: agentScriptFile, dashboards: { publicDir, vendor: vendorFiles() } },
            },
          }
        : {}),
    });
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
      adminToken: config.collector.adminToken,
      metrics,
      registry: metrics.registry,
      logger,
      app,
      ...(collector ? { ingest: { spool: collector.spool, writer: collector.writer, queue: collector.queue } } : {}),
      ...(alerting ? { alerting } : {}),
      ...(privateRedis ? { privateRedis } : {}),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** What the alerting rules need of a project, from the projects file. */
function toProjectAlerting(p: Project, registry: Config['projects']): ProjectAlerting {
  const out: ProjectAlerting = { id: p.id };
  if (p.name) out.name = p.name;
  if (p.supportUrl) out.supportUrl = p.supportUrl;
  if (p.quietHours) out.quietHours = p.quietHours;
  if (p.suppression) out.suppression = p.suppression;
  if (p.alertLanguage) out.alertLanguage = p.alertLanguage;
  if (p.testRecipients) out.testRecipients = p.testRecipients;
  if (p.prompts) out.prompts = p.prompts;
  // The project's template files, loaded (and checked) with the projects file.
  out.copy = registry.copyOf(p);
  return out;
}
