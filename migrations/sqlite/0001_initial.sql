-- Ad sets and their weekly records.
--
-- An ad set belongs to one account and one campaign for life. Weeks are
-- stored by their Monday as YYYY-MM-DD text, which sorts chronologically.

CREATE TABLE ad_sets (
  ad_set_id   TEXT NOT NULL PRIMARY KEY,
  account_id  TEXT NOT NULL,
  campaign_id TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX ad_sets_by_account ON ad_sets (account_id, ad_set_id);

CREATE TABLE ad_set_weeks (
  ad_set_id                   TEXT    NOT NULL REFERENCES ad_sets (ad_set_id),
  week_start                  TEXT    NOT NULL CHECK (week_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  optimization_event          TEXT    NOT NULL,
  -- NULL: spend unknown for that week.
  spend_micros                INTEGER CHECK (spend_micros >= 0),
  -- A JSON object from canonical or custom event name to count, keys sorted,
  -- so that equal records are equal text.
  event_counts                TEXT    NOT NULL CHECK (json_valid(event_counts)),
  -- NULL, 'LEARNING', 'SUCCESS' or 'FAIL'.
  reported_learning_status    TEXT    CHECK (reported_learning_status IN ('LEARNING', 'SUCCESS', 'FAIL')),
  learning_threshold_override INTEGER CHECK (learning_threshold_override > 0),
  -- NULL: the ladder of the previous week applies.
  ladder                      TEXT,
  significant_edit            INTEGER NOT NULL DEFAULT 0 CHECK (significant_edit IN (0, 1)),
  PRIMARY KEY (ad_set_id, week_start)
) STRICT, WITHOUT ROWID;

-- Idempotency keys of IngestWeeks, with the answer they got.
CREATE TABLE ingest_requests (
  request_id TEXT    NOT NULL PRIMARY KEY,
  inserted   INTEGER NOT NULL,
  updated    INTEGER NOT NULL,
  unchanged  INTEGER NOT NULL,
  -- A JSON array of strings.
  warnings   TEXT    NOT NULL CHECK (json_valid(warnings)),
  created_at TEXT    NOT NULL
) STRICT, WITHOUT ROWID;
