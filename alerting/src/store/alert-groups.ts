/**
 * Alert groups in Redis (TOUCHPOINT_ALERT_GROUP_WAIT / _INTERVAL / _REPEAT_INTERVAL), the way
 * Alertmanager groups: alerts of one project, audience, rule and channel gather in a group; the
 * group's first message waits the group wait, later ones at most one per group interval, each
 * telling what is new; firing SRE series are told again after the repeat interval; a group ends
 * when nothing fires (SRE) or nothing new came for an interval (marketer). Both steps are scripts
 * (scripts/add-to-alert-group.lua, scripts/take-alert-group.lua), so workers racing on one group
 * neither lose an alert nor tell one twice.
 */
import type { Redis } from 'ioredis';
import type { Alert } from '../interfaces/alert.ts';
import { redisScript } from '../lib/redis-script.ts';
import type { StoreKeys } from './keys.ts';

/** Which group, on which channel. */
export interface GroupRef {
  project: string;
  audience: 'marketer' | 'sre';
  /** The marketer reason or the SRE rule id (lib/alert-group-key.ts). */
  key: string;
  channel: string;
}

/** A group's flush: the delivery that sends one message of the group. */
export interface GroupFlush {
  /** When the group was opened (epoch ms): flush ids of successive groups never collide. */
  created: number;
  seq: number;
  dueAt: number;
}

export interface GroupMember {
  delivery: string;
  alert: Alert;
  /** The checkout or series the alert is about. */
  member: string;
  state: 'event' | 'firing' | 'resolved';
  value?: number;
  currency?: string;
}

/** What one message of the group tells (see take-alert-group.lua). */
export interface GroupTake {
  kind: 'first' | 'update' | 'repeat' | 'resolved' | 'none' | 'gone';
  since: number;
  latest: number;
  /** Alerts the group gathered (SRE: firing transitions). */
  total: number;
  /** SRE series still firing. */
  firing: number;
  atRisk: { currency: string; value: number }[];
  /** Oldest first. */
  alerts: Alert[];
  /** The next flush, or undefined when the group ended. */
  next?: GroupFlush;
}

interface RawTake {
  kind: GroupTake['kind'];
  since?: number;
  latest?: number;
  total?: number;
  firing?: number;
  money?: string[] | Record<string, never>;
  members?: string[] | Record<string, never>;
  nextSeq?: number;
  nextDue?: number;
}

/** A group kept this long past its last use is over whatever happened to its flush job. */
const MIN_TTL_MS = 86_400_000;

/** Alerts of the same millisecond (a batch of stuck checkouts) in a stable order. */
const about = (a: Alert) => (a.kind === 'sre' ? a.series : a.kind === 'checkout' ? (a.checkout ?? '') : '');

// Lua's cjson writes an empty table as {}: read it as an empty list.
const list = <T>(v: T[] | Record<string, never> | undefined): T[] => (Array.isArray(v) ? v : []);

export class AlertGroups {
  private readonly addScript: ReturnType<typeof redisScript>;
  private readonly takeScript: ReturnType<typeof redisScript>;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
    private readonly o: { waitMs: number; intervalMs: number; repeatMs: number },
  ) {
    this.addScript = redisScript(redis, new URL('./scripts/add-to-alert-group.lua', import.meta.url));
    this.takeScript = redisScript(redis, new URL('./scripts/take-alert-group.lua', import.meta.url));
    this.ttlMs = MIN_TTL_MS + 2 * (o.waitMs + o.intervalMs + o.repeatMs);
  }

  private part(g: GroupRef, part: string): string {
    return this.keys.alertGroup(g.project, g.audience, g.key, g.channel, part);
  }

  private groupKeys(g: GroupRef): string[] {
    return ['state', 'pending', 'firing', 'seen'].map((p) => this.part(g, p));
  }

  /** Adds an alert to its group (once per delivery id); returns the flush the group waits for. */
  async add(g: GroupRef, m: GroupMember, now: number): Promise<GroupFlush> {
    const r = (await this.addScript(this.groupKeys(g), [now, this.o.waitMs, m.delivery, JSON.stringify(m.alert), m.member, m.state, m.alert.at, m.value ?? '', m.currency ?? '', this.ttlMs])) as [string, string, string];
    return { created: Number(r[0]), seq: Number(r[1]), dueAt: Number(r[2]) };
  }

  /** What the flush `f` tells (the same again when it is retried), and the next flush. */
  async take(g: GroupRef, f: Pick<GroupFlush, 'created' | 'seq'>, now: number): Promise<GroupTake> {
    const mode = g.audience === 'sre' ? 'states' : 'events';
    const raw = JSON.parse(
      (await this.takeScript([...this.groupKeys(g), this.part(g, `message:${f.created}/${f.seq}`)], [now, f.seq, this.o.intervalMs, this.o.repeatMs, mode, this.ttlMs])) as string,
    ) as RawTake;
    const money = list(raw.money);
    const atRisk: GroupTake['atRisk'] = [];
    for (let i = 0; i + 1 < money.length; i += 2) atRisk.push({ currency: money[i] ?? '', value: Math.round(Number(money[i + 1]) * 100) / 100 });
    const take: GroupTake = {
      kind: raw.kind,
      since: raw.since ?? 0,
      latest: raw.latest ?? 0,
      total: raw.total ?? 0,
      firing: raw.firing ?? 0,
      atRisk: atRisk.sort((a, b) => a.currency.localeCompare(b.currency)),
      alerts: list(raw.members).map((a) => JSON.parse(a) as Alert).sort((a, b) => a.at - b.at || about(a).localeCompare(about(b))),
    };
    if (raw.nextSeq) take.next = { created: f.created, seq: raw.nextSeq, dueAt: raw.nextDue ?? now };
    return take;
  }

  /** After the flush's message was handed over: its kept answer is no longer needed. */
  async sent(g: GroupRef, f: Pick<GroupFlush, 'created' | 'seq'>): Promise<void> {
    await this.redis.del(this.part(g, `message:${f.created}/${f.seq}`));
  }
}
