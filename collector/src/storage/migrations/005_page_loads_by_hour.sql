-- Page loads partitioned by hour, so the pass rate reads closed hours without merging.
-- `page_loads_1h` (migration 003) was partitioned by day and read with FINAL. In a partition
-- that still takes inserts (today's, all day long) FINAL merges every page load's rows as it
-- reads, which doubled the cost of a 24 h pass rate (measured on 10 M vitals: 93-118 ms p50,
-- 150 ms by device, against ~55 and ~70 ms read without FINAL). Partitioned by hour, a
-- partition stops taking rows ~1.5 h after its hour began (reports up to 30 min into the next
-- hour still join it); an hour after its last insert it is merged into one part
-- (min_age_to_force_merge_*), and FINAL reads a single-part partition without merging. Only
-- the last two or three hours are merged while read. Correctness never depends on the merges:
-- FINAL still merges whatever is not merged yet.
--
-- ~2,200 partitions over the 90-day TTL, each one part once merged; whole expired parts are
-- dropped (ttl_only_drop_parts). Rows are copied from page_loads_1h: its columns keep the
-- largest/smallest/any value of a load, so a row copied twice (a migration re-run after a crash)
-- merges into the same load.

CREATE TABLE IF NOT EXISTS ${db}.page_loads (
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
PARTITION BY hour
ORDER BY (project, hour, load)
TTL hour + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000, min_age_to_force_merge_seconds = 3600,
  min_age_to_force_merge_on_partition_only = 1, ttl_only_drop_parts = 1;

-- The view of migration 003, unchanged but for its target.
CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.page_loads_from_vitals TO ${db}.page_loads AS
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

DROP VIEW IF EXISTS ${db}.page_loads_1h_from_vitals;

INSERT INTO ${db}.page_loads SELECT * FROM ${db}.page_loads_1h SETTINGS max_partitions_per_insert_block = 0;
