import type { IdentifyEvent } from '@touchpoint/protocol';

export interface IdentifyOptions {
  /** Contact address for outreach; leaves the browser only with outreach consent. */
  email?: string;
  consent: { outreach: boolean };
}

/**
 * Who the visitor is and whether they agreed to be contacted. The customer id and the identify
 * event stay in the browser until outreach consent is given (and Global Privacy Control is off):
 * only then do beacons carry `customer` and the collector learn the email.
 */
export interface Identity {
  /** The customer id to put on beacons: undefined until consent allows. */
  customer(): string | undefined;
  /** Records a customer and their consent; returns the identify event to send, if any. */
  identify(id: string, o: Partial<IdentifyOptions>, env?: { gpc?: boolean; language?: string }): IdentifyEvent | undefined;
  /** Changes consent without a new identify call (the init option). */
  consent(outreach: boolean): void;
}

export function createIdentity(): Identity {
  let customer: string | undefined;
  let outreach = false;
  // The collector holds this customer's consent as "yes": a withdrawal must reach it.
  let shared = false;
  return {
    customer: () => (shared ? customer : undefined),
    consent(o) {
      outreach = o;
    },
    identify(id, o, env = {}) {
      if (o.consent) outreach = o.consent.outreach;
      // GPC is a legally recognised opt-out in several jurisdictions: it beats the page's consent.
      const allowed = outreach && !env.gpc;
      const at = Date.now();
      if (allowed) {
        customer = id;
        shared = true;
        return { type: 'identify', at, customer: id, email: o.email, language: env.language, consent: { outreach: true } };
      }
      const withdrawn = shared && customer === id;
      customer = id;
      shared = false;
      // Only a withdrawal by the customer the collector already knows is sent: it carries no email.
      return withdrawn ? { type: 'identify', at, customer: id, consent: { outreach: false } } : undefined;
    },
  };
}
