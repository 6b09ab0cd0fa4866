/**
 * Redis key names of the outreach store. Project and customer ids are URI-encoded so a `:` in
 * an id can never make two keys collide.
 */
const e = encodeURIComponent;

export function storeKeys(prefix: string) {
  const p = (project: string) => `${prefix}:${e(project)}`;
  return {
    projectPattern: (project: string) => `${p(project)}:*`,
    contact: (project: string, customer: string) => `${p(project)}:contact:${e(customer)}`,
    completed: (project: string, customer: string) => `${p(project)}:completed:${e(customer)}`,
    cooldown: (project: string, customer: string) => `${p(project)}:cooldown:${e(customer)}`,
    streak: (project: string, customer: string) => `${p(project)}:lcp-streak:${e(customer)}`,
    suppressed: (project: string) => `${p(project)}:suppressed`,
    checkout: (project: string, checkout: string) => `${p(project)}:checkout:${e(checkout)}`,
    checkoutPattern: (project: string) => `${p(project)}:checkout:*`,
    sessionCheckout: (project: string, session: string) => `${p(project)}:session-checkout:${e(session)}`,
    sent: (project: string, delivery: string) => `${p(project)}:sent:${e(delivery)}`,
    deadLetters: (project: string) => `${p(project)}:dead-letters`,
    deadLetterIndex: (project: string) => `${p(project)}:dead-letters:by-time`,
    rateWindow: (project: string, windowStart: number) => `${p(project)}:checkout-errors:${windowStart}`,
    rateMoney: (project: string, windowStart: number) => `${p(project)}:checkout-errors:${windowStart}:money`,
    sreState: (project: string) => `${p(project)}:sre-firing`,
    /** TOUCHPOINT_ALERT_DIGEST: the time the project's current digest period began, its waiting alerts, and a digest being sent. */
    digestGate: (project: string) => `${p(project)}:alert-digest:gate`,
    digestWaiting: (project: string) => `${p(project)}:alert-digest:waiting`,
    digestSending: (project: string, delivery: string) => `${p(project)}:alert-digest:sending:${e(delivery)}`,
    /**
     * Alert grouping (store/alert-groups.ts): one group per project, audience, group key (the
     * marketer reason or the SRE rule) and channel. `part` is `state`, `pending`, `firing`,
     * `seen`, or `message:<created>/<seq>` (what one flush told, for its retries).
     */
    alertGroup: (project: string, audience: string, group: string, channel: string, part: string) => `${p(project)}:alert-group:${e(audience)}:${e(group)}:${e(channel)}:${part}`,
    /**
     * In-page nudges (store/nudges.ts): the nudge the worker published for an incident (JSON:
     * prompt id, session, customer, checkout, what it offered), and the mark that the customer acted on it.
     */
    nudge: (project: string, incident: string) => `${p(project)}:nudge:${e(incident)}`,
    nudgeHelped: (project: string, incident: string) => `${p(project)}:nudge-helped:${e(incident)}`,
    /** The generated unsubscribe-link secret, when TOUCHPOINT_UNSUBSCRIBE_SECRET is unset. */
    unsubscribeSecret: () => `${prefix}:unsubscribe-secret`,
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;
