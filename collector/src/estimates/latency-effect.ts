/**
 * What slow pages may cost in checkouts: the published rule of thumb of ~1 % of conversions per
 * 100 ms of extra load time, applied to LCP p75 above the "good" threshold and to the revenue
 * of completed checkouts. A product estimate, labelled as one in the answer.
 */
import type { LatencyEffect, MoneyByCurrency } from '@touchpoint/protocol/api/funnel';
import { CWV_GOOD } from '@touchpoint/protocol/vitals';

/** ~1 % of conversions per 100 ms of extra load time. */
const LOSS_PER_MS = 0.01 / 100;
/** Far past the threshold the rule of thumb means nothing; stop the estimate from claiming everything. */
const MAX_LOSS = 0.5;

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export function latencyEffect(lcpP75: number | null, revenue: MoneyByCurrency[]): LatencyEffect {
  const excessMs = lcpP75 === null ? 0 : Math.max(0, lcpP75 - CWV_GOOD.LCP);
  const conversionLoss = round(Math.min(MAX_LOSS, excessMs * LOSS_PER_MS), 4);
  return {
    estimate: true,
    method: `Estimate: about 1 % of conversions lost per 100 ms of LCP p75 above ${CWV_GOOD.LCP / 1000} s (published rule of thumb, capped at ${MAX_LOSS * 100} %), applied to completed checkout revenue`,
    lcpP75,
    excessMs: round(excessMs, 1),
    conversionLoss,
    revenueEffect: revenue.map((m) => ({ currency: m.currency, value: round(m.completed * conversionLoss, 2) })),
  };
}
