/**
 * Tokens of the unsubscribe links in customer emails: the project and customer they are for,
 * and an HMAC-SHA256 over (purpose, project, customer) with a server secret. Without the secret
 * a token cannot be made, and changing the customer or project in one breaks its MAC, so a
 * link unsubscribes exactly the customer it was sent to. Tokens do not expire: an old email's
 * link must still work (RFC 8058 asks for a lasting one-click unsubscribe).
 *
 * Form: base64url(JSON [project, customer]) "." base64url(MAC). Only pseudonymous ids inside.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const PURPOSE = 'unsubscribe/v1';
/** Longest token we look at: a project id (64) and customer id (128) encoded, and the MAC. */
export const MAX_TOKEN_LENGTH = 1024;

function mac(secret: string, project: string, customer: string): Buffer {
  // JSON keeps the parts apart: ("a-b", "c") and ("a", "b-c") sign differently.
  return createHmac('sha256', secret).update(JSON.stringify([PURPOSE, project, customer])).digest();
}

export function unsubscribeToken(secret: string, project: string, customer: string): string {
  const payload = Buffer.from(JSON.stringify([project, customer])).toString('base64url');
  return `${payload}.${mac(secret, project, customer).toString('base64url')}`;
}

/** The project and customer of a genuine token; undefined for anything else (cut short, changed, forged). */
export function verifyUnsubscribeToken(secret: string, token: string): { project: string; customer: string } | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string' || typeof parts[1] !== 'string') return undefined;
  const [project, customer] = parts as [string, string];
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(secret, project, customer);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { project, customer };
}
