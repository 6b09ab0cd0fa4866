/** GET …/errors: error and failed-request rates over time, top messages and failing hosts. */
import Type, { type Static } from 'typebox';
import { echo, filterQuery, limitQuery, NullableNumber, query, testQuery } from './common.ts';

export const ErrorsQuery = query({ limit: limitQuery(10), ...filterQuery, test: testQuery });
export type ErrorsQuery = Static<typeof ErrorsQuery>;

/** `session`: the latest session that had it, to open in the session view. */
const latest = { session: Type.String(), lastAt: Type.Integer() };
export const ErrorMessage = Type.Object({ kind: Type.String(), message: Type.String(), count: Type.Integer(), sessions: Type.Integer(), ...latest });
export type ErrorMessage = Static<typeof ErrorMessage>;
export const FailingHost = Type.Object({
  host: Type.String(),
  count: Type.Integer(),
  sessions: Type.Integer(),
  network: Type.Integer(),
  clientErrors: Type.Integer(),
  serverErrors: Type.Integer(),
  p95Duration: NullableNumber,
  ...latest,
});
export type FailingHost = Static<typeof FailingHost>;

const errorsProps = {
  pageLoads: Type.Integer(),
  errors: Type.Integer(),
  failedRequests: Type.Integer(),
  /** errors / page loads (null without page loads). */
  errorRate: NullableNumber,
  /** failed requests / page loads: the agent reports failed requests only. */
  failedRequestRate: NullableNumber,
  series: Type.Array(Type.Object({ t: Type.Integer(), pageLoads: Type.Integer(), errors: Type.Integer(), failedRequests: Type.Integer() })),
  topMessages: Type.Array(ErrorMessage),
  topHosts: Type.Array(FailingHost),
};
/** What the storage report computes; the route adds the window and bucket. */
export const ErrorsBody = Type.Object(errorsProps);
export type ErrorsBody = Static<typeof ErrorsBody>;

export const ErrorsReport = Type.Object({ ...echo, bucket: Type.Integer(), ...errorsProps });
export type ErrorsReport = Static<typeof ErrorsReport>;
