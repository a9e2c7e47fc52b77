#include "storage/postgres/pg_store.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/retry.h"
#include "core/text.h"
#include "rung/status_macros.h"
#include "storage/json_codec.h"
#include "storage/migrations.h"
#include "storage/portable_sql.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_connection_pool.h"
#include "storage/postgres/pg_copy_rows.h"
#include "storage/postgres/pg_migrator.h"
#include "storage/postgres/pg_text_array.h"
#include "storage/row_codec.h"
#include "storage/row_values.h"
#include "storage/store_checks.h"
#include "storage/store_errors.h"
#include "storage/write_pipeline.h"

namespace rung {
namespace {

// Every session reads weeks and instants in the spellings the decoders
// expect, and commits durably whatever the server's default: an
// acknowledged write is on disk.
constexpr char kSessionSetup[] =
    "SET DateStyle = ISO; SET TimeZone = 'UTC'; SET synchronous_commit = on";

// An instant in json_codec's canonical spelling; the session is in UTC.
#define RUNG_PG_TIME(column) "to_char(" column ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

// --- Ad set weeks -----------------------------------------------------------------

// The columns ReadWeekInto reads, then the ad set and its owner.
#define RUNG_PG_WEEK_COLUMNS                                                                  \
  "w.week_start, w.optimization_event, w.spend_micros, w.event_counts, "                      \
  "w.reported_learning_status, w.learning_threshold_override, w.ladder, "                     \
  "w.significant_edit::int, w.ad_set_id, s.account_id, s.campaign_id FROM ad_set_weeks AS w " \
  "JOIN ad_sets AS s ON s.ad_set_id = w.ad_set_id "
constexpr int kWeekAdSetIdColumn = 8;
constexpr int kWeekOwnerColumn = 9;

const std::string kSelectHistory =
    "SELECT " RUNG_PG_WEEK_COLUMNS
    "WHERE w.ad_set_id = $1 AND ($2::date IS NULL OR w.week_start >= $2::date) "
    "AND ($3::date IS NULL OR w.week_start <= $3::date) ORDER BY w.week_start";
// Every week of an account in (ad set, week) order, streamed as one
// statement. Keyset pages of 10,000 rows took 8× the time of a bare scan at
// 10,000 ad sets: each page started its index scans and join again, and the
// first five, planned for their parameters, chose a worse plan.
const std::string kScanAccountWeeks =
    "SELECT " RUNG_PG_WEEK_COLUMNS "WHERE s.account_id = $1 ORDER BY w.ad_set_id, w.week_start";
#undef RUNG_PG_WEEK_COLUMNS
// Every week of every account, without the join: the owners come from
// kScanOwners, read first in the same snapshot. Joining ad_sets to each
// week cost about 0.3 s of an evaluation's 1.8 s at 100,000 ad sets x 12
// weeks (rung_bench run), for two columns that change once per ad set.
const std::string kScanEveryWeek =
    "SELECT w.week_start, w.optimization_event, w.spend_micros, w.event_counts, "
    "w.reported_learning_status, w.learning_threshold_override, w.ladder, "
    "w.significant_edit::int, w.ad_set_id FROM ad_set_weeks AS w "
    "ORDER BY w.ad_set_id, w.week_start";
const std::string kScanOwners =
    "SELECT ad_set_id, account_id, campaign_id FROM ad_sets ORDER BY ad_set_id";
const std::string kAdSetHasWeeks =
    "SELECT EXISTS (SELECT 1 FROM ad_set_weeks WHERE ad_set_id = $1)";
const std::string kListAdSetIds =
    "SELECT ad_set_id FROM ad_sets WHERE ($3::text IS NULL OR account_id = $3) AND ad_set_id > $1 "
    "ORDER BY ad_set_id LIMIT $2";

const std::string kSelectRequest =
    "SELECT inserted, updated, unchanged, warnings FROM ingest_requests WHERE request_id = $1";
const std::string kInsertRequest =
    "INSERT INTO ingest_requests (request_id, inserted, updated, unchanged, warnings, created_at) "
    "VALUES ($1, $2, $3, $4, $5, now())";
const std::string kInsertIngestLog =
    "INSERT INTO ingest_log (request_id, committed_at, records, inserted, updated, unchanged) "
    "VALUES ($1, clock_timestamp(), $2, $3, $4, $5)";
const std::string kInsertAdSets =
    "INSERT INTO ad_sets (ad_set_id, account_id, campaign_id) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (ad_set_id) DO NOTHING";
// The batch's lookups probe the primary key once per key, through a
// subquery per row, which PostgreSQL runs as an index probe whatever its
// statistics say. Both `= ANY ($1)` and a join of the keys against the
// table, planned without statistics (after a bulk load, before ANALYZE),
// were expected to match most of the table and scanned all of it for every
// batch: 100,000 ad sets took 47 s to ingest instead of 8 s.
const std::string kSelectOwners =
    "SELECT k.id, (SELECT s.account_id FROM ad_sets AS s WHERE s.ad_set_id = k.id), "
    "(SELECT s.campaign_id FROM ad_sets AS s WHERE s.ad_set_id = k.id) "
    "FROM unnest($1::text[]) AS k(id)";
// How many of the batch's (ad set, week) keys are stored.
const std::string kCountStoredWeeks =
    "SELECT coalesce(sum((SELECT 1 FROM ad_set_weeks AS w WHERE w.ad_set_id = k.id AND "
    "w.week_start = k.week::date)), 0) FROM unnest($1::text[], $2::text[]) AS k(id, week)";
// One statement for a whole batch; a week sent again unchanged is left
// alone, so the rows it touched are the inserted and the updated ones.
const std::string kUpsertWeeks =
    "INSERT INTO ad_set_weeks AS w (ad_set_id, week_start, optimization_event, spend_micros, "
    "event_counts, reported_learning_status, learning_threshold_override, ladder, "
    "significant_edit) SELECT u.id, u.week::date, u.event, u.spend::bigint, u.counts, u.learning, "
    "u.threshold::bigint, u.ladder, u.edit::boolean FROM unnest($1::text[], $2::text[], "
    "$3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) "
    "AS u(id, week, event, spend, counts, learning, threshold, ladder, edit) "
    "ON CONFLICT (ad_set_id, week_start) DO UPDATE SET "
    "optimization_event = excluded.optimization_event, spend_micros = excluded.spend_micros, "
    "event_counts = excluded.event_counts, "
    "reported_learning_status = excluded.reported_learning_status, "
    "learning_threshold_override = excluded.learning_threshold_override, "
    "ladder = excluded.ladder, significant_edit = excluded.significant_edit "
    "WHERE (w.optimization_event, w.spend_micros, w.event_counts, w.reported_learning_status, "
    "w.learning_threshold_override, w.ladder, w.significant_edit) IS DISTINCT FROM "
    "(excluded.optimization_event, excluded.spend_micros, excluded.event_counts, "
    "excluded.reported_learning_status, excluded.learning_threshold_override, excluded.ladder, "
    "excluded.significant_edit)";

// --- Recommendations and evaluations ------------------------------------------------

#define RUNG_PG_RECOMMENDATION_COLUMNS                                                       \
  "ad_set_id, as_of_week, account_id, ladder, action, flag_mask, flags, current_event, "     \
  "target_event, learning_status, latest_counts, sustained_counts, reasons, weeks_on_rung, " \
  "next_review_week, climb_test_id, learning_threshold, policy_version, evaluation_id, "     \
  "evaluated_at, learning_budget"
#define RUNG_PG_SELECT_RECOMMENDATION                                                           \
  "SELECT ad_set_id, as_of_week, account_id, ladder, action, flag_mask, flags, current_event, " \
  "target_event, learning_status, latest_counts, sustained_counts, reasons, weeks_on_rung, "    \
  "next_review_week, climb_test_id, learning_threshold, policy_version, "                       \
  "evaluation_id, " RUNG_PG_TIME("evaluated_at") ", learning_budget FROM recommendations AS r "

// A chunk of a run as COPY rows, in EncodeRecommendation's order. COPY
// rather than INSERT ... SELECT FROM unnest(): at 10,000 ad sets the
// evaluation took about 15% less time (rung_bench run), since the server
// neither builds arrays nor materializes their unnest. COPY cannot
// upsert, so kDeleteRecommendations first removes the rows it replaces.
const std::string kCopyRecommendations =
    "COPY recommendations (" RUNG_PG_RECOMMENDATION_COLUMNS ") FROM STDIN";
#undef RUNG_PG_RECOMMENDATION_COLUMNS
// Whether week $1 has recommendations in [$2, $3] (one probe of
// recommendations_by_week), asked before kDeleteRecommendations seeks each
// id: a run mostly evaluates a week that has none yet.
const std::string kRecommendationsStored =
    "SELECT EXISTS (SELECT 1 FROM recommendations WHERE as_of_week = $1::date "
    "AND ad_set_id BETWEEN $2 AND $3)";
const std::string kDeleteRecommendations =
    "DELETE FROM recommendations WHERE as_of_week = $1::date AND ad_set_id = ANY ($2::text[])";

const std::string kSelectRecommendation =
    RUNG_PG_SELECT_RECOMMENDATION "WHERE ad_set_id = $1 AND as_of_week = $2::date";
const std::string kSelectLatestRecommendation =
    RUNG_PG_SELECT_RECOMMENDATION "WHERE ad_set_id = $1 ORDER BY as_of_week DESC LIMIT 1";
// $1 the week (NULL: each ad set's latest, chosen before the filters, so
// that an ad set whose latest does not match is left out rather than
// answered with an older one), $2 the last ad set of the page before, $3
// the actions (NULL: any), $4 a flag mask (0: flags do not matter), $5 the
// limit, $6 the account (NULL: any).
const std::string kListRecommendations = RUNG_PG_SELECT_RECOMMENDATION
    "WHERE ad_set_id > $2 AND ($6::text IS NULL OR account_id = $6) AND "
    "as_of_week = coalesce($1::date, (SELECT max(l.as_of_week) FROM recommendations AS l "
    "WHERE l.ad_set_id = r.ad_set_id)) AND ($3::text[] IS NULL OR action = ANY ($3::text[])) "
    "AND ($4::bigint = 0 OR (flag_mask & $4::bigint) <> 0) ORDER BY ad_set_id LIMIT $5";
#undef RUNG_PG_SELECT_RECOMMENDATION

#define RUNG_PG_EVALUATION_COLUMNS                                                    \
  "evaluation_id, as_of_week, account_id, ad_set_ids, policy_version, " RUNG_PG_TIME( \
      "evaluated_at") ", evaluated, action_counts, duration_micros"
const std::string kEvaluationExists =
    "SELECT EXISTS (SELECT 1 FROM evaluations WHERE evaluation_id = $1)";
const std::string kInsertEvaluation =
    "INSERT INTO evaluations (evaluation_id, as_of_week, account_id, ad_set_ids, policy_version, "
    "evaluated_at, evaluated, action_counts, duration_micros) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
const std::string kSelectLatestEvaluation =
    "SELECT " RUNG_PG_EVALUATION_COLUMNS
    " FROM evaluations ORDER BY evaluated_at DESC, evaluation_id DESC LIMIT 1";
#undef RUNG_PG_EVALUATION_COLUMNS
// First in a run's transaction: the row lock makes a concurrent run wait
// for this one and then fail its serialization check.
const std::string kBumpVersion = "UPDATE recommendations_version SET version = version + 1";
const std::string kSelectVersion = "SELECT version FROM recommendations_version";

// --- Climb tests and accounts ----------------------------------------------------

#define RUNG_PG_CLIMB_TEST_COLUMNS                                                             \
  "climb_test_id, account_id, original_ad_set_id, duplicate_ad_set_id, from_event, to_event, " \
  "start_week, state, concluded_week, original_cost_per_macro, duplicate_cost_per_macro, "     \
  "retest_baseline, " RUNG_PG_TIME("create_time") " FROM climb_tests "
const std::string kClimbTestExists =
    "SELECT EXISTS (SELECT 1 FROM climb_tests WHERE climb_test_id = $1)";
// Inserts nothing when a running test involves either ad set, in either
// role: the partial unique indexes see only one role each.
const std::string kInsertClimbTest =
    "INSERT INTO climb_tests (climb_test_id, account_id, original_ad_set_id, "
    "duplicate_ad_set_id, from_event, to_event, start_week, state, create_time) "
    "SELECT $1, $2, $3::text, $4::text, $5, $6, $7::date, 'RUNNING', $8::timestamptz "
    "WHERE NOT EXISTS (SELECT 1 FROM climb_tests WHERE state = 'RUNNING' AND "
    "(original_ad_set_id IN ($3, $4) OR duplicate_ad_set_id IN ($3, $4)))";
const std::string kSelectClimbTest =
    "SELECT " RUNG_PG_CLIMB_TEST_COLUMNS "WHERE climb_test_id = $1";
const std::string kSelectClimbTestsOf =
    "SELECT " RUNG_PG_CLIMB_TEST_COLUMNS
    "WHERE original_ad_set_id = $1 OR duplicate_ad_set_id = $1 ORDER BY start_week, climb_test_id";
const std::string kListClimbTests =
    "SELECT " RUNG_PG_CLIMB_TEST_COLUMNS
    "WHERE climb_test_id > $1 AND ($3::text IS NULL OR state = $3) AND "
    "($4::text IS NULL OR account_id = $4) ORDER BY climb_test_id LIMIT $2";
#undef RUNG_PG_CLIMB_TEST_COLUMNS
// Changes the test only while it is in the state the caller read.
const std::string kUpdateClimbTest =
    "UPDATE climb_tests SET state = $2, concluded_week = $3::date, "
    "original_cost_per_macro = $4::double precision, "
    "duplicate_cost_per_macro = $5::double precision, retest_baseline = $6::bigint "
    "WHERE climb_test_id = $1 AND state = $7 AND concluded_week IS NOT DISTINCT FROM $8::date";

#define RUNG_PG_ACCOUNT_COLUMNS \
  "account_id, name, currency, time_zone, " RUNG_PG_TIME("last_sync_time") " FROM accounts "
const std::string kUpsertAccount =
    "INSERT INTO accounts (account_id, name, currency, time_zone, last_sync_time) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, "
    "currency = excluded.currency, time_zone = excluded.time_zone, "
    "last_sync_time = excluded.last_sync_time";
const std::string kSelectAccount = "SELECT " RUNG_PG_ACCOUNT_COLUMNS "WHERE account_id = $1";
const std::string kSelectAccounts = "SELECT " RUNG_PG_ACCOUNT_COLUMNS "ORDER BY account_id";
#undef RUNG_PG_ACCOUNT_COLUMNS

// --- The account view ------------------------------------------------------------

// The rows AddAccountFiguresRow reads, found as SQLite's statement finds
// them (storage/sqlite/account_view_rows.cc): the page cut from each source
// before their union, each figure but the learning statuses from an index
// (migration 0004 for the recommendations).
const std::string kSelectAccountFigures =
    "WITH page (id) AS ("
    "(SELECT DISTINCT account_id FROM ad_sets WHERE account_id > $1 ORDER BY account_id LIMIT $2) "
    "UNION (SELECT account_id FROM accounts WHERE account_id > $1 ORDER BY account_id LIMIT $2) "
    "ORDER BY 1 LIMIT $2), "
    "figures (id, ad_sets, last_week, latest_week) AS ("
    "SELECT p.id, count(s.ad_set_id), "
    "max((SELECT max(w.week_start) FROM ad_set_weeks AS w WHERE w.ad_set_id = s.ad_set_id)), "
    "(SELECT max(r.as_of_week) FROM recommendations AS r WHERE r.account_id = p.id) "
    "FROM page AS p LEFT JOIN ad_sets AS s ON s.account_id = p.id GROUP BY p.id) "
    "SELECT f.id, f.ad_sets, f.last_week, f.latest_week, r.action, r.learning_status, "
    "count(r.action) FROM figures AS f LEFT JOIN recommendations AS r "
    "ON r.account_id = f.id AND r.as_of_week = f.latest_week "
    "GROUP BY f.id, f.ad_sets, f.last_week, f.latest_week, r.action, r.learning_status "
    "ORDER BY f.id, r.action, r.learning_status";
// Week after week, each found by one seek past the one before, as in SQLite.
const std::string kSelectEvaluatedWeeks =
    "WITH RECURSIVE weeks (week) AS ("
    "SELECT min(as_of_week) FROM recommendations WHERE account_id = $1 "
    "UNION ALL SELECT (SELECT min(r.as_of_week) FROM recommendations AS r "
    "WHERE r.account_id = $1 AND r.as_of_week > weeks.week) FROM weeks "
    "WHERE weeks.week IS NOT NULL) "
    "SELECT week FROM weeks WHERE week IS NOT NULL ORDER BY week";
// The rows ReadAdviceInto reads, unordered. For an account that holds most
// of the table the planner joins by hashing; with 10,000 ad sets x 12 weeks
// ordering by (week, ad set) then cost more than the join (about 60 ms
// against 45), and no row came before it was done (rung_bench summary).
const std::string kScanAdvice =
    "SELECT r.ad_set_id, r.as_of_week, r.action, r.learning_status, r.current_event, "
    "w.spend_micros FROM recommendations AS r LEFT JOIN ad_set_weeks AS w "
    "ON w.ad_set_id = r.ad_set_id AND w.week_start = r.as_of_week "
    "WHERE r.account_id = $1 AND r.as_of_week BETWEEN $2::date AND $3::date";
// The rows ReadLearningBudgetInto reads. Apart from kScanAdvice: naming a
// column that late in every row of every week cost about as much as the
// rest of that scan, and only one week's are read.
const std::string kScanLearningBudgets =
    "SELECT ad_set_id, learning_threshold, learning_budget FROM recommendations "
    "WHERE account_id = $1 AND as_of_week = $2::date";

// --- Actions ---------------------------------------------------------------------

// The columns ReadAction reads, in its order.
#define RUNG_PG_ACTION_COLUMNS                                                       \
  "action_id, key, account_id, ad_set_id, duplicate_ad_set_id, as_of_week, action, " \
  "target_event, state, outcome, steps, recorded_by, " RUNG_PG_TIME(                 \
      "updated_at") ", " RUNG_PG_TIME("created_at")
// One statement, so that two replicas recording one key at once need no
// retry: under READ COMMITTED the second insert waits for the first and
// then updates the row the first made, judged by its WHERE against that
// row. A new key is created_at its updated_at ($13 twice); a stored one
// keeps its action_id and created_at, and is replaced only while the
// record names its owner, so that a record for another owner changes
// nothing and answers no row. The arbiter is the primary key: a probe of
// its index, whatever the statistics say.
const std::string kUpsertAction =
    "INSERT INTO actions AS a (action_id, key, account_id, ad_set_id, duplicate_ad_set_id, "
    "as_of_week, action, target_event, state, outcome, steps, recorded_by, updated_at, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9, $10, $11, $12, "
    "$13::timestamptz, $13::timestamptz) "
    "ON CONFLICT (key) DO UPDATE SET duplicate_ad_set_id = excluded.duplicate_ad_set_id, "
    "as_of_week = excluded.as_of_week, action = excluded.action, "
    "target_event = excluded.target_event, state = excluded.state, outcome = excluded.outcome, "
    "steps = excluded.steps, recorded_by = excluded.recorded_by, updated_at = excluded.updated_at "
    "WHERE a.account_id = excluded.account_id AND a.ad_set_id = excluded.ad_set_id "
    "RETURNING " RUNG_PG_ACTION_COLUMNS;
const std::string kSelectAction = "SELECT " RUNG_PG_ACTION_COLUMNS " FROM actions WHERE key = $1";
// Two statements rather than "$4 IS NULL OR ad_set_id = $4": a prepared
// statement's generic plan would have to serve both, and could not seek
// actions_by_ad_set.
const std::string kListActionsOfAccount =
    "SELECT " RUNG_PG_ACTION_COLUMNS
    " FROM actions WHERE account_id = $1 AND key > $2 ORDER BY key LIMIT $3";
const std::string kListActionsOfAdSet =
    "SELECT " RUNG_PG_ACTION_COLUMNS
    " FROM actions WHERE account_id = $1 AND ad_set_id = $4 AND key > $2 ORDER BY key LIMIT $3";
#undef RUNG_PG_ACTION_COLUMNS

// --- Policy revisions --------------------------------------------------------------

// The columns ReadPolicyRevision reads and EncodePolicyRevision writes, in
// their order.
#define RUNG_PG_POLICY_REVISION_COLUMNS                                      \
  "account_id, revision, version, deployment_revision, overrides, ladders, " \
  "changed_by, " RUNG_PG_TIME("change_time") ", reason"
constexpr int kPolicyRevisionColumns = 9;
// Each given account's latest revision, 0 for one with none, in the order
// given: one probe of the primary key each. Under SERIALIZABLE the probes'
// predicate locks make a concurrent append of the same account fail one of
// the two transactions.
const std::string kLatestRevisionsOf =
    "SELECT coalesce((SELECT max(p.revision) FROM policy_revisions AS p "
    "WHERE p.account_id = k.id), 0) FROM unnest($1::text[]) WITH ORDINALITY AS k(id, n) "
    "ORDER BY k.n";
const std::string kInsertPolicyRevisions =
    "INSERT INTO policy_revisions (account_id, revision, version, deployment_revision, "
    "overrides, ladders, changed_by, change_time, reason) "
    "SELECT u.account_id, u.revision::bigint, u.version, u.deployment_revision::bigint, "
    "u.overrides, u.ladders, u.changed_by, u.change_time::timestamptz, u.reason "
    "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "$7::text[], $8::text[], $9::text[]) AS u(account_id, revision, version, "
    "deployment_revision, overrides, ladders, changed_by, change_time, reason)";
// DISTINCT ON keeps each account's first row in this order: its latest.
const std::string kSelectLatestPolicyRevisions =
    "SELECT DISTINCT ON (account_id) " RUNG_PG_POLICY_REVISION_COLUMNS
    " FROM policy_revisions ORDER BY account_id, revision DESC";
const std::string kListPolicyRevisions =
    "SELECT " RUNG_PG_POLICY_REVISION_COLUMNS
    " FROM policy_revisions WHERE account_id = $1 AND revision < $2 "
    "ORDER BY revision DESC LIMIT $3";
#undef RUNG_PG_POLICY_REVISION_COLUMNS

const std::string kCountAdSets = "SELECT count(*) FROM ad_sets";
const std::string kCountWeeks = "SELECT count(*) FROM ad_set_weeks";
const std::string kDatabaseBytes = "SELECT pg_database_size(current_database())";
const std::string kLastIngest =
    "SELECT " RUNG_PG_TIME("committed_at") " FROM ingest_log ORDER BY ingest_id DESC LIMIT 1";
const std::string kPing = "SELECT 1";
#undef RUNG_PG_TIME

// --- Parameters and rows ---------------------------------------------------------

PgParam Text(absl::string_view text) { return std::string(text); }
PgParam TextOrNull(absl::string_view text) {
  return text.empty() ? PgParam() : PgParam(std::string(text));
}
PgParam Int(int64_t value) { return absl::StrCat(value); }
PgParam OptionalWeek(const std::optional<Week>& week) {
  return week.has_value() ? PgParam(week->ToString()) : PgParam();
}

// The shortest spelling that reads back as the same double; PostgreSQL
// spells +infinity its own way.
PgParam Cost(std::optional<double> cost) {
  if (!cost.has_value()) return std::nullopt;
  if (std::isinf(*cost)) return std::string("Infinity");
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), *cost);
  return std::string(buffer, end);
}

// Columns gathered into one text[] parameter each, for an unnest()
// statement that casts the columns of other types: a value never becomes
// SQL, only an element of the one parameter.
class ArrayColumns final : public ColumnSink {
 public:
  explicit ArrayColumns(size_t columns) : arrays_(columns) {}

  void StartRow() { next_ = 0; }
  void AddInt(int64_t value) override { arrays_[next_++].Add(absl::AlphaNum(value).Piece()); }
  void AddText(absl::string_view text) override { arrays_[next_++].Add(text); }
  void AddTextOrNull(absl::string_view text) override {
    if (text.empty()) {
      arrays_[next_++].AddNull();
    } else {
      AddText(text);
    }
  }
  void Add(const PgParam& value) {
    if (value.has_value()) {
      AddText(*value);
    } else {
      arrays_[next_++].AddNull();
    }
  }

  PgParams Params() && {
    PgParams params;
    for (PgTextArray& array : arrays_) params.push_back(std::move(array).Param());
    return params;
  }

 private:
  std::vector<PgTextArray> arrays_;
  size_t next_ = 0;
};

// Encoded columns as the parameters $1, $2, ... of one statement.
class RowParams final : public ColumnSink {
 public:
  void AddInt(int64_t value) override { params_.push_back(Int(value)); }
  void AddText(absl::string_view text) override { params_.push_back(Text(text)); }
  void AddTextOrNull(absl::string_view text) override { params_.push_back(TextOrNull(text)); }

  PgParams Params() && { return std::move(params_); }

 private:
  PgParams params_;
};

// One row of a result, for the shared decoders.
class PgRow final : public RowView {
 public:
  PgRow(const PgResult& result, int row) : result_(result), row_(row) {}

  bool IsNull(int column) const override { return result_.IsNull(row_, column); }
  // The schema holds only integers in these columns, so a failed parse is
  // a NULL, which the callers check first.
  int64_t ColumnInt(int column) const override {
    int64_t value = 0;
    return absl::SimpleAtoi(ColumnView(column), &value) ? value : 0;
  }
  double ColumnDouble(int column) const override {
    double value = 0;
    return absl::SimpleAtod(ColumnView(column), &value) ? value : 0;
  }
  absl::string_view ColumnView(int column) const override { return result_.Text(row_, column); }

 private:
  const PgResult& result_;
  int row_;
};

template <typename T>
absl::StatusOr<std::vector<T>> ReadAll(const PgResult& result,
                                       absl::StatusOr<T> (*read)(const RowView&)) {
  std::vector<T> values;
  for (int i = 0; i < result.rows(); ++i) {
    ASSIGN_OR_RETURN(T value, read(PgRow(result, i)));
    values.push_back(std::move(value));
  }
  return values;
}

// --- Ingest, inside its transaction ------------------------------------------------

struct Owner {
  std::string account_id;
  std::string campaign_id;
};

absl::StatusOr<std::optional<IngestSummary>> FindRequest(PgConnection& db,
                                                         const std::string& request_id) {
  ASSIGN_OR_RETURN(const PgResult found,
                   db.Query(kSelectRequest, {request_id}, "looking up the request_id"));
  if (found.rows() == 0) return std::nullopt;
  const PgRow row(found, 0);
  IngestSummary summary;
  summary.inserted = static_cast<int>(row.ColumnInt(0));
  summary.updated = static_cast<int>(row.ColumnInt(1));
  summary.unchanged = static_cast<int>(row.ColumnInt(2));
  ASSIGN_OR_RETURN(summary.warnings, CheckStored(DecodeStringArray(row.ColumnView(3)), "warnings",
                                                 absl::StrCat("request_id '", request_id, "'")));
  return summary;
}

// The records by (ad set, week): rows are locked in the order they are
// written, so two batches that share ad sets lock them in one order and
// wait for each other rather than deadlock.
std::vector<const AdSetWeek*> InKeyOrder(const std::vector<AdSetWeek>& records) {
  std::vector<const AdSetWeek*> sorted;
  sorted.reserve(records.size());
  for (const AdSetWeek& record : records) sorted.push_back(&record);
  std::stable_sort(sorted.begin(), sorted.end(), [](const AdSetWeek* a, const AdSetWeek* b) {
    return std::tie(a->ad_set_id, a->week) < std::tie(b->ad_set_id, b->week);
  });
  return sorted;
}

// The batch's ad sets as the columns of ad_sets (id, account, campaign), by
// id for one lock order, each under the owner its first record names.
PgParams AdSetColumns(const std::vector<AdSetWeek>& records) {
  std::map<absl::string_view, const AdSetWeek*> firsts;
  for (const AdSetWeek& record : records) firsts.emplace(record.ad_set_id, &record);
  ArrayColumns ad_sets(3);
  for (const auto& [ad_set_id, record] : firsts) {
    ad_sets.StartRow();
    ad_sets.AddText(ad_set_id);
    ad_sets.AddText(record->account_id);
    ad_sets.AddText(record->campaign_id);
  }
  return std::move(ad_sets).Params();
}

// Inserts the batch's new ad sets (AdSetColumns) and answers the owner of
// every ad set of the batch.
absl::StatusOr<absl::flat_hash_map<std::string, Owner>> InsertAndLoadOwners(
    PgConnection& db, const PgParams& ad_sets) {
  constexpr absl::string_view kDoing = "storing ad sets";
  RETURN_IF_ERROR(db.Query(kInsertAdSets, ad_sets, kDoing).status());
  ASSIGN_OR_RETURN(const PgResult stored, db.Query(kSelectOwners, {ad_sets[0]}, kDoing));
  absl::flat_hash_map<std::string, Owner> owners;
  for (int i = 0; i < stored.rows(); ++i) {
    if (stored.IsNull(i, 1)) continue;  // cannot be: inserted just before
    owners[std::string(stored.Text(i, 0))] =
        Owner{std::string(stored.Text(i, 1)), std::string(stored.Text(i, 2))};
  }
  return owners;
}

std::optional<OwnerConflict> FirstConflict(const std::vector<AdSetWeek>& records,
                                           const absl::flat_hash_map<std::string, Owner>& owners) {
  for (size_t i = 0; i < records.size(); ++i) {
    const auto owner = owners.find(records[i].ad_set_id);
    if (owner == owners.end()) continue;  // cannot be: inserted just before
    if (owner->second.account_id != records[i].account_id ||
        owner->second.campaign_id != records[i].campaign_id) {
      return OwnerConflict{i, owner->second.account_id, owner->second.campaign_id};
    }
  }
  return std::nullopt;
}

absl::StatusOr<IngestSummary> UpsertWeeks(PgConnection& db, const std::vector<AdSetWeek>& records) {
  ArrayColumns weeks(9);
  for (const AdSetWeek* sorted : InKeyOrder(records)) {
    const AdSetWeek& record = *sorted;
    weeks.StartRow();
    weeks.AddText(record.ad_set_id);
    weeks.AddText(record.week.ToString());
    weeks.AddText(record.optimization_event);
    weeks.Add(record.spend_micros.has_value() ? Int(*record.spend_micros) : PgParam());
    weeks.AddText(EncodeEventCounts(record.event_counts));
    weeks.AddTextOrNull(LearningName(record.reported_learning));
    weeks.Add(record.learning_threshold_override.has_value()
                  ? Int(*record.learning_threshold_override)
                  : PgParam());
    weeks.AddTextOrNull(record.ladder);
    weeks.AddText(record.significant_edit ? "t" : "f");
  }
  const PgParams columns = std::move(weeks).Params();
  // The keys are the first two columns.
  ASSIGN_OR_RETURN(const PgResult counted,
                   db.Query(kCountStoredWeeks, {columns[0], columns[1]}, "reading stored weeks"));
  ASSIGN_OR_RETURN(const int64_t stored, counted.Int64(0, 0));
  ASSIGN_OR_RETURN(const PgResult written, db.Query(kUpsertWeeks, columns, "storing ad set weeks"));
  const int total = static_cast<int>(records.size());
  IngestSummary summary;
  summary.inserted = total - static_cast<int>(stored);
  summary.updated = static_cast<int>(written.affected_rows()) - summary.inserted;
  summary.unchanged = total - summary.inserted - summary.updated;
  return summary;
}

absl::Status IngestInTransaction(PgConnection& db, const IngestBatch& batch,
                                 IngestOutcome* outcome) {
  if (!batch.request_id.empty()) {
    ASSIGN_OR_RETURN(std::optional<IngestSummary> first, FindRequest(db, batch.request_id));
    if (first.has_value()) {
      outcome->summary = *std::move(first);
      return absl::OkStatus();
    }
  }
  if (!batch.records.empty()) {
    const PgParams ad_sets = AdSetColumns(batch.records);
    ASSIGN_OR_RETURN(const auto owners, InsertAndLoadOwners(db, ad_sets));
    outcome->conflict = FirstConflict(batch.records, owners);
    if (outcome->conflict.has_value()) {
      return absl::AbortedError("an ad set of the batch has another owner");  // undoes it
    }
    ASSIGN_OR_RETURN(outcome->summary, UpsertWeeks(db, batch.records));
  }
  outcome->summary.warnings = batch.warnings;
  const IngestSummary& summary = outcome->summary;
  RETURN_IF_ERROR(
      db.Query(kInsertIngestLog,
               {TextOrNull(batch.request_id), Int(static_cast<int64_t>(batch.records.size())),
                Int(summary.inserted), Int(summary.updated), Int(summary.unchanged)},
               "logging the ingest")
          .status());
  if (batch.request_id.empty()) return absl::OkStatus();
  return db
      .Query(kInsertRequest,
             {batch.request_id, Int(summary.inserted), Int(summary.updated), Int(summary.unchanged),
              EncodeStringArray(summary.warnings)},
             "storing the request_id")
      .status();
}

// A write that reads nothing of its caller's: when it loses to a
// concurrent transaction, running it again from the start is all a caller
// could do, so it is done here. A conflict with what the caller read is
// the caller's to retry (the conditional climb test writes, evaluations).
//
// READ COMMITTED, since every statement of these is an upsert or reads what
// the upsert before it settled: INSERT ... ON CONFLICT waits for a
// concurrent insert of the same key and then sees it. SERIALIZABLE made
// ingests of disjoint ad sets fail each other through its page-level
// predicate locks, four writers losing 40% of batches after five attempts.
absl::Status InRetriedTransaction(PgConnection& db, absl::string_view doing,
                                  absl::FunctionRef<absl::Status()> body) {
  return RetryWhileAborted(
      [&] { return db.InTransaction(PgIsolation::kReadCommitted, doing, body); });
}

// --- Actions -----------------------------------------------------------------------

// NOT_FOUND for a key with no row.
absl::StatusOr<ActionRecord> SelectActionRow(PgConnection& db, absl::string_view key) {
  ASSIGN_OR_RETURN(const PgResult found, db.Query(kSelectAction, {Text(key)}, "reading an action"));
  if (found.rows() == 0) return ActionNotFound(key);
  return ReadAction(PgRow(found, 0));
}

// --- Policy revisions --------------------------------------------------------------

// See PolicyStore::AppendPolicyRevisions; `revisions` are checked by
// CheckStorablePolicyRevisions. Inside the caller's SERIALIZABLE
// transaction, which undoes the insert when the commit fails.
absl::Status InsertPolicyRevisionRows(PgConnection& db,
                                      const std::vector<PolicyRevision>& revisions) {
  constexpr absl::string_view kDoing = "appending policy revisions";
  ArrayColumns columns(kPolicyRevisionColumns);
  for (const PolicyRevision& revision : revisions) {
    columns.StartRow();
    EncodePolicyRevision(revision, columns);
  }
  const PgParams params = std::move(columns).Params();
  // The account ids are the first column.
  ASSIGN_OR_RETURN(const PgResult latest, db.Query(kLatestRevisionsOf, {params[0]}, kDoing));
  for (int i = 0; i < latest.rows(); ++i) {
    ASSIGN_OR_RETURN(const int64_t stored, latest.Int64(i, 0));
    const PolicyRevision& revision = revisions[static_cast<size_t>(i)];
    if (revision.revision != stored + 1) {
      return PolicyRevisionNotNext(static_cast<size_t>(i), revision, stored);
    }
  }
  return db.Query(kInsertPolicyRevisions, params, kDoing).status();
}

// --- Evaluations --------------------------------------------------------------------

absl::Status UpdateClimbTestRow(PgConnection& db, const ClimbTestChange& change) {
  constexpr absl::string_view kDoing = "updating a climb test";
  const ClimbTest& next = change.next;
  ASSIGN_OR_RETURN(
      const PgResult updated,
      db.Query(kUpdateClimbTest,
               {next.climb_test_id, Text(AsAbsl(ClimbTestStateName(next.state))),
                OptionalWeek(next.concluded_week), Cost(next.original_cost_per_macro),
                Cost(next.duplicate_cost_per_macro),
                next.retest_baseline.has_value() ? Int(*next.retest_baseline) : PgParam(),
                Text(AsAbsl(ClimbTestStateName(change.expected.state))),
                OptionalWeek(change.expected.concluded_week)},
               kDoing));
  if (updated.affected_rows() == 1) return absl::OkStatus();
  ASSIGN_OR_RETURN(const PgResult stored, db.Query(kSelectClimbTest, {next.climb_test_id}, kDoing));
  if (stored.rows() == 0) return ClimbTestNotFound(next.climb_test_id);
  ASSIGN_OR_RETURN(const ClimbTest now, ReadClimbTest(PgRow(stored, 0)));
  return ClimbTestChangedSince(next.climb_test_id, now.state, change.expected.state);
}

// Which of `recommendations` a later one of the same (ad set, week)
// replaces: one statement may not upsert a row twice, and the last of a key
// wins.
std::vector<bool> Superseded(const std::vector<Recommendation>& recommendations) {
  std::vector<bool> superseded(recommendations.size());
  absl::flat_hash_set<std::string> later_keys;
  for (size_t i = recommendations.size(); i-- > 0;) {
    const Recommendation& r = recommendations[i];
    superseded[i] =
        !later_keys.insert(absl::StrCat(r.ad_set_id, "@", r.as_of_week.ToString())).second;
  }
  return superseded;
}

// One run in a SERIALIZABLE transaction on a connection of its own, held
// from BeginEvaluation until it is committed or dropped. Write checks on the
// caller's thread, so that a refusal names the chunk's item; the pipeline
// encodes and sends each chunk while the next is decided, since its thread
// otherwise waits for the server (the encoding took a quarter of the
// deciding thread's time at 100,000 ad sets).
class PgEvaluationWriter final : public EvaluationWriter {
 public:
  explicit PgEvaluationWriter(PgConnectionPool::Lease db)
      : db_(std::move(db)),
        pipeline_([this](EvaluationChunk& chunk) { return WriteChunk(chunk); }) {}

  ~PgEvaluationWriter() override {
    pipeline_.Stop();
    db_->RollbackIfOpen();
  }

  // Begins the run's transaction and takes the evaluations' turn. Before
  // any Write, so that the pipeline does not use the connection yet.
  absl::Status Start() {
    constexpr absl::string_view kDoing = "beginning an evaluation";
    RETURN_IF_ERROR(db_->Begin(PgIsolation::kSerializable, kDoing));
    return db_->Query(kBumpVersion, {}, kDoing).status();
  }

  absl::Status Write(EvaluationChunk chunk) override {
    RETURN_IF_ERROR(CheckStorableChunk(chunk));
    return pipeline_.Push(std::move(chunk));
  }

  absl::Status Commit(const EvaluationRecord& record) override {
    constexpr absl::string_view kDoing = "recording an evaluation";
    RETURN_IF_ERROR(CheckStorableEvaluation(record));
    RETURN_IF_ERROR(pipeline_.Finish());
    ASSIGN_OR_RETURN(const PgResult exists,
                     db_->Query(kEvaluationExists, {record.evaluation_id}, kDoing));
    if (exists.Text(0, 0) == "t") return EvaluationAlreadyRecorded(record.evaluation_id);
    RETURN_IF_ERROR(db_->Query(kInsertEvaluation,
                               {record.evaluation_id, record.as_of_week.ToString(),
                                TextOrNull(record.account_id), EncodeStringArray(record.ad_set_ids),
                                record.policy_version, EncodeTimestamp(record.evaluated_at),
                                Int(record.evaluated), EncodeActionCounts(record.action_counts),
                                Int(absl::ToInt64Microseconds(record.duration))},
                               kDoing)
                        .status());
    return db_->Commit("storing an evaluation");
  }

 private:
  // On the pipeline's thread.
  absl::Status WriteChunk(const EvaluationChunk& chunk) {
    constexpr absl::string_view kDoing = "storing recommendations";
    if (!chunk.recommendations.empty()) {
      const std::vector<bool> superseded = Superseded(chunk.recommendations);
      RETURN_IF_ERROR(DeleteReplaced(chunk.recommendations, superseded));
      PgCopyRows rows;
      for (size_t i = 0; i < chunk.recommendations.size(); ++i) {
        if (superseded[i]) continue;
        rows.StartRow();
        EncodeRecommendation(chunk.recommendations[i], rows);
      }
      RETURN_IF_ERROR(db_->CopyIn(kCopyRecommendations, rows.text(), kDoing));
    }
    for (const ClimbTestChange& change : chunk.test_changes) {
      RETURN_IF_ERROR(UpdateClimbTestRow(*db_, change));
    }
    return absl::OkStatus();
  }

  // Deletes the stored recommendations that the chunk's replace, week by
  // week (a chunk mostly has one).
  absl::Status DeleteReplaced(const std::vector<Recommendation>& recommendations,
                              const std::vector<bool>& superseded) {
    constexpr absl::string_view kDoing = "replacing recommendations";
    std::map<Week, std::vector<absl::string_view>> ad_sets_by_week;
    for (size_t i = 0; i < recommendations.size(); ++i) {
      if (superseded[i]) continue;
      ad_sets_by_week[recommendations[i].as_of_week].push_back(recommendations[i].ad_set_id);
    }
    for (const auto& [week, ad_sets] : ad_sets_by_week) {
      const auto [first, last] = std::minmax_element(ad_sets.begin(), ad_sets.end());
      ASSIGN_OR_RETURN(
          const PgResult stored,
          db_->Query(kRecommendationsStored, {week.ToString(), Text(*first), Text(*last)}, kDoing));
      if (stored.Text(0, 0) != "t") continue;
      PgTextArray ids;
      for (const absl::string_view id : ad_sets) ids.Add(id);
      RETURN_IF_ERROR(
          db_->Query(kDeleteRecommendations, {week.ToString(), std::move(ids).Param()}, kDoing)
              .status());
    }
    return absl::OkStatus();
  }

  PgConnectionPool::Lease db_;
  WritePipeline<EvaluationChunk> pipeline_;
};

// --- The store ----------------------------------------------------------------------

// Each ad set's account and campaign, in ad set order, with each distinct
// id kept once: 100,000 ad sets take about 5 MB.
class AdSetOwners {
 public:
  absl::Status Add(const PgRow& row) {
    const absl::string_view ad_set_id = row.ColumnView(0);
    if (!ad_sets_.empty() && !(ad_sets_.back().ad_set_id < ad_set_id)) {
      return absl::InternalError(
          absl::StrCat("ad sets read out of order at ", Quote(ad_set_id, '\'')));
    }
    ad_sets_.push_back(
        {std::string(ad_set_id), Intern(row.ColumnView(1)), Intern(row.ColumnView(2))});
    return absl::OkStatus();
  }

  // Sets the account and campaign of `week`, whose ad set comes at or after
  // the one asked before (a scan in ad set order).
  absl::Status Fill(AdSetWeek& week) {
    while (next_ < ad_sets_.size() && ad_sets_[next_].ad_set_id < week.ad_set_id) ++next_;
    if (next_ == ad_sets_.size() || ad_sets_[next_].ad_set_id != week.ad_set_id) {
      return absl::InternalError(
          absl::StrCat("ad set ", Quote(week.ad_set_id, '\''), " has weeks but no owner"));
    }
    week.account_id = *ad_sets_[next_].account;
    week.campaign_id = *ad_sets_[next_].campaign;
    return absl::OkStatus();
  }

 private:
  struct Owned {
    std::string ad_set_id;
    const std::string* account;
    const std::string* campaign;
  };

  const std::string* Intern(absl::string_view id) { return &*ids_.emplace(id).first; }

  // node_hash_set: the pointers stay valid as it grows.
  absl::node_hash_set<std::string> ids_;
  std::vector<Owned> ad_sets_;
  size_t next_ = 0;
};

// Calls `visit` with each ad set's weeks from one page of a scan. Weeks of
// the ad set that the page ends in may go on in the next page, so they are
// kept in `pending` until a row of another ad set (or the end) comes.
class HistoryGrouper {
 public:
  // `visit` must outlive the grouper; so must `owners`, which when given
  // names each week's account and campaign instead of the row's columns.
  explicit HistoryGrouper(absl::FunctionRef<absl::Status(const AdSetHistory&)> visit,
                          AdSetOwners* owners = nullptr)
      : visit_(visit), owners_(owners) {}

  absl::Status Add(const PgRow& row) {
    const absl::string_view ad_set_id = row.ColumnView(kWeekAdSetIdColumn);
    if (weeks_ > 0 && ad_set_id != pending_.front().ad_set_id) RETURN_IF_ERROR(Flush());
    if (weeks_ == pending_.size()) pending_.emplace_back();
    AdSetWeek& week = pending_[weeks_++];
    week.ad_set_id.assign(ad_set_id.data(), ad_set_id.size());
    if (owners_ != nullptr) {
      RETURN_IF_ERROR(owners_->Fill(week));
    } else {
      week.account_id = row.ColumnText(kWeekOwnerColumn);
      week.campaign_id = row.ColumnText(kWeekOwnerColumn + 1);
    }
    return ReadWeekInto(row, parser_, &week);
  }

  absl::Status Flush() {
    if (weeks_ == 0) return absl::OkStatus();
    pending_.resize(weeks_);
    weeks_ = 0;
    return visit_(pending_);
  }

 private:
  absl::FunctionRef<absl::Status(const AdSetHistory&)> visit_;
  AdSetOwners* owners_;
  AdSetHistory pending_;
  size_t weeks_ = 0;
  WeekParser parser_;
};

// Several rungd may share the database. Ingests, account syncs and action
// records are upserts that retry here (InRetriedTransaction); evaluations,
// climb test changes and policy revisions are SERIALIZABLE and answer
// ABORTED when they lost to a concurrent transaction, so that the core
// reads again and retries; every multi-statement read is one snapshot.
class PostgresStore final : public Store {
 public:
  PostgresStore(const std::string& uri, int connections, const PgConnectOptions& options)
      : pool_(uri, static_cast<size_t>(connections), options), health_(uri, 1, options) {}

  absl::StatusOr<IngestOutcome> Ingest(const IngestBatch& batch) override {
    IngestOutcome outcome;
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    const absl::Status status = InRetriedTransaction(*db, "ingesting a batch", [&] {
      outcome = IngestOutcome();
      const absl::Status ingested = IngestInTransaction(*db, batch, &outcome);
      // A concurrent first use of the same request_id: read it again.
      return absl::IsAlreadyExists(ingested) ? absl::AbortedError(ingested.message()) : ingested;
    });
    if (outcome.conflict.has_value()) return outcome;
    RETURN_IF_ERROR(status);
    return outcome;
  }

  absl::StatusOr<AdSetHistory> GetHistory(std::string_view ad_set_id, std::optional<Week> from,
                                          std::optional<Week> to) override {
    constexpr absl::string_view kDoing = "reading ad set history";
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(
        const PgResult weeks,
        db->Query(kSelectHistory, {Text(AsAbsl(ad_set_id)), OptionalWeek(from), OptionalWeek(to)},
                  kDoing));
    AdSetHistory history;
    // Named: the grouper keeps only a reference to it.
    auto keep = [&](const AdSetHistory& found) {
      history = found;
      return absl::OkStatus();
    };
    HistoryGrouper grouper(keep);
    for (int i = 0; i < weeks.rows(); ++i) RETURN_IF_ERROR(grouper.Add(PgRow(weeks, i)));
    RETURN_IF_ERROR(grouper.Flush());
    if (!history.empty()) return history;
    // Bounds that exclude every week are no reason for NOT_FOUND.
    ASSIGN_OR_RETURN(const PgResult exists,
                     db->Query(kAdSetHasWeeks, {Text(AsAbsl(ad_set_id))}, kDoing));
    if (exists.Text(0, 0) != "t") return AdSetNotFound(AsAbsl(ad_set_id));
    return history;
  }

  absl::Status ScanHistories(std::string_view account_id,
                             absl::FunctionRef<absl::Status(const AdSetHistory&)> visit) override {
    constexpr absl::string_view kDoing = "reading every ad set's history";
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    if (!account_id.empty()) {
      HistoryGrouper grouper(visit);
      RETURN_IF_ERROR(db->Stream(kScanAccountWeeks, {Text(AsAbsl(account_id))}, kDoing,
                                 [&](const PgResult& row) { return grouper.Add(PgRow(row, 0)); }));
      return grouper.Flush();
    }
    return db->InTransaction(PgIsolation::kSnapshot, kDoing, [&]() -> absl::Status {
      AdSetOwners owners;
      RETURN_IF_ERROR(db->Stream(kScanOwners, {}, kDoing,
                                 [&](const PgResult& row) { return owners.Add(PgRow(row, 0)); }));
      HistoryGrouper grouper(visit, &owners);
      RETURN_IF_ERROR(db->Stream(kScanEveryWeek, {}, kDoing,
                                 [&](const PgResult& row) { return grouper.Add(PgRow(row, 0)); }));
      return grouper.Flush();
    });
  }

  absl::StatusOr<std::vector<std::string>> ListAdSetIds(const AdSetIdPageQuery& query) override {
    RETURN_IF_ERROR(CheckPageLimit(query.limit));
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(const PgResult ids, db->Query(kListAdSetIds,
                                                   {query.after_ad_set_id, Int(query.limit),
                                                    TextOrNull(query.account_id)},
                                                   "listing ad sets"));
    std::vector<std::string> answer;
    for (int i = 0; i < ids.rows(); ++i) answer.emplace_back(ids.Text(i, 0));
    return answer;
  }

  absl::StatusOr<std::unique_ptr<EvaluationWriter>> BeginEvaluation() override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    // The writer owns the lease, and with it the rollback of a failed start.
    auto writer = std::make_unique<PgEvaluationWriter>(std::move(db));
    RETURN_IF_ERROR(writer->Start());
    return std::unique_ptr<EvaluationWriter>(std::move(writer));
  }

  absl::StatusOr<Recommendation> GetRecommendation(std::string_view ad_set_id,
                                                   std::optional<Week> week) override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(
        const PgResult found,
        week.has_value()
            ? db->Query(kSelectRecommendation, {Text(AsAbsl(ad_set_id)), week->ToString()},
                        "reading a recommendation")
            : db->Query(kSelectLatestRecommendation, {Text(AsAbsl(ad_set_id))},
                        "reading a recommendation"));
    if (found.rows() == 0) return RecommendationNotFound(AsAbsl(ad_set_id), week);
    return ReadRecommendation(PgRow(found, 0));
  }

  absl::StatusOr<std::vector<Recommendation>> ListRecommendations(
      const RecommendationQuery& query) override {
    RETURN_IF_ERROR(CheckPageLimit(query.limit));
    ArrayColumns actions(1);
    for (const Action action : query.actions) {
      actions.StartRow();
      actions.AddText(AsAbsl(ActionName(action)));
    }
    int64_t mask = 0;
    for (const Flag flag : query.flags) mask |= FlagBit(flag);
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(const PgResult found,
                     db->Query(kListRecommendations,
                               {OptionalWeek(query.as_of_week), query.after_ad_set_id,
                                query.actions.empty() ? PgParam() : std::move(actions).Params()[0],
                                Int(mask), Int(query.limit), TextOrNull(query.account_id)},
                               "listing recommendations"));
    return ReadAll<Recommendation>(found, &ReadRecommendation);
  }

  absl::StatusOr<int64_t> RecommendationsVersion() override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    return db->QueryInt(kSelectVersion, "reading the recommendations version");
  }

  bool SharedByProcesses() const override { return true; }

  absl::Status InsertClimbTest(const ClimbTest& test) override {
    constexpr absl::string_view kDoing = "storing a climb test";
    RETURN_IF_ERROR(CheckNewClimbTest(test));
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    return db->InTransaction(PgIsolation::kSerializable, kDoing, [&]() -> absl::Status {
      ASSIGN_OR_RETURN(const PgResult exists,
                       db->Query(kClimbTestExists, {test.climb_test_id}, kDoing));
      if (exists.Text(0, 0) == "t") return ClimbTestAlreadyExists(test.climb_test_id);
      ASSIGN_OR_RETURN(const PgResult inserted,
                       db->Query(kInsertClimbTest,
                                 {test.climb_test_id, test.account_id, test.original_ad_set_id,
                                  test.duplicate_ad_set_id, test.from_event, test.to_event,
                                  test.start_week.ToString(), EncodeTimestamp(test.create_time)},
                                 kDoing));
      if (inserted.affected_rows() == 1) return absl::OkStatus();
      return RunningTestInvolvesEither(test);
    });
  }

  absl::StatusOr<ClimbTest> GetClimbTest(std::string_view climb_test_id) override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(
        const PgResult found,
        db->Query(kSelectClimbTest, {Text(AsAbsl(climb_test_id))}, "reading a climb test"));
    if (found.rows() == 0) return ClimbTestNotFound(AsAbsl(climb_test_id));
    return ReadClimbTest(PgRow(found, 0));
  }

  absl::StatusOr<std::vector<ClimbTest>> ClimbTestsOf(std::string_view ad_set_id) override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(const PgResult found, db->Query(kSelectClimbTestsOf, {Text(AsAbsl(ad_set_id))},
                                                     "reading the climb tests of an ad set"));
    return ReadAll<ClimbTest>(found, &ReadClimbTest);
  }

  absl::StatusOr<std::vector<ClimbTest>> ListClimbTests(const ClimbTestQuery& query) override {
    RETURN_IF_ERROR(CheckPageLimit(query.limit));
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(
        const PgResult found,
        db->Query(
            kListClimbTests,
            {query.after_climb_test_id, Int(query.limit),
             query.state.has_value() ? Text(AsAbsl(ClimbTestStateName(*query.state))) : PgParam(),
             TextOrNull(query.account_id)},
            "listing climb tests"));
    return ReadAll<ClimbTest>(found, &ReadClimbTest);
  }

  absl::Status UpdateClimbTest(const ClimbTestChange& change) override {
    RETURN_IF_ERROR(CheckStorableChange(change, "change"));
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    return db->InTransaction(PgIsolation::kSerializable, "updating a climb test",
                             [&] { return UpdateClimbTestRow(*db, change); });
  }

  absl::Status RecordAccountSync(const AccountRecord& account) override {
    RETURN_IF_ERROR(CheckStorableAccount(account));
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    return InRetriedTransaction(*db, "recording an account sync", [&] {
      return db
          ->Query(kUpsertAccount,
                  {account.account_id, TextOrNull(account.name), TextOrNull(account.currency),
                   TextOrNull(account.time_zone), EncodeTimestamp(*account.last_sync_time)},
                  "recording an account sync")
          .status();
    });
  }

  absl::StatusOr<AccountRecord> GetAccount(std::string_view account_id) override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(const PgResult found,
                     db->Query(kSelectAccount, {Text(AsAbsl(account_id))}, "reading an account"));
    if (found.rows() == 0) return AccountNotFound(AsAbsl(account_id));
    return ReadAccount(PgRow(found, 0));
  }

  absl::StatusOr<std::vector<AccountRecord>> ListAccounts() override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(const PgResult found, db->Query(kSelectAccounts, {}, "listing accounts"));
    return ReadAll<AccountRecord>(found, &ReadAccount);
  }

  absl::StatusOr<std::vector<StoredAccountFigures>> ListAccountFigures(
      const AccountFiguresQuery& query) override {
    RETURN_IF_ERROR(CheckPageLimit(query.limit));
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(const PgResult found,
                     db->Query(kSelectAccountFigures, {query.after_account_id, Int(query.limit)},
                               "reading the figures of accounts"));
    std::vector<StoredAccountFigures> figures;
    for (int i = 0; i < found.rows(); ++i) {
      RETURN_IF_ERROR(AddAccountFiguresRow(PgRow(found, i), &figures));
    }
    return figures;
  }

  absl::StatusOr<std::vector<Week>> EvaluatedWeeks(std::string_view account_id) override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(const PgResult found,
                     db->Query(kSelectEvaluatedWeeks, {Text(AsAbsl(account_id))},
                               "reading an account's evaluated weeks"));
    std::vector<Week> weeks;
    for (int i = 0; i < found.rows(); ++i) {
      ASSIGN_OR_RETURN(const Week week, ReadEvaluatedWeek(PgRow(found, i), AsAbsl(account_id)));
      weeks.push_back(week);
    }
    return weeks;
  }

  // Streamed, so that memory stays flat however many ad sets the account has.
  absl::Status ScanAccountAdvice(std::string_view account_id, Week from, Week to,
                                 absl::FunctionRef<absl::Status(const AdviceRow&)> visit) override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    AdviceRow advice;
    WeekParser weeks;
    return db->Stream(kScanAdvice, {Text(AsAbsl(account_id)), from.ToString(), to.ToString()},
                      "reading an account's advice", [&](const PgResult& row) -> absl::Status {
                        RETURN_IF_ERROR(ReadAdviceInto(PgRow(row, 0), weeks, &advice));
                        return visit(advice);
                      });
  }

  absl::Status ScanLearningBudgets(
      std::string_view account_id, Week week,
      absl::FunctionRef<absl::Status(const StoredLearningBudget&)> visit) override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    StoredLearningBudget budget;
    return db->Stream(kScanLearningBudgets, {Text(AsAbsl(account_id)), week.ToString()},
                      "reading an account's learning budgets",
                      [&](const PgResult& row) -> absl::Status {
                        RETURN_IF_ERROR(ReadLearningBudgetInto(PgRow(row, 0), week, &budget));
                        return visit(budget);
                      });
  }

  absl::StatusOr<ActionRecord> RecordAction(const ActionRecord& record) override {
    constexpr absl::string_view kDoing = "recording an action";
    RETURN_IF_ERROR(CheckStorableAction(record));
    RowParams columns;
    EncodeAction(record, columns);
    const PgParams params = std::move(columns).Params();
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ActionRecord stored;
    RETURN_IF_ERROR(InRetriedTransaction(*db, kDoing, [&]() -> absl::Status {
      ASSIGN_OR_RETURN(const PgResult upserted, db->Query(kUpsertAction, params, kDoing));
      if (upserted.rows() == 1) {
        ASSIGN_OR_RETURN(stored, ReadAction(PgRow(upserted, 0)));
        return absl::OkStatus();
      }
      // The row the upsert left alone: committed, so this statement sees it.
      ASSIGN_OR_RETURN(const ActionRecord first, SelectActionRow(*db, record.key));
      return ActionOwnedElsewhere(record.key, first.account_id, first.ad_set_id);
    }));
    return stored;
  }

  absl::StatusOr<ActionRecord> GetAction(std::string_view key) override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    return SelectActionRow(*db, AsAbsl(key));
  }

  absl::StatusOr<std::vector<ActionRecord>> ListActions(const ActionQuery& query) override {
    RETURN_IF_ERROR(CheckActionQuery(query));
    const bool by_ad_set = !query.ad_set_id.empty();
    PgParams params = {query.account_id, query.after_key, Int(query.limit)};
    if (by_ad_set) params.push_back(query.ad_set_id);
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(const PgResult found,
                     db->Query(by_ad_set ? kListActionsOfAdSet : kListActionsOfAccount, params,
                               "listing actions"));
    return ReadAll<ActionRecord>(found, &ReadAction);
  }

  absl::Status AppendPolicyRevisions(const std::vector<PolicyRevision>& revisions) override {
    RETURN_IF_ERROR(CheckStorablePolicyRevisions(revisions));
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    const absl::Status appended =
        db->InTransaction(PgIsolation::kSerializable, "appending policy revisions",
                          [&] { return InsertPolicyRevisionRows(*db, revisions); });
    // The primary key refused a revision that a concurrent append stored
    // first: the same answer as when the check sees it stored.
    if (absl::IsAlreadyExists(appended)) return absl::AbortedError(appended.message());
    return appended;
  }

  absl::StatusOr<std::vector<PolicyRevision>> LatestPolicyRevisions() override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(const PgResult found, db->Query(kSelectLatestPolicyRevisions, {},
                                                     "reading the latest policy revisions"));
    return ReadAll<PolicyRevision>(found, &ReadPolicyRevision);
  }

  absl::StatusOr<std::vector<PolicyRevision>> ListPolicyRevisions(
      const PolicyRevisionQuery& query) override {
    RETURN_IF_ERROR(CheckPolicyRevisionQuery(query));
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    ASSIGN_OR_RETURN(
        const PgResult found,
        db->Query(kListPolicyRevisions,
                  {query.account_id, Int(PolicyRevisionCeiling(query)), Int(query.limit)},
                  "listing policy revisions"));
    return ReadAll<PolicyRevision>(found, &ReadPolicyRevision);
  }

  // On a connection of its own, so that a health check never waits behind
  // busy calls, and answers UNAVAILABLE while the server cannot be reached.
  absl::Status Ping() override {
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, health_.Acquire());
    return db->Query(kPing, {}, "pinging the database").status();
  }

  absl::StatusOr<StoreStats> GetStats() override {
    constexpr absl::string_view kDoing = "reading store statistics";
    StoreStats stats;
    ASSIGN_OR_RETURN(PgConnectionPool::Lease db, pool_.Acquire());
    RETURN_IF_ERROR(db->InTransaction(PgIsolation::kSnapshot, kDoing, [&]() -> absl::Status {
      ASSIGN_OR_RETURN(stats.accounts, db->QueryInt(kCountAccountsSql, kDoing));
      ASSIGN_OR_RETURN(stats.ad_sets, db->QueryInt(kCountAdSets, kDoing));
      ASSIGN_OR_RETURN(stats.weeks, db->QueryInt(kCountWeeks, kDoing));
      ASSIGN_OR_RETURN(stats.database_bytes, db->QueryInt(kDatabaseBytes, kDoing));
      ASSIGN_OR_RETURN(const PgResult last_ingest, db->Query(kLastIngest, {}, kDoing));
      if (last_ingest.rows() > 0) {
        ASSIGN_OR_RETURN(stats.last_ingest_time,
                         CheckStored(DecodeTimestamp(last_ingest.Text(0, 0)), "committed_at",
                                     "the last ingest_log row"));
      }
      ASSIGN_OR_RETURN(const PgResult latest, db->Query(kSelectLatestEvaluation, {}, kDoing));
      if (latest.rows() > 0) {
        ASSIGN_OR_RETURN(stats.latest_evaluation, ReadEvaluation(PgRow(latest, 0)));
      }
      return absl::OkStatus();
    }));
    return stats;
  }

  absl::StatusOr<int64_t> Backup(const std::string& /*destination_path*/) override {
    return absl::FailedPreconditionError(
        "BackupDatabase copies SQLite files only; back up PostgreSQL with its own tools "
        "(pg_dump, pg_basebackup, or your provider's snapshots)");
  }

 private:
  PgConnectionPool pool_;
  PgConnectionPool health_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const PostgresStoreOptions& options) {
  if (options.connections < 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "storage.reader_connections: must be at least 1, got %d", options.connections));
  }
  PgConnectOptions connect;
  connect.session_setup = kSessionSetup;
  {
    ASSIGN_OR_RETURN(const std::unique_ptr<PgConnection> db,
                     PgConnection::Connect(options.uri, connect));
    // Named, since rungd refuses to start on it and the operator must find it.
    if (const absl::Status migrated = MigratePostgres(*db, PostgresMigrations()); !migrated.ok()) {
      return WithMessagePrefix(absl::StrCat("'", db->target(), "': "), migrated);
    }
  }
  return std::make_unique<PostgresStore>(options.uri, options.connections, connect);
}

}  // namespace rung
