/**
 * The alerting queues. The signals queue (SIGNALS_QUEUE) is fed by the collector; the others
 * are alerting's own. Job names double as the processor's switch.
 */
export const INCIDENTS_QUEUE = 'touchpoint-incidents';
export const DELIVERIES_QUEUE = 'touchpoint-deliveries';
export const SRE_QUEUE = 'touchpoint-sre';

export const JOB = {
  signals: 'signals',
  incident: 'incident',
  stuckTimer: 'stuck-timer',
  deliver: 'deliver',
  sreEvaluate: 'sre-evaluate',
} as const;
