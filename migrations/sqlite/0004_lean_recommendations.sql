-- An evaluation writes one recommendation per ad set, so the cost of a row
-- is the cost of an evaluation. json_valid() over the reasons and the
-- timestamp pattern took about as long as the rest of the insert (100,000
-- rows: 1.2 s with them, 0.3 s without; BENCHMARKS.md). rungd checks these
-- values before it writes them and reads them back strictly, reporting
-- anything else as DATA_LOSS, so the cheap checks stay and those go.
--
-- SQLite cannot drop a CHECK in place: the table is rebuilt, rows kept.

CREATE TABLE recommendations_lean (
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
) STRICT, WITHOUT ROWID;

INSERT INTO recommendations_lean SELECT * FROM recommendations;
DROP TABLE recommendations;
ALTER TABLE recommendations_lean RENAME TO recommendations;

CREATE INDEX recommendations_by_account ON recommendations (account_id, ad_set_id, as_of_week);
CREATE INDEX recommendations_by_week ON recommendations (as_of_week, ad_set_id);
