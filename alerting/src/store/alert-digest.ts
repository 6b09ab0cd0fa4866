/**
 * TOUCHPOINT_ALERT_DIGEST: at most one marketer alert email per project and period. The first
 * alert after a quiet spell goes at once and starts a period; alerts during it are held in Redis
 * and sent together by one digest delivery at the period's end (which starts the next period).
 * A wrapper around the email channel: the held alerts go through the same renderer as one.
 */
import type { Redis } from 'ioredis';
import type { Alert } from '../interfaces/alert.ts';
import { redisScript } from '../lib/redis-script.ts';
import type { StoreKeys } from './keys.ts';

/** Held alerts outlive any sensible period by far; a digest that never ran must not keep them forever. */
const HELD_TTL_MS = 7 * 86_400_000;

export class AlertDigest {
  private readonly holdScript: ReturnType<typeof redisScript>;
  private readonly takeScript: ReturnType<typeof redisScript>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
    private readonly periodMs: number,
  ) {
    this.holdScript = redisScript(redis, new URL('./scripts/hold-for-digest.lua', import.meta.url));
    this.takeScript = redisScript(redis, new URL('./scripts/take-digest.lua', import.meta.url));
  }

  /** `now`: send it; `held`: it waits for the digest due at `dueAt`. */
  async hold(project: string, delivery: string, alert: Alert, now: number): Promise<{ send: 'now' } | { send: 'held'; periodStart: number; dueAt: number }> {
    const [send, start] = (await this.holdScript([this.keys.digestGate(project), this.keys.digestWaiting(project)], [now, this.periodMs, delivery, JSON.stringify(alert), HELD_TTL_MS])) as [string, string];
    if (send === 'now') return { send: 'now' };
    return { send: 'held', periodStart: Number(start), dueAt: Number(start) + this.periodMs };
  }

  /** The alerts one digest delivery sends, oldest first (the same again when it is retried). */
  async take(project: string, delivery: string, now: number): Promise<Alert[]> {
    const raw = (await this.takeScript([this.keys.digestGate(project), this.keys.digestWaiting(project), this.keys.digestSending(project, delivery)], [now, this.periodMs, HELD_TTL_MS])) as string[];
    return raw.map((r) => JSON.parse(r) as Alert).sort((a, b) => a.at - b.at);
  }

  /** After the digest was handed over. */
  async sent(project: string, delivery: string): Promise<void> {
    await this.redis.del(this.keys.digestSending(project, delivery));
  }
}
