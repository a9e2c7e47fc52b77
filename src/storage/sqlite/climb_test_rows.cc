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
#include "storage/row_codec.h"
#include "storage/row_values.h"
#include "storage/store_errors.h"

namespace rung {
namespace {

// Every SELECT of a test reads these columns, in this order; see
// ReadClimbTest. A macro, so that the statements stay literals.
#define RUNG_CLIMB_TEST_COLUMNS                                                                \
  "climb_test_id, account_id, original_ad_set_id, duplicate_ad_set_id, from_event, to_event, " \
  "start_week, state, concluded_week, original_cost_per_macro, duplicate_cost_per_macro, "     \
  "retest_baseline, create_time"

// Inserts nothing when a running test involves either ad set, in either
// role: the partial unique indexes see only one role each.
constexpr absl::string_view kInsertClimbTest =
    "INSERT INTO climb_tests (climb_test_id, account_id, original_ad_set_id, duplicate_ad_set_id, "
    "from_event, to_event, start_week, state, create_time) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'RUNNING', ?8 WHERE NOT EXISTS (SELECT 1 FROM climb_tests "
    "WHERE state = 'RUNNING' AND (original_ad_set_id IN (?3, ?4) OR duplicate_ad_set_id IN (?3, "
    "?4)))";
constexpr absl::string_view kClimbTestExists =
    "SELECT EXISTS (SELECT 1 FROM climb_tests WHERE climb_test_id = ?1)";
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

// Changes the test only while it is in the state the caller read.
constexpr absl::string_view kUpdateClimbTest =
    "UPDATE climb_tests SET state = ?2, concluded_week = ?3, original_cost_per_macro = ?4, "
    "duplicate_cost_per_macro = ?5, retest_baseline = ?6 "
    "WHERE climb_test_id = ?1 AND state = ?7 AND concluded_week IS ?8";

void BindCost(Statement& statement, int index, std::optional<double> cost) {
  if (cost.has_value()) {
    statement.BindDouble(index, *cost);
  } else {
    statement.BindNull(index);
  }
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

}  // namespace

absl::Status InsertClimbTestRow(Connection& writer, const ClimbTest& test) {
  constexpr absl::string_view kDoing = "storing a climb test";
  ASSIGN_OR_RETURN(const bool exists,
                   writer.QueryExists(kClimbTestExists, test.climb_test_id, kDoing));
  if (exists) return ClimbTestAlreadyExists(test.climb_test_id);
  ASSIGN_OR_RETURN(StatementLease insert, writer.Prepare(kInsertClimbTest, kDoing));
  insert->Bind(1, test.climb_test_id);
  insert->Bind(2, test.account_id);
  insert->Bind(3, test.original_ad_set_id);
  insert->Bind(4, test.duplicate_ad_set_id);
  insert->Bind(5, test.from_event);
  insert->Bind(6, test.to_event);
  insert->Bind(7, test.start_week.ToString());
  insert->Bind(8, EncodeTimestamp(test.create_time));
  RETURN_IF_ERROR(insert->Run(kDoing));
  if (writer.Changes() == 1) return absl::OkStatus();
  return RunningTestInvolvesEither(test);
}

absl::StatusOr<ClimbTest> SelectClimbTestRow(Connection& connection,
                                             const std::string& climb_test_id) {
  constexpr absl::string_view kDoing = "reading a climb test";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kSelectClimbTest, kDoing));
  select->Bind(1, climb_test_id);
  ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
  if (!row) return ClimbTestNotFound(climb_test_id);
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
  RETURN_IF_ERROR(CheckPageLimit(query.limit));
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

absl::Status UpdateClimbTestRow(Connection& writer, const ClimbTestChange& change) {
  constexpr absl::string_view kDoing = "updating a climb test";
  const ClimbTest& next = change.next;
  ASSIGN_OR_RETURN(StatementLease update, writer.Prepare(kUpdateClimbTest, kDoing));
  update->Bind(1, next.climb_test_id);
  update->Bind(2, AsAbsl(ClimbTestStateName(next.state)));
  update->BindTextOrNull(3, next.concluded_week.has_value() ? next.concluded_week->ToString() : "");
  BindCost(*update, 4, next.original_cost_per_macro);
  BindCost(*update, 5, next.duplicate_cost_per_macro);
  update->Bind(6, next.retest_baseline);
  update->Bind(7, AsAbsl(ClimbTestStateName(change.expected.state)));
  update->BindTextOrNull(8, change.expected.concluded_week.has_value()
                                ? change.expected.concluded_week->ToString()
                                : "");
  RETURN_IF_ERROR(update->Run(kDoing));
  if (writer.Changes() == 1) return absl::OkStatus();
  ASSIGN_OR_RETURN(const ClimbTest stored, SelectClimbTestRow(writer, next.climb_test_id));
  return ClimbTestChangedSince(next.climb_test_id, stored.state, change.expected.state);
}

}  // namespace rung
