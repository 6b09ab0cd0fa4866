/**
 * What an alert says, as facts: built once when the alert is raised (workers/incidents-worker.ts,
 * workers/sre-worker.ts) and carried on its delivery job, then told in words by each channel
 * (channels/alert-copy.ts) in the project's language. A channel always renders a list of alerts
 * of one project: one alert, or several at once (the email digest today; alert groups later).
 */
import type { OutreachReason, SkipReason } from '@touchpoint/protocol/outreach';

/** Why the customer of an alert was not contacted (the outreach log's skip reasons, plus holdout; test traffic raises no alert). */
export type NotContactedReason = Exclude<SkipReason, 'test_traffic'> | 'holdout';

/** Whether and how the customer of a checkout alert is being contacted, as decided when the alert was raised. */
export type CustomerContact =
  /**
   * Messages are queued on these channels; `sendAt` when quiet hours hold them back. `nudged`:
   * help was offered in the customer's open page first, and the messages wait until `sendAt`
   * for them to act on it (they are not sent if they do).
   */
  | { status: 'contacting'; channels: ('email' | 'webhook')[]; sendAt?: number; nudged?: true }
  | { status: 'not_contacted'; reason: NotContactedReason }
  /** The checkout has no known customer (no `identify`, no customer id on the beacons). */
  | { status: 'anonymous' };

/** What went wrong in a failed checkout. */
export type CheckoutFailure =
  /** The shop's own `checkout.error(id, reason)`. */
  | { kind: 'reported'; reason: string }
  /** A payment or checkout request that failed; status 0 is a network failure. */
  | { kind: 'request'; method: string; path: string; status: number };

export interface CheckoutAlert {
  kind: 'checkout';
  reason: Exclude<OutreachReason, 'slow_experience'>;
  project: string;
  /** The project's name, or its id. */
  shop: string;
  /** When it happened (the failure, or when the checkout became stuck), epoch ms. */
  at: number;
  checkout?: string;
  /** Pseudonymous id, never contact details. */
  customer?: string;
  value?: number;
  currency?: string;
  /** The last named step the checkout reached. */
  step?: string;
  /** What went wrong, as far as known when the alert was raised: a failed request, the shop's reason, or both. */
  failures?: CheckoutFailure[];
  contact: CustomerContact;
  /** The checkout in the marketer view. */
  link: string;
}

export interface RateAlert {
  kind: 'rate';
  reason: 'checkout_error_rate';
  project: string;
  shop: string;
  at: number;
  /** Failed checkouts counted when the alert was raised (the threshold + 1). */
  failedCheckouts: number;
  threshold: number;
  /** First failure counted in the window: "for how long" runs from here to `at`. */
  since: number;
  windowSeconds: number;
  /** Value of those failed checkouts, per currency. */
  atRisk: { currency: string; value: number }[];
  /** The marketer view over the window. */
  link: string;
}

export interface SreAlert {
  kind: 'sre';
  project: string;
  shop: string;
  at: number;
  rule: string;
  series: string;
  state: 'firing' | 'resolved';
  /** A timing (LCP, INP, ttfb…) or `error_rate_percent`. */
  metric: string;
  quantile: number | null;
  path: string | null;
  /** The figure measured; null when the series resolved for lack of traffic. */
  value: number | null;
  threshold: number | null;
  samples: number | null;
  windowSeconds: number | null;
  /** The SRE view on that metric and page. */
  link: string;
}

/**
 * A customer asked to be called back from the in-page nudge (protocol/src/prompts.ts). The only
 * alert with contact details: its delivery jobs are removed once done, and it is never held in a
 * group or a digest (the number must not linger in Redis, and a call-back should not wait).
 */
export interface CallbackAlert {
  kind: 'callback';
  reason: 'callback';
  project: string;
  shop: string;
  /** When the customer asked. */
  at: number;
  /** Pseudonymous id. */
  customer: string;
  checkout?: string;
  value?: number;
  currency?: string;
  /** The number the customer typed, as they typed it (checked to look like a phone number). */
  phone: string;
  link: string;
}

export type MarketerAlert = CheckoutAlert | RateAlert | CallbackAlert;
export type Alert = MarketerAlert | SreAlert;
