import { describe, expect, it } from 'vitest';
import { createIdentity } from './consent.ts';

describe('identity and consent', () => {
  it('keeps the customer id and identify in the browser until outreach consent', () => {
    const id = createIdentity();
    expect(id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: false } })).toBeUndefined();
    expect(id.customer()).toBeUndefined();
    const e = id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: true } }, { language: 'en-AU' });
    expect(e).toMatchObject({ type: 'identify', customer: 'cust-1', email: 'kim@example.com', language: 'en-AU', consent: { outreach: true } });
    expect(id.customer()).toBe('cust-1');
  });

  it('Global Privacy Control overrides the page consent', () => {
    const id = createIdentity();
    expect(id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: true } }, { gpc: true })).toBeUndefined();
    expect(id.customer()).toBeUndefined();
  });

  it('sends a withdrawal (without email) for a customer the collector knows, then stops sending the id', () => {
    const id = createIdentity();
    id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: true } });
    const w = id.identify('cust-1', { email: 'kim@example.com', consent: { outreach: false } });
    expect(w).toMatchObject({ type: 'identify', customer: 'cust-1', consent: { outreach: false } });
    expect(w).not.toHaveProperty('email');
    expect(id.customer()).toBeUndefined();
  });

  it('a different customer without consent is not sent, and the previous id stops', () => {
    const id = createIdentity();
    id.identify('cust-1', { consent: { outreach: true } });
    expect(id.identify('cust-2', { consent: { outreach: false } })).toBeUndefined();
    expect(id.customer()).toBeUndefined();
  });

  it('consent from init applies to an identify that carries none', () => {
    const id = createIdentity();
    id.consent(true);
    expect(id.identify('cust-1', {})).toMatchObject({ customer: 'cust-1', consent: { outreach: true } });
  });
});
