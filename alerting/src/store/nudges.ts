/**
 * The worker's side of in-page nudges (protocol/src/prompts.ts) in Redis: whether a session's
 * page is open (the collector's presence key), the one nudge per incident (claimed with the
 * shared `once` key, published, and remembered so that the agent's answer can be checked against
 * what was really offered), and the mark that the customer acted on it, which stops the
 * incident's delayed customer messages.
 */
import type { Redis } from 'ioredis';
import { promptKeys, publishPrompt, type NudgeAction, type PromptMessage } from '@touchpoint/protocol/prompts';
import type { OutreachReason } from '@touchpoint/protocol/outreach';
import type { StoreKeys } from './keys.ts';

/** What the worker published for one incident. No contact details: the customer's pseudonymous id only. */
export interface NudgeRecord {
  prompt: string;
  session: string;
  customer: string;
  reason: OutreachReason;
  /** The incident's time and its time-to-outreach start. */
  at: number;
  startedAt: number;
  actions: NudgeAction[];
  checkout?: string;
  value?: number;
  currency?: string;
  /** For `email_basket`: the checkout's link back to the basket. */
  resumeUrl?: string;
  /** Set once the prompt was handed to the collectors (a retry then only finishes the bookkeeping). */
  published?: boolean;
}

/** Outlives the longest wait of the messages a nudge can stop (quiet hours, under 24 h, plus the nudge's wait). */
const NUDGE_TTL_MS = 48 * 3_600_000;

export class NudgeStore {
  private readonly prompts: ReturnType<typeof promptKeys>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
    private readonly prefix: string,
  ) {
    this.prompts = promptKeys(prefix);
  }

  /** A collector holds the session's prompt channel open (the page is still there). */
  async isOpen(project: string, session: string): Promise<boolean> {
    return (await this.redis.exists(this.prompts.open(project, session))) === 1;
  }

  /** Claims the session's nudge for the incident (SET NX); also true when this prompt claimed it before (a retried incident). */
  async claim(project: string, session: string, incident: string, prompt: string): Promise<boolean> {
    const before = await this.redis.set(this.prompts.once(project, session, `nudge:${incident}`), prompt, 'PX', NUDGE_TTL_MS, 'NX', 'GET');
    return before === null || before === prompt;
  }

  async save(project: string, incident: string, r: NudgeRecord): Promise<void> {
    await this.redis.set(this.keys.nudge(project, incident), JSON.stringify(r), 'PX', NUDGE_TTL_MS);
  }

  async get(project: string, incident: string): Promise<NudgeRecord | undefined> {
    const raw = await this.redis.get(this.keys.nudge(project, incident));
    return raw ? (JSON.parse(raw) as NudgeRecord) : undefined;
  }

  /** Hands the prompt to whichever collector holds the session's channel, then remembers it went. */
  async publish(project: string, incident: string, r: NudgeRecord, message: PromptMessage): Promise<void> {
    await publishPrompt(this.redis, this.prefix, message);
    await this.save(project, incident, { ...r, published: true });
  }

  /** The customer acted on the incident's nudge: its waiting customer messages are not sent. */
  async markHelped(project: string, incident: string): Promise<void> {
    await this.redis.set(this.keys.nudgeHelped(project, incident), '1', 'PX', NUDGE_TTL_MS);
  }

  async isHelped(project: string, incident: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.nudgeHelped(project, incident))) === 1;
  }
}
