/**
 * Failed-checkout rate per project: when more than TOUCHPOINT_ERROR_RATE_THRESHOLD checkouts fail
 * in one TOUCHPOINT_ERROR_RATE_WINDOW, marketers get one rate alert for the window and the
 * per-checkout alerts beyond the threshold are folded into it, so one broken payment provider
 * is one alert, not a thousand. Customers are still contacted one by one.
 */
export type RateDecision = 'individual' | 'rate-alert' | 'folded';

export function rateDecision(count: number, threshold: number): RateDecision {
  if (count <= threshold) return 'individual';
  // Counts come from a Redis set, so exactly one incident sees threshold + 1.
  return count === threshold + 1 ? 'rate-alert' : 'folded';
}
