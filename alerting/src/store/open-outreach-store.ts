/**
 * The outreach store on its own, for a process that serves the outreach API (dead letters,
 * suppression, erasure) and the unsubscribe route without running the worker role.
 */
import { Redis } from 'ioredis';
import type { AlertingConfig } from '../config.ts';
import { storeKeys } from './keys.ts';
import { OutreachStore } from './outreach-store.ts';
import { createUnsubscribe, type Unsubscribe } from './unsubscribe.ts';

export function openOutreachStore(
  redisUrl: string,
  config: Pick<AlertingConfig, 'keyPrefix' | 'contactTtlMs' | 'unsubscribeSecret'>,
): { store: OutreachStore; unsubscribe: Unsubscribe; close(): Promise<void> } {
  // Default retries (not BullMQ's null): an API request should fail, not hang, while Redis is away.
  const redis = new Redis(redisUrl);
  redis.on('error', () => {}); // reconnects by itself; callers see failures on their commands
  const keys = storeKeys(config.keyPrefix);
  const store = new OutreachStore(redis, keys, config.contactTtlMs);
  return {
    store,
    unsubscribe: createUnsubscribe(redis, keys, store, config.unsubscribeSecret),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
