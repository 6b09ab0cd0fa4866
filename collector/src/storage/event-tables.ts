/**
 * The raw event tables and the column order of their rows as the ingest pipeline builds them
 * (`ingest/spool-record.ts`). Keep each list in step with its row builder and with migration 001.
 */
export const EVENT_TABLES = {
  b: { table: 'beacons', columns: ['project', 'received_at', 'sent_at', 'clock_skew_ms', 'session', 'customer', 'page_url', 'host', 'path', 'device', 'browser', 'browser_version', 'os', 'country', 'connection', 'event_counts'] },
  v: { table: 'vitals', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'device', 'browser', 'os', 'country', 'connection', 'name', 'value', 'rating', 'navigation_type', 'target', 'attribution_url', 'phases'] },
  n: { table: 'navigations', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'device', 'browser', 'os', 'country', 'connection', 'dns', 'tcp', 'tls', 'ttfb', 'download', 'dom_interactive', 'dom_complete', 'load', 'transfer_size'] },
  r: { table: 'resources', columns: ['project', 'event_time', 'received_at', 'session', 'path', 'device', 'country', 'resource_host', 'count', 'bytes', 'p95'] },
  e: { table: 'errors', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'device', 'browser', 'os', 'country', 'kind', 'message', 'stack', 'source', 'line', 'col'] },
  h: { table: 'requests', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'device', 'browser', 'country', 'method', 'url', 'request_host', 'status', 'duration'] },
  c: { table: 'checkouts', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'device', 'country', 'checkout_id', 'step', 'step_name', 'reason', 'value', 'currency', 'order_id'] },
  u: { table: 'custom_events', columns: ['project', 'event_time', 'received_at', 'session', 'customer', 'path', 'name', 'props'] },
} as const;

export type TableCode = keyof typeof EVENT_TABLES;
