/**
 * What one message of an alert group says about its group, besides the alerts it lists
 * (store/alert-groups.ts gathers them; channels tell both in words).
 */
export interface AlertGroupNote {
  audience: 'marketer' | 'sre';
  /** The marketer reason (checkout_error, checkout_stuck, checkout_error_rate) or the SRE rule id. */
  key: string;
  /**
   * `first`: the group's first message; `update`: what is new since the last one; `repeat`: SRE
   * series still firing with nothing new, told again after the repeat interval; `resolved`: a
   * marketer group of several alerts is over (nothing new for a whole interval).
   */
  kind: 'first' | 'update' | 'repeat' | 'resolved';
  project: string;
  shop: string;
  /** The group's first and latest alert (epoch ms). */
  since: number;
  latest: number;
  /** Alerts the group gathered so far (SRE: series that started firing). */
  total: number;
  /** SRE: series of the rule firing now. */
  firing: number;
  /** Marketer: the value of the group's checkouts, per currency. */
  atRisk: { currency: string; value: number }[];
  /** Alerts of this message left out of its list (the list is capped). */
  unlisted: number;
  /** The group's next message comes no sooner than this (TOUCHPOINT_ALERT_GROUP_INTERVAL). */
  intervalMs: number;
  /** The dashboards over the group's window. */
  link: string;
}
