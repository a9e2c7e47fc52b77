-- A recommendation row is about 800 bytes, four times what SQLite advises
-- for a WITHOUT ROWID table: its B-tree holds whole rows in key order, so an
-- evaluation moved five-row leaves around for every insert. As a rowid table,
-- rows append and only the small key goes into the primary key's index;
-- storing 100,000 recommendations takes about a third less time
-- (BENCHMARKS.md). Lookups by key cost one more B-tree step.
--
-- SQLite cannot change a table's kind in place: the table is rebuilt, rows
-- kept, and its indexes made again.

CREATE TABLE recommendations_rowid (
  ad_set_id          TEXT    NOT NULL,
  as_of_week         TEXT    NOT NULL CHECK (length(as_of_week) = 10),
  account_id         TEXT    NOT NULL,
  ladder             TEXT    NOT NULL,
  action             TEXT    NOT NULL CHECK (action IN ('INSUFFICIENT_DATA', 'REVIEW_SETUP',
                       'STABILIZE', 'HOLD', 'MOVE_DOWN', 'DUPLICATE_AND_CLIMB', 'CONTINUE_TEST',
                       'PROMOTE_DUPLICATE', 'KEEP_CURRENT', 'AT_TOP', 'CONSOLIDATE')),
  flag_mask          INTEGER NOT NULL CHECK (flag_mask >= 0),
  -- A JSON array of flag names, in enum order.
  flags              TEXT    NOT NULL,
  current_event      TEXT,
  target_event       TEXT,
  learning_status    TEXT    CHECK (learning_status IN ('STUCK', 'NEAR_EXIT', 'EXITED', 'WELL_OPTIMIZED')),
  -- JSON objects from event name to count, keys sorted.
  latest_counts      TEXT    NOT NULL,
  sustained_counts   TEXT    NOT NULL,
  -- A JSON array of {"rule": ..., "message": ...}, in the order the rules ran.
  reasons            TEXT    NOT NULL,
  weeks_on_rung      INTEGER NOT NULL CHECK (weeks_on_rung >= 0),
  next_review_week   TEXT    CHECK (length(next_review_week) = 10),
  climb_test_id      TEXT,
  learning_threshold INTEGER NOT NULL CHECK (learning_threshold >= 0),
  policy_version     TEXT    NOT NULL,
  evaluation_id      TEXT    NOT NULL,
  -- UTC RFC 3339 with six fraction digits, as in 0002.
  evaluated_at       TEXT    NOT NULL CHECK (length(evaluated_at) = 27),
  PRIMARY KEY (ad_set_id, as_of_week)
) STRICT;

INSERT INTO recommendations_rowid SELECT * FROM recommendations ORDER BY ad_set_id, as_of_week;
DROP TABLE recommendations;
ALTER TABLE recommendations_rowid RENAME TO recommendations;

CREATE INDEX recommendations_by_account ON recommendations (account_id, ad_set_id, as_of_week);
CREATE INDEX recommendations_by_week ON recommendations (as_of_week, ad_set_id);
