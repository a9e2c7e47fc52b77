-- What `rungctl apply` did on Meta, one row per action of a plan: each call
-- with Meta's answer, so that a run cut short resumes where it stopped and
-- never makes a second ad set, and so that people see what was done, when
-- and by whom. Equal in meaning to SQLite's 0008; spelled as 0001 spells
-- its tables (ids in the "C" collation, weeks as dates, instants as
-- timestamptz, JSON as canonical text, empty text as NULL where a column
-- says so).

CREATE TABLE actions (
  -- Assigned by rungd when the key is first recorded, and kept.
  action_id           text COLLATE "C" NOT NULL,
  -- The plan's key, "<original ad set>@<as-of week>@<ACTION>": one row per
  -- key, which a later record of the key replaces.
  key                 text COLLATE "C" NOT NULL PRIMARY KEY,
  -- Not references to ad_sets: an action stays what was done, whatever is
  -- stored about the ad set later. A key keeps its account and ad set.
  account_id          text COLLATE "C" NOT NULL,
  ad_set_id           text COLLATE "C" NOT NULL,
  -- NULL: no duplicate exists (yet).
  duplicate_ad_set_id text COLLATE "C",
  as_of_week          date        NOT NULL,
  action              text        NOT NULL CHECK (action IN ('INSUFFICIENT_DATA', 'REVIEW_SETUP',
                        'STABILIZE', 'HOLD', 'MOVE_DOWN', 'DUPLICATE_AND_CLIMB', 'CONTINUE_TEST',
                        'PROMOTE_DUPLICATE', 'KEEP_CURRENT', 'AT_TOP', 'CONSOLIDATE')),
  -- NULL unless the action moves to another event.
  target_event        text,
  state               text        NOT NULL CHECK (state IN ('IN_PROGRESS', 'DONE', 'FAILED', 'SKIPPED')),
  -- Why it was skipped or failed, in one line; NULL otherwise.
  outcome             text,
  -- An array of {"method", "path", "params": [[name, value], ...],
  -- "result_id", "error", "done_at"}, in the order the calls were made.
  steps               text        NOT NULL,
  -- The name of the token that recorded it last; NULL without tokens.
  recorded_by         text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);

-- Listing an account's actions, or one ad set's, in key order.
CREATE INDEX actions_by_account ON actions (account_id, key);
CREATE INDEX actions_by_ad_set ON actions (account_id, ad_set_id, key);
