-- What `rungctl apply` did on Meta, one row per action of a plan: each call
-- with Meta's answer, so that a run cut short resumes where it stopped and
-- never makes a second ad set, and so that people see what was done, when
-- and by whom.
--
-- As in 0002, weeks are their Monday as YYYY-MM-DD text, enum values are
-- their API names without the prefix, JSON is written in one canonical
-- spelling, empty text is stored as NULL where a column says so, and
-- instants are UTC RFC 3339 text with exactly six fraction digits.

CREATE TABLE actions (
  -- Assigned by rungd when the key is first recorded, and kept.
  action_id           TEXT NOT NULL,
  -- The plan's key, "<original ad set>@<as-of week>@<ACTION>": one row per
  -- key, which a later record of the key replaces.
  key                 TEXT NOT NULL PRIMARY KEY,
  -- Not references to ad_sets: an action stays what was done, whatever is
  -- stored about the ad set later. A key keeps its account and ad set.
  account_id          TEXT NOT NULL,
  ad_set_id           TEXT NOT NULL,
  -- NULL: no duplicate exists (yet).
  duplicate_ad_set_id TEXT,
  as_of_week          TEXT NOT NULL CHECK (as_of_week GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  action              TEXT NOT NULL CHECK (action IN ('INSUFFICIENT_DATA', 'REVIEW_SETUP',
                        'STABILIZE', 'HOLD', 'MOVE_DOWN', 'DUPLICATE_AND_CLIMB', 'CONTINUE_TEST',
                        'PROMOTE_DUPLICATE', 'KEEP_CURRENT', 'AT_TOP', 'CONSOLIDATE')),
  -- NULL unless the action moves to another event.
  target_event        TEXT,
  state               TEXT NOT NULL CHECK (state IN ('IN_PROGRESS', 'DONE', 'FAILED', 'SKIPPED')),
  -- Why it was skipped or failed, in one line; NULL otherwise.
  outcome             TEXT,
  -- A JSON array of {"method", "path", "params": [[name, value], ...],
  -- "result_id", "error", "done_at"}, in the order the calls were made.
  steps               TEXT NOT NULL CHECK (json_valid(steps) AND json_type(steps) = 'array'),
  -- The name of the token that recorded it last; NULL without tokens.
  recorded_by         TEXT,
  created_at          TEXT NOT NULL CHECK (created_at GLOB
                        '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
  updated_at          TEXT NOT NULL CHECK (updated_at GLOB
                        '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
) STRICT, WITHOUT ROWID;

-- Listing an account's actions, or one ad set's, in key order.
CREATE INDEX actions_by_account ON actions (account_id, key);
CREATE INDEX actions_by_ad_set ON actions (account_id, ad_set_id, key);
