/** GET …/summary: beacons, events per type and vital percentiles over a window, for one project, customer or session. */
import Type, { type Static } from 'typebox';
import { query, testQuery } from './common.ts';

export const SummaryQuery = query({
  test: testQuery,
  customer: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  session: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});
export type SummaryQuery = Static<typeof SummaryQuery>;

export const Summary = Type.Object({
  beacons: Type.Integer(),
  events: Type.Record(Type.String(), Type.Integer()),
  vitals: Type.Record(Type.String(), Type.Object({ count: Type.Integer(), p50: Type.Number(), p75: Type.Number(), p95: Type.Number() })),
});
export type Summary = Static<typeof Summary>;
