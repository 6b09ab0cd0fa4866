/**
 * The dashboards' query API, under /api/v1/projects (admin token checked by the app for /api/).
 * Times are epoch ms by receive time, [from, to), at most 92 days apart; every list is limited.
 *
 *   GET /api/v1/projects                              projects the dashboards may pick
 *   GET …/:project/timeseries?metric&from&to[&bucket][&filters]   p50/p75/p95/p99 per bucket (rollups)
 *   GET …/:project/breakdown?metric&by&from&to[&limit][&filters]   per dimension value, slowest p75 first
 *   GET …/:project/vitals-pass-rate?from&to[&by][&limit][&filters] share of page loads good on LCP, INP and CLS
 *   GET …/:project/errors?from&to[&limit]             error and failed-request rates, top messages and hosts
 *   GET …/:project/third-parties?from&to[&sort][&limit]  resource hosts by bytes or p95
 *   GET …/:project/funnel?from&to[&limit][&checkout]  checkout funnel over the project's checkoutSteps, stuck/failed checkouts, revenue at risk
 *   GET …/:project/sessions?metric&from&to[&limit][&filters]  slowest page loads, for drill-down
 *
 * Filters: path, device, browser, country, connection (exact match, bound as parameters).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VITAL_NAMES, type VitalName } from '@touchpoint/protocol';
import { loadAlertingConfig } from '@touchpoint/alerting/config';
import { TouchpointError } from '../errors.ts';
import {
  BUCKETS,
  CWV_GOOD,
  DIMENSION_NAMES,
  MAX_POINTS,
  METRICS,
  pickBucket,
  queryBreakdown,
  queryErrors,
  queryFunnel,
  queryPassRate,
  querySlowSessions,
  queryThirdParties,
  queryTimeseries,
  type Dimension,
  type Filters,
  type Metric,
  type Window,
} from '../storage/query.ts';
import { DEFAULT_CHECKOUT_STEPS } from '../projects.ts';
import type { RouteDeps } from './deps.ts';
import { errorResponses } from './schemas.ts';

/** Queries may span at most this much: every query is bounded in time. */
export const MAX_RANGE_MS = 92 * 24 * 3600_000;
/** Rows any list may return. */
export const MAX_LIMIT = 100;

const window = {
  from: { type: 'integer', minimum: 0, maximum: 1e14, description: 'epoch ms, inclusive' },
  to: { type: 'integer', minimum: 0, maximum: 1e14, description: 'epoch ms, exclusive' },
} as const;
const filterProps = Object.fromEntries(DIMENSION_NAMES.map((d) => [d, { type: 'string', minLength: 1, maxLength: 1024 }]));
const limit = (dflt: number) => ({ type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: dflt });
const metric = { type: 'string', enum: [...METRICS] } as const;
const by = { type: 'string', enum: DIMENSION_NAMES } as const;

function qs(required: string[], props: Record<string, unknown>) {
  return { type: 'object', additionalProperties: false, required: ['from', 'to', ...required], properties: { ...window, ...props } };
}

const params = { type: 'object', required: ['project'], properties: { project: { type: 'string', maxLength: 64 } } } as const;

const pct = { count: { type: 'integer' }, p50: { type: 'number' }, p75: { type: 'number' }, p95: { type: 'number' }, p99: { type: 'number' } };
const nnum = { type: ['number', 'null'] } as const;
const str = { type: 'string' } as const;
const integer = { type: 'integer' } as const;
const obj = (properties: Record<string, unknown>) => ({ type: 'object', properties });
const arr = (properties: Record<string, unknown>) => ({ type: 'array', items: obj(properties) });
const reply200 = (properties: Record<string, unknown>) => ({ 200: obj({ project: str, from: integer, to: integer, ...properties }), ...errorResponses });

const passRateProps = {
  pageLoads: integer,
  good: integer,
  passRate: nnum,
  lcpGood: integer,
  inpGood: integer,
  clsGood: integer,
  p75: obj({ LCP: nnum, INP: nnum, CLS: nnum }),
  passesAtP75: { type: 'boolean' },
};

interface Q {
  from: number;
  to: number;
  metric?: Metric;
  by?: Dimension;
  bucket?: string;
  limit?: number;
  sort?: 'bytes' | 'p95';
  checkout?: string;
  path?: string;
  device?: string;
  browser?: string;
  country?: string;
  connection?: string;
}
type Req = FastifyRequest<{ Params: { project: string }; Querystring: Q }>;

/** What the query API needs of the collector's route deps (RouteDeps satisfies it). */
export type QueryDeps = Pick<RouteDeps, 'projects' | 'storage' | 'config'>;

export default async function queryRoutes(app: FastifyInstance, { projects, storage, config }: QueryDeps): Promise<void> {
  // The stuck rule's own setting, so the dashboards call stuck what the worker calls stuck.
  const { stuckAfterMs } = loadAlertingConfig(config.env);

  /** Known project and a bounded, ordered window, or a coded 4xx. */
  function windowOf(req: Req): Window {
    const { project } = req.params;
    const { from, to } = req.query;
    if (!projects.byId(project)) throw new TouchpointError('TP_ERR_UNKNOWN_PROJECT', project);
    if (to <= from) throw new TouchpointError('TP_ERR_BAD_QUERY', '"to" must be after "from"');
    if (to - from > MAX_RANGE_MS) throw new TouchpointError('TP_ERR_BAD_QUERY', 'the range may span at most 92 days');
    return { project, from, to };
  }
  const filtersOf = (q: Q): Filters => {
    const f: Filters = {};
    for (const d of DIMENSION_NAMES) if (q[d] !== undefined) f[d] = q[d];
    return f;
  };
  const echo = (w: Window) => ({ project: w.project, from: w.from, to: w.to });

  app.get('/api/v1/projects', {
    schema: { response: { 200: obj({ projects: arr({ id: str, name: str }) }), ...errorResponses } },
  }, async () => ({ projects: projects.all.map((p) => ({ id: p.id, name: p.name ?? p.id })) }));

  app.get<{ Params: { project: string }; Querystring: Q }>('/api/v1/projects/:project/timeseries', {
    schema: {
      params,
      querystring: qs(['metric'], { metric, bucket: { type: 'string', pattern: '^(auto|[0-9]{1,6})$', default: 'auto' }, ...filterProps }),
      response: reply200({ metric: str, bucket: integer, points: arr({ t: integer, ...pct }) }),
    },
  }, async (req) => {
    const w = windowOf(req);
    const asked = req.query.bucket === undefined || req.query.bucket === 'auto' ? 'auto' : Number(req.query.bucket);
    if (asked !== 'auto' && !(BUCKETS as readonly number[]).includes(asked)) {
      throw new TouchpointError('TP_ERR_BAD_QUERY', `bucket is auto or one of ${BUCKETS.join(', ')} seconds`);
    }
    const bucket = pickBucket(w.from, w.to, asked);
    if ((w.to - w.from) / 1000 / bucket > MAX_POINTS) {
      throw new TouchpointError('TP_ERR_BAD_QUERY', `at most ${MAX_POINTS} buckets: pick a larger bucket or a shorter range`);
    }
    const points = await queryTimeseries(storage, w, req.query.metric!, bucket, filtersOf(req.query));
    return { ...echo(w), metric: req.query.metric, bucket, points };
  });

  app.get<{ Params: { project: string }; Querystring: Q }>('/api/v1/projects/:project/breakdown', {
    schema: {
      params,
      querystring: qs(['metric', 'by'], { metric, by, limit: limit(20), ...filterProps }),
      response: reply200({ metric: str, by: str, rows: arr({ value: str, ...pct }) }),
    },
  }, async (req) => {
    const w = windowOf(req);
    const rows = await queryBreakdown(storage, w, req.query.metric!, req.query.by!, req.query.limit!, filtersOf(req.query));
    return { ...echo(w), metric: req.query.metric, by: req.query.by, rows };
  });

  app.get<{ Params: { project: string }; Querystring: Q }>('/api/v1/projects/:project/vitals-pass-rate', {
    schema: {
      params,
      querystring: qs([], { by, limit: limit(20), ...filterProps }),
      response: reply200({
        definition: str,
        thresholds: obj({ LCP: { type: 'number' }, INP: { type: 'number' }, CLS: { type: 'number' } }),
        ...passRateProps,
        by: str,
        rows: arr({ value: str, ...passRateProps }),
      }),
    },
  }, async (req) => {
    const w = windowOf(req);
    const f = filtersOf(req.query);
    const [total, rows] = await Promise.all([
      queryPassRate(storage, w, undefined, 1, f),
      req.query.by ? queryPassRate(storage, w, req.query.by, req.query.limit!, f) : Promise.resolve(undefined),
    ]);
    const overall = total[0] ?? { pageLoads: 0, good: 0, passRate: null, lcpGood: 0, inpGood: 0, clsGood: 0, p75: { LCP: null, INP: null, CLS: null }, passesAtP75: false };
    return {
      ...echo(w),
      definition:
        'A page load is one session and path with an LCP, within an hour (INP and CLS reported up to 30 minutes into the next hour still join it), counted in the window its first report falls in; it is good when LCP ≤ 2500 ms, INP ≤ 200 ms (or no interaction) and CLS ≤ 0.1 (or no shift), judging the largest value each vital reported. passRate = good / pageLoads. passesAtP75 is the CrUX-style check: the p75 of each vital over page loads within its threshold.',
      thresholds: CWV_GOOD,
      ...overall,
      ...(req.query.by && rows ? { by: req.query.by, rows } : {}),
    };
  });

  app.get<{ Params: { project: string }; Querystring: Q }>('/api/v1/projects/:project/errors', {
    schema: {
      params,
      querystring: qs([], { limit: limit(10) }),
      response: reply200({
        bucket: integer,
        pageLoads: integer,
        errors: integer,
        failedRequests: integer,
        errorRate: nnum,
        failedRequestRate: nnum,
        series: arr({ t: integer, pageLoads: integer, errors: integer, failedRequests: integer }),
        topMessages: arr({ kind: str, message: str, count: integer, sessions: integer, lastAt: integer }),
        topHosts: arr({ host: str, count: integer, sessions: integer, network: integer, clientErrors: integer, serverErrors: integer, p95Duration: nnum }),
      }),
    },
  }, async (req) => {
    const w = windowOf(req);
    const bucket = pickBucket(w.from, w.to, 'auto');
    return { ...echo(w), bucket, ...(await queryErrors(storage, w, bucket, req.query.limit!)) };
  });

  app.get<{ Params: { project: string }; Querystring: Q }>('/api/v1/projects/:project/third-parties', {
    schema: {
      params,
      querystring: qs([], { sort: { type: 'string', enum: ['bytes', 'p95'], default: 'bytes' }, limit: limit(20) }),
      response: reply200({ sort: str, rows: arr({ host: str, requests: integer, bytes: integer, p95: nnum, sessions: integer }) }),
    },
  }, async (req) => {
    const w = windowOf(req);
    const sort = req.query.sort ?? 'bytes';
    return { ...echo(w), sort, rows: await queryThirdParties(storage, w, sort, req.query.limit!) };
  });

  const money = { currency: str, completed: { type: 'number' }, failed: { type: 'number' }, stuck: { type: 'number' }, atRisk: { type: 'number' } };
  app.get<{ Params: { project: string }; Querystring: Q }>('/api/v1/projects/:project/funnel', {
    schema: {
      params,
      querystring: qs([], { limit: limit(50), checkout: { type: 'string', minLength: 1, maxLength: 256, description: 'also report this one checkout as `focus`' } }),
      response: reply200({
        stuckAfterMs: integer,
        declaredSteps: { type: 'array', items: str },
        checkouts: integer,
        started: integer,
        completed: integer,
        failed: integer,
        stuck: integer,
        open: integer,
        steps: arr({ step: str, checkouts: integer, dropOff: nnum }),
        otherSteps: arr({ step: str, checkouts: integer }),
        revenue: arr(money),
        problems: arr({
          checkout: str, status: str, customer: str, value: { type: 'number' }, currency: str, lastStep: str, reason: str, startedAt: integer, lastAt: integer,
        }),
        focus: {
          anyOf: [
            { type: 'null' },
            obj({
              checkout: str, status: str, customer: str, value: { type: 'number' }, currency: str, lastStep: str, reason: str,
              steps: { type: 'array', items: str }, startedAt: integer, lastAt: integer,
            }),
          ],
        },
        latencyEffect: obj({
          estimate: { type: 'boolean' },
          method: str,
          lcpP75: nnum,
          excessMs: { type: 'number' },
          conversionLoss: { type: 'number' },
          revenueEffect: arr({ currency: str, value: { type: 'number' } }),
        }),
      }),
    },
  }, async (req) => {
    const w = windowOf(req);
    const declaredSteps = projects.byId(w.project)?.checkoutSteps ?? DEFAULT_CHECKOUT_STEPS;
    const { checkout } = req.query;
    const report = await queryFunnel(storage, w, { stuckAfterMs, asOf: Date.now(), limit: req.query.limit!, declared: declaredSteps, ...(checkout ? { checkout } : {}) });
    return { ...echo(w), stuckAfterMs, declaredSteps, ...report };
  });

  app.get<{ Params: { project: string }; Querystring: Q }>('/api/v1/projects/:project/sessions', {
    schema: {
      params,
      querystring: qs([], { metric: { type: 'string', enum: [...VITAL_NAMES], default: 'LCP' }, limit: limit(20), ...filterProps }),
      response: reply200({
        metric: str,
        sessions: arr({
          session: str, path: str, device: str, browser: str, os: str, country: str, connection: str, value: { type: 'number' }, at: integer,
          target: str, url: str, lcpTarget: str, inpTarget: str, lcp: nnum, inp: nnum,
        }),
      }),
    },
  }, async (req) => {
    const w = windowOf(req);
    const m = (req.query.metric ?? 'LCP') as VitalName;
    return { ...echo(w), metric: m, sessions: await querySlowSessions(storage, w, m, req.query.limit!, filtersOf(req.query)) };
  });
}
