/**
 * The alerting worker role: consumes the collector's signal batches and runs the rescue rules,
 * outreach, marketer and SRE alerts. `@touchpoint/node` (the composition root) calls
 * startAlerting with what alerting needs; alerting itself imports only the protocol and libraries.
 */
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { SIGNALS_QUEUE, type SignalBatch } from '@touchpoint/protocol/signals';
import type { AlertingConfig } from './config.ts';
import { alertDestinations } from './channels/alert-destinations.ts';
import { createEmailChannel } from './channels/email.ts';
import { createAlertingEraser } from './erasure/alerting-eraser.ts';
import { createWebhookChannel } from './channels/webhook.ts';
import type { CustomerDataEraser } from '@touchpoint/protocol/erasure';
import type { DeadLetterReader } from '@touchpoint/protocol/outreach';
import type { DeliveryJob, IncidentJob, StuckTimerJob } from './interfaces/jobs.ts';
import type { Logger } from './interfaces/logger.ts';
import type { OutreachLog } from '@touchpoint/protocol/outreach';
import type { ProjectAlerting, ProjectSource } from './interfaces/project-settings.ts';
import type { RollupReader } from '@touchpoint/protocol/rollups';
import { createAlertingMetrics } from './metrics.ts';
import { createAlertingQueues } from './queues/alerting-queues.ts';
import { DELIVERIES_QUEUE, INCIDENTS_QUEUE, JOB, SRE_QUEUE } from './queues/names.ts';
import { AlertDigest } from './store/alert-digest.ts';
import { AlertGroups } from './store/alert-groups.ts';
import { CheckoutStateStore } from './store/checkout-state.ts';
import { storeKeys } from './store/keys.ts';
import { NudgeStore } from './store/nudges.ts';
import { OutreachStore } from './store/outreach-store.ts';
import { createUnsubscribe, type Unsubscribe } from './store/unsubscribe.ts';
import type { AlertingContext } from './workers/context.ts';
import { processDelivery } from './workers/deliveries-worker.ts';
import { processIncident, processStuckTimer } from './workers/incidents-worker.ts';
import { processSignalBatch, withoutPhoneNumbers } from './workers/signals-worker.ts';
import { evaluateSreRules, type SreTransition } from './workers/sre-worker.ts';

export interface AlertingDeps {
  redisUrl: string;
  config: AlertingConfig;
  outreachLog: OutreachLog;
  rollups: RollupReader;
  registry: Registry;
  logger: Logger;
  projects: ProjectSource;
  /** Clock, for tests of quiet hours. */
  now?: () => number;
}

export interface Alerting {
  /** Dead letters for the outreach API. */
  deadLetters: DeadLetterReader;
  store: OutreachStore;
  /** For the collector's /unsubscribe route: checks a link's token and suppresses its customer. */
  unsubscribe: Pick<Unsubscribe, 'verify' | 'suppress'>;
  /** The worker's share of erasing a customer (Redis: store and queues), for the collector's erasure job. */
  eraser: CustomerDataEraser;
  /** Erasure of one customer by id alone, without the sessions and checkouts ClickHouse links to them: the worker's stores and the outreach log. */
  eraseCustomer(project: string, customer: string): Promise<void>;
  /** Runs the SRE rules now (the repeatable job does this every TOUCHPOINT_SRE_INTERVAL). */
  evaluateSre(): Promise<SreTransition[]>;
  close(): Promise<void>;
}

/** Incidents and messages in parallel: they wait on Redis and the network, not on CPU. */
const CONCURRENCY = { incidents: 8, deliveries: 16, sre: 1 } as const;

export async function startAlerting(deps: AlertingDeps): Promise<Alerting> {
  const { config, logger } = deps;
  // BullMQ needs maxRetriesPerRequest: null so commands wait out a Redis restart instead of failing.
  const redis = new Redis(deps.redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'alerting: Redis connection error'));
  // The stores' own connection pipelines: commands issued in one turn of the event loop (the
  // sessions of a signal batch, side by side) go out in one write. BullMQ keeps a plain one.
  const storeRedis = new Redis(deps.redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: true });
  storeRedis.on('error', (err) => logger.warn({ err: err.message }, 'alerting: Redis connection error (store)'));
  const keys = storeKeys(config.keyPrefix);
  const store = new OutreachStore(storeRedis, keys, config.contactTtlMs);
  const queues = createAlertingQueues(redis, config);
  const email = config.smtpUrl ? createEmailChannel({ smtpUrl: config.smtpUrl, from: config.outreachFrom, timeoutMs: config.channelTimeoutMs }) : undefined;
  const list = (): ProjectAlerting[] => (typeof deps.projects === 'function' ? deps.projects() : deps.projects);
  const unsubscribe = createUnsubscribe(storeRedis, keys, store, config.unsubscribeSecret);
  if (email && !config.publicUrl.startsWith('https://')) {
    logger.warn({ publicUrl: config.publicUrl }, 'TOUCHPOINT_PUBLIC_URL is not https: mail providers will not offer one-click unsubscribe, and links in messages may not open for their readers');
  }
  const ctx: AlertingContext = {
    config,
    store,
    checkouts: new CheckoutStateStore(storeRedis, keys),
    nudges: new NudgeStore(storeRedis, keys, config.keyPrefix),
    queues,
    outreachLog: deps.outreachLog,
    rollups: deps.rollups,
    metrics: createAlertingMetrics(deps.registry),
    logger,
    webhook: createWebhookChannel({ timeoutMs: config.channelTimeoutMs }),
    unsubscribe,
    ...(config.alertDigestMs ? { digest: new AlertDigest(storeRedis, keys, config.alertDigestMs) } : {}),
    ...(config.alertGrouping ? { groups: new AlertGroups(storeRedis, keys, config.alertGrouping) } : {}),
    project: (id) => list().find((p) => p.id === id) ?? { id },
    projects: list,
    now: deps.now ?? Date.now,
    ...(email ? { email } : {}),
  };

  const workerOpts = (concurrency: number) => ({
    connection: { url: deps.redisUrl, maxRetriesPerRequest: null },
    concurrency,
    lockDuration: config.lockDurationMs,
    // A killed worker's job becomes available once its lock lapses; check that often.
    stalledInterval: Math.min(30_000, config.lockDurationMs),
  });
  const workers = [
    new Worker<SignalBatch>(
      SIGNALS_QUEUE,
      async (job) => {
        await processSignalBatch(ctx, job.data);
        // A call-back's phone number is handled (its alert queued): the kept job must not hold it.
        const kept = withoutPhoneNumbers(job.data);
        if (kept) await job.updateData(kept);
      },
      workerOpts(config.signalsConcurrency),
    ),
    new Worker<IncidentJob | StuckTimerJob>(
      INCIDENTS_QUEUE,
      (job: Job<IncidentJob | StuckTimerJob>) =>
        job.name === JOB.stuckTimer ? processStuckTimer(ctx, job.data as StuckTimerJob) : processIncident(ctx, job.data as IncidentJob, job.attemptsMade),
      workerOpts(CONCURRENCY.incidents),
    ),
    new Worker<DeliveryJob>(DELIVERIES_QUEUE, (job) => processDelivery(ctx, job), workerOpts(CONCURRENCY.deliveries)),
    new Worker(SRE_QUEUE, async () => void (await evaluateSreRules(ctx, redis, keys, ctx.now())), workerOpts(CONCURRENCY.sre)),
  ];
  for (const w of workers) {
    w.on('error', (err) => logger.warn({ queue: w.name, err: err.message }, 'alerting worker error'));
    w.on('failed', (job, err) => logger.debug({ queue: w.name, job: job?.id, err: err.message }, 'alerting job failed'));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  await queues.sre.upsertJobScheduler('sre-rules', { every: config.sreIntervalMs }, { name: JOB.sreEvaluate });
  logger.info(
    { smtp: Boolean(email), outreachWebhook: Boolean(config.outreachWebhook), marketerAlerts: alertDestinations(config, 'marketer', Boolean(email)).map((d) => d.channel), sreAlerts: alertDestinations(config, 'sre', Boolean(email)).map((d) => d.channel) },
    'alerting worker started',
  );

  const eraser = createAlertingEraser({ redis: storeRedis, store, incidents: queues.incidents, deliveries: queues.deliveries });

  return {
    deadLetters: store,
    store,
    unsubscribe,
    eraser,
    async eraseCustomer(project, customer) {
      await eraser.erase({ project, customer, sessions: [], checkouts: [] });
      await deps.outreachLog.eraseCustomer(project, customer);
    },
    evaluateSre: () => evaluateSreRules(ctx, redis, keys, ctx.now()),
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await queues.close();
      email?.close();
      await redis.quit().catch(() => redis.disconnect());
      await storeRedis.quit().catch(() => storeRedis.disconnect());
    },
  };
}
