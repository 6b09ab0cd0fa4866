/** GET …/third-parties: resource hosts by bytes or p95. */
import Type, { type Static } from 'typebox';
import { echo, filterQuery, limitQuery, NullableNumber, query, testQuery } from './common.ts';

export const ThirdPartiesQuery = query({ sort: Type.Optional(Type.Enum(['bytes', 'p95'], { default: 'bytes' })), limit: limitQuery(20), ...filterQuery, test: testQuery });
export type ThirdPartiesQuery = Static<typeof ThirdPartiesQuery>;

export const ThirdParty = Type.Object({
  host: Type.String(),
  requests: Type.Integer(),
  bytes: Type.Integer(),
  /** p95 over page loads of each page load's p95 duration on the host (ms). */
  p95: NullableNumber,
  /** Sessions that loaded from the host: exact up to a few thousand, then a HyperLogLog estimate (~0.5 %). */
  sessions: Type.Integer(),
});
export type ThirdParty = Static<typeof ThirdParty>;

export const ThirdParties = Type.Object({ ...echo, sort: Type.String(), rows: Type.Array(ThirdParty) });
export type ThirdParties = Static<typeof ThirdParties>;
