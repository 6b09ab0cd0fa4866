-- Micro-survey answers (issue 14: the beacon's `feedback` events), one row per answer, with the
-- dimensions of the beacon that carried it, so the feedback report groups by page, step and
-- device and joins the session's vitals without reading `beacons`. Strings are scrubbed before
-- the spool (ingest/spool-record.ts: the comment as text, the ids and the step as labels).
--
-- survey, trigger   closed codes (protocol/src/prompts.ts SURVEY_KINDS, SURVEY_TRIGGERS).
-- score             within the survey's scale (the collector refuses an answer outside it).
-- comment           '' without one.
-- checkout_id, step, incident   '' when the answer followed none (the step: the checkout's
--                   last when the survey was shown).
--
-- The answers travel like every event family: the beacon's intake row gets one more array
-- (last, as migration 007's columns: a row spooled before the upgrade has no value for it and
-- takes the default, no answers), and a view spreads it into the table. Nudge events are not
-- stored here or anywhere in ClickHouse: they are signals to the worker, which logs what it
-- did with them in the outreach log (channel `nudge`).
--
-- The table comes before the view that fills it, the intake column before the view that reads
-- it; every statement is safe to repeat. The `customer` and `session` columns put the rows
-- under customer erasure (storage/customer-erasure.ts finds tables by their columns).

CREATE TABLE IF NOT EXISTS ${db}.feedback (
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
  prompt String,
  survey LowCardinality(String),
  trigger LowCardinality(String),
  score UInt8,
  comment String,
  checkout_id String,
  step String,
  incident String,
  test_traffic LowCardinality(String)
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (project, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

-- (event_time, prompt, survey, trigger, score, comment, checkout_id, step, incident)
ALTER TABLE ${db}.beacon_intake ADD COLUMN IF NOT EXISTS feedback Array(Tuple(DateTime64(3, 'UTC'), String, String, String, UInt8, String, String, String, String));

CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.feedback_from_intake TO ${db}.feedback AS
SELECT project, e.1 AS event_time, received_at, session, customer, path, device, browser, os, country,
  e.2 AS prompt, e.3 AS survey, e.4 AS trigger, e.5 AS score, e.6 AS comment, e.7 AS checkout_id, e.8 AS step, e.9 AS incident,
  test_traffic
FROM ${db}.beacon_intake ARRAY JOIN feedback AS e;
