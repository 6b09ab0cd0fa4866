/**
 * In-page prompts (issue 14): nudges ("Can we help?", decided by the worker when a rule fires for
 * a session whose page is still open) and micro-surveys (CES, CSAT, NPS; decided by the
 * collector after a checkout completes, after a nudge was acted on, or on a page rule).
 *
 * The path of a prompt:
 *  1. The agent opens the prompt channel (`GET /v1/prompts?key=…&session=…`, Server-Sent Events)
 *     while a checkout is open, for PROMPT_LINGER_MS after it completes or fails, and when a
 *     beacon is answered `200 {"prompt":true}` (a page-rule survey is waiting). While connected,
 *     the collector keeps `open` (below) alive, so the worker knows the page is still there.
 *  2. Whoever decides a prompt claims it once (`once`), appends it to the session's `pending`
 *     list and publishes a PromptMessage on `channel`. Every collector subscribes to `channel`
 *     (fan-in through Redis) and writes the prompt to its own connection for that session, if it
 *     has one; a channel opened later reads `pending` first. The agent shows a prompt id once.
 *  3. The customer's answer travels as beacon events: `nudge` (shown, dismissed, or the action
 *     taken, with the phone number for a call-back) and `feedback` (the survey's score and
 *     comment). They are scrubbed and spooled like every event; `nudge` events are forwarded
 *     to the worker as signals (the phone number goes nowhere else), `feedback` is stored.
 *
 * The customer copy in a prompt is rendered on the server (templates, in the customer's
 * language), so the agent's prompt chunk holds no words of its own.
 */
import type { OutreachReason } from './outreach.ts';

/**
 * What a prompt id (and the incident id it carries) may be: joinId's URI-encoded parts joined by
 * `/`, as the worker and the collector make them. The beacon schema's `promptRef` says the same
 * (beacon.test.ts keeps them equal); the prompt channel drops a spec whose id is anything else.
 */
export const PROMPT_REF_PATTERN = "^[A-Za-z0-9_.~!*'()%:/-]+$";
export const PROMPT_REF_MAX = 512;

/** What a nudge offers; the agent shows the ones the prompt lists, in its order. */
export const NUDGE_ACTIONS = ['retry', 'support', 'email_basket', 'call_back'] as const;
export type NudgeAction = (typeof NUDGE_ACTIONS)[number];
/** What the agent reports of a nudge: it was shown, the customer closed it, or took an action. */
export const NUDGE_OUTCOMES = ['shown', 'dismissed', ...NUDGE_ACTIONS] as const;
export type NudgeOutcome = (typeof NUDGE_OUTCOMES)[number];
/** Outcomes that count as "acted on": the nudge replaces the email for that incident. */
export const NUDGE_ACTED: readonly NudgeOutcome[] = NUDGE_ACTIONS;

export const SURVEY_KINDS = ['ces', 'csat', 'nps'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
/** The answer scale of each kind, inclusive: CES 1–7 ("very difficult" … "very easy"), CSAT 1–5, NPS 0–10. */
export const SURVEY_SCALES: Record<SurveyKind, readonly [min: number, max: number]> = { ces: [1, 7], csat: [1, 5], nps: [0, 10] };
export const SURVEY_TRIGGERS = ['complete', 'nudge', 'page'] as const;
export type SurveyTrigger = (typeof SURVEY_TRIGGERS)[number];
/** A survey comment is cut to this many characters (then scrubbed like any free text). */
export const MAX_COMMENT_CHARS = 1000;

export interface NudgePrompt {
  kind: 'nudge';
  /** Unique per prompt; the agent never shows one id twice (and the worker publishes one nudge per incident). */
  id: string;
  incident: string;
  reason: OutreachReason;
  /** The language the copy is in (`en`, `nl`, `de`, `fr`, `es`). */
  lang: string;
  title: string;
  body: string;
  actions: { action: NudgeAction; label: string; href?: string }[];
  /** Label of the phone field shown for `call_back`. */
  phoneLabel?: string;
  /** The button that sends the phone number. */
  sendLabel: string;
  /** Shown after an action was taken ("Thank you, we will call you back"). */
  done: string;
  /** The close button's accessible name. */
  close: string;
}

export interface SurveyPrompt {
  kind: 'survey';
  id: string;
  survey: SurveyKind;
  trigger: SurveyTrigger;
  /** The incident the survey follows (trigger `nudge`). */
  incident?: string;
  checkout?: string;
  lang: string;
  question: string;
  /** Words under the scale's two ends. */
  low: string;
  high: string;
  /** Label of the optional comment box; no box without it. */
  commentLabel?: string;
  sendLabel: string;
  done: string;
  close: string;
}

export type Prompt = NudgePrompt | SurveyPrompt;

/**
 * What the deciders publish: a prompt without its words. The collector holding the session's
 * channel renders it (`renderPrompt` of `@touchpoint/protocol/copy`, the project's templates) in
 * the page's language, which the agent gives as `lang` when it opens the channel.
 */
/** The prompt's own fields; the words (title, labels…) are what rendering adds. */
export interface NudgeSpec extends Pick<NudgePrompt, 'kind' | 'id' | 'incident' | 'reason'> {
  /** In the order to show them. */
  actions: NudgeAction[];
  /** For `support`: the project's nudges.supportUrl or supportUrl. */
  supportUrl?: string;
  /** For the copy: the checkout's value, e.g. "149.95 AUD". */
  amount?: string;
}
export interface SurveySpec extends Pick<SurveyPrompt, 'kind' | 'id' | 'survey' | 'trigger' | 'incident' | 'checkout'> {
  /** Offer the comment box. */
  comment: boolean;
}
export type PromptSpec = NudgeSpec | SurveySpec;

/** Published on `promptKeys(prefix).channel` as JSON, and kept in the session's `pending` list (the `spec` alone). */
export interface PromptMessage {
  project: string;
  session: string;
  spec: PromptSpec;
}

/**
 * The SSE route: `GET /v1/prompts?key=<project key>&session=<session id>&lang=<BCP 47>`; each
 * prompt is `event: prompt`, `id: <prompt id>`, `data: <Prompt JSON>` (rendered in `lang`,
 * English when unknown), after a first `retry:`; a `:` comment every PROMPT_HEARTBEAT_MS. A
 * refusal is a coded JSON error: 401/403 as for beacons, 400 TP_ERR_BAD_PROMPT_CHANNEL, 429
 * TP_ERR_TOO_MANY_PROMPT_CHANNELS and 503 TP_ERR_PROMPT_CHANNELS_FULL with Retry-After. The
 * collector ends a channel after 10 minutes, and a newer channel of the session replaces it
 * (docs/prompt-channel.md).
 */
export const PROMPT_CHANNEL_PATH = '/v1/prompts';
/** The presence key lives this long; the collector refreshes it every PROMPT_HEARTBEAT_MS while the channel is open. */
export const PROMPT_OPEN_TTL_MS = 30_000;
export const PROMPT_HEARTBEAT_MS = 15_000;
/** A prompt waits this long for its session's channel, at most PROMPT_PENDING_MAX per session. */
export const PROMPT_PENDING_TTL_MS = 10 * 60_000;
export const PROMPT_PENDING_MAX = 5;
/** The agent keeps the channel open this long after a checkout completes or fails, and after a 200 beacon answer. */
export const PROMPT_LINGER_MS = 60_000;

const e = encodeURIComponent;

/** Redis keys shared by collector and worker; `prefix` is TOUCHPOINT_REDIS_PREFIX's (config.alerting.keyPrefix). */
export function promptKeys(prefix: string) {
  const p = (project: string) => `${prefix}:${e(project)}`;
  return {
    channel: `${prefix}:prompts`,
    /** Presence: set while a collector holds the session's channel open. */
    open: (project: string, session: string) => `${p(project)}:prompt-open:${e(session)}`,
    /** A list of PromptSpec JSON, oldest first. */
    pending: (project: string, session: string) => `${p(project)}:prompt-pending:${e(session)}`,
    /** SET NX guards: `survey` (one survey per session), `nudge:<incident>` (one nudge per incident). */
    once: (project: string, session: string, what: string) => `${p(project)}:prompt-once:${e(session)}:${e(what)}`,
  };
}

/** Per project, in the projects file (`"prompts": {…}`). */
export interface ProjectPrompts {
  nudges?: {
    /** Default true once `nudges` is present; without `nudges` a project gets none. */
    enabled?: boolean;
    /** Which rules may nudge; default all three. */
    reasons?: OutreachReason[];
    /** How long the customer email waits for an action on the nudge before it goes anyway (ms); default 60000. */
    emailWaitMs?: number;
    /** Offered as `support` (a chat or help page); default the project's supportUrl. */
    supportUrl?: string;
    /** Offer "call me back" (the shop then gets the number in a marketer alert); default false. */
    callBack?: boolean;
  };
  survey?: {
    kind: SurveyKind;
    /** Offer a comment box; default true. */
    comment?: boolean;
    /** When to ask: after a completed checkout, after a nudge was acted on; default ['complete']. */
    after?: ('complete' | 'nudge')[];
    /** Route patterns (`/help/*`, as `routes`) on whose pages the survey is asked. */
    pages?: string[];
    /** Share of sessions asked (0–1, by a hash of the session id); default 1. */
    share?: number;
  };
}

/** Sessions asked: a stable draw per session id, so every collector agrees. */
export function inSurveyShare(session: string, share: number): boolean {
  if (share >= 1) return true;
  if (share <= 0) return false;
  let h = 2166136261;
  for (let i = 0; i < session.length; i++) h = Math.imul(h ^ session.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32 < share;
}

/** The part of an ioredis client `publishPrompt` uses (ioredis's Redis and Cluster have it). */
export interface PromptRedis {
  multi(): PromptMulti;
}
export interface PromptMulti {
  rpush(key: string, value: string): PromptMulti;
  ltrim(key: string, start: number, stop: number): PromptMulti;
  pexpire(key: string, ms: number): PromptMulti;
  publish(channel: string, message: string): PromptMulti;
  exec(): Promise<unknown>;
}

/**
 * Hands a prompt to whichever collector holds the session's channel, now or within
 * PROMPT_PENDING_TTL_MS: kept in the session's pending list (the newest PROMPT_PENDING_MAX) and
 * published, in one transaction. The caller has claimed it once (`promptKeys.once`).
 */
export async function publishPrompt(redis: PromptRedis, prefix: string, message: PromptMessage): Promise<void> {
  const keys = promptKeys(prefix);
  const pending = keys.pending(message.project, message.session);
  await redis
    .multi()
    .rpush(pending, JSON.stringify(message.spec))
    .ltrim(pending, -PROMPT_PENDING_MAX, -1)
    .pexpire(pending, PROMPT_PENDING_TTL_MS)
    .publish(keys.channel, JSON.stringify(message))
    .exec();
}
