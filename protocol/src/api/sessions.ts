/** GET …/sessions: the slowest page loads of a vital, with their elements, for drill-down. */
import Type, { type Static } from 'typebox';
import { VITAL_NAMES } from '../beacon.ts';
import { echo, filterQuery, limitQuery, NullableNumber, query, testQuery } from './common.ts';

export const SessionsQuery = query({
  metric: Type.Optional(Type.Enum(VITAL_NAMES, { default: 'LCP' })),
  limit: limitQuery(20),
  test: testQuery,
  ...filterQuery,
});
export type SessionsQuery = Static<typeof SessionsQuery>;

export const SlowSession = Type.Object({
  session: Type.String(),
  path: Type.String(),
  device: Type.String(),
  browser: Type.String(),
  os: Type.String(),
  country: Type.String(),
  connection: Type.String(),
  value: Type.Number(),
  at: Type.Integer(),
  /** Element behind this vital (CSS selector) and its resource or script. */
  target: Type.String(),
  url: Type.String(),
  /** LCP and INP elements of the same page load. */
  lcpTarget: Type.String(),
  inpTarget: Type.String(),
  lcp: NullableNumber,
  inp: NullableNumber,
});
export type SlowSession = Static<typeof SlowSession>;

export const Sessions = Type.Object({ ...echo, metric: Type.String(), sessions: Type.Array(SlowSession) });
export type Sessions = Static<typeof Sessions>;
