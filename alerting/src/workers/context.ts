/** What every alerting processor works with; built once by start-alerting.ts. */
import type { AlertingConfig } from '../config.ts';
import type { EmailChannel } from '../channels/email.ts';
import type { WebhookChannel } from '../channels/webhook.ts';
import type { Logger } from '../interfaces/logger.ts';
import type { OutreachLog } from '@touchpoint/protocol/outreach';
import type { ProjectAlerting } from '../interfaces/project-settings.ts';
import type { RollupReader } from '@touchpoint/protocol/rollups';
import type { AlertingMetrics } from '../metrics.ts';
import type { AlertingQueues } from '../queues/alerting-queues.ts';
import type { AlertDigest } from '../store/alert-digest.ts';
import type { AlertGroups } from '../store/alert-groups.ts';
import type { CheckoutStateStore } from '../store/checkout-state.ts';
import type { NudgeStore } from '../store/nudges.ts';
import type { OutreachStore } from '../store/outreach-store.ts';
import type { Unsubscribe } from '../store/unsubscribe.ts';

export interface AlertingContext {
  config: AlertingConfig;
  store: OutreachStore;
  checkouts: CheckoutStateStore;
  /** In-page nudges: presence of the customer's page, the one nudge per incident, whether they acted on it. */
  nudges: NudgeStore;
  queues: AlertingQueues;
  outreachLog: OutreachLog;
  rollups: RollupReader;
  metrics: AlertingMetrics;
  logger: Logger;
  email?: EmailChannel;
  webhook: WebhookChannel;
  /** Signs the unsubscribe link of every customer email. */
  unsubscribe: Unsubscribe;
  /** With TOUCHPOINT_ALERT_DIGEST: holds marketer alert emails for the project's digest. */
  digest?: AlertDigest;
  /** With TOUCHPOINT_ALERT_GROUPING on (the default): the alert groups every alert delivery is held in. */
  groups?: AlertGroups;
  /** Settings of a project; a project alerting has not been told about gets the defaults. */
  project(id: string): ProjectAlerting;
  projects(): ProjectAlerting[];
  now(): number;
}
