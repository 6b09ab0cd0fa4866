/**
 * Turns one validated beacon into its spool record: one line per row, `<table code>\t<JSON
 * array in the table's column order>` (see storage/event-tables.ts), plus `s\t<Signal JSON>`
 * lines for the events the alerting rules act on. Rows are built once, here, so the batch
 * writer only regroups lines into JSONCompactEachRow bodies.
 */
import type { Beacon, BeaconEvent } from '@touchpoint/protocol';
import type { Signal } from '@touchpoint/protocol/signals';
import { scrub } from './scrub.ts';
import type { ClientInfo } from './user-agent.ts';

export interface BeaconContext {
  project: string;
  /** Page URLs matching this are checkout pages: their errors and failed requests are signals. */
  checkoutPage: RegExp;
  receivedAt: number;
  client: ClientInfo;
  country: string;
}

export function buildRecord(beacon: Beacon, events: BeaconEvent[], ctx: BeaconContext): { text: string; lines: number; signals: string[] } {
  const { project, receivedAt, client, country } = ctx;
  const skew = receivedAt - beacon.sentAt;
  const pageUrl = scrub(beacon.page);
  const { host, path } = splitUrl(pageUrl);
  const session = beacon.session;
  const customer = beacon.customer ? scrub(beacon.customer) : '';
  const connection = beacon.connection ?? '';
  const onCheckoutPage = ctx.checkoutPage.test(path);
  const counts: Record<string, number> = {};
  let out = '';
  let lines = 1;
  const signals: string[] = [];

  for (const e of events) {
    counts[e.type] = (counts[e.type] ?? 0) + 1;
    const t = e.at + skew;
    let line: string | undefined;
    let signal = false;
    switch (e.type) {
      case 'vital':
        line = 'v\t' + JSON.stringify([project, t, receivedAt, session, customer, path, client.device, client.browser, client.os, country, connection,
          e.name, e.value, e.rating ?? '', e.navigationType ?? '', e.attribution?.target ?? '', scrubOpt(e.attribution?.url), e.attribution?.phases ?? {}]);
        signal = e.name === 'LCP' && customer !== '';
        break;
      case 'nav':
        line = 'n\t' + JSON.stringify([project, t, receivedAt, session, customer, path, client.device, client.browser, client.os, country, connection,
          e.dns, e.tcp, e.tls, e.ttfb, e.download, e.domInteractive, e.domComplete, e.load, e.transferSize ?? 0]);
        break;
      case 'resource':
        line = 'r\t' + JSON.stringify([project, t, receivedAt, session, path, client.device, country, e.host, e.count, e.bytes, e.p95]);
        break;
      case 'error':
        e.message = scrub(e.message);
        if (e.stack !== undefined) e.stack = scrub(e.stack);
        if (e.source !== undefined) e.source = scrub(e.source);
        line = 'e\t' + JSON.stringify([project, t, receivedAt, session, customer, path, client.device, client.browser, client.os, country,
          e.kind, e.message, e.stack ?? '', e.source ?? '', e.line ?? 0, e.col ?? 0]);
        signal = onCheckoutPage;
        break;
      case 'http': {
        e.url = scrub(e.url);
        line = 'h\t' + JSON.stringify([project, t, receivedAt, session, customer, path, client.device, client.browser, country,
          e.method, e.url, splitUrl(e.url).host, e.status, e.duration]);
        signal = onCheckoutPage;
        break;
      }
      case 'checkout':
        if (e.reason !== undefined) e.reason = scrub(e.reason);
        line = 'c\t' + JSON.stringify([project, t, receivedAt, session, customer, path, client.device, country,
          e.id, e.step, e.name ?? '', e.reason ?? '', e.value ?? 0, e.currency ?? '', e.orderId ?? '']);
        signal = true;
        break;
      case 'identify':
        // Contact details and consent go to the outreach store (via the signal), never to ClickHouse.
        signal = true;
        break;
      case 'custom': {
        const props: Record<string, string> = {};
        if (e.props) for (const k in e.props) props[k] = typeof e.props[k] === 'string' ? scrub(e.props[k]) : String(e.props[k]);
        line = 'u\t' + JSON.stringify([project, t, receivedAt, session, customer, path, e.name, props]);
        break;
      }
    }
    if (line !== undefined) {
      out += line + '\n';
      lines++;
    }
    if (signal) {
      const s: Signal = { project, session, page: pageUrl, ackedAt: receivedAt, eventTime: t, event: e as Signal['event'] };
      if (customer) s.customer = customer;
      const json = JSON.stringify(s);
      out += 's\t' + json + '\n';
      signals.push(json);
      lines++;
    }
  }
  out += 'b\t' + JSON.stringify([project, receivedAt, beacon.sentAt, skew, session, customer, pageUrl, host, path, client.device,
    client.browser, client.browserVersion, client.os, country, connection, counts]) + '\n';
  return { text: out, lines, signals };
}

function scrubOpt(s: string | undefined): string {
  return s === undefined ? '' : scrub(s);
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
