-- The rules engine: recommendations, the log of evaluation runs, and climb
-- tests.
--
-- As in 0001, weeks are their Monday as YYYY-MM-DD text, enum values are
-- their API names without the prefix, JSON is written in one canonical
-- spelling, and empty text is stored as NULL where a column says so, so that
-- the database reads without this program. Instants are UTC RFC 3339 text
-- with exactly six fraction digits (microseconds), which sorts in time order.

-- One recommendation per ad set and as-of week. Evaluating a week again
-- replaces its row, so the table answers "what do we advise now" without
-- picking among runs; the run that wrote it is named by evaluation_id.
CREATE TABLE recommendations (
  ad_set_id          TEXT    NOT NULL,
  as_of_week         TEXT    NOT NULL CHECK (as_of_week GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  -- Not a reference to ad_sets: a recommendation is an answer about what
  -- was stored then, and must not stop anything from changing later.
  account_id         TEXT    NOT NULL,
  ladder             TEXT    NOT NULL,
  action             TEXT    NOT NULL CHECK (action IN ('INSUFFICIENT_DATA', 'REVIEW_SETUP',
                       'STABILIZE', 'HOLD', 'MOVE_DOWN', 'DUPLICATE_AND_CLIMB', 'CONTINUE_TEST',
                       'PROMOTE_DUPLICATE', 'KEEP_CURRENT', 'AT_TOP', 'CONSOLIDATE')),
  -- Bit i set for the flag whose enum value is i, so that "any of these
  -- flags" is one AND in SQL; `flags` says the same in words, in enum order.
  flag_mask          INTEGER NOT NULL CHECK (flag_mask >= 0),
  flags              TEXT    NOT NULL CHECK (json_valid(flags)),
  -- NULL: the as-of week has no record.
  current_event      TEXT,
  -- NULL unless the action moves to another event.
  target_event       TEXT,
  -- NULL: the as-of week has no record.
  learning_status    TEXT    CHECK (learning_status IN ('STUCK', 'NEAR_EXIT', 'EXITED', 'WELL_OPTIMIZED')),
  -- JSON objects from event name to count, keys sorted.
  latest_counts      TEXT    NOT NULL CHECK (json_valid(latest_counts)),
  sustained_counts   TEXT    NOT NULL CHECK (json_valid(sustained_counts)),
  -- A JSON array of {"rule": ..., "message": ...}, in the order the rules ran.
  reasons            TEXT    NOT NULL CHECK (json_valid(reasons)),
  weeks_on_rung      INTEGER NOT NULL CHECK (weeks_on_rung >= 0),
  next_review_week   TEXT    CHECK (next_review_week GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  -- NULL: no climb test governed the ad set.
  climb_test_id      TEXT,
  learning_threshold INTEGER NOT NULL CHECK (learning_threshold >= 0),
  policy_version     TEXT    NOT NULL,
  evaluation_id      TEXT    NOT NULL,
  evaluated_at       TEXT    NOT NULL CHECK (evaluated_at GLOB
                       '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
  PRIMARY KEY (ad_set_id, as_of_week)
) STRICT, WITHOUT ROWID;

-- Listing an account's recommendations in ad set order, and finding each
-- one's latest week, without visiting other accounts.
CREATE INDEX recommendations_by_account ON recommendations (account_id, ad_set_id, as_of_week);
-- Listing one week across every account in ad set order; the primary key
-- would visit every week of every ad set.
CREATE INDEX recommendations_by_week ON recommendations (as_of_week, ad_set_id);

-- Every run of EvaluateAdSets, appended and never changed: what was asked
-- and what it found, for audits and for "what changed since last week".
CREATE TABLE evaluations (
  evaluation_id  TEXT    NOT NULL PRIMARY KEY,
  as_of_week     TEXT    NOT NULL CHECK (as_of_week GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  -- NULL: the run was not limited to one account.
  account_id     TEXT,
  -- A JSON array of the ad set ids asked for; empty when the run was not
  -- limited to some.
  ad_set_ids     TEXT    NOT NULL CHECK (json_valid(ad_set_ids)),
  policy_version TEXT    NOT NULL,
  evaluated_at   TEXT    NOT NULL CHECK (evaluated_at GLOB
                   '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
  evaluated      INTEGER NOT NULL CHECK (evaluated >= 0),
  -- A JSON object from action name to how many ad sets got it, keys sorted.
  action_counts  TEXT    NOT NULL CHECK (json_valid(action_counts))
) STRICT, WITHOUT ROWID;

-- A duplicate ad set run one rung above its original, until an evaluation
-- judges it (PROMOTED or KEPT_CURRENT) or someone cancels it. A judgment can
-- be undone by evaluating its week again, which is why concluded_week is
-- kept: only the evaluation of that same week may change or reopen it.
CREATE TABLE climb_tests (
  climb_test_id            TEXT    NOT NULL PRIMARY KEY,
  account_id               TEXT    NOT NULL,
  original_ad_set_id       TEXT    NOT NULL,
  duplicate_ad_set_id      TEXT    NOT NULL CHECK (duplicate_ad_set_id <> original_ad_set_id),
  from_event               TEXT    NOT NULL,
  to_event                 TEXT    NOT NULL,
  start_week               TEXT    NOT NULL CHECK (start_week GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  state                    TEXT    NOT NULL CHECK (state IN ('RUNNING', 'PROMOTED', 'KEPT_CURRENT', 'CANCELLED')),
  -- The week of the judging evaluation, or the week it was cancelled; NULL
  -- exactly while it runs.
  concluded_week           TEXT    CHECK (concluded_week GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  -- Currency units per macro conversion; +Inf (which SQLite stores and
  -- reads back as such) when a side had no conversion.
  original_cost_per_macro  REAL    CHECK (original_cost_per_macro >= 0),
  duplicate_cost_per_macro REAL    CHECK (duplicate_cost_per_macro >= 0),
  -- On KEPT_CURRENT: the original's sustained volume of to_event when judged.
  retest_baseline          INTEGER CHECK (retest_baseline >= 0),
  create_time              TEXT    NOT NULL CHECK (create_time GLOB
                             '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
  CHECK ((state = 'RUNNING') = (concluded_week IS NULL)),
  -- Only a judgment has figures.
  CHECK (state IN ('PROMOTED', 'KEPT_CURRENT') OR (original_cost_per_macro IS NULL AND
         duplicate_cost_per_macro IS NULL AND retest_baseline IS NULL))
) STRICT, WITHOUT ROWID;

-- The tests an ad set took part in, in either role, oldest start first.
CREATE INDEX climb_tests_by_original ON climb_tests (original_ad_set_id, start_week);
CREATE INDEX climb_tests_by_duplicate ON climb_tests (duplicate_ad_set_id, start_week);
-- Listing an account's tests in id order.
CREATE INDEX climb_tests_by_account ON climb_tests (account_id, climb_test_id);
-- A backstop for the store's own check: an ad set is in at most one running
-- test per role. (The store also refuses one ad set in two roles, which an
-- index cannot express.)
CREATE UNIQUE INDEX climb_tests_running_original ON climb_tests (original_ad_set_id)
  WHERE state = 'RUNNING';
CREATE UNIQUE INDEX climb_tests_running_duplicate ON climb_tests (duplicate_ad_set_id)
  WHERE state = 'RUNNING';
