-- The whole schema, equal in meaning to SQLite's after its migrations
-- 0001-0006 (migrations/sqlite/), in PostgreSQL's own types: weeks are the
-- date of their Monday, instants timestamptz. Enum values are
-- their API names without the prefix, and empty text is stored as NULL where
-- a column says so, so that the database reads without this program.
--
-- Ids are text in the "C" collation, which orders by bytes as SQLite does:
-- pages of ad sets continue after the last id by `>`, whatever the
-- database's locale.
--
-- JSON values are text in one canonical spelling (no spaces, keys sorted;
-- storage/json_codec.h), as in SQLite: the decoders are strict, and an
-- ingest tells an unchanged week by comparing columns. jsonb would respell
-- them, and checking them on every insert cost as much as the insert.

-- An ad set belongs to one account and one campaign for life.
CREATE TABLE ad_sets (
  ad_set_id   text COLLATE "C" NOT NULL PRIMARY KEY,
  account_id  text COLLATE "C" NOT NULL,
  campaign_id text COLLATE "C" NOT NULL
);

CREATE INDEX ad_sets_by_account ON ad_sets (account_id, ad_set_id);

CREATE TABLE ad_set_weeks (
  ad_set_id                   text COLLATE "C" NOT NULL REFERENCES ad_sets (ad_set_id),
  week_start                  date    NOT NULL,
  optimization_event          text    NOT NULL,
  -- NULL: spend unknown for that week.
  spend_micros                bigint  CHECK (spend_micros >= 0),
  -- From canonical or custom event name to count.
  event_counts                text    NOT NULL,
  reported_learning_status    text    CHECK (reported_learning_status IN ('LEARNING', 'SUCCESS', 'FAIL')),
  learning_threshold_override bigint  CHECK (learning_threshold_override > 0),
  -- NULL: the ladder of the previous week applies.
  ladder                      text,
  significant_edit            boolean NOT NULL DEFAULT false,
  PRIMARY KEY (ad_set_id, week_start)
);

-- Idempotency keys of IngestWeeks, with the answer they got.
CREATE TABLE ingest_requests (
  request_id text COLLATE "C" NOT NULL PRIMARY KEY,
  inserted   bigint      NOT NULL,
  updated    bigint      NOT NULL,
  unchanged  bigint      NOT NULL,
  -- An array of strings.
  warnings   text        NOT NULL,
  created_at timestamptz NOT NULL
);

-- One row per committed ingest batch; a replayed request_id adds none.
-- Append-only: a row says what one batch did, at the time it did it.
CREATE TABLE ingest_log (
  ingest_id    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- NULL: the batch had no idempotency key.
  request_id   text,
  committed_at timestamptz NOT NULL,
  records      bigint      NOT NULL CHECK (records >= 0),
  inserted     bigint      NOT NULL CHECK (inserted >= 0),
  updated      bigint      NOT NULL CHECK (updated >= 0),
  unchanged    bigint      NOT NULL CHECK (unchanged >= 0)
);

-- One recommendation per ad set and as-of week. Evaluating a week again
-- replaces its row, so the table answers "what do we advise now" without
-- picking among runs; the run that wrote it is named by evaluation_id.
CREATE TABLE recommendations (
  ad_set_id          text COLLATE "C" NOT NULL,
  as_of_week         date        NOT NULL,
  -- Not a reference to ad_sets: a recommendation is an answer about what
  -- was stored then, and must not stop anything from changing later.
  account_id         text COLLATE "C" NOT NULL,
  ladder             text        NOT NULL,
  action             text        NOT NULL CHECK (action IN ('INSUFFICIENT_DATA', 'REVIEW_SETUP',
                       'STABILIZE', 'HOLD', 'MOVE_DOWN', 'DUPLICATE_AND_CLIMB', 'CONTINUE_TEST',
                       'PROMOTE_DUPLICATE', 'KEEP_CURRENT', 'AT_TOP', 'CONSOLIDATE')),
  -- Bit i set for the flag whose enum value is i, so that "any of these
  -- flags" is one AND in SQL; `flags` says the same in words, in enum order.
  flag_mask          bigint      NOT NULL CHECK (flag_mask >= 0),
  flags              text        NOT NULL,
  -- NULL: the as-of week has no record.
  current_event      text,
  -- NULL unless the action moves to another event.
  target_event       text,
  -- NULL: the as-of week has no record.
  learning_status    text        CHECK (learning_status IN ('STUCK', 'NEAR_EXIT', 'EXITED', 'WELL_OPTIMIZED')),
  -- From event name to count.
  latest_counts      text        NOT NULL,
  sustained_counts   text        NOT NULL,
  -- An array of {"rule": ..., "message": ...}, in the order the rules ran.
  reasons            text        NOT NULL,
  weeks_on_rung      bigint      NOT NULL CHECK (weeks_on_rung >= 0),
  next_review_week   date,
  -- NULL: no climb test governed the ad set.
  climb_test_id      text,
  learning_threshold bigint      NOT NULL CHECK (learning_threshold >= 0),
  policy_version     text        NOT NULL,
  evaluation_id      text COLLATE "C" NOT NULL,
  evaluated_at       timestamptz NOT NULL,
  PRIMARY KEY (ad_set_id, as_of_week)
);

-- Listing an account's recommendations in ad set order, and finding each
-- one's latest week, without visiting other accounts.
CREATE INDEX recommendations_by_account ON recommendations (account_id, ad_set_id, as_of_week);
-- Listing one week across every account in ad set order; the primary key
-- would visit every week of every ad set.
CREATE INDEX recommendations_by_week ON recommendations (as_of_week, ad_set_id);

-- Every run of EvaluateAdSets, appended and never changed: what was asked
-- and what it found, for audits and for "what changed since last week".
CREATE TABLE evaluations (
  evaluation_id   text COLLATE "C" NOT NULL PRIMARY KEY,
  as_of_week      date        NOT NULL,
  -- NULL: the run was not limited to one account.
  account_id      text,
  -- The ad set ids asked for; empty when the run was not limited to some.
  ad_set_ids      text        NOT NULL,
  policy_version  text        NOT NULL,
  evaluated_at    timestamptz NOT NULL,
  evaluated       bigint      NOT NULL CHECK (evaluated >= 0),
  -- From action name to how many ad sets got it.
  action_counts   text        NOT NULL,
  duration_micros bigint      NOT NULL DEFAULT 0 CHECK (duration_micros >= 0)
);

CREATE INDEX evaluations_by_time ON evaluations (evaluated_at);

-- A duplicate ad set run one rung above its original, until an evaluation
-- judges it (PROMOTED or KEPT_CURRENT) or someone cancels it. A judgment can
-- be undone by evaluating its week again, which is why concluded_week is
-- kept: only the evaluation of that same week may change or reopen it.
CREATE TABLE climb_tests (
  climb_test_id            text COLLATE "C" NOT NULL PRIMARY KEY,
  account_id               text COLLATE "C" NOT NULL,
  original_ad_set_id       text COLLATE "C" NOT NULL,
  duplicate_ad_set_id      text COLLATE "C" NOT NULL CHECK (duplicate_ad_set_id <> original_ad_set_id),
  from_event               text             NOT NULL,
  to_event                 text             NOT NULL,
  start_week               date             NOT NULL,
  state                    text             NOT NULL CHECK (state IN ('RUNNING', 'PROMOTED', 'KEPT_CURRENT', 'CANCELLED')),
  -- The week of the judging evaluation, or the week it was cancelled; NULL
  -- exactly while it runs.
  concluded_week           date,
  -- Currency units per macro conversion; 'Infinity' when a side had no
  -- conversion.
  original_cost_per_macro  double precision CHECK (original_cost_per_macro >= 0),
  duplicate_cost_per_macro double precision CHECK (duplicate_cost_per_macro >= 0),
  -- On KEPT_CURRENT: the original's sustained volume of to_event when judged.
  retest_baseline          bigint           CHECK (retest_baseline >= 0),
  create_time              timestamptz      NOT NULL,
  CHECK ((state = 'RUNNING') = (concluded_week IS NULL)),
  -- Only a judgment has figures.
  CHECK (state IN ('PROMOTED', 'KEPT_CURRENT') OR (original_cost_per_macro IS NULL AND
         duplicate_cost_per_macro IS NULL AND retest_baseline IS NULL))
);

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

-- Ad accounts as the last recorded sync from Meta's Marketing API described
-- them (rungctl sync): when it was, and the account's time zone, in which
-- its weeks run. Not a parent of ad_sets: weeks arrive from files too, for
-- accounts no sync ever saw.
CREATE TABLE accounts (
  account_id     text COLLATE "C" NOT NULL PRIMARY KEY,
  -- NULL: Meta answered none.
  name           text,
  -- ISO 4217; NULL: unknown.
  currency       text        CHECK (length(currency) = 3),
  -- An IANA name; NULL: unknown, and the account's weeks are counted in UTC.
  time_zone      text,
  -- The daemon's clock when it recorded the sync.
  last_sync_time timestamptz NOT NULL
);

-- How many evaluations have been committed, so that every replica can tell
-- whether the answers it kept are still current. A run bumps it first
-- thing in its transaction: the row lock makes a concurrent run wait for
-- this one, and then fail its serialization check and start over, so runs
-- are stored one at a time without an advisory lock.
CREATE TABLE recommendations_version (
  id      integer NOT NULL PRIMARY KEY CHECK (id = 1),
  version bigint  NOT NULL CHECK (version >= 0)
);

INSERT INTO recommendations_version (id, version) VALUES (1, 0);
