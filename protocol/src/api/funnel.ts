/** GET …/funnel: the checkout funnel, failed and stuck checkouts with their value, revenue at risk. */
import Type, { type Static } from 'typebox';
import { echo, limitQuery, NullableNumber, query } from './common.ts';

export const FunnelQuery = query({
  limit: limitQuery(50),
  checkout: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'also report this one checkout as `focus`' })),
});
export type FunnelQuery = Static<typeof FunnelQuery>;

export const FunnelStep = Type.Object({
  /** `start`, a declared step, or `complete`. */
  step: Type.String(),
  checkouts: Type.Integer(),
  /** Share lost since the previous step (null for the first). */
  dropOff: NullableNumber,
});
export type FunnelStep = Static<typeof FunnelStep>;

/** A step name checkouts sent that the project did not declare: counted apart, never in the funnel. */
export const OtherStep = Type.Object({ step: Type.String(), checkouts: Type.Integer() });
export type OtherStep = Static<typeof OtherStep>;

/** What a checkout row says of one checkout, wherever it is listed. */
const checkoutProps = {
  checkout: Type.String(),
  customer: Type.String(),
  /** The session of its latest event, to open in the session view. */
  session: Type.String(),
  value: Type.Number(),
  currency: Type.String(),
  lastStep: Type.String(),
  reason: Type.String(),
  startedAt: Type.Integer(),
  lastAt: Type.Integer(),
};

export const ProblemCheckout = Type.Object({ ...checkoutProps, status: Type.Enum(['failed', 'stuck']) });
export type ProblemCheckout = Static<typeof ProblemCheckout>;

/** One checkout as the marketer view shows it when a link (an alert) names it. */
export const CheckoutFocus = Type.Object({
  ...checkoutProps,
  status: Type.Enum(['completed', 'failed', 'stuck', 'open']),
  /** Named steps it reached, in the order it reached them. */
  steps: Type.Array(Type.String()),
});
export type CheckoutFocus = Static<typeof CheckoutFocus>;

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
  /** The project's checkoutSteps (or the default list), in order. */
  declaredSteps: Type.Array(Type.String()),
  ...checkoutCounts,
  /** start, every declared step in order, complete: a checkout counts at each step up to the furthest it reached (a completed one at all), so counts never rise. */
  steps: Type.Array(FunnelStep),
  /** Undeclared step names, in the order shoppers met them. */
  otherSteps: Type.Array(OtherStep),
  revenue: Type.Array(MoneyByCurrency),
  problems: Type.Array(ProblemCheckout),
  /** The checkout asked for (`checkout`), null when it has no rows in the window. */
  focus: Type.Optional(Type.Union([CheckoutFocus, Type.Null()])),
  latencyEffect: LatencyEffect,
});
export type Funnel = Static<typeof Funnel>;
