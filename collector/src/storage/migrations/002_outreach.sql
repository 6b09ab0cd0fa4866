-- Outreach log: one row per decision about a customer incident and channel (sent, holdout or
-- skipped with the reason). Pseudonymous customer ids only: contact details stay in Redis.
-- Rows are written one decision at a time with insert_deduplication_token = incident/channel/
-- status, so a retried write (worker crash, ClickHouse timeout) is stored once; the dedup window
-- makes that work on a plain MergeTree. Whether the customer came back is not stored: it is
-- read from `checkouts` at query time (step = 'complete' within 24 h after `at`).

CREATE TABLE IF NOT EXISTS ${db}.outreach_log (
  project LowCardinality(String),
  incident String,
  customer String,
  reason LowCardinality(String),
  channel LowCardinality(String),
  status LowCardinality(String),
  skip_reason LowCardinality(String),
  checkout_id String,
  at DateTime64(3, 'UTC'),
  time_to_outreach_ms Nullable(UInt32)
) ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (project, at, incident, channel)
TTL toDateTime(at) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 1000;
