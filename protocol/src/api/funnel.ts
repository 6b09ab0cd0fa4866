/** GET …/funnel: the checkout funnel, failed and stuck checkouts with their value, revenue at risk. */
import Type, { type Static } from 'typebox';
import { echo, limitQuery, NullableNumber, query } from './common.ts';

export const FunnelQuery = query({ limit: limitQuery(50) });
export type FunnelQuery = Static<typeof FunnelQuery>;

export const FunnelStep = Type.Object({
  /** `start`, a named step, or `complete`. */
  step: Type.String(),
  checkouts: Type.Integer(),
  /** Share lost since the previous step (null for the first). */
  dropOff: NullableNumber,
});
export type FunnelStep = Static<typeof FunnelStep>;

export const ProblemCheckout = Type.Object({
  checkout: Type.String(),
  status: Type.Enum(['failed', 'stuck']),
  customer: Type.String(),
  value: Type.Number(),
  currency: Type.String(),
  lastStep: Type.String(),
  reason: Type.String(),
  startedAt: Type.Integer(),
  lastAt: Type.Integer(),
});
export type ProblemCheckout = Static<typeof ProblemCheckout>;

export const MoneyByCurrency = Type.Object({
  currency: Type.String(),
  completed: Type.Number(),
  failed: Type.Number(),
  stuck: Type.Number(),
  /** failed + stuck. */
  atRisk: Type.Number(),
});
export type MoneyByCurrency = Static<typeof MoneyByCurrency>;

export const LatencyEffect = Type.Object({
  estimate: Type.Literal(true),
  method: Type.String(),
  lcpP75: NullableNumber,
  /** ms of LCP p75 above the "good" threshold. */
  excessMs: Type.Number(),
  /** Estimated share of conversions lost to it. */
  conversionLoss: Type.Number(),
  /** Completed revenue × conversionLoss, per currency. */
  revenueEffect: Type.Array(Type.Object({ currency: Type.String(), value: Type.Number() })),
});
export type LatencyEffect = Static<typeof LatencyEffect>;

const checkoutCounts = {
  checkouts: Type.Integer(),
  started: Type.Integer(),
  completed: Type.Integer(),
  failed: Type.Integer(),
  stuck: Type.Integer(),
  /** Neither complete, failed nor stuck yet. */
  open: Type.Integer(),
};

export const Funnel = Type.Object({
  ...echo,
  stuckAfterMs: Type.Integer(),
  ...checkoutCounts,
  steps: Type.Array(FunnelStep),
  revenue: Type.Array(MoneyByCurrency),
  problems: Type.Array(ProblemCheckout),
  latencyEffect: LatencyEffect,
});
export type Funnel = Static<typeof Funnel>;
