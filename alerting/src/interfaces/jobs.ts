import type { Audience, ChannelName, MarketerReason, OutreachReason } from '@touchpoint/protocol/outreach';
import type { Alert, CheckoutFailure } from './alert.ts';

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
  /** The last named step the checkout reached. */
  step?: string;
  /** What failed, for checkout errors. */
  failure?: CheckoutFailure;
  /** When it happened (event time, or the stuck timer's due time), epoch ms. */
  at: number;
  /** When the triggering beacon was acknowledged (or the timer was due): time-to-outreach starts here. */
  startedAt: number;
  /** Test traffic (Signal.synthetic): what marked it. Nobody is alerted; only test recipients are contacted. */
  synthetic?: string;
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
  /**
   * `digest`: the marketer alert emails of a project held back by TOUCHPOINT_ALERT_DIGEST, sent
   * as one; `group`: one message of an alert group (store/alert-groups.ts), named by `group`;
   * `callback`: a customer asked in a nudge to be called back (a CallbackAlert, sent at once).
   */
  reason: MarketerReason | 'sre' | 'digest' | 'group' | 'callback';
  /** For `group` deliveries: the group (its key) and which of its flushes this is. */
  group?: { key: string; created: number; seq: number };
  incident: string;
  customer?: string;
  checkout?: string;
  value?: number;
  currency?: string;
  incidentAt: number;
  startedAt: number;
  /** Customer emails: the template when it is not the reason's own (`basket`: the customer asked for a link to the basket in a nudge). */
  template?: 'basket';
  /** The shop's link back to the basket (`resumeUrl` of the checkout's start), scrubbed by the collector. */
  resumeUrl?: string;
  /** Marketer and SRE alerts: what to tell, as facts (one alert; several once alerts are grouped). */
  alerts?: Alert[];
}
