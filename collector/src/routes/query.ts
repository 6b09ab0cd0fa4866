/**
 * The dashboards' query API, under /api/v1/projects (admin token checked by the app for /api/).
 * Times are epoch ms by receive time, [from, to), at most 92 days apart; every list is limited.
 * Each route's query string and answer are the TypeBox schemas of `@touchpoint/protocol/api/*`:
 * they validate, serialize and type it, here and in the dashboards.
 *
 *   GET /api/v1/projects                              projects the dashboards may pick
 *   GET …/:project/timeseries?metric&from&to[&bucket][&filters]   p50/p75/p95/p99 per bucket (rollups)
 *   GET …/:project/breakdown?metric&by&from&to[&limit][&filters]   per dimension value, slowest p75 first
 *   GET …/:project/vitals-pass-rate?from&to[&by][&limit][&filters] share of page loads good on LCP, INP and CLS
 *   GET …/:project/errors?from&to[&limit][&filters][&test]   error and failed-request rates, top messages and hosts
 *   GET …/:project/third-parties?from&to[&sort][&limit][&filters][&test]  resource hosts by bytes or p95
 *   GET …/:project/funnel?from&to[&limit][&checkout]  checkout funnel over the project's checkoutSteps, stuck/failed checkouts, revenue at risk
 *   GET …/:project/sessions?metric&from&to[&limit][&filters][&test]  slowest page loads, for drill-down
 *   GET …/:project/sessions/:session?from&to          one session's story (at most 7 days apart)
 *   GET …/:project/releases?from&to[&limit][&test]    releases the beacons reported, first seen in the window, for chart markers
 *   GET …/:project/feedback?from&to[&survey][&score][&bucket][&limit][&before][&test]  micro-survey scores over time, by step and page, comments, nudge totals
 *
 * Filters: path, device, browser, country, connection (exact match, bound as parameters).
 * Test traffic (load tests, synthetic monitors): the rollups hold none, so the reports read from
 * them never show it; the reports read from the raw tables leave it out unless `test=include`
 * (with it) or `test=only` (it alone).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { BUCKETS, DIMENSION_NAMES, errorResponses, MAX_POINTS, MAX_RANGE_MS, pickBucket, ProjectParams, type Filters, type TestTraffic } from '@touchpoint/protocol/api/common';
import { ErrorsQuery, ErrorsReport } from '@touchpoint/protocol/api/errors';
import { Feedback, FeedbackQuery } from '@touchpoint/protocol/api/feedback';
import { Funnel, FunnelQuery } from '@touchpoint/protocol/api/funnel';
import { PASS_RATE_DEFINITION, PassRateQuery, PassRateReport, type PassRate } from '@touchpoint/protocol/api/pass-rate';
import { ProjectList } from '@touchpoint/protocol/api/projects';
import { Releases, ReleasesQuery } from '@touchpoint/protocol/api/releases';
import { MAX_SESSION_RANGE_MS, Session, SessionParams, SessionQuery } from '@touchpoint/protocol/api/session';
import { Sessions, SessionsQuery } from '@touchpoint/protocol/api/sessions';
import { ThirdParties, ThirdPartiesQuery } from '@touchpoint/protocol/api/third-parties';
import { Breakdown, BreakdownQuery, Timeseries, TimeseriesQuery } from '@touchpoint/protocol/api/timeseries';
import { TouchpointError } from '@touchpoint/protocol/errors';
import { CWV_GOOD } from '@touchpoint/protocol/vitals';
import { latencyEffect } from '../estimates/latency-effect.ts';
import { queryErrors } from '../storage/reports/errors.ts';
import { queryFeedback } from '../storage/reports/feedback.ts';
import { queryFunnel } from '../storage/reports/funnel.ts';
import { queryPassRate } from '../storage/reports/pass-rate.ts';
import { queryReleases } from '../storage/reports/releases.ts';
import { querySession } from '../storage/reports/session.ts';
import type { RawWindow } from '../storage/reports/report-sql.ts';
import { querySlowSessions } from '../storage/reports/sessions.ts';
import { queryThirdParties } from '../storage/reports/third-parties.ts';
import { queryBreakdown, queryTimeseries } from '../storage/reports/timeseries.ts';
import type { Window } from '../storage/timing-states.ts';
import { DEFAULT_CHECKOUT_STEPS } from '../projects.ts';
import type { RouteDeps } from './deps.ts';

/** What the query API needs of the collector's route deps (RouteDeps satisfies it). */
export type QueryDeps = Pick<RouteDeps, 'projects' | 'storage' | 'stuckAfterMs' | 'config'>;

const NO_PASS_RATE: PassRate = { pageLoads: 0, good: 0, passRate: null, lcpGood: 0, inpGood: 0, clsGood: 0, p75: { LCP: null, INP: null, CLS: null }, passesAtP75: false };

export default async function queryRoutes(fastify: FastifyInstance, { projects, storage, stuckAfterMs, config }: QueryDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  /** Known project and a bounded, ordered window, or a coded 4xx. */
  function windowOf(project: string, q: { from: number; to: number }, maxMs = MAX_RANGE_MS): Window {
    if (!projects.byId(project)) throw new TouchpointError('TP_ERR_UNKNOWN_PROJECT', project);
    if (q.to <= q.from) throw new TouchpointError('TP_ERR_BAD_QUERY', '"to" must be after "from"');
    if (q.to - q.from > maxMs) throw new TouchpointError('TP_ERR_BAD_QUERY', `the range may span at most ${maxMs / 86_400_000} days`);
    return { project, from: q.from, to: q.to };
  }
  /** The window of a report read from the raw tables, with the test traffic it asked for. */
  const rawWindowOf = (project: string, q: { from: number; to: number; test?: TestTraffic | undefined }): RawWindow => ({ ...windowOf(project, q), test: q.test });
  const filtersOf = (q: Filters): Filters => {
    const f: Filters = {};
    for (const d of DIMENSION_NAMES) if (q[d] !== undefined) f[d] = q[d];
    return f;
  };
  const echo = (w: Window) => ({ project: w.project, from: w.from, to: w.to });

  app.get('/api/v1/projects', { schema: { response: { 200: ProjectList, ...errorResponses } } }, async () => ({
    projects: projects.all.map((p) => ({ id: p.id, name: p.name ?? p.id })),
  }));

  /** The bucket of a chart over the window: `auto`, or one of BUCKETS giving at most MAX_POINTS. */
  function bucketOf(w: Window, bucket: string | number | undefined): number {
    const asked = bucket === undefined || bucket === 'auto' ? 'auto' : Number(bucket);
    if (asked !== 'auto' && !(BUCKETS as readonly number[]).includes(asked)) {
      throw new TouchpointError('TP_ERR_BAD_QUERY', `bucket is auto or one of ${BUCKETS.join(', ')} seconds`);
    }
    const picked = pickBucket(w.from, w.to, asked);
    if ((w.to - w.from) / 1000 / picked > MAX_POINTS) {
      throw new TouchpointError('TP_ERR_BAD_QUERY', `at most ${MAX_POINTS} buckets: pick a larger bucket or a shorter range`);
    }
    return picked;
  }

  app.get('/api/v1/projects/:project/timeseries', {
    schema: { params: ProjectParams, querystring: TimeseriesQuery, response: { 200: Timeseries, ...errorResponses } },
  }, async (req) => {
    const q = req.query;
    const w = windowOf(req.params.project, q);
    const bucket = bucketOf(w, q.bucket);
    const points = await queryTimeseries(storage, w, q.metric, bucket, filtersOf(q));
    return { ...echo(w), metric: q.metric, bucket, points };
  });

  app.get('/api/v1/projects/:project/breakdown', {
    schema: { params: ProjectParams, querystring: BreakdownQuery, response: { 200: Breakdown, ...errorResponses } },
  }, async (req) => {
    const q = req.query;
    const w = windowOf(req.params.project, q);
    const rows = await queryBreakdown(storage, w, q.metric, q.by, q.limit ?? 20, filtersOf(q));
    return { ...echo(w), metric: q.metric, by: q.by, rows };
  });

  app.get('/api/v1/projects/:project/vitals-pass-rate', {
    schema: { params: ProjectParams, querystring: PassRateQuery, response: { 200: PassRateReport, ...errorResponses } },
  }, async (req) => {
    const q = req.query;
    const w = windowOf(req.params.project, q);
    const f = filtersOf(q);
    const [total, rows] = await Promise.all([
      queryPassRate(storage, w, undefined, 1, f),
      q.by ? queryPassRate(storage, w, q.by, q.limit ?? 20, f) : Promise.resolve(undefined),
    ]);
    return {
      ...echo(w),
      definition: PASS_RATE_DEFINITION,
      thresholds: CWV_GOOD,
      ...(total[0] ?? NO_PASS_RATE),
      ...(q.by && rows ? { by: q.by, rows: rows.map((r) => ({ ...r, value: r.value ?? '' })) } : {}),
    };
  });

  app.get('/api/v1/projects/:project/errors', {
    schema: { params: ProjectParams, querystring: ErrorsQuery, response: { 200: ErrorsReport, ...errorResponses } },
  }, async (req) => {
    const w = rawWindowOf(req.params.project, req.query);
    const bucket = pickBucket(w.from, w.to, 'auto');
    return { ...echo(w), bucket, ...(await queryErrors(storage, w, bucket, req.query.limit ?? 10, filtersOf(req.query))) };
  });

  app.get('/api/v1/projects/:project/third-parties', {
    schema: { params: ProjectParams, querystring: ThirdPartiesQuery, response: { 200: ThirdParties, ...errorResponses } },
  }, async (req) => {
    const w = rawWindowOf(req.params.project, req.query);
    const sort = req.query.sort ?? 'bytes';
    return { ...echo(w), sort, rows: await queryThirdParties(storage, w, sort, req.query.limit ?? 20, filtersOf(req.query)) };
  });

  app.get('/api/v1/projects/:project/funnel', {
    schema: { params: ProjectParams, querystring: FunnelQuery, response: { 200: Funnel, ...errorResponses } },
  }, async (req) => {
    const w = windowOf(req.params.project, req.query);
    const declaredSteps = projects.byId(w.project)?.checkoutSteps ?? DEFAULT_CHECKOUT_STEPS;
    const { checkout } = req.query;
    const { lcpP75, ...report } = await queryFunnel(storage, w, {
      stuckAfterMs, asOf: Date.now(), limit: req.query.limit ?? 50, declared: declaredSteps, ...(checkout ? { checkout } : {}),
    });
    return { ...echo(w), stuckAfterMs, declaredSteps: [...declaredSteps], ...report, latencyEffect: latencyEffect(lcpP75, report.revenue) };
  });

  app.get('/api/v1/projects/:project/sessions', {
    schema: { params: ProjectParams, querystring: SessionsQuery, response: { 200: Sessions, ...errorResponses } },
  }, async (req) => {
    const q = req.query;
    const w = rawWindowOf(req.params.project, q);
    const metric = q.metric ?? 'LCP';
    return { ...echo(w), metric, sessions: await querySlowSessions(storage, w, metric, q.limit ?? 20, filtersOf(q)) };
  });

  app.get('/api/v1/projects/:project/sessions/:session', {
    schema: { params: SessionParams, querystring: SessionQuery, response: { 200: Session, ...errorResponses } },
  }, async (req) => {
    const w = windowOf(req.params.project, req.query, MAX_SESSION_RANGE_MS);
    const story = await querySession(storage, w, req.params.session);
    if (!story) throw new TouchpointError('TP_ERR_UNKNOWN_SESSION', req.params.session);
    return { ...echo(w), ...story };
  });

  app.get('/api/v1/projects/:project/releases', {
    schema: { params: ProjectParams, querystring: ReleasesQuery, response: { 200: Releases, ...errorResponses } },
  }, async (req) => {
    const w = rawWindowOf(req.params.project, req.query);
    return { ...echo(w), releases: await queryReleases(storage, w, req.query.limit ?? 20) };
  });

  app.get('/api/v1/projects/:project/feedback', {
    schema: { params: ProjectParams, querystring: FeedbackQuery, response: { 200: Feedback, ...errorResponses } },
  }, async (req) => {
    const q = req.query;
    const w = rawWindowOf(req.params.project, q);
    const bucket = bucketOf(w, q.bucket);
    const report = await queryFeedback(storage, w, {
      survey: q.survey, score: q.score, bucket, limit: q.limit ?? 50, before: q.before, readDelayMs: config.cameBackDelayMs,
    });
    return { ...echo(w), bucket, ...report };
  });
}
