/**
 * Takes one customer's signals out of the signal batches on the alerting queue
 * (`touchpoint-signals`): waiting ones, so the worker never acts on them, and those kept a day
 * after they ran. A batch is rewritten, never removed: its job id is what keeps a spool segment
 * replayed after a crash from being handed over twice (ingest/signal-sink.ts).
 *
 * A signal is the customer's when it carries their id (the beacon's, or the id an `identify`
 * names) or comes from one of their sessions; the sessions of the signals found that way are
 * theirs too (an `identify` before the beacons carried the id), and are looked for in turn.
 */
import { readFileSync } from 'node:fs';
import type { JobState, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Signal, SignalBatch } from '@touchpoint/protocol/signals';

const FIND_JOBS_NAMING = readFileSync(new URL('./scripts/find-jobs-naming.lua', import.meta.url), 'utf8');

/**
 * Newest first in every state: jobs that arrive meanwhile push the pages back (a job is met twice,
 * harmlessly) and jobs that leave do so from the far end, so none is skipped. Waiting states come
 * first: a job that moves on while they are read is met again among the active or finished ones.
 */
const STATES: JobState[] = ['waiting', 'prioritized', 'delayed', 'waiting-children', 'active', 'completed', 'failed'];
/** Job hashes one script call looks into (each call blocks Redis for the time it reads them). */
const PAGE = 500;

export interface SignalBatchesErasure {
  /** Signals taken out. */
  signals: number;
  /** Batches rewritten. */
  batches: number;
  /** The customer's sessions: the ones given and those found. */
  sessions: string[];
  /** Batches that were being evaluated while rewritten: the worker may act on what it read before. */
  running: number;
}

export async function eraseFromSignalBatches(
  queue: Queue<SignalBatch>,
  redis: Redis,
  subject: { customer: string; sessions: readonly string[] },
): Promise<SignalBatchesErasure> {
  const { customer } = subject;
  const sessions = new Set(subject.sessions);
  const out: SignalBatchesErasure = { signals: 0, batches: 0, sessions: [], running: 0 };
  const isTheirs = (s: Signal) => s.customer === customer || sessions.has(s.session) || (s.event.type === 'identify' && s.event.customer === customer);
  // Both the beacon's id and identify's are written `"customer":"…"`.
  let needles = [`"customer":${JSON.stringify(customer)}`, ...[...sessions].map(sessionNeedle)];
  while (needles.length) {
    const found: string[] = [];
    for (const state of STATES) {
      for (let start = 0; ; start += PAGE) {
        const ids = await queue.getRanges([state], start, start + PAGE - 1);
        if (!ids.length) break;
        const hits = (await redis.eval(FIND_JOBS_NAMING, ids.length, ...ids.map((id) => queue.toKey(id)), ...needles)) as number[];
        for (const i of hits) {
          const job = await queue.getJob(ids[i - 1]!);
          if (!job) continue;
          const theirs = job.data.signals.filter(isTheirs);
          if (!theirs.length) continue;
          for (const s of theirs) {
            if (!sessions.has(s.session)) {
              sessions.add(s.session);
              found.push(s.session);
            }
          }
          await job.updateData({ ...job.data, signals: job.data.signals.filter((s) => !isTheirs(s)) });
          out.signals += theirs.length;
          out.batches++;
          if (state === 'active') out.running++;
        }
        if (ids.length < PAGE) break;
      }
    }
    // A session found now may have signals in batches already read: look again, for it alone.
    needles = found.map(sessionNeedle);
  }
  out.sessions = [...sessions];
  return out;
}

const sessionNeedle = (session: string) => `"session":${JSON.stringify(session)}`;
