/**
 * Live state the rules need between signals: open checkouts (so a failed payment request
 * during one is a checkout error, and a stuck timer can tell whether there was progress),
 * each session's open checkout, LCP streaks and the failed-checkout rate window.
 */
import type { Redis } from 'ioredis';
import { redisScript } from '../lib/redis-script.ts';
import type { StoreKeys } from './keys.ts';

export interface CheckoutState {
  id: string;
  customer?: string;
  session?: string;
  status: 'open' | 'error' | 'complete';
  /** Number of start/step events seen; a stuck timer is valid only for the seq it was set at. */
  seq: number;
  lastAt: number;
  value?: number;
  currency?: string;
  /** The last named step reached (`checkout.step(id, name)`). */
  step?: string;
  /** The reason of the shop's last `checkout.error(id, reason)`. */
  reason?: string;
  /** Test traffic (Signal.synthetic) started or moved this checkout. */
  synthetic?: string;
  /** The shop's link back to the basket, from the checkout's start (scrubbed by the collector). */
  resumeUrl?: string;
}

/** What a checkout signal tells about its checkout. */
export interface CheckoutUpdate {
  id: string;
  session: string;
  at: number;
  customer?: string;
  value?: number;
  currency?: string;
  /** The step's name, for `step` events. */
  name?: string;
  /** The shop's reason, for `error` events. */
  reason?: string;
  synthetic?: string;
  /** For `start` events: the shop's link back to the basket. */
  resumeUrl?: string;
}

/** Long enough to outlive any sensible TOUCHPOINT_STUCK_AFTER; refreshed on every step. */
const CHECKOUT_TTL_MS = 48 * 3_600_000;

export class CheckoutStateStore {
  private readonly advanceStreak: ReturnType<typeof redisScript>;
  private readonly applyEvent: ReturnType<typeof redisScript>;
  private readonly countFailed: ReturnType<typeof redisScript>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {
    this.advanceStreak = redisScript(redis, new URL('./scripts/advance-lcp-streak.lua', import.meta.url));
    this.applyEvent = redisScript(redis, new URL('./scripts/apply-checkout-event.lua', import.meta.url));
    this.countFailed = redisScript(redis, new URL('./scripts/count-failed-checkout.lua', import.meta.url));
  }

  /**
   * Applies a checkout event (start/step → open, error, complete) in event-time order. Returns
   * whether it was applied (false: older than what the state already reflects) and the seq.
   */
  async apply(project: string, c: CheckoutUpdate & { status: CheckoutState['status'] }): Promise<{ applied: boolean; seq: number }> {
    const r = (await this.applyEvent(
      [this.keys.checkout(project, c.id), this.keys.sessionCheckout(project, c.session)],
      [c.status, c.at, c.session, c.id, c.customer ?? '', c.value ?? '', c.currency ?? '', CHECKOUT_TTL_MS, c.name ?? '', c.reason ?? '', c.synthetic ?? '', c.resumeUrl ?? ''],
    )) as [number, number];
    return { applied: r[0] === 1, seq: Number(r[1]) };
  }

  async get(project: string, id: string): Promise<CheckoutState | null> {
    const h = await this.redis.hgetall(this.keys.checkout(project, id));
    if (!h.status) return null;
    const s: CheckoutState = { id, status: h.status as CheckoutState['status'], seq: Number(h.seq ?? 0), lastAt: Number(h.lastAt ?? 0) };
    if (h.customer) s.customer = h.customer;
    if (h.session) s.session = h.session;
    if (h.value) s.value = Number(h.value);
    if (h.currency) s.currency = h.currency;
    if (h.step) s.step = h.step;
    if (h.reason) s.reason = h.reason;
    if (h.synthetic) s.synthetic = h.synthetic;
    if (h.resumeUrl) s.resumeUrl = h.resumeUrl;
    return s;
  }

  /** The checkout the session has open (or errored and not completed), if any. */
  async forSession(project: string, session: string): Promise<CheckoutState | null> {
    const id = await this.redis.get(this.keys.sessionCheckout(project, session));
    if (!id) return null;
    const s = await this.get(project, id);
    return s && s.status !== 'complete' ? s : null;
  }

  /** Returns the streak's start time when this LCP completes a slow-experience streak, else 0. */
  async advanceLcpStreak(project: string, customer: string, at: number, poor: boolean, streak: number): Promise<number> {
    const r = await this.advanceStreak([this.keys.streak(project, customer)], [at, poor ? 1 : 0, streak, 7 * 86_400_000]);
    return Number(r);
  }

  /**
   * Counts a failed checkout in its project's fixed window; a set of incident ids, so an
   * incident counted again after a crash counts once (and its value too). Returns the count,
   * the window start, the first failure's time and the value of the failed checkouts per currency.
   */
  async countFailedCheckout(
    project: string,
    incident: string,
    at: number,
    windowMs: number,
    value?: { value: number; currency?: string },
  ): Promise<{ count: number; windowStart: number; since: number; atRisk: { currency: string; value: number }[] }> {
    const windowStart = Math.floor(at / windowMs) * windowMs;
    const r = (await this.countFailed([this.keys.rateWindow(project, windowStart), this.keys.rateMoney(project, windowStart)], [incident, at, windowMs * 2, value?.value ?? '', value?.currency ?? ''])) as [number, string, string[]];
    const atRisk: { currency: string; value: number }[] = [];
    for (let i = 0; i + 1 < r[2].length; i += 2) atRisk.push({ currency: r[2][i] ?? '', value: Math.round(Number(r[2][i + 1]) * 100) / 100 });
    return { count: Number(r[0]), windowStart, since: Number(r[1]), atRisk };
  }
}
