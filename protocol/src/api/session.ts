/**
 * GET …/sessions/:session?from&to: one session's story, for the session view: its device and
 * release, the pages it went through and every event it sent in time order (vitals with their
 * phases and elements, resources by host, errors with stacks, failed requests, checkout steps,
 * survey answers), and the outreach its customer or checkouts got.
 */
import Type, { type Static } from 'typebox';
import { echo, NullableNumber, Project, query } from './common.ts';

/**
 * A session is one tab's visit: a window of a week holds any real one, and keeps the lookup (a
 * scan of the window's beacons for the id) from reading the months the other routes may span.
 */
export const MAX_SESSION_RANGE_MS = 7 * 24 * 3600_000;

/** The agent's session id: what the beacon schema allows, less control characters. */
export const SessionId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description: 'session id' });
export const SessionParams = Type.Object({ project: Project, session: SessionId });
export const SessionQuery = query({});
export type SessionQuery = Static<typeof SessionQuery>;

/** Rows each list returns at most; `counts` says how many events of each type the session sent. */
export const SESSION_LIMITS = { pages: 100, navigations: 100, vitals: 500, resources: 100, errors: 100, requests: 200, checkouts: 200, feedback: 20, outreach: 50 } as const;

/** Event times are the browser's clock corrected by the beacon's clock skew, epoch ms. */
const at = Type.Integer({ description: 'event time, epoch ms' });

export const SessionPage = Type.Object({
  path: Type.String(),
  url: Type.String(),
  /** Its first event's time (or its first beacon's receive time, if earlier); lastAt: its last beacon's receive time. */
  firstAt: Type.Integer(),
  lastAt: Type.Integer(),
  beacons: Type.Integer(),
});
export const SessionNavigation = Type.Object({
  at,
  path: Type.String(),
  dns: Type.Number(), tcp: Type.Number(), tls: Type.Number(), ttfb: Type.Number(), download: Type.Number(),
  domInteractive: Type.Number(), domComplete: Type.Number(), load: Type.Number(),
  transferSize: Type.Integer(),
});
export const SessionVital = Type.Object({
  at,
  path: Type.String(),
  name: Type.String(),
  value: Type.Number(),
  rating: Type.String(),
  navigationType: Type.String(),
  /** The element behind it (CSS selector), and the LCP resource or the script behind a slow interaction. */
  target: Type.String(),
  url: Type.String(),
  /** ms per phase: LCP ttfb / loadDelay / loadDuration / renderDelay, INP inputDelay / processingDuration / presentationDelay. */
  phases: Type.Record(Type.String(), Type.Number()),
});
export const SessionResourceHost = Type.Object({
  host: Type.String(),
  requests: Type.Integer(),
  bytes: Type.Integer(),
  /** The largest p95 duration (ms) any of its beacons reported for the host. */
  worstP95: NullableNumber,
  firstAt: Type.Integer(),
});
export const SessionError = Type.Object({
  at, path: Type.String(), kind: Type.String(), message: Type.String(), stack: Type.String(), source: Type.String(), line: Type.Integer(), col: Type.Integer(),
});
export const SessionRequest = Type.Object({
  at, path: Type.String(), method: Type.String(), url: Type.String(), host: Type.String(), status: Type.Integer(), duration: Type.Number(),
});
export const SessionCheckout = Type.Object({
  at, path: Type.String(), checkout: Type.String(), step: Type.String(), name: Type.String(), reason: Type.String(), value: Type.Number(), currency: Type.String(), orderId: Type.String(),
});
/** A survey answer (the `feedback` event): scrubbed comment, '' without one; checkout and step '' when it followed none. */
export const SessionFeedback = Type.Object({
  at, path: Type.String(), survey: Type.String(), score: Type.Integer(), comment: Type.String(), trigger: Type.String(), checkout: Type.String(), step: Type.String(),
});
export const SessionOutreach = Type.Object({
  at: Type.Integer({ description: 'decision time, epoch ms' }),
  incident: Type.String(), reason: Type.String(), channel: Type.String(), status: Type.String(), skipReason: Type.String(), checkout: Type.String(),
});

export const Session = Type.Object({
  ...echo,
  session: Type.String(),
  /** Receive times of its first and last beacon in the window. */
  firstAt: Type.Integer(),
  lastAt: Type.Integer(),
  beacons: Type.Integer(),
  /** Pseudonymous customer id ('' when the shop never identified one). */
  customer: Type.String(),
  device: Type.String(),
  browser: Type.String(),
  browserVersion: Type.String(),
  os: Type.String(),
  country: Type.String(),
  connection: Type.String(),
  /** The release the agent reported (its latest), null when it reported none. */
  release: Type.Union([Type.String(), Type.Null()]),
  /** Events per type over every beacon of the session, listed or not. */
  counts: Type.Record(Type.String(), Type.Integer()),
  pages: Type.Array(SessionPage),
  navigations: Type.Array(SessionNavigation),
  vitals: Type.Array(SessionVital),
  resources: Type.Array(SessionResourceHost),
  errors: Type.Array(SessionError),
  requests: Type.Array(SessionRequest),
  checkouts: Type.Array(SessionCheckout),
  feedback: Type.Array(SessionFeedback),
  outreach: Type.Array(SessionOutreach),
});
export type Session = Static<typeof Session>;
/** What the storage report finds; the route adds the window. */
export type SessionStory = Omit<Session, 'project' | 'from' | 'to'>;
