/** GET …/vitals-pass-rate: the share of page loads good on all three Core Web Vitals. */
import Type, { type Static } from 'typebox';
import { DimensionName, echo, filterQuery, limitQuery, NullableNumber, query } from './common.ts';

export const PassRateQuery = query({ by: Type.Optional(DimensionName), limit: limitQuery(20), ...filterQuery });
export type PassRateQuery = Static<typeof PassRateQuery>;

export const PASS_RATE_DEFINITION =
  'A page load is one session and path with an LCP, within an hour (INP and CLS reported up to 30 minutes into the next hour still join it), counted in the window its first report falls in; it is good when its LCP, INP (or no interaction) and CLS (or no shift) are within the "good" thresholds, judging the largest value each vital reported. passRate = good / pageLoads. passesAtP75 is the CrUX-style check: the p75 of each vital over page loads within its threshold.';

const passRateProps = {
  /** Page loads with an LCP whose first report falls in the window. */
  pageLoads: Type.Integer(),
  /** Of those, good on all three. */
  good: Type.Integer(),
  passRate: NullableNumber,
  lcpGood: Type.Integer(),
  inpGood: Type.Integer(),
  clsGood: Type.Integer(),
  /** p75 over page loads of each vital (INP over loads that had an interaction). */
  p75: Type.Object({ LCP: NullableNumber, INP: NullableNumber, CLS: NullableNumber }),
  /** The CrUX-style assessment: each p75 within its threshold. */
  passesAtP75: Type.Boolean(),
};
export const PassRate = Type.Object(passRateProps);
export type PassRate = Static<typeof PassRate>;

export const PassRateRow = Type.Object({ value: Type.String(), ...passRateProps });
export type PassRateRow = Static<typeof PassRateRow>;

export const PassRateReport = Type.Object({
  ...echo,
  definition: Type.String(),
  thresholds: Type.Object({ LCP: Type.Number(), INP: Type.Number(), CLS: Type.Number() }),
  ...passRateProps,
  by: Type.Optional(Type.String()),
  rows: Type.Optional(Type.Array(PassRateRow)),
});
export type PassRateReport = Static<typeof PassRateReport>;
