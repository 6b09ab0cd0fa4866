/** GET …/live (WebSocket): one frame per second for the live strip. */
import Type, { type Static } from 'typebox';
import { NullableNumber } from './common.ts';

export const LiveFrame = Type.Object({
  type: Type.Literal('live'),
  project: Type.String(),
  /** End of the second, epoch ms. */
  t: Type.Integer(),
  /** This project's beacons and events per second, over every collector. */
  beaconsPerSecond: Type.Number(),
  eventsPerSecond: Type.Number(),
  /** Collectors whose counts are in this frame. */
  collectors: Type.Integer(),
  /** This project's figures from ClickHouse (null until the first sample lands). */
  errorsPerSecond: NullableNumber,
  p75: Type.Union([Type.Record(Type.String(), NullableNumber), Type.Null()]),
  openCheckouts: Type.Union([Type.Integer(), Type.Null()]),
});
export type LiveFrame = Static<typeof LiveFrame>;
