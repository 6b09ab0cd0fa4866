/**
 * Producers for alerting's own queues, with the job options each kind of job needs.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import type { AlertingConfig } from '../config.ts';
import type { DeliveryJob, IncidentJob, StuckTimerJob } from '../interfaces/jobs.ts';
import { DELIVERIES_QUEUE, INCIDENTS_QUEUE, JOB, SRE_QUEUE } from './names.ts';
import { joinId } from '../lib/ids.ts';
import { stuckTimerId } from '../rules/checkout-stuck.ts';

const DAY_S = 86_400;

export interface AlertingQueues {
  incidents: Queue;
  deliveries: Queue;
  sre: Queue;
  addIncident(job: IncidentJob): Promise<void>;
  /** Replaces the checkout's stuck timer: removes the one for `seq - 1`, adds one for `seq`. */
  scheduleStuck(t: StuckTimerJob, delayMs: number): Promise<void>;
  cancelStuck(project: string, checkout: string, seq: number): Promise<void>;
  /**
   * `personal`: the job holds contact details (a call-back's phone number), so it is removed as
   * soon as it completes or fails for good; the delivery's `sent` marker still stops a repeat.
   */
  addDelivery(job: DeliveryJob, delayMs?: number, o?: { personal?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export function createAlertingQueues(connection: ConnectionOptions, config: AlertingConfig): AlertingQueues {
  const incidents = new Queue(INCIDENTS_QUEUE, { connection });
  const deliveries = new Queue(DELIVERIES_QUEUE, { connection });
  const sre = new Queue(SRE_QUEUE, { connection });
  const removeTimer = async (id: string) => {
    // 0 when it is gone already or running; a running timer re-checks progress itself.
    await incidents.remove(id).catch(() => 0);
  };
  return {
    incidents,
    deliveries,
    sre,
    async addIncident(job) {
      // The same incident id is one job: repeats while it is kept (24 h) are no-ops.
      await incidents.add(JOB.incident, job, {
        jobId: joinId('incident', job.project, job.incident),
        attempts: 10,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: DAY_S },
        removeOnFail: { age: 7 * DAY_S },
      });
    },
    async scheduleStuck(t, delayMs) {
      if (t.seq > 1) await removeTimer(stuckTimerId(t.project, t.checkout, t.seq - 1));
      await incidents.add(JOB.stuckTimer, t, {
        jobId: stuckTimerId(t.project, t.checkout, t.seq),
        delay: delayMs,
        attempts: 10,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        removeOnFail: { age: 7 * DAY_S },
      });
    },
    async cancelStuck(project, checkout, seq) {
      if (seq > 0) await removeTimer(stuckTimerId(project, checkout, seq));
    },
    async addDelivery(job, delayMs = 0, o = {}) {
      await deliveries.add(JOB.deliver, job, {
        jobId: job.id,
        delay: delayMs,
        attempts: config.deliveryAttempts,
        backoff: { type: 'exponential', delay: config.deliveryBackoffMs },
        removeOnComplete: o.personal ? true : { age: DAY_S },
        removeOnFail: o.personal ? true : { age: 7 * DAY_S },
      });
    },
    async close() {
      await Promise.all([incidents.close(), deliveries.close(), sre.close()]);
    },
  };
}
