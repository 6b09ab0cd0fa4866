import type { IdentifyEvent } from '@touchpoint/protocol';
import { describe, expect, it } from 'vitest';
import { createIdentity, CUSTOMER_KEY, type Visitor } from './consent.ts';

/** A tab's sessionStorage, shared by the "pages" (identities) made on it. */
function tab() {
  const m = new Map<string, string>();
  return {
    m,
    store: { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) },
  };
}

/** One page of the tab: its identity and the identify events it sent. */
function page(t = tab(), visitor: Visitor = { language: 'en-AU' }) {
  const sent: IdentifyEvent[] = [];
  const id = createIdentity((e) => sent.push(e), visitor, () => t.store);
  return { id, sent, t };
}

describe('identity and consent', () => {
  it('keeps the customer id and identify in the browser until outreach consent', () => {
    const { id, sent } = page();
    id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: false } });
    expect(sent).toEqual([]);
    expect(id.customer()).toBeUndefined();
    id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: true } });
    expect(sent).toMatchObject([{ type: 'identify', customer: 'cust-1', email: 'kim@example.com', language: 'en-AU', consent: { outreach: true } }]);
    expect(id.customer()).toBe('cust-1');
  });

  it('Global Privacy Control overrides the page consent', () => {
    const { id, sent, t } = page(tab(), { globalPrivacyControl: true });
    id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: true } });
    expect(sent).toEqual([]);
    expect(id.customer()).toBeUndefined();
    expect(t.m.size).toBe(0);
  });

  it('sends a withdrawal (without email) for a customer the collector knows, then stops sending the id', () => {
    const { id, sent } = page();
    id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: true } });
    id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: false } });
    expect(sent[1]).toMatchObject({ type: 'identify', customer: 'cust-1', consent: { outreach: false } });
    expect(sent[1]).not.toHaveProperty('email');
    expect(id.customer()).toBeUndefined();
  });

  it('a different customer without consent is not sent, and the previous id stops', () => {
    const { id, sent, t } = page();
    id.identify('cust-1', { consent: { outreach: true } });
    id.identify('cust-2', { consent: { outreach: false } });
    expect(sent).toHaveLength(1);
    expect(id.customer()).toBeUndefined();
    expect(t.m.size).toBe(0);
  });

  it('consent from init applies to an identify that carries none', () => {
    const { id, sent } = page();
    id.consent(true);
    id.identify('cust-1', {});
    expect(sent).toMatchObject([{ customer: 'cust-1', consent: { outreach: true } }]);
  });
});

describe('identity across the pages of a tab session', () => {
  it('a consented id (never the email) is kept, and the next page carries it without identify', () => {
    const first = page();
    first.id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: true } });
    expect([...first.t.m]).toEqual([[CUSTOMER_KEY, 'cust-1']]);
    const next = page(first.t);
    expect(next.id.customer()).toBe('cust-1');
    expect(next.sent).toEqual([]);
  });

  it('nothing is kept before consent', () => {
    const first = page();
    first.id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: false } });
    expect(first.t.m.size).toBe(0);
    expect(page(first.t).id.customer()).toBeUndefined();
  });

  it('a withdrawal on a later page reaches the collector and forgets the id', () => {
    const first = page();
    first.id.identify('cust-1', { consent: { outreach: true } });
    const next = page(first.t);
    next.id.identify('cust-1', { consent: { outreach: false } });
    expect(next.sent).toMatchObject([{ customer: 'cust-1', consent: { outreach: false } }]);
    expect(next.id.customer()).toBeUndefined();
    expect(page(first.t).id.customer()).toBeUndefined();
  });

  it('init({ consent: { outreach: false } }) on a later page withdraws the kept id, before or after it is read', () => {
    for (const readFirst of [false, true]) {
      const first = page();
      first.id.identify('cust-1', { consent: { outreach: true } });
      const next = page(first.t);
      if (readFirst) next.id.load();
      next.id.consent(false);
      expect(next.id.customer()).toBeUndefined();
      expect(next.sent).toMatchObject([{ customer: 'cust-1', consent: { outreach: false } }]);
      expect(first.t.m.size).toBe(0);
    }
  });

  it('GPC on a later page forgets the kept id at once and tells the collector to forget the consent', () => {
    const first = page();
    first.id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: true } });
    const next = page(first.t, { globalPrivacyControl: true });
    expect(next.id.customer()).toBeUndefined();
    expect(next.sent).toEqual([{ type: 'identify', at: expect.any(Number), customer: 'cust-1', consent: { outreach: false } }]);
    expect(first.t.m.size).toBe(0);
  });

  it('the kept consent belongs to its customer: another one signing in without consent is not sent', () => {
    const first = page();
    first.id.identify('cust-1', { consent: { outreach: true } });
    const next = page(first.t);
    next.id.identify('cust-2', {});
    expect(next.sent).toEqual([]);
    expect(next.id.customer()).toBeUndefined();
    // The same customer identified again without a consent option keeps theirs.
    const again = page(first.t);
    first.id.identify('cust-1', { consent: { outreach: true } });
    again.id.identify('cust-1', { email: 'kim@example.com' });
    expect(again.sent).toMatchObject([{ customer: 'cust-1', email: 'kim@example.com', consent: { outreach: true } }]);
  });

  it('works without storage (blocked): for the page only', () => {
    const sent: IdentifyEvent[] = [];
    const id = createIdentity((e) => sent.push(e), {}, () => undefined);
    id.identify('cust-1', { consent: { outreach: true } });
    expect(id.customer()).toBe('cust-1');
  });

  it('allows in-page prompts unless GPC is on or outreach consent was refused or withdrawn', () => {
    expect(page().id.allowed()).toBe(true);
    expect(page(tab(), { globalPrivacyControl: true }).id.allowed()).toBe(false);
    const { id } = page();
    id.identify('cust-1', { consent: { outreach: true } });
    expect(id.allowed()).toBe(true);
    id.identify('cust-1', { consent: { outreach: false } });
    expect(id.allowed()).toBe(false);
    const init = page().id;
    init.consent(false);
    expect(init.allowed()).toBe(false);
  });
});
