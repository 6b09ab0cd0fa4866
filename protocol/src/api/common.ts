/**
 * What every query route of the HTTP API shares: the limits, the time window, the filters, the
 * percentile shape and the error body. One TypeBox schema per shape gives the route its
 * validation and serialization, the collector its types, and the dashboards theirs (JSDoc
 * imports of `Static` types): the shape is written once.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { NAV_PHASES, VITAL_NAMES } from '../beacon.ts';

/** Queries may span at most this much: every query is bounded in time. */
export const MAX_RANGE_MS = 92 * 24 * 3600_000;
/** Rows any list may return. */
export const MAX_LIMIT = 100;
/** Bucket sizes (seconds) a time series may use; auto picks the smallest giving ≤ MAX_AUTO_POINTS. */
export const BUCKETS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400] as const;
/** ~300 points fill a wide chart without making it slower to draw than to read. */
export const MAX_AUTO_POINTS = 300;
/** An explicit bucket may give more points, up to this. */
export const MAX_POINTS = 1500;

/** The bucket for a window: the asked one, or the smallest that keeps ≤ MAX_AUTO_POINTS. */
export function pickBucket(from: number, to: number, asked: 'auto' | number): number {
  if (asked !== 'auto') return asked;
  const spanS = (to - from) / 1000;
  return BUCKETS.find((b) => spanS / b <= MAX_AUTO_POINTS) ?? BUCKETS[BUCKETS.length - 1]!;
}

/** Timings the rollups hold: every vital and navigation phase. */
export const METRICS = [...VITAL_NAMES, ...NAV_PHASES] as const;
export type Metric = (typeof METRICS)[number];

/** Dimensions a query may filter or break down by (exact match). */
export const DIMENSION_NAMES = ['path', 'device', 'browser', 'country', 'connection'] as const;
export type Dimension = (typeof DIMENSION_NAMES)[number];
export type Filters = Partial<Record<Dimension, string>>;

export const Project = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'project id' });
export const ProjectParams = Type.Object({ project: Project });

/** Epoch ms, by receive time: [from, to). */
export const windowQuery = {
  from: Type.Integer({ minimum: 0, maximum: 1e14, description: 'epoch ms, inclusive' }),
  to: Type.Integer({ minimum: 0, maximum: 1e14, description: 'epoch ms, exclusive' }),
};
export const filterQuery = Object.fromEntries(DIMENSION_NAMES.map((d) => [d, Type.Optional(Type.String({ minLength: 1, maxLength: 1024 }))])) as {
  [D in Dimension]: Type.TOptional<Type.TString>;
};
/**
 * Test traffic (load tests, synthetic monitors, test projects: what marked it is stored with each
 * row) in a report read from the raw tables: left out unless asked for. Reports on the rollups
 * have no choice: the rollups hold real traffic only.
 */
export const TEST_TRAFFIC = ['exclude', 'include', 'only'] as const;
export type TestTraffic = (typeof TEST_TRAFFIC)[number];
export const testQuery = Type.Optional(Type.Enum(TEST_TRAFFIC, { default: 'exclude', description: 'test traffic: exclude (default), include, or only' }));
export const limitQuery = (dflt: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: dflt }));
export const MetricName = Type.Enum(METRICS);
export const DimensionName = Type.Enum(DIMENSION_NAMES);

/** A query string: the window plus the route's own parameters; anything else is refused. */
export const query = <P extends Record<string, TSchema>>(props: P) => Type.Object({ ...windowQuery, ...props }, { additionalProperties: false });

/** What every answer repeats of its request. */
export const echo = { project: Type.String(), from: Type.Integer(), to: Type.Integer() };

export const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const percentileProps = {
  count: Type.Integer(),
  p50: Type.Number(),
  p75: Type.Number(),
  p95: Type.Number(),
  p99: Type.Number(),
};
export const Percentiles = Type.Object(percentileProps);
export type Percentiles = Static<typeof Percentiles>;

/** Every 4xx/5xx body: `{ statusCode, code, error, message }`. */
export const ErrorBody = Type.Object({ statusCode: Type.Integer(), code: Type.String(), error: Type.String(), message: Type.String() });
export const errorResponses = { '4xx': ErrorBody, '5xx': ErrorBody };
