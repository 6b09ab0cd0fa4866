-- The beacon's release, and the test-traffic mark stored with every row, so that the rollups, the
-- SRE threshold rules and the dashboards leave load tests and synthetic monitors out, and the
-- charts can mark releases.
--
-- release        beacons only: what the agent's init({ release }) sent (scrubbed like a label),
--                '' when it sent none. The release report reads it (first seen per release).
-- test_traffic   beacons and every event table: what marked the beacon as test traffic
--                (ingest/synthetic.ts: `k6/<run>`, `k6`, `bench`, `agent-test`, `project-test`…),
--                '' for real traffic. The rollups' views skip marked rows, so `timings`,
--                `page_loads` and `checkouts_1h` hold real traffic only; the raw-table reports
--                filter on it and let a caller opt in (`test=include`, `test=only`).
--
-- Rows stored before this migration get the defaults: no release, and real traffic ('').
-- Nothing marked them then, so a load test run before the upgrade stays counted as real, in
-- the raw tables and in the rollups alike. No backfill (the same reasons as migration 003's).
--
-- The two intake columns go last: rows of a spool segment written before the upgrade have the
-- old column count, and the insert (storage/beacon-intake.ts) takes a row with columns missing
-- at its end as those columns' defaults, so a segment replayed after the upgrade is stored too.
--
-- Views are changed in place (MODIFY QUERY on a view with TO: the target keeps its data and
-- inserts never see a moment without the view), so collectors still writing while another
-- node migrates lose nothing; an older collector's insert, naming only the old columns, is
-- stored as real traffic without a release. Every statement is safe to repeat: ADD COLUMN IF
-- NOT EXISTS, and MODIFY QUERY to the same query. Targets get their columns before the views
-- that fill them, and the intake before the views that read it.

ALTER TABLE ${db}.beacons ADD COLUMN IF NOT EXISTS release LowCardinality(String) DEFAULT '', ADD COLUMN IF NOT EXISTS test_traffic LowCardinality(String) DEFAULT '';
ALTER TABLE ${db}.vitals ADD COLUMN IF NOT EXISTS test_traffic LowCardinality(String) DEFAULT '';
ALTER TABLE ${db}.navigations ADD COLUMN IF NOT EXISTS test_traffic LowCardinality(String) DEFAULT '';
ALTER TABLE ${db}.resources ADD COLUMN IF NOT EXISTS test_traffic LowCardinality(String) DEFAULT '';
ALTER TABLE ${db}.errors ADD COLUMN IF NOT EXISTS test_traffic LowCardinality(String) DEFAULT '';
ALTER TABLE ${db}.requests ADD COLUMN IF NOT EXISTS test_traffic LowCardinality(String) DEFAULT '';
ALTER TABLE ${db}.checkouts ADD COLUMN IF NOT EXISTS test_traffic LowCardinality(String) DEFAULT '';
ALTER TABLE ${db}.custom_events ADD COLUMN IF NOT EXISTS test_traffic LowCardinality(String) DEFAULT '';

ALTER TABLE ${db}.beacon_intake ADD COLUMN IF NOT EXISTS release LowCardinality(String) DEFAULT '', ADD COLUMN IF NOT EXISTS test_traffic LowCardinality(String) DEFAULT '';

-- Migration 004's views, each carrying the new columns.
ALTER TABLE ${db}.beacons_from_intake MODIFY QUERY
SELECT project, received_at, sent_at, clock_skew_ms, session, customer, page_url, host, path, device, browser,
  browser_version, os, country, connection, event_counts, release, test_traffic
FROM ${db}.beacon_intake;

ALTER TABLE ${db}.vitals_from_intake MODIFY QUERY
SELECT project, e.1 AS event_time, received_at, session, customer, path, device, browser, os, country, connection,
  e.2 AS name, e.3 AS value, e.4 AS rating, e.5 AS navigation_type, e.6 AS target, e.7 AS attribution_url,
  CAST(e.8, 'Map(LowCardinality(String), Float64)') AS phases, test_traffic
FROM ${db}.beacon_intake ARRAY JOIN vitals AS e;

ALTER TABLE ${db}.navigations_from_intake MODIFY QUERY
SELECT project, e.1 AS event_time, received_at, session, customer, path, device, browser, os, country, connection,
  e.2 AS dns, e.3 AS tcp, e.4 AS tls, e.5 AS ttfb, e.6 AS download, e.7 AS dom_interactive, e.8 AS dom_complete,
  e.9 AS load, e.10 AS transfer_size, test_traffic
FROM ${db}.beacon_intake ARRAY JOIN navigations AS e;

ALTER TABLE ${db}.resources_from_intake MODIFY QUERY
SELECT project, e.1 AS event_time, received_at, session, path, device, country,
  e.2 AS resource_host, e.3 AS count, e.4 AS bytes, e.5 AS p95, test_traffic
FROM ${db}.beacon_intake ARRAY JOIN resources AS e;

ALTER TABLE ${db}.errors_from_intake MODIFY QUERY
SELECT project, e.1 AS event_time, received_at, session, customer, path, device, browser, os, country,
  e.2 AS kind, e.3 AS message, e.4 AS stack, e.5 AS source, e.6 AS line, e.7 AS col, test_traffic
FROM ${db}.beacon_intake ARRAY JOIN errors AS e;

ALTER TABLE ${db}.requests_from_intake MODIFY QUERY
SELECT project, e.1 AS event_time, received_at, session, customer, path, device, browser, country,
  e.2 AS method, e.3 AS url, e.4 AS request_host, e.5 AS status, e.6 AS duration, test_traffic
FROM ${db}.beacon_intake ARRAY JOIN requests AS e;

ALTER TABLE ${db}.checkouts_from_intake MODIFY QUERY
SELECT project, e.1 AS event_time, received_at, session, customer, path, device, country,
  e.2 AS checkout_id, e.3 AS step, e.4 AS step_name, e.5 AS reason, e.6 AS value, e.7 AS currency, e.8 AS order_id, test_traffic
FROM ${db}.beacon_intake ARRAY JOIN checkouts AS e;

ALTER TABLE ${db}.custom_events_from_intake MODIFY QUERY
SELECT project, e.1 AS event_time, received_at, session, customer, path, e.2 AS name, e.3 AS props, test_traffic
FROM ${db}.beacon_intake ARRAY JOIN custom_events AS e;

-- The rollups' views of migrations 003 and 005, unchanged but for leaving test traffic out.
ALTER TABLE ${db}.timings_from_vitals MODIFY QUERY
SELECT project, name AS metric,
  multiIf(grouping(path) = 0, 'path', grouping(device) = 0, 'device', grouping(browser) = 0, 'browser',
    grouping(country) = 0, 'country', grouping(connection) = 0, 'connection', '') AS dim,
  multiIf(dim = 'path', path, dim = 'device', toString(device), dim = 'browser', toString(browser),
    dim = 'country', toString(country), dim = 'connection', toString(connection), '') AS dim_value,
  if(dim = '', toStartOfMinute(received_at), toStartOfHour(received_at)) AS t,
  count() AS count, countIf(rating = 'good') AS good, countIf(rating = 'poor') AS poor,
  quantilesTDigestState(0.5, 0.75, 0.95, 0.99)(value) AS quantiles
FROM ${db}.vitals
WHERE test_traffic = ''
GROUP BY GROUPING SETS (
  (project, metric, toStartOfMinute(received_at)),
  (project, metric, toStartOfHour(received_at), path),
  (project, metric, toStartOfHour(received_at), device),
  (project, metric, toStartOfHour(received_at), browser),
  (project, metric, toStartOfHour(received_at), country),
  (project, metric, toStartOfHour(received_at), connection));

ALTER TABLE ${db}.timings_from_navigations MODIFY QUERY
SELECT project, phase.1 AS metric, if(grouping(device) = 0, 'device', '') AS dim, if(dim = 'device', toString(device), '') AS dim_value,
  if(dim = '', toStartOfMinute(received_at), toStartOfHour(received_at)) AS t,
  count() AS count, toUInt64(0) AS good, toUInt64(0) AS poor,
  quantilesTDigestState(0.5, 0.75, 0.95, 0.99)(toFloat64(phase.2)) AS quantiles
FROM ${db}.navigations
ARRAY JOIN [('dns', dns), ('tcp', tcp), ('tls', tls), ('ttfb', ttfb), ('download', download),
  ('domInteractive', dom_interactive), ('domComplete', dom_complete), ('load', load)] AS phase
WHERE test_traffic = ''
GROUP BY GROUPING SETS (
  (project, metric, toStartOfMinute(received_at)),
  (project, metric, toStartOfHour(received_at), device));

ALTER TABLE ${db}.page_loads_from_vitals MODIFY QUERY
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
  WHERE name IN ('LCP', 'INP', 'CLS') AND test_traffic = ''
  GROUP BY project, own_hour, load
);

ALTER TABLE ${db}.checkouts_1h_from_checkouts MODIFY QUERY
SELECT project, arrayJoin(if(started OR toStartOfHour(first_received - INTERVAL 30 MINUTE) = own_hour, [own_hour], [own_hour, toStartOfHour(first_received - INTERVAL 30 MINUTE)])) AS hour,
  checkout_id, first_received AS received_at, first_at, last_at, value, currency, started, completed, errored, steps
FROM (
  SELECT project, toStartOfHour(received_at) AS own_hour, checkout_id, min(received_at) AS first_received,
    min(event_time) AS first_at, max(event_time) AS last_at,
    max(value) AS value, max(currency) AS currency, max(step = 'start') AS started, max(step = 'complete') AS completed,
    max(step = 'error') AS errored,
    minMapIf([toString(step_name)], [toUnixTimestamp64Milli(event_time)], step = 'step' AND step_name != '') AS steps
  FROM ${db}.checkouts
  WHERE test_traffic = ''
  GROUP BY project, own_hour, checkout_id
);
