-- Rollups shaped like the dashboards' questions (issue 5: typical queries under 100 ms on 10 M
-- events), replacing migration 001's. Its per-minute rollups were keyed by every dimension at
-- once, so at real traffic nearly every event made its own row (1.9 M rollup rows for 2 M LCP
-- events): a query merged as many states as it would have read raw rows.
--
-- timings          percentile states of every vital and navigation phase, in two grains:
--   dim = ''         all traffic, per minute (t is the minute): time series at any bucket.
--   dim = <name>     one value of one dimension, per hour (t is the hour): breakdowns, filters,
--                    long ranges. Vitals by path, device, browser, country and connection;
--                    navigation phases by device only (their other breakdowns read the raw
--                    navigations table: one narrow row per page load). Every event has exactly
--                    one device value, so an hour's device rows together are that hour's total.
-- page_loads_1h    one row per page load and hour: the largest LCP, INP and CLS reported for a
--                  (session, path), for the Core Web Vitals pass rate.
-- checkouts_1h     one row per checkout and hour, for the funnel.
-- 001's events_1m (events per type and minute) is dropped, not replaced: page loads per minute
-- are the navigations' `load` rows in `timings`, and errors and failed requests are few enough
-- to count from their raw tables.
--
-- Insert cost is paid on the ingest path, and on chDB each view costs per insert for its own
-- pipeline and part besides the rows it aggregates. So: one view per source table and rollup,
-- four in all as 001 had three, each grouping its block into few rows (GROUPING SETS aggregate a
-- block once per grain without copying rows). Measured with the insert benchmark (3,000 beacons
-- per insert) these four cost what 001's three did; 001's wrote a t-digest state per event.
--
-- Page loads and checkouts take several beacons, so several inserts, and rows of one key are
-- combined by merges: queries read them with FINAL, which merges only parts whose key ranges
-- overlap, in practice the current hour's. A row of reports that arrived in the first half hour
-- without the row's anchor (a page's LCP, a checkout's start) is also written under the previous
-- hour, where it joins a page load or checkout begun there; a copy that finds no anchor, like any
-- row without one, is never counted.
--
-- No backfill: the new rollups fill from the first insert after this migration (the raw tables
-- keep 90 days for ad-hoc SQL). Backfilling from the raw tables at start would hold the
-- collector for minutes at 10 M events a day, and cannot run ON CLUSTER.

DROP VIEW IF EXISTS ${db}.timings_1m_from_vitals;
DROP VIEW IF EXISTS ${db}.timings_1m_from_navigations;
DROP VIEW IF EXISTS ${db}.events_1m_from_beacons;
DROP TABLE IF EXISTS ${db}.timings_1m;
DROP TABLE IF EXISTS ${db}.events_1m;

CREATE TABLE IF NOT EXISTS ${db}.timings (
  project LowCardinality(String),
  metric LowCardinality(String),
  dim LowCardinality(String),
  dim_value String,
  t DateTime('UTC'),
  count SimpleAggregateFunction(sum, UInt64),
  good SimpleAggregateFunction(sum, UInt64),
  poor SimpleAggregateFunction(sum, UInt64),
  quantiles AggregateFunction(quantilesTDigest(0.5, 0.75, 0.95, 0.99), Float64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(t)
ORDER BY (project, metric, dim, dim_value, t)
TTL t + INTERVAL 400 DAY
-- A row carries a ~2-4 KB digest and a granule is read whole: 256 rows a granule, not 8192, cut
-- the bytes a query deserializes around the rows it wants (an hour's device rows: 44 -> 11 ms).
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.timings_from_vitals TO ${db}.timings AS
SELECT project, name AS metric,
  multiIf(grouping(path) = 0, 'path', grouping(device) = 0, 'device', grouping(browser) = 0, 'browser',
    grouping(country) = 0, 'country', grouping(connection) = 0, 'connection', '') AS dim,
  multiIf(dim = 'path', path, dim = 'device', toString(device), dim = 'browser', toString(browser),
    dim = 'country', toString(country), dim = 'connection', toString(connection), '') AS dim_value,
  if(dim = '', toStartOfMinute(received_at), toStartOfHour(received_at)) AS t,
  count() AS count, countIf(rating = 'good') AS good, countIf(rating = 'poor') AS poor,
  quantilesTDigestState(0.5, 0.75, 0.95, 0.99)(value) AS quantiles
FROM ${db}.vitals
GROUP BY GROUPING SETS (
  (project, metric, toStartOfMinute(received_at)),
  (project, metric, toStartOfHour(received_at), path),
  (project, metric, toStartOfHour(received_at), device),
  (project, metric, toStartOfHour(received_at), browser),
  (project, metric, toStartOfHour(received_at), country),
  (project, metric, toStartOfHour(received_at), connection));

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.timings_from_navigations TO ${db}.timings AS
SELECT project, phase.1 AS metric, if(grouping(device) = 0, 'device', '') AS dim, if(dim = 'device', toString(device), '') AS dim_value,
  if(dim = '', toStartOfMinute(received_at), toStartOfHour(received_at)) AS t,
  count() AS count, toUInt64(0) AS good, toUInt64(0) AS poor,
  quantilesTDigestState(0.5, 0.75, 0.95, 0.99)(toFloat64(phase.2)) AS quantiles
FROM ${db}.navigations
ARRAY JOIN [('dns', dns), ('tcp', tcp), ('tls', tls), ('ttfb', ttfb), ('download', download),
  ('domInteractive', dom_interactive), ('domComplete', dom_complete), ('load', load)] AS phase
GROUP BY GROUPING SETS (
  (project, metric, toStartOfMinute(received_at)),
  (project, metric, toStartOfHour(received_at), device));

-- A page load is a (session, path) within an hour: `load` hashes the two (a collision merges two
-- loads in ~1e-10 of cases). `minute` is the first report's minute: a load belongs to the window
-- its first report falls in.
CREATE TABLE IF NOT EXISTS ${db}.page_loads_1h (
  project LowCardinality(String),
  hour DateTime('UTC'),
  load UInt64,
  minute SimpleAggregateFunction(min, DateTime('UTC')),
  path SimpleAggregateFunction(any, String),
  device SimpleAggregateFunction(any, LowCardinality(String)),
  browser SimpleAggregateFunction(any, LowCardinality(String)),
  country SimpleAggregateFunction(any, LowCardinality(String)),
  connection SimpleAggregateFunction(any, LowCardinality(String)),
  has_lcp SimpleAggregateFunction(max, UInt8),
  has_inp SimpleAggregateFunction(max, UInt8),
  lcp SimpleAggregateFunction(max, Float32),
  inp SimpleAggregateFunction(max, Float32),
  cls SimpleAggregateFunction(max, Float32)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(hour)
ORDER BY (project, hour, load)
TTL hour + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.page_loads_1h_from_vitals TO ${db}.page_loads_1h AS
SELECT project, arrayJoin(if(has_lcp OR toStartOfHour(first_minute - INTERVAL 30 MINUTE) = own_hour, [own_hour], [own_hour, toStartOfHour(first_minute - INTERVAL 30 MINUTE)])) AS hour,
  load, first_minute AS minute, any_path AS path, any_device AS device, any_browser AS browser, any_country AS country,
  any_connection AS connection, has_lcp, has_inp, lcp, inp, cls
FROM (
  SELECT project, toStartOfHour(received_at) AS own_hour, cityHash64(session, path) AS load,
    min(toStartOfMinute(received_at)) AS first_minute, any(path) AS any_path, any(device) AS any_device,
    any(browser) AS any_browser, any(country) AS any_country, any(connection) AS any_connection,
    max(name = 'LCP') AS has_lcp, max(name = 'INP') AS has_inp,
    toFloat32(maxIf(value, name = 'LCP')) AS lcp, toFloat32(maxIf(value, name = 'INP')) AS inp, toFloat32(maxIf(value, name = 'CLS')) AS cls
  FROM ${db}.vitals
  WHERE name IN ('LCP', 'INP', 'CLS')
  GROUP BY project, own_hour, load
);

-- One row per checkout and hour, for the funnel: when it was first received, its first and last
-- event (the agent's clock, as the stuck rule uses), value, outcome and the first time of each
-- named step. Like page loads, a row without `start` received in the first half hour is also
-- written under the previous hour to join a checkout started there; a checkout counts in the
-- window it was first received in. Who and why (customer, reason) stay in the raw table, read for
-- the few checkouts a list shows.
CREATE TABLE IF NOT EXISTS ${db}.checkouts_1h (
  project LowCardinality(String),
  hour DateTime('UTC'),
  checkout_id String,
  received_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
  first_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
  last_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
  value SimpleAggregateFunction(max, Float64),
  currency SimpleAggregateFunction(max, LowCardinality(String)),
  started SimpleAggregateFunction(max, UInt8),
  completed SimpleAggregateFunction(max, UInt8),
  errored SimpleAggregateFunction(max, UInt8),
  steps SimpleAggregateFunction(minMap, Tuple(Array(String), Array(Int64)))
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(hour)
ORDER BY (project, hour, checkout_id)
TTL hour + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.checkouts_1h_from_checkouts TO ${db}.checkouts_1h AS
SELECT project, arrayJoin(if(started OR toStartOfHour(first_received - INTERVAL 30 MINUTE) = own_hour, [own_hour], [own_hour, toStartOfHour(first_received - INTERVAL 30 MINUTE)])) AS hour,
  checkout_id, first_received AS received_at, first_at, last_at, value, currency, started, completed, errored, steps
FROM (
  SELECT project, toStartOfHour(received_at) AS own_hour, checkout_id, min(received_at) AS first_received,
    min(event_time) AS first_at, max(event_time) AS last_at,
    max(value) AS value, max(currency) AS currency, max(step = 'start') AS started, max(step = 'complete') AS completed,
    max(step = 'error') AS errored,
    minMapIf([toString(step_name)], [toUnixTimestamp64Milli(event_time)], step = 'step' AND step_name != '') AS steps
  FROM ${db}.checkouts
  GROUP BY project, own_hour, checkout_id
);
