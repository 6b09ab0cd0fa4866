/**
 * The feedback report (GET …/feedback): micro-survey answers of one kind (migration 008's
 * `feedback`) summed up for the window, per time bucket, per checkout step and per page; the
 * comments newest first with the session's vitals nearest each answer; and how the in-page
 * nudges did beside email and the holdout, from the outreach log (channel `nudge`, written by
 * the worker) and CameBackRule.
 *
 * Every value is a bound parameter; the window is the raw tables' (receive time, test traffic
 * left out unless asked); every list is limited.
 */
import type { FeedbackComment, NudgeTotals, ScoreSummary } from '@touchpoint/protocol/api/feedback';
import type { SurveyKind } from '@touchpoint/protocol/prompts';
import { SURVEY_KINDS } from '@touchpoint/protocol/prompts';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { cameBackSql } from '../outreach-log.ts';
import { int, num, RAW_WINDOW, rows, windowParams, type Num, type RawWindow } from './report-sql.ts';

export interface FeedbackOptions {
  /** The kind to report; default the one with the most answers in the window. */
  survey?: SurveyKind | undefined;
  /** Bucket of the trend, seconds. */
  bucket: number;
  /** Comments with this score only. */
  score?: number | undefined;
  limit: number;
  /** Comments answered before this (epoch ms). */
  before?: number | undefined;
  /** CameBackRule.readDelayMs. */
  readDelayMs: number;
}

export interface FeedbackReport {
  survey: SurveyKind | null;
  kinds: { survey: SurveyKind; responses: number }[];
  summary: ScoreSummary;
  trend: ({ t: number } & ScoreSummary)[];
  byStep: ({ step: string } & ScoreSummary)[];
  byPage: ({ path: string } & ScoreSummary)[];
  comments: FeedbackComment[];
  nextBefore: number | null;
  nudges: NudgeTotals;
}

/** Steps and pages listed, the most answered first. */
const GROUPS_SHOWN = 50;
/** Vitals read per page of comments: a session has a handful per page load. */
const VITALS_READ = 5000;

interface ScoreRow {
  responses: Num;
  mean: Num | null;
  promoters: Num;
  passives: Num;
  detractors: Num;
}

// NPS: promoters answer 9–10, passives 7–8, detractors 0–6.
const SCORES = `count() AS responses, avg(score) AS mean, countIf(score >= 9) AS promoters, countIf(score BETWEEN 7 AND 8) AS passives, countIf(score <= 6) AS detractors`;

function summaryOf(r: ScoreRow | undefined, survey: SurveyKind | null): ScoreSummary {
  const responses = int(r?.responses);
  const s: ScoreSummary = { responses, mean: responses > 0 ? num(r?.mean, 2) : null };
  if (survey === 'nps') {
    const promoters = int(r?.promoters), passives = int(r?.passives), detractors = int(r?.detractors);
    Object.assign(s, { nps: responses > 0 ? num(((promoters - detractors) / responses) * 100, 1) : null, promoters, passives, detractors });
  }
  return s;
}

export async function queryFeedback(storage: Storage, w: RawWindow, o: FeedbackOptions): Promise<FeedbackReport> {
  const db = quoteIdent(storage.database);
  const params = windowParams(w);
  const kinds = await answeredKinds(storage, db, w);
  const survey = o.survey ?? kinds[0]?.survey ?? null;
  const nudges = queryNudges(storage, db, w, o.readDelayMs);
  if (survey === null) {
    return { survey, kinds, summary: summaryOf(undefined, null), trend: [], byStep: [], byPage: [], comments: [], nextBefore: null, nudges: await nudges };
  }
  const where = `${RAW_WINDOW} AND survey = {survey:String}`;
  const p = { ...params, survey, bucketMs: o.bucket * 1000, groups: GROUPS_SHOWN };
  const [total, trend, byStep, byPage, comments] = await Promise.all([
    rows<ScoreRow>(storage, `SELECT ${SCORES} FROM ${db}.feedback WHERE ${where}`, p),
    rows<ScoreRow & { t: Num }>(storage, `SELECT intDiv(toUnixTimestamp64Milli(received_at), {bucketMs:UInt64}) * {bucketMs:UInt64} AS t, ${SCORES}
      FROM ${db}.feedback WHERE ${where} GROUP BY t ORDER BY t`, p),
    rows<ScoreRow & { step: string }>(storage, `SELECT step, ${SCORES} FROM ${db}.feedback WHERE ${where} AND step != ''
      GROUP BY step ORDER BY responses DESC, step LIMIT {groups:UInt32}`, p),
    rows<ScoreRow & { path: string }>(storage, `SELECT path, ${SCORES} FROM ${db}.feedback WHERE ${where}
      GROUP BY path ORDER BY responses DESC, path LIMIT {groups:UInt32}`, p),
    queryComments(storage, db, w, survey, o),
  ]);
  return {
    survey,
    kinds,
    summary: summaryOf(total[0], survey),
    trend: trend.map((r) => ({ t: int(r.t), ...summaryOf(r, survey) })),
    byStep: byStep.map((r) => ({ step: r.step, ...summaryOf(r, survey) })),
    byPage: byPage.map((r) => ({ path: r.path, ...summaryOf(r, survey) })),
    ...comments,
    nudges: await nudges,
  };
}

/** The kinds answered in the window, most answered first (the default kind is the first). */
async function answeredKinds(storage: Storage, db: string, w: RawWindow): Promise<FeedbackReport['kinds']> {
  const found = await rows<{ survey: string; n: Num }>(storage, `SELECT survey, count() AS n FROM ${db}.feedback WHERE ${RAW_WINDOW} GROUP BY survey ORDER BY n DESC, survey`, windowParams(w));
  return found.filter((r) => (SURVEY_KINDS as readonly string[]).includes(r.survey)).map((r) => ({ survey: r.survey as SurveyKind, responses: int(r.n) }));
}

interface CommentRow {
  at: Num;
  score: Num;
  comment: string;
  trigger: string;
  path: string;
  step: string;
  device: string;
  checkout_id: string;
  incident: string;
  session: string;
}

/**
 * A page of comments, newest answer first, and where the next starts. Comments answered in the
 * same millisecond are never split across two pages: the page ends before that millisecond and
 * the next starts at it (unless one millisecond holds more than a page).
 */
async function queryComments(storage: Storage, db: string, w: RawWindow, survey: SurveyKind, o: FeedbackOptions): Promise<Pick<FeedbackReport, 'comments' | 'nextBefore'>> {
  const found = await rows<CommentRow>(storage, `SELECT toUnixTimestamp64Milli(event_time) AS at, score, comment, trigger, path, step, device, checkout_id, incident, session
    FROM ${db}.feedback
    WHERE ${RAW_WINDOW} AND survey = {survey:String} AND comment != ''
      AND ({score:Int16} < 0 OR score = {score:Int16}) AND ({before:Int64} < 0 OR event_time < fromUnixTimestamp64Milli({before:Int64}))
    ORDER BY event_time DESC, prompt DESC
    LIMIT {limit:UInt32}`, { ...windowParams(w), survey, score: o.score ?? -1, before: o.before ?? -1, limit: o.limit + 1 });
  let page = found.slice(0, o.limit);
  let nextBefore: number | null = null;
  if (found.length > o.limit) {
    const boundary = int(found[o.limit]!.at);
    const whole = page.filter((r) => int(r.at) !== boundary);
    if (whole.length > 0 && whole.length < page.length) {
      page = whole;
      nextBefore = boundary + 1;
    } else nextBefore = int(page[page.length - 1]!.at);
  }
  const [vitals, incidents] = await Promise.all([nearestVitals(storage, db, w, page), checkoutIncidents(storage, db, w, page)]);
  const comments = page.map((r): FeedbackComment => {
    const c: FeedbackComment = { at: int(r.at), score: int(r.score), comment: r.comment, trigger: r.trigger, path: r.path, device: r.device };
    if (r.step) c.step = r.step;
    if (r.checkout_id) c.checkout = r.checkout_id;
    // The answer's own incident (a survey after a nudge), else the one its checkout had.
    const incident = r.incident || incidents.get(r.checkout_id);
    if (incident) c.incident = incident;
    return Object.assign(c, vitals(r.session, int(r.at)));
  });
  return { comments, nextBefore };
}

/**
 * The LCP, INP and CLS of each answer's session nearest in time to the answer (read from the
 * raw vitals, which carry the session; the page-load rollup keys loads by a hash of it).
 */
/**
 * The incidents the outreach log holds for the page's checkouts: an answer after a failed attempt
 * in the same checkout joins that incident (the latest, when there were several).
 */
async function checkoutIncidents(storage: Storage, db: string, w: RawWindow, page: CommentRow[]): Promise<Map<string, string>> {
  const checkouts = [...new Set(page.filter((r) => !r.incident && r.checkout_id).map((r) => r.checkout_id))];
  if (!checkouts.length) return new Map();
  const found = await rows<{ checkout_id: string; incident: string }>(storage, `SELECT checkout_id, argMax(incident, at) AS incident
    FROM ${db}.outreach_log
    WHERE project = {project:String} AND checkout_id IN {checkouts:Array(String)}
      AND at >= fromUnixTimestamp64Milli({from:Int64}) - INTERVAL 1 DAY AND at < fromUnixTimestamp64Milli({to:Int64})
    GROUP BY checkout_id`, { project: w.project, from: w.from, to: w.to, checkouts });
  return new Map(found.map((r) => [r.checkout_id, r.incident]));
}

async function nearestVitals(storage: Storage, db: string, w: RawWindow, page: CommentRow[]) {
  const sessions = [...new Set(page.map((r) => r.session))];
  const bySession = new Map<string, { name: string; at: number; value: number }[]>();
  if (sessions.length > 0) {
    // From a day before the window: the page loads before an answer early in it.
    const found = await rows<{ session: string; name: string; at: Num; value: Num }>(storage, `SELECT session, name, toUnixTimestamp64Milli(event_time) AS at, value
      FROM ${db}.vitals
      WHERE project = {project:String} AND name IN ('LCP', 'INP', 'CLS') AND session IN {sessions:Array(String)}
        AND received_at >= fromUnixTimestamp64Milli({from:Int64}) - INTERVAL 1 DAY AND received_at < fromUnixTimestamp64Milli({to:Int64})
      LIMIT {max:UInt32}`, { project: w.project, from: w.from, to: w.to, sessions, max: VITALS_READ });
    for (const v of found) {
      const list = bySession.get(v.session) ?? [];
      list.push({ name: v.name, at: int(v.at), value: Number(v.value) });
      bySession.set(v.session, list);
    }
  }
  return (session: string, at: number): Pick<FeedbackComment, 'lcp' | 'inp' | 'cls'> => {
    const out: Pick<FeedbackComment, 'lcp' | 'inp' | 'cls'> = {};
    for (const [name, key, digits] of [['LCP', 'lcp', 1], ['INP', 'inp', 1], ['CLS', 'cls', 4]] as const) {
      let best: { at: number; value: number } | undefined;
      for (const v of bySession.get(session) ?? []) if (v.name === name && (!best || Math.abs(v.at - at) < Math.abs(best.at - at))) best = v;
      const value = best && num(best.value, digits);
      if (value !== undefined && value !== null) out[key] = value;
    }
    return out;
  };
}

interface NudgeRow {
  published: Num;
  shown: Num;
  acted: Num;
  dismissed: Num;
  recovered: Num;
  emailed: Num;
  email_recovered: Num;
  holdout: Num;
  holdout_recovered: Num;
}

/**
 * Incidents decided in the window (the outreach log's `at`), each counted once per outcome:
 * nudged (published to the open page, then shown, acted on, dismissed), reached by email with no
 * nudge acted on, or held out; and of each, how many customers came back (CameBackRule, counted
 * from the nudge's publication, the email's hand-off, or the holdout decision).
 */
async function queryNudges(storage: Storage, db: string, w: RawWindow, readDelayMs: number): Promise<NudgeTotals> {
  const { completions, returned } = cameBackSql(db);
  const incidents = `
    SELECT incident AS c_incident, any(customer) AS c_customer,
      max(channel = 'nudge' AND status = 'sent') AS nudged, minIf(at, channel = 'nudge' AND status = 'sent') AS nudged_at,
      max(channel = 'nudge' AND status = 'shown') AS shown, max(channel = 'nudge' AND status = 'acted') AS acted,
      max(channel = 'nudge' AND status = 'dismissed') AS dismissed,
      max(channel = 'email' AND status = 'sent') AS emailed, minIf(at, channel = 'email' AND status = 'sent') AS emailed_at,
      max(status = 'holdout') AS held, minIf(at, status = 'holdout') AS held_at
    FROM ${db}.outreach_log
    WHERE project = {project:String} AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at < fromUnixTimestamp64Milli({to:Int64})
    GROUP BY c_incident`;
  const outcomes = `
    SELECT any(c.nudged) AS nudged, any(c.shown) AS shown, any(c.acted) AS acted, any(c.dismissed) AS dismissed,
      any(c.emailed) AND NOT any(c.acted) AS by_email, any(c.held) AND NOT any(c.emailed) AND NOT any(c.nudged) AS held_out,
      countIf(${returned('c.nudged_at')}) > 0 AS nudge_back, countIf(${returned('c.emailed_at')}) > 0 AS email_back,
      countIf(${returned('c.held_at')}) > 0 AS held_back
    FROM (${incidents}) AS c
    LEFT JOIN (${completions}) AS r ON r.r_customer = c.c_customer
    GROUP BY c.c_incident`;
  const [r] = await rows<NudgeRow>(storage, `SELECT countIf(nudged) AS published, countIf(shown) AS shown, countIf(acted) AS acted, countIf(dismissed) AS dismissed,
      countIf(nudged AND nudge_back) AS recovered, countIf(by_email) AS emailed, countIf(by_email AND email_back) AS email_recovered,
      countIf(held_out) AS holdout, countIf(held_out AND held_back) AS holdout_recovered
    FROM (${outcomes})`, { project: w.project, from: w.from, to: w.to, delay: readDelayMs });
  return {
    published: int(r?.published), shown: int(r?.shown), acted: int(r?.acted), dismissed: int(r?.dismissed), recovered: int(r?.recovered),
    emailed: int(r?.emailed), emailRecovered: int(r?.email_recovered), holdout: int(r?.holdout), holdoutRecovered: int(r?.holdout_recovered),
  };
}
