/**
 * Repeated slow experience: the same customer's LCP is poor on TOUCHPOINT_SLOW_LCP_STREAK page
 * loads in a row (a good or needs-improvement LCP resets the run). One incident per streak.
 */
import type { VitalEvent } from '@touchpoint/protocol';
import type { Signal } from '@touchpoint/protocol/signals';
import { rateVital } from '@touchpoint/protocol/vitals';
import { joinId } from '../lib/ids.ts';
import type { IncidentJob } from '../interfaces/jobs.ts';

export const REASON = 'slow_experience' as const;

/** Poor as the agent rated it, or by the thresholds table when it sent no rating. */
export function isPoorLcp(e: VitalEvent): boolean {
  return (e.rating ?? rateVital('LCP', e.value)) === 'poor';
}

export function slowIncident(signal: Signal, customer: string, streakStartedAt: number): IncidentJob {
  const job: IncidentJob = {
    project: signal.project,
    incident: joinId(REASON, customer, String(streakStartedAt)),
    reason: REASON,
    customer,
    session: signal.session,
    at: signal.eventTime,
    startedAt: signal.ackedAt,
  };
  if (signal.synthetic) job.synthetic = signal.synthetic;
  return job;
}
