/**
 * The hand-off from the collector to the alerting worker: one BullMQ job per spool segment
 * (never one per beacon) carrying only the events that rules act on.
 */
import type { CheckoutEvent, ErrorEvent, HttpEvent, IdentifyEvent, NudgeEvent, VitalEvent } from './beacon.ts';

export const SIGNALS_QUEUE = 'touchpoint-signals';

/** Events forwarded to rules: checkouts, identify, LCP of identified customers, failed
 *  requests and JS errors on checkout pages, and what the customer did with a nudge (urgent:
 *  an acted-on nudge holds back the email; its `phone` travels here and nowhere else). */
export type SignalEvent = CheckoutEvent | IdentifyEvent | HttpEvent | ErrorEvent | VitalEvent | NudgeEvent;

export interface Signal {
  project: string;
  session: string;
  customer?: string;
  /** Already scrubbed. */
  page: string;
  /** When the collector acknowledged the beacon (epoch ms): the start of time-to-outreach. */
  ackedAt: number;
  /** Event time corrected for the browser's clock skew (epoch ms). */
  eventTime: number;
  event: SignalEvent;
  /**
   * Set when the beacon was test traffic (collector/src/ingest/synthetic.ts): what marked it,
   * e.g. `k6/census-1`. Rules never contact a customer or alert anyone for it; they log and
   * count it (skip reason `load_test`), and only a project's `testRecipients` may be contacted.
   */
  synthetic?: string;
}

export interface SignalBatch {
  /** The spool segment the batch came from; also the BullMQ job id, so a replay never adds it twice. */
  segment: string;
  signals: Signal[];
}
