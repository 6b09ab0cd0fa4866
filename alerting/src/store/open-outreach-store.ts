/**
 * The outreach store on its own, for a process that serves the outreach API (dead letters,
 * suppression, erasure) without running the worker role.
 */
import { Redis } from 'ioredis';
import type { AlertingConfig } from '../config.ts';
import { storeKeys } from './keys.ts';
import { OutreachStore } from './outreach-store.ts';

export function openOutreachStore(redisUrl: string, config: Pick<AlertingConfig, 'keyPrefix' | 'contactTtlMs'>): { store: OutreachStore; close(): Promise<void> } {
  // Default retries (not BullMQ's null): an API request should fail, not hang, while Redis is away.
  const redis = new Redis(redisUrl);
  redis.on('error', () => {}); // reconnects by itself; callers see failures on their commands
  return {
    store: new OutreachStore(redis, storeKeys(config.keyPrefix), config.contactTtlMs),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
