/** Outreach contracts shared by the worker (which writes them) and the collector (which stores and lists them). */
/** Why a customer is contacted (also the reason of the marketer alert for the same incident). */
export const OUTREACH_REASONS = ['checkout_error', 'checkout_stuck', 'slow_experience'] as const;
export type OutreachReason = (typeof OUTREACH_REASONS)[number];

/** Marketer alerts add the project-wide rate alert. */
export type MarketerReason = OutreachReason | 'checkout_error_rate';

export type ChannelName = 'email' | 'webhook';
export type Audience = 'customer' | 'marketer' | 'sre';


/**
 * One decision about one incident, written to the outreach log (ClickHouse in the collector:
 * `collector/src/storage/outreach-log.ts`). Only the pseudonymous customer id, never contact details.
 * - `sent`: handed to `channel`;
 * - `holdout`: eligible but deliberately not contacted (`channel` = `none`), the control group;
 * - `skipped`: not contacted, `skipReason` says why (no consent, suppressed, cooldown,
 *   completed meanwhile, no channel).
 */
export interface OutreachEntry {
  project: string;
  /** Stable id of the incident (also part of the BullMQ job ids). */
  incident: string;
  customer: string;
  reason: OutreachReason;
  channel: ChannelName | 'none';
  status: 'sent' | 'holdout' | 'skipped';
  skipReason?: string;
  checkout?: string;
  /** When the message was handed to the channel, or the decision was made (epoch ms). */
  at: number;
  /** Beacon acknowledged → handed to the channel, for `sent` entries. */
  timeToOutreachMs?: number;
}

export interface OutreachQuery {
  project: string;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  limit: number;
}

export interface OutreachIncident extends Omit<OutreachEntry, 'timeToOutreachMs'> {
  /** Did the customer complete a checkout within 24 h after `at`? */
  completedAfter: boolean;
  completedAt?: number;
  holdout: boolean;
  timeToOutreachMs?: number;
}

export interface OutreachTotals {
  /** Incidents with at least one message sent. */
  contacted: number;
  completedAfterContact: number;
  holdout: number;
  completedInHoldout: number;
  skipped: number;
  /** Completion rate of contacted minus that of the holdout (share, e.g. 0.12); null without a holdout. */
  lift: number | null;
}

export interface OutreachReport {
  incidents: OutreachIncident[];
  totals: OutreachTotals;
}

export interface OutreachLog {
  /** Idempotent per (incident, channel, status): a retried record never doubles a row. */
  record(entry: OutreachEntry): Promise<void>;
  list(query: OutreachQuery): Promise<OutreachReport>;
  /** Erasure of one customer's rows. */
  eraseCustomer(project: string, customer: string): Promise<void>;
}


/** A message no channel could take after every retry; kept in Redis, listed by the API. */
export interface DeadLetter {
  /** The delivery id (deterministic: audience, project, customer or rule, incident, channel). */
  id: string;
  project: string;
  audience: Audience;
  channel: ChannelName;
  reason: string;
  incident: string;
  customer?: string;
  error: string;
  attempts: number;
  failedAt: number;
}

export interface DeadLetterReader {
  /** Newest first. */
  list(project: string, limit: number): Promise<DeadLetter[]>;
}
