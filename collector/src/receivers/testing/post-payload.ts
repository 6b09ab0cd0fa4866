/** Test support: POSTs an SDK payload to a running Touchpoint and reads the JSON answer. */
import type { Touchpoint } from '@touchpoint/node';

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export const JSON_WITH_KEY = { 'content-type': 'application/json', 'x-api-key': 'demo' };

/** `body` is sent as JSON unless `raw` (then as it is: a string, bytes). */
export async function postPayload(tp: Touchpoint, path: string, body: unknown, headers: Record<string, string> = JSON_WITH_KEY, raw = false): Promise<Answer> {
  const res = await fetch(`${tp.url}${path}`, { method: 'POST', headers, body: raw ? (body as RequestInit['body']) : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
