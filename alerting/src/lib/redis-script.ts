import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * A Lua script from `store/scripts/`, run with EVALSHA and loaded on first use or after a Redis
 * restart (NOSCRIPT), so the script body crosses the wire once.
 */
export function redisScript(redis: Redis, file: URL): (keys: string[], args: (string | number)[]) => Promise<unknown> {
  const body = readFileSync(file, 'utf8');
  let sha: string | undefined;
  return async (keys, args) => {
    sha ??= (await redis.script('LOAD', body)) as string;
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
      sha = (await redis.script('LOAD', body)) as string;
      return redis.evalsha(sha, keys.length, ...keys, ...args);
    }
  };
}
