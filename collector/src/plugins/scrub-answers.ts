/**
 * The last gate before a screen: every string of every /api/ answer passes scrubText. What
 * ingest stores is already scrubbed field by field (ingest/spool-record.ts) and stored ids and
 * routes are left unchanged by it, so this only bites on what came another way: rows stored
 * before a rule existed, an SMTP server's error text in a dead letter (it quotes the
 * recipient), a reason a worker wrote. Answers are bounded lists, so the walk is cheap.
 */
import type { preSerializationHookHandler } from 'fastify';
import { scrubText } from '@touchpoint/protocol/privacy';

export function scrubDeep(value: unknown): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map(scrubDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v);
    return out;
  }
  return value;
}

export const scrubAnswers: preSerializationHookHandler<unknown> = (_req, _reply, payload, done) => done(null, scrubDeep(payload));
