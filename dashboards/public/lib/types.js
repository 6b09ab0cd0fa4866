// @ts-check
/**
 * Shapes of the query API's answers as the views use them: the TypeBox schemas the collector
 * validates and serializes with (`@touchpoint/protocol/api/*`), so a field renamed there fails
 * the dashboards' type-check here.
 * @typedef {import('@touchpoint/protocol/api/common').Percentiles} Percentiles
 * @typedef {import('@touchpoint/protocol/api/timeseries').Timeseries} Timeseries
 * @typedef {import('@touchpoint/protocol/api/timeseries').Breakdown} Breakdown
 * @typedef {import('@touchpoint/protocol/api/pass-rate').PassRateReport} PassRate
 * @typedef {import('@touchpoint/protocol/api/errors').ErrorMessage} ErrorMessage
 * @typedef {import('@touchpoint/protocol/api/errors').FailingHost} FailingHost
 * @typedef {import('@touchpoint/protocol/api/errors').ErrorsReport} Errors
 * @typedef {import('@touchpoint/protocol/api/third-parties').ThirdParty} ThirdParty
 * @typedef {import('@touchpoint/protocol/api/third-parties').ThirdParties} ThirdParties
 * @typedef {import('@touchpoint/protocol/api/sessions').SlowSession} SlowSession
 * @typedef {import('@touchpoint/protocol/api/sessions').Sessions} Sessions
 * @typedef {import('@touchpoint/protocol/api/funnel').FunnelStep} FunnelStep
 * @typedef {import('@touchpoint/protocol/api/funnel').ProblemCheckout} ProblemCheckout
 * @typedef {import('@touchpoint/protocol/api/funnel').MoneyByCurrency} Money
 * @typedef {import('@touchpoint/protocol/api/funnel').LatencyEffect} LatencyEffect
 * @typedef {import('@touchpoint/protocol/api/funnel').CheckoutFocus} CheckoutFocus
 * @typedef {import('@touchpoint/protocol/api/funnel').Funnel} Funnel
 * @typedef {import('@touchpoint/protocol/outreach').OutreachContact} OutreachContact
 * @typedef {import('@touchpoint/protocol/outreach').OutreachDay} OutreachDay
 * @typedef {import('@touchpoint/protocol/outreach').CameBackRule} CameBackRule
 * @typedef {import('@touchpoint/protocol/outreach').OutreachTotals} OutreachTotals
 * @typedef {import('@touchpoint/protocol/outreach').OutreachList} Outreach
 * @typedef {import('@touchpoint/protocol/api/live').LiveFrame} LiveFrame
 * @typedef {import('@touchpoint/protocol/api/releases').Release} Release
 * @typedef {import('@touchpoint/protocol/api/releases').Releases} Releases
 * @typedef {import('@touchpoint/protocol/api/session').Session} Session
 * @typedef {import('@touchpoint/protocol/prompts').SurveyKind} SurveyKind
 * @typedef {import('@touchpoint/protocol/api/feedback').ScoreSummary} ScoreSummary
 * @typedef {import('@touchpoint/protocol/api/feedback').FeedbackComment} FeedbackComment
 * @typedef {import('@touchpoint/protocol/api/feedback').NudgeTotals} NudgeTotals
 * @typedef {import('@touchpoint/protocol/api/feedback').Feedback} Feedback
 */
export {};
