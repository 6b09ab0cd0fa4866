import { expect, it } from 'vitest';
import { MAX_TOKEN_LENGTH, unsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.ts';

const SECRET = 's'.repeat(32);

it('gives back the project and customer it was made for, whatever characters they hold', () => {
  for (const [project, customer] of [['shop', 'cust-1'], ['shop', 'a.b/c?d=e&f'], ['shop', 'Zoë 🛒'], ['p', '']]) {
    const token = unsubscribeToken(SECRET, project!, customer!);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/); // safe in a URL as it is
    expect(verifyUnsubscribeToken(SECRET, token)).toEqual({ project, customer });
  }
});

it('refuses another secret, a changed customer or project, and garbage', () => {
  const token = unsubscribeToken(SECRET, 'shop', 'cust-1');
  const [, mac] = token.split('.');
  const swap = (parts: unknown) => `${Buffer.from(JSON.stringify(parts)).toString('base64url')}.${mac}`;
  expect(verifyUnsubscribeToken('t'.repeat(32), token)).toBeUndefined();
  expect(verifyUnsubscribeToken(SECRET, swap(['shop', 'cust-2']))).toBeUndefined();
  expect(verifyUnsubscribeToken(SECRET, swap(['other', 'cust-1']))).toBeUndefined();
  expect(verifyUnsubscribeToken(SECRET, swap(['shop', 'cust-1', 'x']))).toBeUndefined();
  expect(verifyUnsubscribeToken(SECRET, swap({ project: 'shop' }))).toBeUndefined();
  for (const bad of ['', '.', 'abc', `${token}.x`, `${token.split('.')[0]}.`, `!!!.${mac}`, `${'a'.repeat(MAX_TOKEN_LENGTH)}.${mac}`]) {
    expect(verifyUnsubscribeToken(SECRET, bad), bad.slice(0, 20)).toBeUndefined();
  }
  // The parts are kept apart: ("a-b", "c") is not ("a", "b-c").
  expect(unsubscribeToken(SECRET, 'a-b', 'c').split('.')[1]).not.toBe(unsubscribeToken(SECRET, 'a', 'b-c').split('.')[1]);
});
