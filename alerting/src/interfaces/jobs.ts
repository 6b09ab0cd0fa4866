import type { Audience, ChannelName, MarketerReason, OutreachReason } from '@touchpoint/protocol/outreach';

/** An incident found by a rule: one per (project, incident id), whatever the repeats. */
export interface IncidentJob {
  project: string;
  incident: string;
  reason: OutreachReason;
  customer?: string;
  session?: string;
  checkout?: string;
  value?: number;
  currency?: string;
  /** When it happened (event time, or the stuck timer's due time), epoch ms. */
  at: number;
  /** When the triggering beacon was acknowledged (or the timer was due): time-to-outreach starts here. */
  startedAt: number;
}

/** A checkout that must see progress before `dueAt`; `seq` is its step count when scheduled. */
export interface StuckTimerJob {
  project: string;
  checkout: string;
  seq: number;
  dueAt: number;
}

/** One message on one channel: the unit of retry, exactly-once marking and dead-lettering. */
export interface DeliveryJob {
  id: string;
  audience: Audience;
  channel: ChannelName;
  project: string;
  reason: MarketerReason | 'sre';
  incident: string;
  customer?: string;
  checkout?: string;
  value?: number;
  currency?: string;
  incidentAt: number;
  startedAt: number;
  /** Extra fields for marketer rate alerts and SRE alerts. */
  details?: Record<string, string | number | boolean | null>;
}
