-- Metrics and audit: how long each evaluation took, and when each ingest
-- batch was committed, so that "last ingest" survives a restart.

-- 0 for runs recorded before this migration, whose time was not kept.
ALTER TABLE evaluations ADD COLUMN duration_micros INTEGER NOT NULL DEFAULT 0
  CHECK (duration_micros >= 0);

CREATE INDEX evaluations_by_time ON evaluations (evaluated_at);

-- One row per committed ingest batch; a replayed request_id adds none.
-- Append-only: a row says what one batch did, at the time it did it.
CREATE TABLE ingest_log (
  ingest_id    INTEGER NOT NULL PRIMARY KEY,
  -- NULL: the batch had no idempotency key.
  request_id   TEXT,
  committed_at TEXT    NOT NULL CHECK (committed_at GLOB
                 '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
  records      INTEGER NOT NULL CHECK (records >= 0),
  inserted     INTEGER NOT NULL CHECK (inserted >= 0),
  updated      INTEGER NOT NULL CHECK (updated >= 0),
  unchanged    INTEGER NOT NULL CHECK (unchanged >= 0)
) STRICT;
