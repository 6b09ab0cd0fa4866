/**
 * The outreach store in Redis: the only place contact details (email, language) and consent
 * live. Also cooldowns, suppression, completion times, per-delivery "sent" markers and dead
 * letters. Erasure of one customer removes every key about them.
 */
import type { Redis } from 'ioredis';
import type { DeadLetter, DeadLetterReader } from '@touchpoint/protocol/outreach';
import { idParts } from '../lib/ids.ts';
import { redisScript } from '../lib/redis-script.ts';
import type { StoreKeys } from './keys.ts';

export interface Contact {
  email?: string;
  language?: string;
  consent: boolean;
  updatedAt: number;
}

/** A delivery's exactly-once marker: `sending`, `sent:<epoch ms>`, `skipped`, or null (never tried). */
export type SendMarker = string | null;

const MARKER_TTL_MS = 7 * 86_400_000;
/** Dead letters kept per project; older ones are dropped when more arrive. */
const DEAD_LETTERS_KEPT = 1000;


/** What an alert held in Redis says about whom it is. */
interface HeldAlert {
  customer?: string;
  checkout?: string;
}

export class OutreachStore implements DeadLetterReader {
  private readonly saveContactScript: ReturnType<typeof redisScript>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
    private readonly contactTtlMs: number,
  ) {
    this.saveContactScript = redisScript(redis, new URL('./scripts/save-contact.lua', import.meta.url));
  }

  /**
   * From an identify signal; a later identify replaces consent and fills in what is new. One
   * script: an identify older than what is stored (a late beacon) must not undo a newer consent
   * choice, and a read-then-write from two workers could.
   */
  async saveContact(project: string, customer: string, c: Contact): Promise<void> {
    await this.saveContactScript(
      [this.keys.contact(project, customer)],
      [c.updatedAt, c.consent ? '1' : '0', this.contactTtlMs, c.email ?? '', c.language ?? ''],
    );
  }

  async contact(project: string, customer: string): Promise<Contact | null> {
    const h = await this.redis.hgetall(this.keys.contact(project, customer));
    if (!h.consent) return null;
    const c: Contact = { consent: h.consent === '1', updatedAt: Number(h.updatedAt ?? 0) };
    if (h.email) c.email = h.email;
    if (h.language) c.language = h.language;
    return c;
  }

  async markCompleted(project: string, customer: string, at: number): Promise<void> {
    const key = this.keys.completed(project, customer);
    const prev = Number((await this.redis.get(key)) ?? 0);
    if (at > prev) await this.redis.set(key, String(at), 'PX', 2 * 86_400_000);
  }

  /** Latest checkout completion of the customer seen in the last 48 h (epoch ms), 0 if none. */
  async completedAt(project: string, customer: string): Promise<number> {
    return Number((await this.redis.get(this.keys.completed(project, customer))) ?? 0);
  }

  /**
   * Claims the customer's cooldown for this incident. True when the incident owns it (first
   * claim, or a replay of the same incident after a crash), false when another incident does.
   */
  async claimCooldown(project: string, customer: string, incident: string, ttlMs: number): Promise<boolean> {
    const key = this.keys.cooldown(project, customer);
    const prev = await this.redis.set(key, incident, 'PX', ttlMs, 'NX', 'GET');
    return prev === null || prev === incident;
  }

  async suppress(project: string, customer: string): Promise<void> {
    await this.redis.sadd(this.keys.suppressed(project), customer);
  }

  async unsuppress(project: string, customer: string): Promise<void> {
    await this.redis.srem(this.keys.suppressed(project), customer);
  }

  async isSuppressed(project: string, customer: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.suppressed(project), customer)) === 1;
  }

  /**
   * Marks a delivery as being sent and returns the previous marker: `sent` or `skipped` means
   * done already; `sending` means an earlier attempt died between handing the message over and
   * recording it (see workers/deliveries-worker.ts for that window).
   */
  async beginSend(project: string, delivery: string): Promise<SendMarker> {
    return this.redis.set(this.keys.sent(project, delivery), 'sending', 'PX', MARKER_TTL_MS, 'NX', 'GET');
  }

  async markSent(project: string, delivery: string, at: number): Promise<void> {
    await this.redis.set(this.keys.sent(project, delivery), `sent:${at}`, 'PX', MARKER_TTL_MS);
  }

  async markSkipped(project: string, delivery: string): Promise<void> {
    await this.redis.set(this.keys.sent(project, delivery), 'skipped', 'PX', MARKER_TTL_MS);
  }

  async sendMarker(project: string, delivery: string): Promise<SendMarker> {
    return this.redis.get(this.keys.sent(project, delivery));
  }

  /** Idempotent per delivery id: a dead letter recorded twice (crash, retry) is listed once. */
  async addDeadLetter(d: DeadLetter): Promise<void> {
    const hash = this.keys.deadLetters(d.project);
    const index = this.keys.deadLetterIndex(d.project);
    await this.redis.multi().hset(hash, d.id, JSON.stringify(d)).zadd(index, d.failedAt, d.id).exec();
    const excess = (await this.redis.zcard(index)) - DEAD_LETTERS_KEPT;
    if (excess > 0) {
      const old = await this.redis.zrange(index, '0', String(excess - 1));
      if (old.length) await this.redis.multi().zrem(index, ...old).hdel(hash, ...old).exec();
    }
  }

  async list(project: string, limit: number): Promise<DeadLetter[]> {
    const ids = await this.redis.zrevrange(this.keys.deadLetterIndex(project), '0', String(Math.max(0, limit - 1)));
    if (!ids.length) return [];
    const raw = await this.redis.hmget(this.keys.deadLetters(project), ...ids);
    return raw.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as DeadLetter);
  }

  /**
   * Erasure: contact details, consent, cooldown, completion, LCP streak, suppression entry,
   * sent markers, open checkouts, alerts held for a digest or in an alert group and dead letters
   * of one customer, and what names their sessions and checkouts (given by the caller, from
   * ClickHouse): each session's open checkout, checkout state and their failures in the rate
   * windows. (The outreach log in ClickHouse is erased by the collector; the queues by
   * erasure/alerting-eraser.ts.) Returns what it removed, per kind.
   */
  async eraseCustomer(project: string, customer: string, links: { sessions?: readonly string[]; checkouts?: readonly string[] } = {}): Promise<Record<string, number>> {
    const k = this.keys;
    const sessions = new Set(links.sessions);
    const checkouts = new Set(links.checkouts);
    const names = (a: HeldAlert) => a.customer === customer || (a.checkout !== undefined && checkouts.has(a.checkout));
    const removed = { keys: 0, suppression: 0, heldAlerts: 0, deadLetters: 0, rateWindowEntries: 0 };
    const own = [k.contact(project, customer), k.completed(project, customer), k.cooldown(project, customer), k.streak(project, customer), ...[...sessions].map((s) => k.sessionCheckout(project, s))];
    removed.keys += await this.redis.del(...own);
    removed.suppression += await this.redis.srem(k.suppressed(project), customer);
    const doomed: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', k.projectPattern(project), 'COUNT', 1000);
      cursor = next;
      for (const key of batch) {
        if (key.includes(':sent:')) {
          // Delivery ids are made of the customer or the incident (which names the checkout) by joinId.
          if (idParts(decodeURIComponent(key.slice(key.indexOf(':sent:') + 6))).some((p) => p === customer || checkouts.has(p))) doomed.push(key);
        } else if (key.includes(':checkout-errors:')) {
          if (key.endsWith(':money')) continue;
          const named = (await this.redis.smembers(key)).filter((incident) => idParts(incident).some((p) => checkouts.has(p)));
          if (named.length) removed.rateWindowEntries += await this.redis.srem(key, ...named);
        } else if (key.includes(':nudge:') || key.includes(':nudge-helped:') || key.includes(':prompt-once:')) {
          // In-page nudges (store/nudges.ts): named by their incident, whose id names the checkout
          // (or the customer); the record names the customer; the claim holds the prompt id.
          const value = key.includes(':nudge-helped:') ? null : await this.redis.get(key);
          const ids = [decodeURIComponent(key.slice(key.lastIndexOf(':') + 1)), ...(key.includes(':prompt-once:') && value ? [value] : [])];
          const owner = key.includes(':nudge:') && value ? (JSON.parse(value) as { customer?: string }).customer : undefined;
          if (owner === customer || ids.some((id) => idParts(id).some((p) => p === customer || checkouts.has(p)))) doomed.push(key);
        } else if (key.includes(':checkout:')) {
          const [owner, session] = await this.redis.hmget(key, 'customer', 'session');
          const id = decodeURIComponent(key.slice(key.lastIndexOf(':checkout:') + 10));
          if (owner === customer || (typeof session === 'string' && sessions.has(session)) || checkouts.has(id)) doomed.push(key);
        } else if (key.includes(':alert-digest:waiting') || key.includes(':alert-digest:sending:') || (key.includes(':alert-group:') && key.endsWith(':pending'))) {
          // Marketer alerts held for a digest (store/alert-digest.ts) or not yet told by their
          // group (store/alert-groups.ts) name the customer or the checkout.
          const held = Object.entries(await this.redis.hgetall(key)).filter(([, v]) => names(JSON.parse(v) as HeldAlert));
          if (held.length) removed.heldAlerts += await this.redis.hdel(key, ...held.map(([id]) => id));
        } else if (key.includes(':alert-group:') && key.endsWith(':seen')) {
          // The delivery ids a group took in (store/alert-groups.ts) are made of the customer or the checkout.
          const named = (await this.redis.smembers(key)).filter((id) => idParts(decodeURIComponent(id)).some((p) => p === customer || checkouts.has(p)));
          if (named.length) removed.heldAlerts += await this.redis.srem(key, ...named);
        } else if (key.includes(':alert-group:') && key.includes(':message:')) {
          // A group message kept for its retries: the same, without the customer's alerts.
          const kept = await this.redis.get(key);
          const message = kept ? (JSON.parse(kept) as { members?: string[] | Record<string, never> }) : undefined;
          const members = Array.isArray(message?.members) ? message.members : [];
          const left = members.filter((m) => !names(JSON.parse(m) as HeldAlert));
          if (left.length < members.length) {
            await this.redis.set(key, JSON.stringify({ ...message, members: left }), 'KEEPTTL');
            removed.heldAlerts += members.length - left.length;
          }
        }
      }
    } while (cursor !== '0');
    if (doomed.length) removed.keys += await this.redis.del(...doomed);
    const letters = await this.redis.hgetall(k.deadLetters(project));
    const ids = Object.entries(letters)
      .filter(([id, v]) => (JSON.parse(v) as DeadLetter).customer === customer || idParts(id).some((p) => checkouts.has(p)))
      .map(([id]) => id);
    if (ids.length) {
      await this.redis.multi().hdel(k.deadLetters(project), ...ids).zrem(k.deadLetterIndex(project), ...ids).exec();
      removed.deadLetters += ids.length;
    }
    return removed;
  }
}
