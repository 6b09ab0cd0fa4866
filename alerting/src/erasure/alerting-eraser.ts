/**
 * The worker's share of erasing one customer (the CustomerDataEraser port; the collector runs
 * the erasure and calls it): everything alerting keeps in Redis about them.
 * 1. Queued work: incidents, stuck-checkout timers and deliveries of the customer, their sessions
 *    or their checkouts, waiting or kept after they ran, so a pending message to an erased
 *    customer is never sent. A delivery that also carries alerts about others keeps those.
 * 2. The outreach store: contact, consent, suppression, state (store/outreach-store.ts).
 * 3. The queues' event streams, whose entries name job ids (a delivery's holds the customer id)
 *    and failure messages: last, since removing a job adds an event of its own.
 * A job running right now cannot be removed: it is reported unfinished and the erasure retried.
 */
import type { Job, JobState, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { CustomerDataEraser } from '@touchpoint/protocol/erasure';
import type { AlertingConfig } from '../config.ts';
import type { Alert } from '../interfaces/alert.ts';
import type { DeliveryJob, IncidentJob, StuckTimerJob } from '../interfaces/jobs.ts';
import { idParts } from '../lib/ids.ts';
import { createAlertingQueues } from '../queues/alerting-queues.ts';
import { JOB } from '../queues/names.ts';
import { storeKeys } from '../store/keys.ts';
import { OutreachStore } from '../store/outreach-store.ts';

/** Waiting states first: a job that moves on while they are read is met again further on. */
const STATES: JobState[] = ['waiting', 'prioritized', 'delayed', 'waiting-children', 'active', 'completed', 'failed'];
const PAGE = 200;
/** Event stream entries read per XRANGE. */
const EVENTS_PAGE = 1000;

export interface AlertingEraserDeps {
  /** For the event streams; the store has its own connection. */
  redis: Redis;
  store: OutreachStore;
  incidents: Queue;
  deliveries: Queue;
}

export function createAlertingEraser({ redis, store, incidents, deliveries }: AlertingEraserDeps): CustomerDataEraser {
  return {
    async erase(subject) {
      const { project, customer } = subject;
      const sessions = new Set(subject.sessions);
      const checkouts = new Set(subject.checkouts);
      const unfinished: string[] = [];
      const email = (await store.contact(project, customer))?.email;

      const incidentIsTheirs = (job: Job) => {
        if (job.name === JOB.stuckTimer) return checkouts.has((job.data as StuckTimerJob).checkout);
        const d = job.data as IncidentJob;
        return d.customer === customer || (d.session !== undefined && sessions.has(d.session)) || (d.checkout !== undefined && checkouts.has(d.checkout));
      };
      const alertIsTheirs = (a: Alert) => ('customer' in a && a.customer === customer) || ('checkout' in a && a.checkout !== undefined && checkouts.has(a.checkout));
      const jobs = { incidentJobs: 0, stuckTimers: 0, deliveryJobs: 0, alertsRewritten: 0, events: 0 };

      await eachJob(incidents, project, async (job, state) => {
        if (!incidentIsTheirs(job)) return;
        if (!(await removed(job, state, unfinished))) return;
        if (job.name === JOB.stuckTimer) jobs.stuckTimers++;
        else jobs.incidentJobs++;
      });
      await eachJob(deliveries, project, async (job: Job<DeliveryJob>, state) => {
        const d = job.data;
        const alerts = d.alerts ?? [];
        const others = alerts.filter((a) => !alertIsTheirs(a));
        const direct = d.customer === customer || (d.checkout !== undefined && checkouts.has(d.checkout));
        if (!direct && others.length === alerts.length) return;
        if (!direct && others.length) {
          // Several alerts at once (a digest, a group), some about others: only theirs go.
          await job.updateData({ ...d, alerts: others });
          jobs.alertsRewritten += alerts.length - others.length;
          if (state === 'active') unfinished.push(`delivery ${job.id} was being sent`);
          return;
        }
        if (await removed(job, state, unfinished)) jobs.deliveryJobs++;
      });

      const redisCounts = await store.eraseCustomer(project, customer, { sessions: [...sessions], checkouts: [...checkouts] });

      const needles = [customer, ...checkouts, ...(email ? [email] : [])];
      for (const queue of [incidents, deliveries]) jobs.events += await eraseEvents(redis, queue.keys.events!, needles);
      return { removed: { redis: redisCounts, queues: jobs }, unfinished };
    },
  };
}

/**
 * The eraser on connections of its own, for a process that runs the collector role without the
 * worker (the worker passes its own store and queues).
 */
export function openAlertingEraser(
  redisUrl: string,
  config: AlertingConfig,
): { eraser: CustomerDataEraser; close(): Promise<void> } {
  // Default retries (not BullMQ's null): a failed erasure attempt is retried by its job.
  const redis = new Redis(redisUrl);
  redis.on('error', () => {}); // reconnects by itself; callers see failures on their commands
  const queues = createAlertingQueues({ url: redisUrl, maxRetriesPerRequest: 1 }, config);
  const store = new OutreachStore(redis, storeKeys(config.keyPrefix), config.contactTtlMs);
  return {
    eraser: createAlertingEraser({ redis, store, incidents: queues.incidents, deliveries: queues.deliveries }),
    async close() {
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Every job of the project in the queue, newest first per state. */
async function eachJob<T>(queue: Queue, project: string, visit: (job: Job<T>, state: JobState) => Promise<void>): Promise<void> {
  for (const state of STATES) {
    for (let start = 0; ; start += PAGE) {
      const page = (await queue.getJobs([state], start, start + PAGE - 1)) as Job<T>[];
      for (const job of page) if ((job.data as { project?: string }).project === project) await visit(job, state);
      if (page.length < PAGE) break;
    }
  }
}

/** Removes the job; one that a worker holds right now is reported instead. */
async function removed(job: Job, state: JobState, unfinished: string[]): Promise<boolean> {
  try {
    await job.remove();
    return true;
  } catch (err) {
    if (state !== 'active' && !/locked/.test((err as Error).message)) throw err;
    unfinished.push(`job ${job.id} of ${job.queueName} is running`);
    return false;
  }
}

/**
 * Deletes the entries of a queue's event stream that name any needle: in a field as it is, or in
 * a job id made by joinId (whose parts are URI-encoded).
 */
async function eraseEvents(redis: Redis, stream: string, needles: string[]): Promise<number> {
  const names = (value: string) => needles.some((n) => value.includes(n)) || idParts(value).some((p) => needles.includes(p));
  let count = 0;
  let from = '-';
  for (;;) {
    const entries = await redis.xrange(stream, from, '+', 'COUNT', EVENTS_PAGE);
    const doomed = entries.filter(([, fields]) => fields.some(names)).map(([id]) => id);
    if (doomed.length) count += await redis.xdel(stream, ...doomed);
    if (entries.length < EVENTS_PAGE) return count;
    from = `(${entries[entries.length - 1]![0]}`;
  }
}
