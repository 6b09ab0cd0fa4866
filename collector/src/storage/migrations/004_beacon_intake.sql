-- One row per beacon in, one row per event out.
-- The collector inserts each beacon as a single row of `beacon_intake`: the beacon's dimensions
-- once, its events as one array of tuples per family. The table stores nothing (Null engine);
-- the materialized views below spread every row into `beacons` and the per-family raw tables
-- of migration 001, inside the engine. Measured on chDB: the engine's cost grows with the bytes
-- it parses, and the old way (one row per event, dimensions repeated on each) parsed about
-- twice the bytes per beacon. The family tables, their rollups and every query are unchanged.
--
-- Tuple positions are the column order below; each view names them. The columns and their
-- order are INTAKE_COLUMNS of storage/beacon-intake.ts (beacon-intake.test.ts checks this table
-- against it); the row builder, ingest/spool-record.ts, lays rows out by the same list.
-- Deduplication: the insert's token reaches every view's target table
-- (deduplicate_blocks_in_dependent_materialized_views), and those tables keep a dedup window.

CREATE TABLE IF NOT EXISTS ${db}.beacon_intake (
  project LowCardinality(String),
  received_at DateTime64(3, 'UTC'),
  sent_at DateTime64(3, 'UTC'),
  clock_skew_ms Int64,
  session String,
  customer String,
  page_url String,
  host LowCardinality(String),
  path String,
  device LowCardinality(String),
  browser LowCardinality(String),
  browser_version LowCardinality(String),
  os LowCardinality(String),
  country LowCardinality(String),
  connection LowCardinality(String),
  event_counts Map(LowCardinality(String), UInt16),
  -- (event_time, name, value, rating, navigation_type, target, attribution_url, phases)
  vitals Array(Tuple(DateTime64(3, 'UTC'), String, Float64, String, String, String, String, Map(String, Float64))),
  -- (event_time, dns, tcp, tls, ttfb, download, dom_interactive, dom_complete, load, transfer_size)
  navigations Array(Tuple(DateTime64(3, 'UTC'), Float32, Float32, Float32, Float32, Float32, Float32, Float32, Float32, UInt64)),
  -- (event_time, resource_host, count, bytes, p95)
  resources Array(Tuple(DateTime64(3, 'UTC'), String, UInt32, UInt64, Float32)),
  -- (event_time, kind, message, stack, source, line, col)
  errors Array(Tuple(DateTime64(3, 'UTC'), String, String, String, String, UInt32, UInt32)),
  -- (event_time, method, url, request_host, status, duration)
  requests Array(Tuple(DateTime64(3, 'UTC'), String, String, String, UInt16, Float32)),
  -- (event_time, checkout_id, step, step_name, reason, value, currency, order_id)
  checkouts Array(Tuple(DateTime64(3, 'UTC'), String, String, String, String, Float64, String, String)),
  -- (event_time, name, props)
  custom_events Array(Tuple(DateTime64(3, 'UTC'), String, Map(String, String)))
) ENGINE = Null;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.beacons_from_intake TO ${db}.beacons AS
SELECT project, received_at, sent_at, clock_skew_ms, session, customer, page_url, host, path, device, browser,
  browser_version, os, country, connection, event_counts
FROM ${db}.beacon_intake;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.vitals_from_intake TO ${db}.vitals AS
SELECT project, e.1 AS event_time, received_at, session, customer, path, device, browser, os, country, connection,
  e.2 AS name, e.3 AS value, e.4 AS rating, e.5 AS navigation_type, e.6 AS target, e.7 AS attribution_url,
  CAST(e.8, 'Map(LowCardinality(String), Float64)') AS phases
FROM ${db}.beacon_intake ARRAY JOIN vitals AS e;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.navigations_from_intake TO ${db}.navigations AS
SELECT project, e.1 AS event_time, received_at, session, customer, path, device, browser, os, country, connection,
  e.2 AS dns, e.3 AS tcp, e.4 AS tls, e.5 AS ttfb, e.6 AS download, e.7 AS dom_interactive, e.8 AS dom_complete,
  e.9 AS load, e.10 AS transfer_size
FROM ${db}.beacon_intake ARRAY JOIN navigations AS e;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.resources_from_intake TO ${db}.resources AS
SELECT project, e.1 AS event_time, received_at, session, path, device, country,
  e.2 AS resource_host, e.3 AS count, e.4 AS bytes, e.5 AS p95
FROM ${db}.beacon_intake ARRAY JOIN resources AS e;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.errors_from_intake TO ${db}.errors AS
SELECT project, e.1 AS event_time, received_at, session, customer, path, device, browser, os, country,
  e.2 AS kind, e.3 AS message, e.4 AS stack, e.5 AS source, e.6 AS line, e.7 AS col
FROM ${db}.beacon_intake ARRAY JOIN errors AS e;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.requests_from_intake TO ${db}.requests AS
SELECT project, e.1 AS event_time, received_at, session, customer, path, device, browser, country,
  e.2 AS method, e.3 AS url, e.4 AS request_host, e.5 AS status, e.6 AS duration
FROM ${db}.beacon_intake ARRAY JOIN requests AS e;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.checkouts_from_intake TO ${db}.checkouts AS
SELECT project, e.1 AS event_time, received_at, session, customer, path, device, country,
  e.2 AS checkout_id, e.3 AS step, e.4 AS step_name, e.5 AS reason, e.6 AS value, e.7 AS currency, e.8 AS order_id
FROM ${db}.beacon_intake ARRAY JOIN checkouts AS e;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.custom_events_from_intake TO ${db}.custom_events AS
SELECT project, e.1 AS event_time, received_at, session, customer, path, e.2 AS name, e.3 AS props
FROM ${db}.beacon_intake ARRAY JOIN custom_events AS e;
