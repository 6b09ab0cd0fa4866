/** GET …/timeseries (percentiles per time bucket) and GET …/breakdown (percentiles per dimension value, slowest p75 first). */
import Type, { type Static } from 'typebox';
import { DimensionName, echo, filterQuery, limitQuery, MetricName, percentileProps, query } from './common.ts';

export const TimeseriesQuery = query({
  metric: MetricName,
  bucket: Type.Optional(Type.String({ pattern: '^(auto|[0-9]{1,6})$', default: 'auto', description: 'seconds, or auto' })),
  ...filterQuery,
});
export type TimeseriesQuery = Static<typeof TimeseriesQuery>;

export const TimeseriesPoint = Type.Object({ t: Type.Integer({ description: 'bucket start, epoch ms' }), ...percentileProps });
export type TimeseriesPoint = Static<typeof TimeseriesPoint>;

export const Timeseries = Type.Object({ ...echo, metric: Type.String(), bucket: Type.Integer({ description: 'seconds' }), points: Type.Array(TimeseriesPoint) });
export type Timeseries = Static<typeof Timeseries>;

export const BreakdownQuery = query({ metric: MetricName, by: DimensionName, limit: limitQuery(20), ...filterQuery });
export type BreakdownQuery = Static<typeof BreakdownQuery>;

export const BreakdownRow = Type.Object({ value: Type.String(), ...percentileProps });
export type BreakdownRow = Static<typeof BreakdownRow>;

export const Breakdown = Type.Object({ ...echo, metric: Type.String(), by: Type.String(), rows: Type.Array(BreakdownRow) });
export type Breakdown = Static<typeof Breakdown>;
