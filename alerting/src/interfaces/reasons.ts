/** Why a customer is contacted (also the reason of the marketer alert for the same incident). */
export const OUTREACH_REASONS = ['checkout_error', 'checkout_stuck', 'slow_experience'] as const;
export type OutreachReason = (typeof OUTREACH_REASONS)[number];

/** Marketer alerts add the project-wide rate alert. */
export type MarketerReason = OutreachReason | 'checkout_error_rate';

/** Customers get email and the outreach webhook; alerts also go to Slack and Teams. */
export type ChannelName = 'email' | 'webhook' | 'slack' | 'teams';
export type Audience = 'customer' | 'marketer' | 'sre';
