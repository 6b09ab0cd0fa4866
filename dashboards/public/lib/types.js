// @ts-check
/**
 * Shapes of the query API's answers as the views use them (collector/src/routes/query.ts and
 * routes/outreach.ts are the source of truth; their response schemas list every field).
 * @typedef {{ count: number, p50: number, p75: number, p95: number, p99: number }} Percentiles
 * @typedef {{ from: number, to: number, bucket: number, points: (Percentiles & { t: number })[] }} Timeseries
 * @typedef {{ rows: (Percentiles & { value: string })[] }} Breakdown
 * @typedef {{ pageLoads: number, good: number, passRate: number | null, p75: { LCP: number | null, INP: number | null, CLS: number | null } }} PassRate
 * @typedef {{ kind: string, message: string, count: number, sessions: number }} ErrorMessage
 * @typedef {{ host: string, count: number, serverErrors: number, clientErrors: number, network: number }} FailingHost
 * @typedef {{ pageLoads: number, errors: number, failedRequests: number, errorRate: number | null, failedRequestRate: number | null, topMessages: ErrorMessage[], topHosts: FailingHost[] }} Errors
 * @typedef {{ host: string, bytes: number, requests: number, p95: number | null }} ThirdParty
 * @typedef {{ rows: ThirdParty[] }} ThirdParties
 * @typedef {{ session: string, path: string, device: string, browser: string, country: string, connection: string, value: number, at: number, lcpTarget: string, inpTarget: string }} SlowSession
 * @typedef {{ sessions: SlowSession[] }} Sessions
 * @typedef {{ step: string, checkouts: number, dropOff: number | null }} FunnelStep
 * @typedef {{ checkout: string, status: string, customer: string, value: number, currency: string, lastStep: string, reason: string, lastAt: number }} ProblemCheckout
 * @typedef {{ currency: string, completed: number, failed: number, stuck: number, atRisk: number }} Money
 * @typedef {{ lcpP75: number | null, conversionLoss: number, revenueEffect: { currency: string, value: number }[] }} LatencyEffect
 * @typedef {{ checkout: string, status: string, customer: string, value: number, currency: string, lastStep: string, reason: string, steps: string[], startedAt: number, lastAt: number }} CheckoutFocus
 * @typedef {{ stuckAfterMs: number, started: number, completed: number, failed: number, stuck: number, steps: FunnelStep[], otherSteps: { step: string, checkouts: number }[], revenue: Money[], problems: ProblemCheckout[], focus?: CheckoutFocus | null, latencyEffect: LatencyEffect }} Funnel
 * @typedef {{ at: number, customer: string, reason: string, channel: string, status: string, skipReason?: string, completedAfter: boolean }} OutreachIncident
 * @typedef {{ contacted: number, completedAfterContact: number, holdout: number, completedInHoldout: number, lift: number | null }} OutreachTotals
 * @typedef {{ incidents: OutreachIncident[], totals: OutreachTotals }} Outreach
 */
export {};
