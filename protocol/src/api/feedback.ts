/**
 * GET /api/v1/projects/:project/feedback?from&to&survey&…: micro-survey answers (CES, CSAT, NPS)
 * over time, by checkout step and by page, the comments newest first, and how in-page nudges did
 * beside email outreach and the holdout (issue 14).
 */
import Type, { type Static } from 'typebox';
import { SURVEY_KINDS } from '../prompts.ts';
import { echo, limitQuery, NullableNumber, query, testQuery } from './common.ts';

export const FeedbackQuery = query({
  survey: Type.Optional(Type.Enum(SURVEY_KINDS, { description: 'default: the kind with the most answers in the window' })),
  /** Comments with this score only (the scale of `survey`). */
  score: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  bucket: Type.Optional(Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 60, maximum: 86400 })], { default: 'auto' })),
  limit: limitQuery(50),
  /** Comments answered before this (epoch ms): the previous answer's `nextBefore`. */
  before: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e14 })),
  test: testQuery,
});
export type FeedbackQuery = Static<typeof FeedbackQuery>;

/** Scores of a set of answers: the mean, and for NPS the promoter/detractor split and the score (−100…100). */
export const ScoreSummary = Type.Object({
  responses: Type.Integer(),
  mean: NullableNumber,
  /** NPS only: share of 9–10 minus share of 0–6, ×100. */
  nps: Type.Optional(NullableNumber),
  promoters: Type.Optional(Type.Integer()),
  passives: Type.Optional(Type.Integer()),
  detractors: Type.Optional(Type.Integer()),
});
export type ScoreSummary = Static<typeof ScoreSummary>;

export const FeedbackComment = Type.Object({
  /** When the customer answered: the browser's time corrected by the beacon's clock skew (epoch ms). */
  at: Type.Integer(),
  score: Type.Integer(),
  /** Scrubbed. */
  comment: Type.String(),
  trigger: Type.String(),
  path: Type.String(),
  step: Type.Optional(Type.String()),
  device: Type.String(),
  checkout: Type.Optional(Type.String()),
  /** The customer's incident, when the answer followed one (a nudge, or a failure in the same checkout). */
  incident: Type.Optional(Type.String()),
  /** The session's page-load vitals nearest the answer, when known. */
  lcp: Type.Optional(Type.Number()),
  inp: Type.Optional(Type.Number()),
  cls: Type.Optional(Type.Number()),
});
export type FeedbackComment = Static<typeof FeedbackComment>;

/** In-page nudges beside email and the holdout: how many, and how many of those checkouts were completed afterwards. */
export const NudgeTotals = Type.Object({
  /** Nudges published to an open page. */
  published: Type.Integer(),
  /** Reported shown by the agent. */
  shown: Type.Integer(),
  /** An action taken (retry, support, email_basket, call_back). */
  acted: Type.Integer(),
  dismissed: Type.Integer(),
  /** Of the nudged incidents, completed afterwards (the outreach "came back" rule). */
  recovered: Type.Integer(),
  /** Incidents reached by email (no nudge acted on) and how many came back. */
  emailed: Type.Integer(),
  emailRecovered: Type.Integer(),
  holdout: Type.Integer(),
  holdoutRecovered: Type.Integer(),
});
export type NudgeTotals = Static<typeof NudgeTotals>;

export const Feedback = Type.Object({
  ...echo,
  survey: Type.Union([Type.Enum(SURVEY_KINDS), Type.Null()]),
  /** Every kind answered in the window and how often, most answered first: what a kind picker offers. */
  kinds: Type.Array(Type.Object({ survey: Type.Enum(SURVEY_KINDS), responses: Type.Integer() })),
  bucket: Type.Integer(),
  summary: ScoreSummary,
  /** One point per bucket, oldest first, empty buckets left out. */
  trend: Type.Array(Type.Object({ t: Type.Integer(), ...ScoreSummary.properties })),
  byStep: Type.Array(Type.Object({ step: Type.String(), ...ScoreSummary.properties })),
  byPage: Type.Array(Type.Object({ path: Type.String(), ...ScoreSummary.properties })),
  /** Newest first; only answers with a comment, `score` filtering them. */
  comments: Type.Array(FeedbackComment),
  /** Pass as `before` for the next page of comments; null on the last. Comments of one millisecond are never split across pages, so it may be a page's last `at` or just after an `at` left for the next page. */
  nextBefore: Type.Union([Type.Integer(), Type.Null()]),
  nudges: NudgeTotals,
});
export type Feedback = Static<typeof Feedback>;
