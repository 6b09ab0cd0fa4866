-- Raw event tables, one per event family, and the per-minute rollups the dashboards read.
-- ${db} is replaced by the configured database (an identifier from config, never from input).
-- Every raw table keeps a dedup window so a spool segment written twice is stored once, and
-- rollup targets keep one too so their materialized views never count a retried block twice.
-- Common dimensions are denormalised onto each event row: LowCardinality makes them cheap, and
-- dashboards then filter any family without a join.

CREATE TABLE IF NOT EXISTS ${db}.beacons (
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
  event_counts Map(LowCardinality(String), UInt16)
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (project, received_at, session)
TTL toDateTime(received_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS ${db}.vitals (
  project LowCardinality(String),
  event_time DateTime64(3, 'UTC'),
  received_at DateTime64(3, 'UTC'),
  session String,
  customer String,
  path String,
  device LowCardinality(String),
  browser LowCardinality(String),
  os LowCardinality(String),
  country LowCardinality(String),
  connection LowCardinality(String),
  name LowCardinality(String),
  value Float64,
  rating LowCardinality(String),
  navigation_type LowCardinality(String),
  target String,
  attribution_url String,
  phases Map(LowCardinality(String), Float64)
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (project, name, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS ${db}.navigations (
  project LowCardinality(String),
  event_time DateTime64(3, 'UTC'),
  received_at DateTime64(3, 'UTC'),
  session String,
  customer String,
  path String,
  device LowCardinality(String),
  browser LowCardinality(String),
  os LowCardinality(String),
  country LowCardinality(String),
  connection LowCardinality(String),
  dns Float32,
  tcp Float32,
  tls Float32,
  ttfb Float32,
  download Float32,
  dom_interactive Float32,
  dom_complete Float32,
  load Float32,
  transfer_size UInt64
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (project, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS ${db}.resources (
  project LowCardinality(String),
  event_time DateTime64(3, 'UTC'),
  received_at DateTime64(3, 'UTC'),
  session String,
  path String,
  device LowCardinality(String),
  country LowCardinality(String),
  resource_host LowCardinality(String),
  count UInt32,
  bytes UInt64,
  p95 Float32
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (project, resource_host, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS ${db}.errors (
  project LowCardinality(String),
  event_time DateTime64(3, 'UTC'),
  received_at DateTime64(3, 'UTC'),
  session String,
  customer String,
  path String,
  device LowCardinality(String),
  browser LowCardinality(String),
  os LowCardinality(String),
  country LowCardinality(String),
  kind LowCardinality(String),
  message String,
  stack String,
  source String,
  line UInt32,
  col UInt32
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (project, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS ${db}.requests (
  project LowCardinality(String),
  event_time DateTime64(3, 'UTC'),
  received_at DateTime64(3, 'UTC'),
  session String,
  customer String,
  path String,
  device LowCardinality(String),
  browser LowCardinality(String),
  country LowCardinality(String),
  method LowCardinality(String),
  url String,
  request_host LowCardinality(String),
  status UInt16,
  duration Float32
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (project, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS ${db}.checkouts (
  project LowCardinality(String),
  event_time DateTime64(3, 'UTC'),
  received_at DateTime64(3, 'UTC'),
  session String,
  customer String,
  path String,
  device LowCardinality(String),
  country LowCardinality(String),
  checkout_id String,
  step LowCardinality(String),
  step_name LowCardinality(String),
  reason String,
  value Float64,
  currency LowCardinality(String),
  order_id String
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (project, received_at, checkout_id)
TTL toDateTime(received_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS ${db}.custom_events (
  project LowCardinality(String),
  event_time DateTime64(3, 'UTC'),
  received_at DateTime64(3, 'UTC'),
  session String,
  customer String,
  path String,
  name LowCardinality(String),
  props Map(String, String)
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (project, name, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

-- Percentile states of every vital and navigation phase, per minute and dimension.
CREATE TABLE IF NOT EXISTS ${db}.timings_1m (
  project LowCardinality(String),
  minute DateTime('UTC'),
  path String,
  metric LowCardinality(String),
  device LowCardinality(String),
  browser LowCardinality(String),
  country LowCardinality(String),
  connection LowCardinality(String),
  count SimpleAggregateFunction(sum, UInt64),
  good SimpleAggregateFunction(sum, UInt64),
  poor SimpleAggregateFunction(sum, UInt64),
  quantiles AggregateFunction(quantilesTDigest(0.5, 0.75, 0.95, 0.99), Float64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (project, metric, minute, path, device, browser, country, connection)
TTL minute + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.timings_1m_from_vitals TO ${db}.timings_1m AS
SELECT project, toStartOfMinute(received_at) AS minute, path, name AS metric, device, browser, country, connection,
  count() AS count, countIf(rating = 'good') AS good, countIf(rating = 'poor') AS poor,
  quantilesTDigestState(0.5, 0.75, 0.95, 0.99)(value) AS quantiles
FROM ${db}.vitals
GROUP BY project, minute, path, metric, device, browser, country, connection;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.timings_1m_from_navigations TO ${db}.timings_1m AS
SELECT project, toStartOfMinute(received_at) AS minute, path, phase.1 AS metric, device, browser, country, connection,
  count() AS count, toUInt64(0) AS good, toUInt64(0) AS poor,
  quantilesTDigestState(0.5, 0.75, 0.95, 0.99)(toFloat64(phase.2)) AS quantiles
FROM ${db}.navigations
ARRAY JOIN [('dns', dns), ('tcp', tcp), ('tls', tls), ('ttfb', ttfb), ('download', download),
  ('domInteractive', dom_interactive), ('domComplete', dom_complete), ('load', load)] AS phase
GROUP BY project, minute, path, metric, device, browser, country, connection;

-- Event counts per minute, per type and dimension: rates, error shares, funnel volumes.
CREATE TABLE IF NOT EXISTS ${db}.events_1m (
  project LowCardinality(String),
  minute DateTime('UTC'),
  type LowCardinality(String),
  path String,
  device LowCardinality(String),
  browser LowCardinality(String),
  country LowCardinality(String),
  count UInt64
) ENGINE = SummingMergeTree(count)
PARTITION BY toYYYYMM(minute)
ORDER BY (project, type, minute, path, device, browser, country)
TTL minute + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.events_1m_from_beacons TO ${db}.events_1m AS
SELECT project, toStartOfMinute(received_at) AS minute, kv.1 AS type, path, device, browser, country, sum(kv.2) AS count
FROM ${db}.beacons
ARRAY JOIN arrayPushFront(CAST(event_counts, 'Array(Tuple(String, UInt16))'), ('beacon', toUInt16(1))) AS kv
GROUP BY project, minute, type, path, device, browser, country;
