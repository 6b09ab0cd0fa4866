/**
 * Turns one validated beacon into its spool record: one `beacon_intake` row (a JSON array laid
 * out by storage/beacon-intake.ts's INTAKE_COLUMNS: the beacon's dimensions once, then one array
 * per event family) and the Signal JSON of each event the alerting rules act on. The row is built
 * once, here; the spool writes it and the batch writer hands the same bytes to the engine.
 */
import type { Beacon, BeaconEvent } from '@touchpoint/protocol';
import type { Signal } from '@touchpoint/protocol/signals';
import { normalizeRoute, scrubText, scrubUrl, type CompiledRoutes } from '@touchpoint/protocol/privacy';
import { intakeValues } from '../storage/beacon-intake.ts';
import type { ClientInfo } from './user-agent.ts';

export interface BeaconContext {
  project: string;
  /** Page URLs matching this are checkout pages: their errors and failed requests are signals. */
  checkoutPage: RegExp;
  /** The project's own route patterns (projects file `routes`), which win over the heuristic. */
  routes?: CompiledRoutes | undefined;
  receivedAt: number;
  client: ClientInfo;
  country: string;
  /** Test traffic: what marked it (ingest/synthetic.ts); its signals and its stored rows carry it. */
  synthetic?: string | undefined;
}

export interface SpoolRecord {
  /** The beacon's `beacon_intake` row, JSONCompactEachRow, without the line break. */
  row: string;
  signals: string[];
  /** A signal outreach answers at once (a checkout error, a request on a checkout page). */
  urgent: boolean;
  /** The page's route as stored (normalizeRoute), for decisions made after the write. */
  path: string;
}

// Shared by every beacon without events of a family (most of them); frozen, so a push would throw.
const NONE = Object.freeze([]) as never[];

/**
 * Every string field gets the treatment protocol/src/privacy/fields.ts gives it, before the
 * spool: `url` fields scrubUrl, `text`, `selector`, `label` and `host` fields scrubText; the
 * page's path becomes a route (normalizeRoute: ids, emails and tokens are `:id`), the dimension
 * the rollups and dashboards group by, while the page URL kept for drill-down is scrubbed; the
 * release is a `label`.
 * Ids (`id`) were vetted by accept-beacon.ts; `contact-redis-only` fields (identify's email and
 * language, a nudge's phone) ride only in the signal, to the worker. Event objects are scrubbed in
 * place, so their signals carry the scrubbed values too.
 */
export function buildRecord(beacon: Beacon, events: BeaconEvent[], ctx: BeaconContext): SpoolRecord {
  const { project, receivedAt, client, country } = ctx;
  // Whole milliseconds: the engine refuses a DateTime64 written with a fraction.
  const skew = Math.round(receivedAt - beacon.sentAt);
  const pageUrl = scrubUrl(beacon.page);
  const host = scrubText(splitUrl(pageUrl).host);
  const path = normalizeRoute(beacon.page, ctx.routes);
  const session = beacon.session;
  const customer = beacon.customer ?? '';
  const onCheckoutPage = ctx.checkoutPage.test(path);
  const counts: Record<string, number> = {};
  let vitals: unknown[] = NONE, navigations: unknown[] = NONE, resources: unknown[] = NONE, errors: unknown[] = NONE;
  let requests: unknown[] = NONE, checkouts: unknown[] = NONE, customEvents: unknown[] = NONE, feedback: unknown[] = NONE;
  let signals: string[] = NONE;
  let urgent = false;

  for (const e of events) {
    counts[e.type] = (counts[e.type] ?? 0) + 1;
    const t = Math.round(e.at) + skew;
    let signal = false;
    switch (e.type) {
      case 'vital': {
        const a = e.attribution;
        if (a?.target !== undefined) a.target = scrubText(a.target);
        if (a?.url !== undefined) a.url = scrubUrl(a.url);
        if (vitals === NONE) vitals = [];
        vitals.push([t, e.name, e.value, e.rating ?? '', e.navigationType ?? '', a?.target ?? '', a?.url ?? '', a?.phases ?? {}]);
        signal = e.name === 'LCP' && customer !== '';
        break;
      }
      case 'nav':
        if (navigations === NONE) navigations = [];
        navigations.push([t, e.dns, e.tcp, e.tls, e.ttfb, e.download, e.domInteractive, e.domComplete, e.load, e.transferSize ?? 0]);
        break;
      case 'resource':
        e.host = scrubText(e.host);
        if (resources === NONE) resources = [];
        resources.push([t, e.host, e.count, e.bytes, e.p95]);
        break;
      case 'error':
        e.message = scrubText(e.message);
        if (e.stack !== undefined) e.stack = scrubText(e.stack);
        if (e.source !== undefined) e.source = scrubUrl(e.source);
        if (errors === NONE) errors = [];
        errors.push([t, e.kind, e.message, e.stack ?? '', e.source ?? '', e.line ?? 0, e.col ?? 0]);
        signal = onCheckoutPage;
        break;
      case 'http':
        e.url = scrubUrl(e.url);
        if (requests === NONE) requests = [];
        requests.push([t, e.method, e.url, scrubText(splitUrl(e.url).host), e.status, e.duration]);
        signal = onCheckoutPage;
        urgent ||= signal;
        break;
      case 'checkout':
        e.id = scrubText(e.id);
        if (e.name !== undefined) e.name = scrubText(e.name);
        if (e.reason !== undefined) e.reason = scrubText(e.reason);
        if (e.orderId !== undefined) e.orderId = scrubText(e.orderId);
        // For "email me my basket": it rides in the signal to the worker and is not stored.
        if (e.resumeUrl !== undefined) e.resumeUrl = scrubUrl(e.resumeUrl);
        if (checkouts === NONE) checkouts = [];
        checkouts.push([t, e.id, e.step, e.name ?? '', e.reason ?? '', e.value ?? 0, e.currency ?? '', e.orderId ?? '']);
        signal = true;
        urgent ||= e.step === 'error';
        break;
      case 'identify':
        // Contact details and consent go to the outreach store (via the signal), never to ClickHouse.
        signal = true;
        break;
      case 'nudge':
        // What the customer did with a nudge decides whether the email still goes: urgent. The
        // phone number of a call-back rides in the signal only, like identify's email.
        e.prompt = scrubText(e.prompt);
        e.incident = scrubText(e.incident);
        signal = true;
        urgent = true;
        break;
      case 'feedback':
        e.prompt = scrubText(e.prompt);
        if (e.comment !== undefined) e.comment = scrubText(e.comment);
        if (e.checkout !== undefined) e.checkout = scrubText(e.checkout);
        if (e.step !== undefined) e.step = scrubText(e.step);
        if (e.incident !== undefined) e.incident = scrubText(e.incident);
        if (feedback === NONE) feedback = [];
        feedback.push([t, e.prompt, e.survey, e.trigger, e.score, e.comment ?? '', e.checkout ?? '', e.step ?? '', e.incident ?? '']);
        break;
      case 'custom': {
        e.name = scrubText(e.name);
        const props: Record<string, string> = {};
        if (e.props) for (const k in e.props) props[scrubText(k)] = typeof e.props[k] === 'string' ? scrubText(e.props[k]) : String(e.props[k]);
        if (customEvents === NONE) customEvents = [];
        customEvents.push([t, e.name, props]);
        break;
      }
    }
    if (signal) {
      const s: Signal = { project, session, page: pageUrl, ackedAt: receivedAt, eventTime: t, event: e as Signal['event'] };
      if (customer) s.customer = customer;
      if (ctx.synthetic) s.synthetic = ctx.synthetic;
      if (signals === NONE) signals = [];
      signals.push(JSON.stringify(s));
    }
  }
  const row = JSON.stringify(intakeValues({
    project,
    received_at: receivedAt,
    sent_at: Math.round(beacon.sentAt),
    clock_skew_ms: skew,
    session,
    customer,
    page_url: pageUrl,
    host,
    path,
    device: client.device,
    browser: client.browser,
    browser_version: client.browserVersion,
    os: client.os,
    country,
    connection: beacon.connection ?? '',
    event_counts: counts,
    vitals,
    navigations,
    resources,
    errors,
    requests,
    checkouts,
    custom_events: customEvents,
    release: beacon.release === undefined ? '' : scrubText(beacon.release),
    test_traffic: ctx.synthetic ?? '',
    feedback,
  }));
  return { row: row.includes('\\ud') ? replaceLoneSurrogates(row) : row, signals, urgent, path };
}

/**
 * JSON.stringify writes a lone UTF-16 surrogate (half an emoji, cut by a page's substring) as a
 * `\udXXX` escape, and ClickHouse refuses the whole insert over it. Such an escape, when its
 * backslash is not itself escaped, becomes U+FFFD.
 */
const LONE_SURROGATE = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;
export function replaceLoneSurrogates(json: string): string {
  return json.replace(LONE_SURROGATE, '\\ufffd');
}

/** Host and path without URL parsing: the schema already guarantees `http(s)://`. */
export function splitUrl(url: string): { host: string; path: string } {
  const start = url.indexOf('//');
  if (start < 0) return { host: '', path: url.split(/[?#]/, 1)[0] ?? '' };
  const rest = url.slice(start + 2);
  const slash = rest.search(/[/?#]/);
  const host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase().replace(/^[^@]*@/, '');
  const path = slash < 0 || rest[slash] !== '/' ? '/' : (rest.slice(slash).split(/[?#]/, 1)[0] ?? '/');
  return { host, path: path.slice(0, 1024) };
}
