/**
 * One per collector process: the prompt channels it holds open (GET /v1/prompts, Server-Sent
 * Events; routes/prompts.ts), one per (project, session), and one Redis subscriber on
 * `promptKeys.channel`. Fan-in: every collector hears every prompt and writes it to its own
 * channel for that session, if it holds one. A channel sends the session's `pending` prompts when
 * it opens, keeps the session's presence key (`promptKeys.open`) alive while open, and is bounded
 * per client address, per process, in lifetime and in what the client may leave unread.
 *
 * The hub also carries the deciders' side of Redis for this process (claim once, publish), on a
 * command connection that fails fast while Redis is away: a beacon never waits for it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { PROMPT_HEARTBEAT_MS, PROMPT_OPEN_TTL_MS, PROMPT_REF_MAX, PROMPT_REF_PATTERN, promptKeys, publishPrompt, type Prompt, type PromptMessage, type PromptSpec } from '@touchpoint/protocol/prompts';
import type { Metrics } from '../metrics.ts';

/** What the hub needs of an SSE response (node's ServerResponse has it). */
export interface PromptStream {
  /** Bytes written but not yet handed to the socket: what a slow client leaves unread. */
  readonly writableLength: number;
  /** Already gone (the client left before the channel opened): its `close` was emitted. */
  readonly destroyed: boolean;
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  once(event: 'close', listener: () => void): unknown;
}

export interface PromptHubOptions {
  redisUrl: string;
  /** TOUCHPOINT_ALERTING_PREFIX's value (config.alerting.keyPrefix): the worker publishes under it too. */
  keyPrefix: string;
  logger: Logger;
  metrics: Metrics;
  /** TOUCHPOINT_MAX_PROMPT_CHANNELS: channels this process holds; more are refused with 503. */
  maxChannels: number;
  /** Channels one client address may hold (default 32: shoppers behind one NAT each have their own; a checkout holds one). */
  maxPerClient?: number;
  /** A channel is closed after this long (default 10 min; the agent reconnects if it still needs one). */
  maxLifetimeMs?: number;
  /** Heartbeat and presence refresh (default PROMPT_HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** Bytes left unread beyond which a client is cut off (default 64 KiB, dozens of prompts). */
  maxBufferedBytes?: number;
}

export type Refusal = 'per_client' | 'full';

interface Channel {
  id: string;
  key: string;
  project: string;
  session: string;
  client: string;
  stream: PromptStream;
  render: (spec: PromptSpec) => Prompt;
  /** Prompt ids sent on this channel: each once. */
  sent: Set<string>;
  lifetime: NodeJS.Timeout | undefined;
}

/** Prompt ids as the deciders make them; anything else on the channel is not ours. */
// The ids the worker (joinId) and the surveys make; the agent sends them back in its events.
const PROMPT_ID = new RegExp(PROMPT_REF_PATTERN);
const releasePresence = readFileSync(new URL('./scripts/release-presence.lua', import.meta.url), 'utf8');

type HubRedis = Redis & { releasePresence(key: string, id: string): Promise<number> };

export class PromptHub {
  readonly #o: Required<PromptHubOptions>;
  readonly #keys: ReturnType<typeof promptKeys>;
  readonly #channels = new Map<string, Channel>();
  readonly #perClient = new Map<string, number>();
  #cmd?: HubRedis;
  #sub?: Redis;
  #timer?: NodeJS.Timeout;

  constructor(o: PromptHubOptions) {
    this.#o = { maxPerClient: 32, maxLifetimeMs: 10 * 60_000, heartbeatMs: PROMPT_HEARTBEAT_MS, maxBufferedBytes: 64 * 1024, ...o };
    this.#keys = promptKeys(o.keyPrefix);
  }

  get channelCount(): number {
    return this.#channels.size;
  }

  get heartbeatMs(): number {
    return this.#o.heartbeatMs;
  }

  /** Never fails on Redis: without it no prompt arrives, and beacons are answered as usual. */
  async start(): Promise<void> {
    const log = this.#o.logger;
    const cmd = new Redis(this.#o.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true }) as HubRedis;
    cmd.defineCommand('releasePresence', { numberOfKeys: 1, lua: releasePresence });
    const sub = new Redis(this.#o.redisUrl, { maxRetriesPerRequest: 1 });
    this.#cmd = cmd;
    this.#sub = sub;
    for (const r of [cmd, sub]) r.on('error', (err) => log.debug({ err }, 'prompts: redis error'));
    sub.on('message', (_channel: string, message: string) => this.#onMessage(message));
    // On every (re)connect: SUBSCRIBE is idempotent, and one attempted while Redis was down is not lost.
    sub.on('ready', () => void sub.subscribe(this.#keys.channel).catch((err) => log.warn({ err }, 'prompts: cannot subscribe')));
    await Promise.all([
      cmd.connect().catch((err) => log.warn({ err }, 'prompts: redis is not answering')),
      // Subscribed before the first channel opens: a prompt published after its pending read is heard.
      sub.subscribe(this.#keys.channel).catch((err) => log.warn({ err }, 'prompts: cannot subscribe')),
    ]);
    this.#timer = setInterval(() => this.#heartbeat(), this.#o.heartbeatMs);
    this.#timer.unref();
  }

  /** Whether a channel for (project, session) from `client` may open; one replacing the session's own always may. */
  refusal(project: string, session: string, client: string): Refusal | undefined {
    const existing = this.#channels.get(channelKey(project, session));
    const held = (this.#perClient.get(client) ?? 0) - (existing?.client === client ? 1 : 0);
    if (held >= this.#o.maxPerClient) return 'per_client';
    if (!existing && this.#channels.size >= this.#o.maxChannels) return 'full';
    return undefined;
  }

  /**
   * Takes over an SSE response whose headers are written: replaces the session's older channel
   * on this collector, marks the session present, sends what is pending, then whatever is
   * published for it until the client goes, the lifetime ends or the client stops reading.
   */
  async open(o: { project: string; session: string; client: string; stream: PromptStream; render: (spec: PromptSpec) => Prompt }): Promise<void> {
    if (o.stream.destroyed) return;
    const key = channelKey(o.project, o.session);
    const ch: Channel = { ...o, id: randomUUID(), key, sent: new Set(), lifetime: undefined };
    ch.lifetime = setTimeout(() => this.#end(ch), this.#o.maxLifetimeMs).unref();
    const older = this.#channels.get(key);
    this.#channels.set(key, ch);
    this.#perClient.set(o.client, (this.#perClient.get(o.client) ?? 0) + 1);
    this.#o.metrics.promptChannels.set(this.#channels.size);
    o.stream.once('close', () => this.#closed(ch));

    const open = this.#keys.open(o.project, o.session);
    const pending = this.#keys.pending(o.project, o.session);
    try {
      // The presence write goes before the older channel's release (one connection keeps the order): the session stays present.
      const read = this.#cmd?.multi().set(open, ch.id, 'PX', PROMPT_OPEN_TTL_MS).lrange(pending, 0, -1).exec();
      older?.stream.end();
      const results = await read;
      const specs = results?.[1]?.[1];
      if (!Array.isArray(specs)) return;
      for (const raw of specs) {
        const spec = parseSpec(typeof raw === 'string' ? raw : '');
        if (spec && this.#channels.get(key) === ch) this.#deliver(ch, spec);
      }
    } catch (err) {
      older?.stream.end();
      this.#o.logger.warn({ err }, 'prompts: cannot read the pending prompts');
    }
  }

  /** Claims `what` for the session once (SET NX, kept ttlMs): true for the one caller that got it. */
  async claimOnce(project: string, session: string, what: string, ttlMs: number): Promise<boolean> {
    if (!this.#cmd) return false;
    return (await this.#cmd.set(this.#keys.once(project, session, what), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async publish(message: PromptMessage): Promise<void> {
    if (this.#cmd) await publishPrompt(this.#cmd, this.#o.keyPrefix, message);
  }

  /** Ends every channel (the HTTP server's close waits for open responses). */
  endAll(): void {
    for (const ch of [...this.#channels.values()]) this.#end(ch);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.endAll();
    this.#sub?.disconnect();
    // Let the channels' presence releases go out first.
    await this.#cmd?.quit().catch(() => undefined);
  }

  /** Out of the map first: nothing is written to a response after its end (that would be an error event). */
  #end(ch: Channel, destroy = false): void {
    if (this.#channels.get(ch.key) === ch) this.#channels.delete(ch.key);
    if (destroy) ch.stream.destroy();
    else ch.stream.end();
  }

  #closed(ch: Channel): void {
    clearTimeout(ch.lifetime);
    if (this.#channels.get(ch.key) === ch) this.#channels.delete(ch.key);
    const n = (this.#perClient.get(ch.client) ?? 1) - 1;
    if (n > 0) this.#perClient.set(ch.client, n);
    else this.#perClient.delete(ch.client);
    this.#o.metrics.promptChannels.set(this.#channels.size);
    const released = this.#cmd?.releasePresence(this.#keys.open(ch.project, ch.session), ch.id);
    released?.catch((err: unknown) => this.#o.logger.debug({ err }, 'prompts: presence not released'));
  }

  #onMessage(raw: string): void {
    let m: Partial<PromptMessage>;
    try {
      m = JSON.parse(raw) as Partial<PromptMessage>;
    } catch {
      return;
    }
    if (typeof m.project !== 'string' || typeof m.session !== 'string') return;
    const ch = this.#channels.get(channelKey(m.project, m.session));
    const spec = ch && isSpec(m.spec) ? m.spec : undefined;
    if (ch && spec) this.#deliver(ch, spec);
  }

  #deliver(ch: Channel, spec: PromptSpec): void {
    if (ch.sent.has(spec.id)) return;
    ch.sent.add(spec.id);
    let prompt: Prompt;
    try {
      prompt = ch.render(spec);
    } catch (err) {
      this.#o.logger.warn({ err, project: ch.project, prompt: spec.id }, 'prompts: cannot render a prompt');
      return;
    }
    if (this.#write(ch, `event: prompt\nid: ${spec.id}\ndata: ${JSON.stringify(prompt)}\n\n`)) this.#o.metrics.promptsSent.labels(spec.kind).inc();
  }

  /** A client that does not read is cut off, not buffered for: its page reconnects when it can. */
  #write(ch: Channel, data: string): boolean {
    if (ch.stream.writableLength > this.#o.maxBufferedBytes) {
      this.#end(ch, true);
      return false;
    }
    ch.stream.write(data);
    return true;
  }

  /** One comment per channel keeps proxies from timing it out; one pipeline refreshes every presence. */
  #heartbeat(): void {
    if (this.#channels.size === 0) return;
    const pipeline = this.#cmd?.pipeline();
    for (const ch of [...this.#channels.values()]) {
      if (this.#write(ch, ':\n\n')) pipeline?.set(this.#keys.open(ch.project, ch.session), ch.id, 'PX', PROMPT_OPEN_TTL_MS);
    }
    pipeline?.exec().catch((err) => this.#o.logger.debug({ err }, 'prompts: presence not refreshed'));
  }
}

function channelKey(project: string, session: string): string {
  return `${project}\n${session}`;
}

function parseSpec(raw: string): PromptSpec | undefined {
  try {
    const spec: unknown = JSON.parse(raw);
    return isSpec(spec) ? spec : undefined;
  } catch {
    return undefined;
  }
}

function isSpec(spec: unknown): spec is PromptSpec {
  if (typeof spec !== 'object' || spec === null) return false;
  const s = spec as Partial<PromptSpec>;
  return (s.kind === 'nudge' || s.kind === 'survey') && typeof s.id === 'string' && s.id.length <= PROMPT_REF_MAX && PROMPT_ID.test(s.id);
}
