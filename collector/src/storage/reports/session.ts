/**
 * One session's story from the raw tables, for the session view. The session's beacons are
 * found first, in the asked window (a scan of `beacons` for the id); every other query then
 * reads only the span from its first to its last beacon, which the tables' receive-time keys
 * make cheap whatever window was asked. Every list is limited (SESSION_LIMITS) and in event
 * time order; `counts` tells how many events of each type there were in all.
 *
 * Outreach: the log has no session, so it is matched by the session's checkouts, or by its
 * customer for incidents without a checkout (a slow experience), decided up to a day after the
 * session's last beacon (a stuck checkout is decided TOUCHPOINT_STUCK_AFTER later).
 */
import { SESSION_LIMITS, type SessionStory } from '@touchpoint/protocol/api/session';
import { quoteIdent, type Storage } from '../clickhouse.ts';
import { digitsOf, int, num, RAW_WINDOW, rows, windowParams, type Num, type Window } from './report-sql.ts';

interface SessionRow {
  beacons: Num; first_ms: Num; last_ms: Num; customer: string; device: string; browser: string; browser_version: string;
  os: string; country: string; connection: string; counts: Record<string, Num>; release?: string;
}

const AT = 'toUnixTimestamp64Milli(event_time) AS at';
const ORDER = 'ORDER BY event_time, received_at';

export async function querySession(storage: Storage, w: Window, session: string): Promise<SessionStory | null> {
  const db = quoteIdent(storage.database);
  const [head] = await rows<SessionRow>(
    storage,
    `SELECT count() AS beacons, toUnixTimestamp64Milli(min(received_at)) AS first_ms, toUnixTimestamp64Milli(max(received_at)) AS last_ms,
       argMaxIf(customer, received_at, customer != '') AS customer, argMax(device, received_at) AS device, argMax(browser, received_at) AS browser,
       argMax(browser_version, received_at) AS browser_version, argMax(os, received_at) AS os, argMax(country, received_at) AS country,
       argMax(connection, received_at) AS connection, sumMap(event_counts) AS counts
       , argMaxIf(release, received_at, release != '') AS release
     FROM ${db}.beacons WHERE ${RAW_WINDOW} AND session = {session:String}`,
    // One session's story is told whole, load test or not: it was asked for by its id.
    { ...windowParams({ ...w, test: 'include' }), session },
  );
  if (!head || int(head.beacons) === 0) return null;
  const firstAt = int(head.first_ms);
  const lastAt = int(head.last_ms);
  // The session's own span: [first beacon, last beacon], inside the asked window.
  const p = { ...windowParams({ project: w.project, from: firstAt, to: lastAt + 1, test: 'include' }), session, customer: head.customer };
  const inSession = `${RAW_WINDOW} AND session = {session:String}`;
  const L = SESSION_LIMITS;

  const [pages, navigations, vitals, resources, errors, requests, checkouts, feedback, outreach] = await Promise.all([
    rows<{ path: string; url: string; first_ms: Num; last_ms: Num; beacons: Num }>(
      storage,
      `SELECT path, argMin(page_url, received_at) AS url, toUnixTimestamp64Milli(min(received_at)) AS first_ms,
         toUnixTimestamp64Milli(max(received_at)) AS last_ms, count() AS beacons
       FROM ${db}.beacons WHERE ${inSession} GROUP BY path ORDER BY first_ms, path LIMIT ${L.pages}`,
      p,
    ),
    rows<{ at: Num; path: string; dns: number; tcp: number; tls: number; ttfb: number; download: number; dom_interactive: number; dom_complete: number; load: number; transfer_size: Num }>(
      storage,
      `SELECT ${AT}, path, dns, tcp, tls, ttfb, download, dom_interactive, dom_complete, load, transfer_size
       FROM ${db}.navigations WHERE ${inSession} ${ORDER} LIMIT ${L.navigations}`,
      p,
    ),
    rows<{ at: Num; path: string; name: string; value: number; rating: string; navigation_type: string; target: string; url: string; phases: Record<string, number> }>(
      storage,
      `SELECT ${AT}, path, name, value, rating, navigation_type, target, attribution_url AS url, phases
       FROM ${db}.vitals WHERE ${inSession} ${ORDER} LIMIT ${L.vitals}`,
      p,
    ),
    rows<{ host: string; requests: Num; bytes: Num; worst_p95: number | null; first_ms: Num }>(
      storage,
      `SELECT resource_host AS host, sum(count) AS requests, sum(bytes) AS bytes, max(p95) AS worst_p95, toUnixTimestamp64Milli(min(event_time)) AS first_ms
       FROM ${db}.resources WHERE ${inSession} GROUP BY host ORDER BY bytes DESC, host LIMIT ${L.resources}`,
      p,
    ),
    rows<{ at: Num; path: string; kind: string; message: string; stack: string; source: string; line: Num; col: Num }>(
      storage,
      `SELECT ${AT}, path, kind, message, stack, source, line, col FROM ${db}.errors WHERE ${inSession} ${ORDER} LIMIT ${L.errors}`,
      p,
    ),
    rows<{ at: Num; path: string; method: string; url: string; host: string; status: Num; duration: number }>(
      storage,
      `SELECT ${AT}, path, method, url, request_host AS host, status, duration FROM ${db}.requests WHERE ${inSession} ${ORDER} LIMIT ${L.requests}`,
      p,
    ),
    rows<{ at: Num; path: string; checkout: string; step: string; name: string; reason: string; value: number; currency: string; order_id: string }>(
      storage,
      `SELECT ${AT}, path, checkout_id AS checkout, step, step_name AS name, reason, value, currency, order_id
       FROM ${db}.checkouts WHERE ${inSession} ${ORDER} LIMIT ${L.checkouts}`,
      p,
    ),
    rows<{ at: Num; path: string; survey: string; score: Num; comment: string; trigger: string; checkout: string; step: string }>(
      storage,
      `SELECT ${AT}, path, survey, score, comment, trigger, checkout_id AS checkout, step
       FROM ${db}.feedback WHERE ${inSession} ${ORDER} LIMIT ${L.feedback}`,
      p,
    ),
    rows<{ at_ms: Num; incident: string; reason: string; channel: string; status: string; skip_reason: string; checkout: string }>(
      storage,
      `SELECT toUnixTimestamp64Milli(at) AS at_ms, incident, reason, channel, status, skip_reason, checkout_id AS checkout
       FROM ${db}.outreach_log
       WHERE project = {project:String} AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at < fromUnixTimestamp64Milli({to:Int64}) + INTERVAL 1 DAY
         AND (checkout_id IN (SELECT checkout_id FROM ${db}.checkouts WHERE ${inSession})
              OR (checkout_id = '' AND {customer:String} != '' AND customer = {customer:String}))
       ORDER BY at, incident, channel LIMIT ${L.outreach}`,
      p,
    ),
  ]);

  const ms = (v: number | null | undefined) => num(v, 1) ?? 0;
  // A page starts at its first event (browser time), which comes before the beacon carrying it.
  const firstEvent = new Map<string, number>();
  for (const e of [...navigations, ...vitals, ...errors, ...requests, ...checkouts, ...feedback]) {
    const t = int(e.at);
    if (t < (firstEvent.get(e.path) ?? Infinity)) firstEvent.set(e.path, t);
  }
  return {
    session,
    firstAt,
    lastAt,
    beacons: int(head.beacons),
    customer: head.customer,
    device: head.device,
    browser: head.browser,
    browserVersion: head.browser_version,
    os: head.os,
    country: head.country,
    connection: head.connection,
    release: head.release || null,
    counts: Object.fromEntries(Object.entries(head.counts).map(([k, v]) => [k, int(v)])),
    pages: pages
      .map((r) => ({ path: r.path, url: r.url, firstAt: Math.min(int(r.first_ms), firstEvent.get(r.path) ?? Infinity), lastAt: int(r.last_ms), beacons: int(r.beacons) }))
      .sort((a, b) => a.firstAt - b.firstAt || (a.path < b.path ? -1 : 1)),
    navigations: navigations.map((r) => ({
      at: int(r.at), path: r.path, dns: ms(r.dns), tcp: ms(r.tcp), tls: ms(r.tls), ttfb: ms(r.ttfb), download: ms(r.download),
      domInteractive: ms(r.dom_interactive), domComplete: ms(r.dom_complete), load: ms(r.load), transferSize: int(r.transfer_size),
    })),
    vitals: vitals.map((r) => ({
      at: int(r.at), path: r.path, name: r.name, value: num(r.value, digitsOf(r.name)) ?? 0, rating: r.rating, navigationType: r.navigation_type,
      target: r.target, url: r.url, phases: Object.fromEntries(Object.entries(r.phases).map(([k, v]) => [k, ms(v)])),
    })),
    resources: resources.map((r) => ({ host: r.host, requests: int(r.requests), bytes: int(r.bytes), worstP95: num(r.worst_p95, 1), firstAt: int(r.first_ms) })),
    errors: errors.map((r) => ({ at: int(r.at), path: r.path, kind: r.kind, message: r.message, stack: r.stack, source: r.source, line: int(r.line), col: int(r.col) })),
    requests: requests.map((r) => ({ at: int(r.at), path: r.path, method: r.method, url: r.url, host: r.host, status: int(r.status), duration: ms(r.duration) })),
    checkouts: checkouts.map((r) => ({
      at: int(r.at), path: r.path, checkout: r.checkout, step: r.step, name: r.name, reason: r.reason, value: num(r.value, 2) ?? 0, currency: r.currency, orderId: r.order_id,
    })),
    feedback: feedback.map((r) => ({
      at: int(r.at), path: r.path, survey: r.survey, score: int(r.score), comment: r.comment, trigger: r.trigger, checkout: r.checkout, step: r.step,
    })),
    outreach: outreach.map((r) => ({ at: int(r.at_ms), incident: r.incident, reason: r.reason, channel: r.channel, status: r.status, skipReason: r.skip_reason, checkout: r.checkout })),
  };
}
