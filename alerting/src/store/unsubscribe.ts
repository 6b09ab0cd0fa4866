/**
 * Unsubscribe links: the worker signs one into every customer email, the collector's
 * /unsubscribe route verifies it and adds the customer to the project's suppression set at once.
 * The secret is TOUCHPOINT_UNSUBSCRIBE_SECRET, or one generated on first use and kept in Redis,
 * which every collector and worker of a deployment shares (a DATA_DIR is per process).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { unsubscribeToken, verifyUnsubscribeToken } from '../lib/unsubscribe-token.ts';
import type { StoreKeys } from './keys.ts';
import type { OutreachStore } from './outreach-store.ts';

export interface Unsubscribe {
  /** `<publicUrl>/unsubscribe?token=…` for one customer of one project. */
  link(publicUrl: string, project: string, customer: string, language?: string): Promise<string>;
  verify(token: string): Promise<{ project: string; customer: string } | undefined>;
  suppress(project: string, customer: string): Promise<void>;
}

export function createUnsubscribe(redis: Redis, keys: StoreKeys, store: OutreachStore, configured?: string): Unsubscribe {
  let secret: Promise<string> | undefined;
  const load = async () => {
    if (configured) return configured;
    // SET NX then GET: two processes starting at once end up with the same secret.
    await redis.set(keys.unsubscribeSecret(), randomBytes(32).toString('base64url'), 'NX');
    const s = await redis.get(keys.unsubscribeSecret());
    if (!s) throw new Error('the unsubscribe secret vanished from Redis between SET and GET');
    return s;
  };
  const getSecret = () => {
    // Not kept after a failure (Redis away): the next call tries again.
    secret ??= load().catch((err: unknown) => {
      secret = undefined;
      throw err;
    });
    return secret;
  };
  return {
    async link(publicUrl, project, customer, language) {
      const q = new URLSearchParams({ token: unsubscribeToken(await getSecret(), project, customer) });
      if (language) q.set('lang', language);
      return `${publicUrl}/unsubscribe?${q}`;
    },
    async verify(token) {
      return verifyUnsubscribeToken(await getSecret(), token);
    },
    suppress: (project, customer) => store.suppress(project, customer),
  };
}
