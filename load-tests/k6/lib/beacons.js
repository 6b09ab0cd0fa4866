// Realistic protocol-v1 beacon traffic, for k6 scenarios and the Node bench alike: no k6 or Node
// imports, seeded randomness, and every enum drawn from protocol/beacon.schema.json (passed in:
// k6 reads it with open(), Node imports it), so the traffic follows the contract. All generated
// traffic is tagged (session ids `<tag>-<run>-…`, a `loadtest` custom event opening each session,
// an X-Touchpoint-Load-Test header) so it can be filtered out of real data.
import { checkoutEvents, jsError, planPages } from './journey.js';
import { CLS_TARGETS, drawNav, drawVitals, inpAttribution, lcpAttribution, ms, NAV_PHASES_DRAWN, NAVIGATION_TYPES, vital } from './page-timings.js';
import { createRandom } from './random.js';
import { asConnection, readSchema } from './schema-enums.js';
import {
  CHECKOUT_FAILURE_SHARE,
  CHECKOUT_SESSION_SHARE,
  CLIENTS,
  CONNECTIONS,
  DEVICE_SLOWDOWN,
  HTTP_FAILURE_SHARE,
  IDENTIFIED_BROWSE_SHARE,
  IDENTIFIED_CHECKOUT_SHARE,
  INTERACTION_SHARE,
  JS_ERROR_SHARE,
  LANGUAGES,
  OUTREACH_CONSENT_SHARE,
  PRODUCTS,
  THIRD_PARTIES,
} from './traffic-mix.js';

/**
 * @typedef {import('@touchpoint/protocol').Beacon} Beacon
 * @typedef {import('@touchpoint/protocol').BeaconEvent} BeaconEvent
 * @typedef {import('@touchpoint/protocol').ConnectionType} ConnectionType
 * @typedef {import('./schema-enums.js').BeaconSchemaLike} BeaconSchemaLike
 * @typedef {import('./traffic-mix.js').Client} Client
 */

/**
 * @typedef {object} GeneratorOptions
 * @property {BeaconSchemaLike} schema protocol/beacon.schema.json
 * @property {number} seed same seed, same traffic
 * @property {string} runId short id of this run, part of every session id (letters, digits, dashes)
 * @property {string} [tag] traffic tag and session id prefix: `k6`, `bench`… (default `k6`)
 * @property {string} [site] origin of the simulated shop (default https://shop.example)
 * @property {boolean} [emails] identify events carry an email at the reserved `.invalid` TLD (default true)
 * @property {string | number} [stream] keeps ids unique when several generators share a runId (k6: the VU number)
 */

/**
 * One simulated visitor: the headers their browser sends and the beacons of their visit in order,
 * timed from the session's start. Send them in order; `shiftBeacon()` moves one to "now".
 * @typedef {object} SessionTraffic
 * @property {string} id
 * @property {Record<string, string>} headers
 * @property {Client} client
 * @property {'browse' | 'checkout-complete' | 'checkout-error'} journey
 * @property {Beacon[]} beacons
 */

/**
 * @param {GeneratorOptions} opts
 */
export function createBeaconGenerator(opts) {
  const tag = opts.tag != null ? opts.tag : 'k6';
  const site = opts.site != null ? opts.site : 'https://shop.example';
  const emails = opts.emails != null ? opts.emails : true;
  const stream = opts.stream === undefined ? '' : `${opts.stream}.`;
  if (!/^[A-Za-z0-9-]{1,40}$/.test(opts.runId)) {
    throw new Error(`TP_LOAD_BAD_RUN_ID: runId "${opts.runId}" must be 1-40 letters, digits or dashes`);
  }
  const enums = readSchema(opts.schema);
  for (const phase of enums.navPhases) {
    if (!NAV_PHASES_DRAWN.includes(phase)) throw new Error(`TP_LOAD_SCHEMA_DRIFT: nav phase "${phase}" is required by the schema but drawNav() does not draw it`);
  }
  const rnd = createRandom(opts.seed);
  let sessionSeq = 0;

  /**
   * @param {number} startAt epoch ms of the session's first page view
   * @returns {SessionTraffic}
   */
  function session(startAt) {
    sessionSeq += 1;
    const seq = `${stream}${sessionSeq.toString(36)}`;
    const id = `${tag}-${opts.runId}-${seq}-${rnd.hex8()}`;
    const client = rnd.weighted(CLIENTS);
    const language = rnd.weighted(LANGUAGES);
    /** @type {ConnectionType | undefined} */
    const connection = client.reportsConnection ? asConnection(enums, rnd.weighted(CONNECTIONS)) : undefined;
    const slowdown = DEVICE_SLOWDOWN[client.device];
    const checkout = rnd.chance(CHECKOUT_SESSION_SHARE);
    const failed = checkout && rnd.chance(CHECKOUT_FAILURE_SHARE);
    const identified = rnd.chance(checkout ? IDENTIFIED_CHECKOUT_SHARE : IDENTIFIED_BROWSE_SHARE);
    const consent = identified && rnd.chance(OUTREACH_CONSENT_SHARE);
    const customerId = identified ? `${tag}-c-${opts.runId}-${rnd.hex8()}` : undefined;
    const checkoutId = `co-${opts.runId}-${seq}`;
    const cartValue = Math.round(rnd.logNormal(120, 0.7) * 100) / 100;

    const pages = planPages(rnd, checkout, failed);
    // Logged-in customers are identified on the page where they sign in: the first checkout
    // page for shoppers, a random page for others.
    const identifyAt = !identified ? -1 : checkout ? pages.findIndex((p) => p.kind === 'checkout') : rnd.int(0, pages.length - 1);

    /** @type {Beacon[]} */
    const beacons = [];
    let pageStart = startAt;
    /** @type {string | undefined} */
    let customer;
    pages.forEach((page, i) => {
      const url = site + page.path;
      const vitals = drawVitals(rnd, slowdown);
      const nav = drawNav(rnd, vitals, i === 0, pageStart);
      const loadSent = pageStart + nav.load + rnd.int(20, 400);
      const dwell = Math.min(600000, Math.max(nav.load + 500, Math.round(rnd.logNormal(35000, 0.9))));
      const hideSent = pageStart + dwell;
      const navigationType = i === 0 ? 'navigate' : rnd.weighted(NAVIGATION_TYPES);

      /** @type {BeaconEvent[]} */
      const first = [];
      if (i === 0) first.push({ type: 'custom', at: pageStart, name: 'loadtest', props: { tool: tag, run: opts.runId } });
      first.push(nav);
      first.push(vital(enums, 'FCP', vitals.FCP, pageStart + vitals.FCP, navigationType));
      first.push(vital(enums, 'TTFB', vitals.TTFB, pageStart + vitals.TTFB, navigationType));
      for (const tp of THIRD_PARTIES) {
        if (!(rnd.chance(tp.share) || (tp.checkout && page.kind === 'checkout'))) continue;
        first.push({
          type: 'resource',
          at: pageStart + nav.load,
          host: tp.host,
          count: Math.min(100000, Math.max(1, Math.round(rnd.logNormal(tp.medianCount, 0.5)))),
          bytes: Math.round(rnd.logNormal(tp.medianBytes, 0.6)),
          p95: ms(rnd.logNormal(350 * slowdown, 0.6)),
        });
      }
      if (i === identifyAt && customerId) {
        /** @type {import('@touchpoint/protocol').IdentifyEvent} */
        const identify = { type: 'identify', at: pageStart + nav.domInteractive, customer: customerId, language, consent: { outreach: consent } };
        if (emails) identify.email = `${customerId}@loadtest.invalid`;
        first.push(identify);
        // The agent attaches the customer id only once consent allows.
        if (consent) customer = customerId;
      }
      if (rnd.chance(JS_ERROR_SHARE)) first.push(jsError(rnd, enums, site, pageStart + nav.domComplete));
      const firstSent = Math.max(loadSent, ...first.map((e) => e.at + 20));
      beacons.push(beacon(id, customer, url, firstSent, connection, first));

      /** @type {BeaconEvent[]} */
      const second = [];
      const lcp = vital(enums, 'LCP', vitals.LCP, pageStart + vitals.LCP, navigationType);
      lcp.attribution = lcpAttribution(rnd, page, vitals);
      second.push(lcp);
      const cls = vital(enums, 'CLS', vitals.CLS, hideSent - 5, navigationType);
      cls.attribution = { target: rnd.pick(CLS_TARGETS) };
      second.push(cls);
      if (rnd.chance(INTERACTION_SHARE)) {
        const inp = vital(enums, 'INP', vitals.INP, pageStart + rnd.int(nav.load, Math.max(nav.load, dwell - 10)), navigationType);
        inp.attribution = inpAttribution(rnd, vitals.INP);
        second.push(inp);
      }
      if (rnd.chance(HTTP_FAILURE_SHARE)) {
        second.push({ type: 'http', at: hideSent - rnd.int(100, 5000), method: 'GET', url: `${site}/api/recommendations?sku=${rnd.pick(PRODUCTS)}`, status: rnd.pick([0, 404, 500, 503]), duration: ms(rnd.logNormal(900, 0.8)) });
      }
      // Steps on one page happen in order: each one a while after the previous.
      let stepAt = pageStart + nav.load;
      for (const step of page.checkout) {
        stepAt += rnd.int(500, Math.max(600, Math.floor((dwell - nav.load) / 4)));
        second.push(...checkoutEvents(rnd, enums, step, checkoutId, cartValue, site, stepAt));
      }
      // The hide beacon leaves after everything it reports (a slow LCP or a payment that hung).
      const sent = Math.max(hideSent, firstSent + 100, ...second.map((e) => e.at + 20));
      beacons.push(beacon(id, customer, url, sent, connection, sortByTime(second)));
      pageStart = sent + rnd.int(50, 1500);
    });

    for (const b of beacons) {
      if (b.events.length > enums.maxEvents) throw new Error(`TP_LOAD_TOO_MANY_EVENTS: a generated beacon has ${b.events.length} events, the schema allows ${enums.maxEvents}`);
    }
    return {
      id,
      client,
      journey: !checkout ? 'browse' : failed ? 'checkout-error' : 'checkout-complete',
      headers: {
        'Content-Type': 'text/plain;charset=UTF-8',
        'User-Agent': client.userAgent,
        'Accept-Language': `${language},${language.split('-')[0]};q=0.9`,
        Origin: site,
        'X-Touchpoint-Load-Test': `${tag}/${opts.runId}`,
      },
      beacons,
    };
  }

  return { session };
}

/**
 * A copy of `b` as if sent at `now`: sentAt and every event time move by the same amount, so
 * the gaps the generator drew stay and the collector sees a fresh beacon.
 * @param {Beacon} b
 * @param {number} now epoch ms
 * @returns {Beacon}
 */
export function shiftBeacon(b, now) {
  const d = now - b.sentAt;
  return Object.assign({}, b, { sentAt: now, events: b.events.map((e) => Object.assign({}, e, { at: Math.max(0, e.at + d) })) });
}

/**
 * Flattens sessions into `count` requests (body + headers), for tools that replay a fixed list
 * such as autocannon. Sessions are interleaved `concurrency` at a time, as many visitors are.
 * @param {ReturnType<typeof createBeaconGenerator>} gen
 * @param {number} count
 * @param {number} startAt epoch ms
 * @param {number} [concurrency]
 * @returns {{ body: string, headers: Record<string, string>, session: string, events: number }[]}
 */
export function generateRequests(gen, count, startAt, concurrency = 20) {
  /** @type {{ s: SessionTraffic, i: number }[]} */
  const active = [];
  /** @type {{ body: string, headers: Record<string, string>, session: string, events: number }[]} */
  const out = [];
  let k = 0;
  while (out.length < count) {
    while (active.length < concurrency) active.push({ s: gen.session(startAt), i: 0 });
    const slot = k++ % active.length;
    const cur = active[slot];
    if (!cur) continue;
    const b = cur.s.beacons[cur.i++];
    if (b) out.push({ body: JSON.stringify(b), headers: cur.s.headers, session: cur.s.id, events: b.events.length });
    if (cur.i >= cur.s.beacons.length) active.splice(slot, 1);
  }
  return out;
}

// ---- pieces -----------------------------------------------------------------------------

/**
 * @param {string} session
 * @param {string | undefined} customer
 * @param {string} page
 * @param {number} sentAt
 * @param {ConnectionType | undefined} connection
 * @param {BeaconEvent[]} events
 * @returns {Beacon}
 */
function beacon(session, customer, page, sentAt, connection, events) {
  /** @type {Beacon} */
  const b = { v: 1, session, page, sentAt: Math.round(sentAt), events };
  if (customer) b.customer = customer;
  if (connection) b.connection = connection;
  return b;
}

/** @param {BeaconEvent[]} events */
function sortByTime(events) {
  return events.sort((a, b) => a.at - b.at);
}
