import type { IdentifyEvent } from '@touchpoint/protocol';
import { safeSessionStorage } from './session-id.ts';

/** The consented customer id, kept for the tab session so later pages need no `identify`. */
export const CUSTOMER_KEY = 'tp_cid';

export interface IdentifyOptions {
  /** Contact address for outreach; leaves the browser only with outreach consent. */
  email?: string;
  consent: { outreach: boolean };
}

/** What the browser says about the visitor (navigator in the agent). */
export interface Visitor {
  globalPrivacyControl?: boolean;
  language?: string;
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * Who the visitor is and whether they agreed to be contacted. The customer id and the identify
 * event stay in the browser until outreach consent is given (and Global Privacy Control is off):
 * only then do beacons carry `customer` and the collector learn the email. A consented id is kept
 * in sessionStorage (never the email), so the next pages of the tab carry it too; a withdrawal or
 * GPC forgets it at once.
 */
export interface Identity {
  /** The customer id to put on beacons: undefined until consent allows. */
  customer(): string | undefined;
  /** Records a customer and their consent, sending the identify event when there is one to send. */
  identify(id: string, o: Partial<IdentifyOptions>): void;
  /** The consent known when the page loads (the init option); false forgets a kept customer. */
  consent(outreach: boolean): void;
  /** Reads what earlier pages of the tab kept (once; every other method does it first). */
  load(): void;
  /** False under Global Privacy Control or once outreach consent was refused or withdrawn: no in-page prompts then. */
  allowed(): boolean;
}

/**
 * `send` receives the identify events: a consent, or a withdrawal for a customer whose consent the
 * collector holds. Storage is read on first use, not at start-up: the first sessionStorage access
 * costs milliseconds in Chromium.
 */
export function createIdentity(send: (e: IdentifyEvent) => void, visitor: Visitor = navigator, store: () => Store | undefined = safeSessionStorage): Identity {
  // The customer whose consent the collector holds as "yes" (a withdrawal must reach it), kept
  // for the tab; undefined when there is none.
  let customer: string | undefined;
  // Consent given on this page (init or identify); undefined: not said here, a kept id stands.
  let outreach: boolean | undefined;
  let loaded = false;
  const keep = (id?: string) => {
    customer = id;
    try {
      if (id) store()?.setItem(CUSTOMER_KEY, id);
      else store()?.removeItem(CUSTOMER_KEY);
    } catch {
      // Storage refused: the id lasts for this page only.
    }
  };
  // Only a withdrawal by the customer the collector already knows is sent: it carries no email.
  const withdraw = (id: string) => {
    keep();
    send({ type: 'identify', at: Date.now(), customer: id, consent: { outreach: false } });
  };
  const load = () => {
    if (loaded) return;
    loaded = true;
    customer = store()?.getItem(CUSTOMER_KEY) || undefined;
    // GPC is a legally recognised opt-out in several jurisdictions: it beats what an earlier page was told.
    if (customer && (outreach === false || visitor.globalPrivacyControl)) withdraw(customer);
  };
  return {
    load,
    customer: () => (load(), customer),
    allowed: () => outreach !== false && !visitor.globalPrivacyControl,
    consent(o) {
      outreach = o;
      if (!o && customer) withdraw(customer);
    },
    identify(id, o) {
      load();
      if (o.consent) outreach = o.consent.outreach;
      const same = customer === id;
      if ((outreach ?? same) && !visitor.globalPrivacyControl) {
        keep(id);
        send({ type: 'identify', at: Date.now(), customer: id, email: o.email, language: visitor.language, consent: { outreach: true } });
      } else if (same) withdraw(id);
      // Another customer without consent (a shared device): the previous id stops too.
      else keep();
    },
  };
}
