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
export const SKIP_REASONS = ['no_consent', 'suppressed', 'cooldown', 'completed', 'no_channel', 'test_traffic'] as const;
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
 *   completed meanwhile, no channel).
 */
const entryProps = {
  project: Type.String(),
  /** Stable id of the incident (also part of the BullMQ job ids). */
  incident: Type.String(),
  customer: Type.String(),
  reason: Type.Enum(OUTREACH_REASONS),
  channel: Type.Enum([...CHANNEL_NAMES, 'none']),
  status: Type.Enum(['sent', 'holdout', 'skipped']),
  skipReason: Type.Optional(Type.String()),
  checkout: Type.Optional(Type.String()),
  /** When the message was handed to the channel, or the decision was made (epoch ms). */
  at: Type.Integer(),
  /** Beacon acknowledged → handed to the channel, for `sent` entries. */
  timeToOutreachMs: Type.Optional(Type.Integer()),
};
export const OutreachEntry = Type.Object(entryProps);
export type OutreachEntry = Static<typeof OutreachEntry>;

export const OutreachIncident = Type.Object({
  ...entryProps,
  /** Did the customer complete a checkout within 24 h after `at`? */
  completedAfter: Type.Boolean(),
  completedAt: Type.Optional(Type.Integer()),
  holdout: Type.Boolean(),
});
export type OutreachIncident = Static<typeof OutreachIncident>;

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

export interface OutreachReport {
  incidents: OutreachIncident[];
  totals: OutreachTotals;
}

export interface OutreachQuery {
  project: string;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  limit: number;
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
  },
  { additionalProperties: false },
);
export type OutreachListQuery = Static<typeof OutreachListQuery>;

export const OutreachList = Type.Object({
  ...echo,
  incidents: Type.Array(OutreachIncident),
  totals: OutreachTotals,
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
