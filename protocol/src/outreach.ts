/**
 * Outreach contracts shared by the worker (which decides and writes them) and the collector
 * (which stores them and lists them in the outreach API): reasons, channels, the outreach log
 * and the dead letters. The listing shapes are TypeBox schemas: the API's validation and
 * serialization, the collector's types and the dashboards' types come from one definition.
 */
import Type, { type Static } from 'typebox';
import { echo, ProjectParams } from './api/common.ts';

/** Why a customer is contacted (also the reason of the marketer alert for the same incident). */
export const OUTREACH_REASONS = ['checkout_error', 'checkout_stuck', 'slow_experience'] as const;
export type OutreachReason = (typeof OUTREACH_REASONS)[number];

/** Marketer alerts add the project-wide rate alert. */
export type MarketerReason = OutreachReason | 'checkout_error_rate';

/**
 * Why a customer was not contacted (`skipReason` of a `skipped` outreach log entry): no consent,
 * on a suppression list, contacted recently (cooldown), completed a checkout meanwhile, no way to
 * reach them, or the incident came from test traffic (a load test, the agent's test mode).
 */
export const SKIP_REASONS = ['no_consent', 'suppressed', 'cooldown', 'completed', 'no_channel', 'test_traffic', 'nudge_acted'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Customers get email and the outreach webhook; alerts also go to Slack and Teams. */
export const CHANNEL_NAMES = ['email', 'webhook', 'slack', 'teams'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];
export const AUDIENCES = ['customer', 'marketer', 'sre'] as const;
export type Audience = (typeof AUDIENCES)[number];

/**
 * One decision about one incident, written to the outreach log (ClickHouse in the collector:
 * `collector/src/storage/outreach-log.ts`). Only the pseudonymous customer id, never contact details.
 * - `sent`: handed to `channel`;
 * - `holdout`: eligible but deliberately not contacted (`channel` = `none`), the control group;
 * - `skipped`: not contacted, `skipReason` says why (no consent, suppressed, cooldown,
 *   completed meanwhile, no channel; `nudge_acted`: the customer acted on the in-page nudge, which
 *   replaced this email).
 * - channel `nudge` (issue 14, protocol/src/prompts.ts): `sent` when the nudge was published to the
 *   customer's open page, then `shown`, `acted` or `dismissed` as the agent reports it.
 */
/** The outreach log's `channel` may also say `nudge` (the in-page prompt) or `none` (not contacted). */
export const OUTREACH_CHANNELS = [...CHANNEL_NAMES, 'nudge', 'none'] as const;
export const OUTREACH_STATUSES = ['sent', 'holdout', 'skipped', 'shown', 'acted', 'dismissed'] as const;

const entryProps = {
  project: Type.String(),
  /** Stable id of the incident (also part of the BullMQ job ids). */
  incident: Type.String(),
  customer: Type.String(),
  reason: Type.Enum(OUTREACH_REASONS),
  channel: Type.Enum(OUTREACH_CHANNELS),
  status: Type.Enum(OUTREACH_STATUSES),
  skipReason: Type.Optional(Type.String()),
  checkout: Type.Optional(Type.String()),
  /** When the message was handed to the channel, or the decision was made (epoch ms). */
  at: Type.Integer(),
  /** Beacon acknowledged → handed to the channel, for `sent` entries. */
  timeToOutreachMs: Type.Optional(Type.Integer()),
};
export const OutreachEntry = Type.Object(entryProps);
export type OutreachEntry = Static<typeof OutreachEntry>;

/**
 * "Came back": the customer completed a checkout that started at least `readDelayMs` after the
 * message was handed to its channel (for the holdout and skipped customers: after the decision),
 * and completed within `withinMs`. A purchase a second after the email is the checkout the
 * customer was already in, not an answer to the message; only a checkout begun once the message
 * could have been read counts. `readDelayMs` is TOUCHPOINT_CAME_BACK_DELAY_MS (collector).
 */
export const CAME_BACK_WITHIN_MS = 24 * 3_600_000;
export const CameBackRule = Type.Object({
  readDelayMs: Type.Integer(),
  withinMs: Type.Integer(),
});
export type CameBackRule = Static<typeof CameBackRule>;

/** What was decided on one channel of a contact (the outreach log's rows). */
export const OutreachChannelDecision = Type.Object({
  channel: Type.Enum(OUTREACH_CHANNELS),
  status: Type.Enum(OUTREACH_STATUSES),
  skipReason: Type.Optional(Type.String()),
  at: Type.Integer(),
  timeToOutreachMs: Type.Optional(Type.Integer()),
});
export type OutreachChannelDecision = Static<typeof OutreachChannelDecision>;

/** One incident's outreach: whom, why, what was decided on each channel, and whether they came back. */
export const OutreachContact = Type.Object({
  incident: Type.String(),
  customer: Type.String(),
  reason: Type.Enum(OUTREACH_REASONS),
  checkout: Type.Optional(Type.String()),
  /** `sent` when a message went out on any channel, else `holdout`, else `skipped`. */
  decision: Type.Enum(['sent', 'holdout', 'skipped']),
  /** Why not, for `skipped`. */
  skipReason: Type.Optional(Type.String()),
  /** The first decision (epoch ms). */
  at: Type.Integer(),
  /** The first message handed to a channel: "came back" is counted from here. */
  sentAt: Type.Optional(Type.Integer()),
  /** Oldest first. */
  channels: Type.Array(OutreachChannelDecision),
  /** By CameBackRule. */
  cameBack: Type.Boolean(),
  /** The completion that counted. */
  cameBackAt: Type.Optional(Type.Integer()),
});
export type OutreachContact = Static<typeof OutreachContact>;

export const OutreachTotals = Type.Object({
  /** Incidents with at least one message sent. */
  contacted: Type.Integer(),
  completedAfterContact: Type.Integer(),
  holdout: Type.Integer(),
  completedInHoldout: Type.Integer(),
  skipped: Type.Integer(),
  /** Completion rate of contacted minus that of the holdout (share, e.g. 0.12); null without a holdout. */
  lift: Type.Union([Type.Number(), Type.Null()]),
});
export type OutreachTotals = Static<typeof OutreachTotals>;

/** One UTC day of the window: the totals of the contacts first decided that day. */
export const OutreachDay = Type.Object({
  /** Midnight UTC, epoch ms. */
  day: Type.Integer(),
  ...OutreachTotals.properties,
});
export type OutreachDay = Static<typeof OutreachDay>;

export interface OutreachReport {
  /** Newest first, at most `limit`, after the cursor, matching the search. */
  contacts: OutreachContact[];
  /** Of the whole window: neither the search nor the paging narrows them. */
  totals: OutreachTotals;
  trend: OutreachDay[];
  /** Contacts of the window that match the search (all of them without one). */
  matched: number;
  /** Where the next page starts, null on the last page. */
  next: OutreachCursor | null;
}

/** A position in the list, newest first: the contact's first decision and its incident id. */
export interface OutreachCursor {
  at: number;
  incident: string;
}

export interface OutreachQuery {
  project: string;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  limit: number;
  /** Contacts after this one (the previous page's `next`). */
  after?: OutreachCursor;
  /** Part of a customer id or a checkout id, any case. */
  search?: string;
  /** CameBackRule.readDelayMs. */
  readDelayMs: number;
}

export interface OutreachLog {
  /** Idempotent per (incident, channel, status): a retried record never doubles a row. */
  record(entry: OutreachEntry): Promise<void>;
  list(query: OutreachQuery): Promise<OutreachReport>;
  /** Erasure of one customer's rows. */
  eraseCustomer(project: string, customer: string): Promise<void>;
}

/** A message no channel could take after every retry; kept in Redis, listed by the API. */
export const DeadLetter = Type.Object({
  /** The delivery id (deterministic: audience, project, customer or rule, incident, channel). */
  id: Type.String(),
  project: Type.String(),
  audience: Type.Enum(AUDIENCES),
  channel: Type.Enum(CHANNEL_NAMES),
  reason: Type.String(),
  incident: Type.String(),
  customer: Type.Optional(Type.String()),
  error: Type.String(),
  attempts: Type.Integer(),
  failedAt: Type.Integer(),
});
export type DeadLetter = Static<typeof DeadLetter>;

export interface DeadLetterReader {
  /** Newest first. */
  list(project: string, limit: number): Promise<DeadLetter[]>;
}

/** GET /api/v1/projects/:project/outreach */
export const OutreachListParams = ProjectParams;
export const OutreachListQuery = Type.Object(
  {
    from: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e14, description: 'epoch ms, inclusive; default: 7 days before `to`' })),
    to: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e14, description: 'epoch ms, exclusive; default: now' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$', description: 'the previous answer\'s `nextCursor`: the page after it' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\x00-\\x1f\\x7f]+$', description: 'part of a customer id or a checkout id, any case' })),
  },
  { additionalProperties: false },
);
export type OutreachListQuery = Static<typeof OutreachListQuery>;

export const OutreachList = Type.Object({
  ...echo,
  contacts: Type.Array(OutreachContact),
  totals: OutreachTotals,
  /** One entry per UTC day of the window, oldest first, days without contacts included. */
  trend: Type.Array(OutreachDay),
  cameBackRule: CameBackRule,
  /** Contacts of the window matching `q` (all of them without `q`). */
  matched: Type.Integer(),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  deadLetters: Type.Array(DeadLetter),
});
export type OutreachList = Static<typeof OutreachList>;

/** What the collector's /unsubscribe route needs from the worker's store (alerting/src/store/unsubscribe.ts). */
export interface UnsubscribePort {
  /** The project and customer of a genuine token, undefined for any other. */
  verify(token: string): Promise<{ project: string; customer: string } | undefined>;
  /** Suppresses the customer in the project: no further customer message. */
  suppress(project: string, customer: string): Promise<void>;
}
