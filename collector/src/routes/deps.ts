import type { Logger } from 'pino';
import type { DeadLetterReader, OutreachLog, UnsubscribePort } from '@touchpoint/protocol/outreach';
import type { CollectorConfig } from '../config.ts';
import type { Erasures } from '../erasure/erasures.ts';
import type { BeaconValidator } from '../ingest/validate.ts';
import type { SignalForwarder } from '../ingest/signal-forwarder.ts';
import type { Spool } from '../ingest/spool.ts';
import type { Metrics } from '../metrics.ts';
import type { PromptHub } from '../prompts/prompt-hub.ts';
import type { ProjectRegistry } from '../projects.ts';
import type { Storage } from '../storage/clickhouse.ts';

/** What every role's app has: health, readiness and metrics. */
export interface HealthDeps {
  config: CollectorConfig;
  storage: Storage;
  metrics: Metrics;
  logger: Logger;
  /** Readiness of the parts that are not storage: Redis, the spool sinks. */
  checks: Record<string, () => Promise<boolean>>;
}

/** What the collector's route plugins are given by app.ts. */
export interface RouteDeps extends HealthDeps {
  projects: ProjectRegistry;
  spool: Spool;
  signals: SignalForwarder;
  /** For the live view's fan-in across collectors (Redis pub/sub). */
  redisUrl: string;
  validator: BeaconValidator;
  /** This process's prompt channels and the survey deciders' Redis (prompts/prompt-hub.ts). */
  prompts: PromptHub;
  /** The stuck-checkout rule's setting (TOUCHPOINT_STUCK_AFTER), so the dashboards call stuck what the worker calls stuck. */
  stuckAfterMs: number;
  /** Static files the collector serves: the built agent (/agent.js) and the dashboards (/dashboards/). */
  assets: { agentScript: string; dashboards: { publicDir: string; vendor: Record<string, string> } };
  /** The outreach log (ClickHouse) and the worker's dead letters (Redis), for the outreach API. */
  outreach: { log: OutreachLog; deadLetters: DeadLetterReader };
  /** The worker's unsubscribe links (Redis), for the public /unsubscribe route. */
  unsubscribe: UnsubscribePort;
  /** Erasure of one customer on request: receipts and the durable job. */
  erasures: Pick<Erasures, 'request' | 'receipt'>;
}
