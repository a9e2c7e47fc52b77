#include "storage/sqlite/climb_test_rows.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/text.h"
#include "rung/status_macros.h"
#include "storage/json_codec.h"
#include "storage/row_values.h"

namespace rung {
namespace {

// Every SELECT of a test reads these columns, in this order; see
// ReadClimbTest. A macro, so that the statements stay literals.
#define RUNG_CLIMB_TEST_COLUMNS                                                                \
  "climb_test_id, account_id, original_ad_set_id, duplicate_ad_set_id, from_event, to_event, " \
  "start_week, state, concluded_week, original_cost_per_macro, duplicate_cost_per_macro, "     \
  "retest_baseline, create_time"

constexpr absl::string_view kInsertClimbTest =
    "INSERT INTO climb_tests (climb_test_id, account_id, original_ad_set_id, duplicate_ad_set_id, "
    "from_event, to_event, start_week, state, create_time) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'RUNNING', ?8)";
constexpr absl::string_view kClimbTestExists =
    "SELECT EXISTS (SELECT 1 FROM climb_tests WHERE climb_test_id = ?1)";
// Either ad set, in either role: the partial unique indexes see only one
// role each.
constexpr absl::string_view kSelectRunningInvolving =
    "SELECT climb_test_id, original_ad_set_id, duplicate_ad_set_id FROM climb_tests "
    "WHERE state = 'RUNNING' AND (original_ad_set_id IN (?1, ?2) OR duplicate_ad_set_id IN (?1, "
    "?2)) "
    "ORDER BY climb_test_id LIMIT 1";
constexpr absl::string_view kSelectClimbTest =
    "SELECT " RUNG_CLIMB_TEST_COLUMNS " FROM climb_tests WHERE climb_test_id = ?1";
constexpr absl::string_view kSelectClimbTestsOf =
    "SELECT " RUNG_CLIMB_TEST_COLUMNS
    " FROM climb_tests WHERE original_ad_set_id = ?1 OR duplicate_ad_set_id = ?1 "
    "ORDER BY start_week, climb_test_id";
// Two statements rather than "?4 IS NULL OR account_id = ?4", which would
// keep SQLite from using climb_tests_by_account.
constexpr absl::string_view kListClimbTests =
    "SELECT " RUNG_CLIMB_TEST_COLUMNS
    " FROM climb_tests WHERE climb_test_id > ?1 AND (?3 IS NULL OR state = ?3) "
    "ORDER BY climb_test_id LIMIT ?2";
constexpr absl::string_view kListClimbTestsOfAccount =
    "SELECT " RUNG_CLIMB_TEST_COLUMNS
    " FROM climb_tests WHERE account_id = ?4 AND climb_test_id > ?1 "
    "AND (?3 IS NULL OR state = ?3) ORDER BY climb_test_id LIMIT ?2";

#undef RUNG_CLIMB_TEST_COLUMNS

constexpr absl::string_view kCancelClimbTest =
    "UPDATE climb_tests SET state = 'CANCELLED', concluded_week = ?2 "
    "WHERE climb_test_id = ?1 AND state = 'RUNNING'";
// A judgment may be judged again only by the evaluation of its own week: an
// evaluation of a later week sees a concluded test, one of an earlier week
// sees it as it then ran, and neither may rewrite it.
constexpr absl::string_view kConcludeClimbTest =
    "UPDATE climb_tests SET state = ?3, concluded_week = ?2, original_cost_per_macro = ?4, "
    "duplicate_cost_per_macro = ?5, retest_baseline = ?6 "
    "WHERE climb_test_id = ?1 AND (state = 'RUNNING' OR "
    "(state IN ('PROMOTED', 'KEPT_CURRENT') AND concluded_week = ?2))";
// A test concluded at this week that the evaluation of this week finds still
// running (say after a corrected record) runs again, unless a test started
// since involves either ad set: two running tests on one ad set would be a
// contradiction, and the later one already took its place.
constexpr absl::string_view kReopenClimbTest =
    "UPDATE climb_tests SET state = 'RUNNING', concluded_week = NULL, "
    "original_cost_per_macro = NULL, duplicate_cost_per_macro = NULL, retest_baseline = NULL "
    "WHERE climb_test_id = ?1 AND concluded_week = ?2 AND state IN ('PROMOTED', 'KEPT_CURRENT') "
    "AND NOT EXISTS (SELECT 1 FROM climb_tests AS other WHERE other.state = 'RUNNING' AND "
    "(other.original_ad_set_id IN (climb_tests.original_ad_set_id, "
    "climb_tests.duplicate_ad_set_id) OR other.duplicate_ad_set_id IN "
    "(climb_tests.original_ad_set_id, climb_tests.duplicate_ad_set_id)))";

void BindCost(Statement& statement, int index, std::optional<double> cost) {
  if (cost.has_value()) {
    statement.BindDouble(index, *cost);
  } else {
    statement.BindNull(index);
  }
}

absl::StatusOr<std::optional<double>> CostFromColumn(const Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  const double cost = row.ColumnDouble(column);
  if (!(cost >= 0)) return absl::DataLossError(absl::StrCat(cost, " is not a cost"));
  return cost;
}

absl::StatusOr<ClimbTestState> StateFromText(absl::string_view text) {
  const std::optional<ClimbTestState> state =
      ClimbTestStateFromName(std::string_view(text.data(), text.size()));
  if (!state.has_value()) return absl::DataLossError(absl::StrCat("unknown state '", text, "'"));
  return *state;
}

// The inverse of what the writes bind, from a row of RUNG_CLIMB_TEST_COLUMNS.
absl::StatusOr<ClimbTest> ReadClimbTest(const Statement& row) {
  ClimbTest test;
  test.climb_test_id = row.ColumnText(0);
  const std::string where = absl::StrFormat("climb test '%s'", test.climb_test_id);
  test.account_id = row.ColumnText(1);
  test.original_ad_set_id = row.ColumnText(2);
  test.duplicate_ad_set_id = row.ColumnText(3);
  test.from_event = row.ColumnText(4);
  test.to_event = row.ColumnText(5);
  ASSIGN_OR_RETURN(test.start_week,
                   CheckStored(Week::Parse(row.ColumnText(6)), "start_week", where));
  ASSIGN_OR_RETURN(test.state, CheckStored(StateFromText(row.ColumnText(7)), "state", where));
  ASSIGN_OR_RETURN(test.concluded_week,
                   CheckStored(OptionalWeekFromText(row.ColumnText(8)), "concluded_week", where));
  ASSIGN_OR_RETURN(test.original_cost_per_macro,
                   CheckStored(CostFromColumn(row, 9), "original_cost_per_macro", where));
  ASSIGN_OR_RETURN(test.duplicate_cost_per_macro,
                   CheckStored(CostFromColumn(row, 10), "duplicate_cost_per_macro", where));
  if (!row.IsNull(11)) test.retest_baseline = row.ColumnInt(11);
  ASSIGN_OR_RETURN(test.create_time,
                   CheckStored(DecodeTimestamp(row.ColumnText(12)), "create_time", where));
  return test;
}

absl::StatusOr<std::vector<ClimbTest>> ReadClimbTests(Statement& select, absl::string_view doing) {
  std::vector<ClimbTest> tests;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, select.Step(doing));
    if (!row) return tests;
    ASSIGN_OR_RETURN(ClimbTest test, ReadClimbTest(select));
    tests.push_back(std::move(test));
  }
}

absl::Status CheckCost(std::optional<double> cost, absl::string_view field) {
  if (!cost.has_value() || *cost >= 0) return absl::OkStatus();  // NaN fails >= 0
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: must be a cost of at least 0 or +infinity, got %f", field, *cost));
}

// ALREADY_EXISTS naming the first of the test's ad sets that a running test
// involves, and how.
absl::Status CheckNoRunningTestInvolves(Connection& writer, const ClimbTest& test,
                                        absl::string_view doing) {
  ASSIGN_OR_RETURN(StatementLease select, writer.Prepare(kSelectRunningInvolving, doing));
  select->Bind(1, test.original_ad_set_id);
  select->Bind(2, test.duplicate_ad_set_id);
  ASSIGN_OR_RETURN(const bool row, select->Step(doing));
  if (!row) return absl::OkStatus();
  const std::string running_id = select->ColumnText(0);
  const std::string running_original = select->ColumnText(1);
  for (const std::string* ad_set_id : {&test.original_ad_set_id, &test.duplicate_ad_set_id}) {
    const absl::string_view role = *ad_set_id == running_original ? "original" : "duplicate";
    if (*ad_set_id == running_original || *ad_set_id == select->ColumnText(2)) {
      return absl::AlreadyExistsError(
          absl::StrFormat("ad set '%s' is already the %s of running climb test '%s'", *ad_set_id,
                          role, running_id));
    }
  }
  return absl::InternalError(absl::StrFormat(
      "%s: running climb test '%s' matched but involves neither ad set", doing, running_id));
}

}  // namespace

absl::Status CheckNewClimbTest(const ClimbTest& test) {
  RETURN_IF_ERROR(CheckNotEmpty(test.climb_test_id, "climb_test.climb_test_id"));
  RETURN_IF_ERROR(CheckNotEmpty(test.account_id, "climb_test.account_id"));
  RETURN_IF_ERROR(CheckNotEmpty(test.original_ad_set_id, "climb_test.original_ad_set_id"));
  RETURN_IF_ERROR(CheckNotEmpty(test.duplicate_ad_set_id, "climb_test.duplicate_ad_set_id"));
  RETURN_IF_ERROR(CheckNotEmpty(test.from_event, "climb_test.from_event"));
  RETURN_IF_ERROR(CheckNotEmpty(test.to_event, "climb_test.to_event"));
  if (test.original_ad_set_id == test.duplicate_ad_set_id) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "climb_test.duplicate_ad_set_id: '%s' is also the original", test.duplicate_ad_set_id));
  }
  if (test.state != ClimbTestState::kRunning) {
    return absl::InvalidArgumentError(absl::StrCat("climb_test.state: a new test is RUNNING, not ",
                                                   AsAbsl(ClimbTestStateName(test.state))));
  }
  if (test.concluded_week.has_value() || test.original_cost_per_macro.has_value() ||
      test.duplicate_cost_per_macro.has_value() || test.retest_baseline.has_value()) {
    return absl::InvalidArgumentError(
        "climb_test: a new test has no concluded_week, costs or retest_baseline");
  }
  if (!TimestampInRange(test.create_time)) {
    return absl::InvalidArgumentError(
        absl::StrCat("climb_test.create_time: ",
                     absl::FormatTime(absl::RFC3339_full, test.create_time, absl::UTCTimeZone()),
                     " is outside years 1 to 9999"));
  }
  return absl::OkStatus();
}

absl::Status CheckTestUpdate(const TestUpdate& update, absl::string_view field) {
  RETURN_IF_ERROR(CheckNotEmpty(update.climb_test_id, absl::StrCat(field, ".climb_test_id")));
  if (update.state == ClimbTestState::kCancelled) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".state: CANCELLED is no evaluation's finding; only CancelClimbTest cancels"));
  }
  // A reopening clears the figures, whatever it carries.
  if (update.state == ClimbTestState::kRunning) return absl::OkStatus();
  RETURN_IF_ERROR(
      CheckCost(update.original_cost_per_macro, absl::StrCat(field, ".original_cost_per_macro")));
  RETURN_IF_ERROR(
      CheckCost(update.duplicate_cost_per_macro, absl::StrCat(field, ".duplicate_cost_per_macro")));
  if (update.retest_baseline.has_value() && *update.retest_baseline < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.retest_baseline: must not be negative, got %d", field, *update.retest_baseline));
  }
  return absl::OkStatus();
}

absl::Status InsertClimbTestRow(Connection& writer, const ClimbTest& test) {
  constexpr absl::string_view kDoing = "storing a climb test";
  ASSIGN_OR_RETURN(const bool exists,
                   writer.QueryExists(kClimbTestExists, test.climb_test_id, kDoing));
  if (exists) {
    return absl::AlreadyExistsError(
        absl::StrFormat("climb test '%s' already exists", test.climb_test_id));
  }
  RETURN_IF_ERROR(CheckNoRunningTestInvolves(writer, test, kDoing));
  ASSIGN_OR_RETURN(StatementLease insert, writer.Prepare(kInsertClimbTest, kDoing));
  insert->Bind(1, test.climb_test_id);
  insert->Bind(2, test.account_id);
  insert->Bind(3, test.original_ad_set_id);
  insert->Bind(4, test.duplicate_ad_set_id);
  insert->Bind(5, test.from_event);
  insert->Bind(6, test.to_event);
  insert->Bind(7, test.start_week.ToString());
  insert->Bind(8, EncodeTimestamp(test.create_time));
  return insert->Run(kDoing);
}

absl::StatusOr<ClimbTest> SelectClimbTestRow(Connection& connection,
                                             const std::string& climb_test_id) {
  constexpr absl::string_view kDoing = "reading a climb test";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kSelectClimbTest, kDoing));
  select->Bind(1, climb_test_id);
  ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
  if (!row) {
    return absl::NotFoundError(absl::StrFormat("climb test '%s' not found", climb_test_id));
  }
  return ReadClimbTest(*select);
}

absl::StatusOr<std::vector<ClimbTest>> SelectClimbTestRowsOf(Connection& connection,
                                                             const std::string& ad_set_id) {
  constexpr absl::string_view kDoing = "reading the climb tests of an ad set";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kSelectClimbTestsOf, kDoing));
  select->Bind(1, ad_set_id);
  return ReadClimbTests(*select, kDoing);
}

absl::StatusOr<std::vector<ClimbTest>> SelectClimbTestRows(Connection& connection,
                                                           const ClimbTestQuery& query) {
  constexpr absl::string_view kDoing = "listing climb tests";
  if (query.limit <= 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("limit: must be positive, got %d", query.limit));
  }
  const bool by_account = !query.account_id.empty();
  ASSIGN_OR_RETURN(
      StatementLease select,
      connection.Prepare(by_account ? kListClimbTestsOfAccount : kListClimbTests, kDoing));
  select->Bind(1, query.after_climb_test_id);
  select->Bind(2, int64_t{query.limit});
  if (query.state.has_value()) {
    select->Bind(3, AsAbsl(ClimbTestStateName(*query.state)));
  } else {
    select->BindNull(3);
  }
  if (by_account) select->Bind(4, query.account_id);
  return ReadClimbTests(*select, kDoing);
}

absl::StatusOr<ClimbTest> CancelClimbTestRow(Connection& writer, const std::string& climb_test_id,
                                             Week week) {
  constexpr absl::string_view kDoing = "cancelling a climb test";
  ASSIGN_OR_RETURN(ClimbTest test, SelectClimbTestRow(writer, climb_test_id));
  switch (test.state) {
    case ClimbTestState::kCancelled: return test;
    case ClimbTestState::kPromoted:
    case ClimbTestState::kKeptCurrent:
      return absl::FailedPreconditionError(absl::StrFormat(
          "climb test '%s' was already judged %s at week %s; only a running test can be "
          "cancelled",
          climb_test_id, AsAbsl(ClimbTestStateName(test.state)),
          test.concluded_week.has_value() ? test.concluded_week->ToString() : "?"));
    case ClimbTestState::kRunning: break;
  }
  ASSIGN_OR_RETURN(StatementLease cancel, writer.Prepare(kCancelClimbTest, kDoing));
  cancel->Bind(1, climb_test_id);
  cancel->Bind(2, week.ToString());
  RETURN_IF_ERROR(cancel->Run(kDoing));
  if (writer.Changes() != 1) {
    return absl::InternalError(
        absl::StrFormat("%s: running climb test '%s' was not updated", kDoing, climb_test_id));
  }
  test.state = ClimbTestState::kCancelled;
  test.concluded_week = week;
  return test;
}

absl::Status ApplyTestUpdate(Connection& writer, const TestUpdate& update, Week week) {
  constexpr absl::string_view kDoing = "updating a climb test";
  switch (update.state) {
    case ClimbTestState::kRunning: {
      ASSIGN_OR_RETURN(StatementLease reopen, writer.Prepare(kReopenClimbTest, kDoing));
      reopen->Bind(1, update.climb_test_id);
      reopen->Bind(2, week.ToString());
      return reopen->Run(kDoing);
    }
    case ClimbTestState::kPromoted:
    case ClimbTestState::kKeptCurrent: {
      ASSIGN_OR_RETURN(StatementLease conclude, writer.Prepare(kConcludeClimbTest, kDoing));
      conclude->Bind(1, update.climb_test_id);
      conclude->Bind(2, week.ToString());
      conclude->Bind(3, AsAbsl(ClimbTestStateName(update.state)));
      BindCost(*conclude, 4, update.original_cost_per_macro);
      BindCost(*conclude, 5, update.duplicate_cost_per_macro);
      conclude->Bind(6, update.retest_baseline);
      return conclude->Run(kDoing);
    }
    case ClimbTestState::kCancelled: break;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: climb test '%s' cannot be cancelled by an evaluation", kDoing, update.climb_test_id));
}

}  // namespace rung
