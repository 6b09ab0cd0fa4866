/**
 * Alerting metrics on the registry the composition root passes (served on /metrics).
 * Time-to-outreach: beacon acknowledged by the collector → message handed to the channel
 * (SMTP server accepted it / webhook answered 2xx). Goal: p95 under 1 s.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export function createAlertingMetrics(registry: Registry) {
  return {
    timeToOutreach: new Histogram({
      name: 'touchpoint_time_to_outreach_seconds',
      help: 'Beacon acknowledged by the collector to customer message handed to the channel (stuck checkouts: from when the checkout became stuck)',
      labelNames: ['reason', 'channel'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 5, 10, 30],
      registers: [registry],
    }),
    incidents: new Counter({
      name: 'touchpoint_incidents_total',
      help: 'Incidents found by the rescue rules',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    outreach: new Counter({
      name: 'touchpoint_outreach_total',
      help: 'Customer outreach decisions: sent per channel, holdout, or skipped with the reason',
      labelNames: ['reason', 'channel', 'outcome'] as const,
      registers: [registry],
    }),
    alerts: new Counter({
      name: 'touchpoint_alerts_sent_total',
      help: 'Marketer and SRE alerts handed to a channel',
      labelNames: ['audience', 'channel'] as const,
      registers: [registry],
    }),
    deliveryFailures: new Counter({
      name: 'touchpoint_delivery_failures_total',
      help: 'Failed channel attempts (each retry counts)',
      labelNames: ['audience', 'channel'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'touchpoint_dead_letters_total',
      help: 'Messages moved to the dead-letter list after the last retry or a permanent failure',
      labelNames: ['audience', 'channel'] as const,
      registers: [registry],
    }),
    testTraffic: new Counter({
      name: 'touchpoint_test_traffic_incidents_total',
      help: 'Incidents raised by test traffic (load tests, the agent test mode, test projects): nobody alerted; only test recipients contacted',
      labelNames: ['reason', 'outcome'] as const,
      registers: [registry],
    }),
    nudges: new Counter({
      name: 'touchpoint_nudges_total',
      help: 'In-page nudges: published (sent), then what the agent reported (shown, dismissed, the action taken); forged: an answer to no nudge this worker published',
      labelNames: ['reason', 'outcome'] as const,
      registers: [registry],
    }),
    signals: new Counter({
      name: 'touchpoint_signals_processed_total',
      help: 'Signals evaluated by the rescue rules',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
  };
}

export type AlertingMetrics = ReturnType<typeof createAlertingMetrics>;
