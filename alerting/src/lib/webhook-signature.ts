/**
 * Signatures on outgoing webhooks, so a receiver can tell Touchpoint from anyone who found the
 * URL (the scheme Stripe uses). Each request carries
 *
 *   X-Touchpoint-Timestamp: <unix seconds>
 *   X-Touchpoint-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>[,v1=<…>]
 *
 * one `v1=` per secret of the destination: while a secret is rotated both are configured, and a
 * receiver that knows either accepts. The timestamp is signed too, so a receiver can refuse an
 * old request replayed (docs/webhooks.md: the verification snippet, tested).
 */
import { createHmac } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-touchpoint-timestamp';
export const SIGNATURE_HEADER = 'x-touchpoint-signature';

export function sign(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The two headers for `body` (the exact bytes sent), or none when the destination has no secret. */
export function signatureHeaders(body: string, secrets: readonly string[], nowMs: number): Record<string, string> {
  if (secrets.length === 0) return {};
  const timestamp = Math.floor(nowMs / 1000);
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: secrets.map((s) => `v1=${sign(s, timestamp, body)}`).join(','),
  };
}
