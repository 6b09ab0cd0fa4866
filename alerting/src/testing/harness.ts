/**
 * One private redis-server, SMTP sink, webhook sink and alerting worker for a test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
// Test-only import of the collector's helper that runs a private redis-server (alerting's
// runtime code never imports the collector).
import { startPrivateRedis, type PrivateRedis } from '@touchpoint/node/private-redis';
import { loadAlertingConfig } from '../config.ts';
import type { ProjectAlerting } from '../interfaces/project-settings.ts';
import type { RollupReader } from '@touchpoint/protocol/rollups';
import { startAlerting, type Alerting } from '../start-alerting.ts';
import { MemoryOutreachLog } from './memory-outreach-log.ts';
import { noRollups } from './no-rollups.ts';
import { SignalProducer, silentLogger } from './signals.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';
import { startWebhookSink, type WebhookSink } from './webhook-sink.ts';


export interface Harness {
  dir: string;
  redis: PrivateRedis;
  smtp: SmtpSink;
  hooks: WebhookSink;
  log: MemoryOutreachLog;
  registry: Registry;
  alerting: Alerting;
  producer: SignalProducer;
  projects: ProjectAlerting[];
  stop(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}, projects: ProjectAlerting[] = [], rollups: RollupReader = noRollups): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-alerting-'));
  const redis = await startPrivateRedis({ dir: join(dir, 'redis') });
  const smtp = await startSmtpSink();
  const hooks = await startWebhookSink();
  const log = new MemoryOutreachLog();
  const registry = new Registry();
  const config = loadAlertingConfig({
    TOUCHPOINT_SMTP_URL: smtp.url,
    TOUCHPOINT_OUTREACH_FROM: 'Shop <help@shop.example>',
    TOUCHPOINT_OUTREACH_WEBHOOK: `${hooks.url}/outreach`,
    TOUCHPOINT_ALERT_WEBHOOK: `${hooks.url}/alerts`,
    TOUCHPOINT_DELIVERY_BACKOFF: '100ms',
    TOUCHPOINT_DELIVERY_ATTEMPTS: '3',
    TOUCHPOINT_CHANNEL_TIMEOUT: '2s',
    // Each alert on its own unless a test is about grouping (alert-groups.test.ts turns it on).
    TOUCHPOINT_ALERT_GROUPING: 'off',
    ...env,
  });
  const alerting = await startAlerting({ redisUrl: redis.url, config, outreachLog: log, rollups, registry, logger: silentLogger, projects });
  const producer = new SignalProducer(redis.url);
  return {
    dir,
    redis,
    smtp,
    hooks,
    log,
    registry,
    alerting,
    producer,
    projects,
    async stop() {
      await producer.close();
      await alerting.close();
      await hooks.close();
      await smtp.close();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
