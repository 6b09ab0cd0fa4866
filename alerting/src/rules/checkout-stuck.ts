/**
 * Stuck checkout: started and no progress for TOUCHPOINT_STUCK_AFTER. Each start or step
 * schedules a delayed timer job for the checkout's current step count (`seq`) and removes the
 * previous one; complete and error remove it. A timer that fires anyway (removal raced with
 * the timer going active) checks the checkout is still open at the same seq, so it can only
 * fire for a checkout that really saw no progress.
 */
import { joinId } from '../lib/ids.ts';
import type { IncidentJob, StuckTimerJob } from '../interfaces/jobs.ts';
import type { CheckoutState } from '../store/checkout-state.ts';

export const REASON = 'checkout_stuck' as const;

export const stuckTimerId = (project: string, checkout: string, seq: number) => joinId('stuck', project, checkout, String(seq));

export function isStillStuck(state: CheckoutState | null, timer: StuckTimerJob): state is CheckoutState {
  return state !== null && state.status === 'open' && state.seq === timer.seq;
}

export function stuckIncident(state: CheckoutState, timer: StuckTimerJob): IncidentJob {
  const job: IncidentJob = {
    project: timer.project,
    incident: joinId(REASON, state.id),
    reason: REASON,
    checkout: state.id,
    at: timer.dueAt,
    // No beacon triggers a stuck checkout: time-to-outreach runs from the moment it became stuck.
    startedAt: timer.dueAt,
  };
  if (state.customer) job.customer = state.customer;
  if (state.session) job.session = state.session;
  if (state.value !== undefined) job.value = state.value;
  if (state.currency) job.currency = state.currency;
  if (state.step) job.step = state.step;
  if (state.synthetic) job.synthetic = state.synthetic;
  return job;
}
