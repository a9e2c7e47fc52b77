#ifndef RUNG_STORAGE_SQLITE_CLIMB_TEST_ROWS_H_
#define RUNG_STORAGE_SQLITE_CLIMB_TEST_ROWS_H_

// The climb_tests table (migration 0002): its SQL and how a row encodes.
// Each function uses the connection it is given; writes expect the caller to
// hold the writer and its transaction.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rung/climb_test.h"
#include "rung/decision.h"
#include "rung/store.h"
#include "rung/week.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// INVALID_ARGUMENT, naming the field, for a test that InsertClimbTest must
// not store: a missing id, event or ad set, one ad set in both roles, or a
// test that is not new (not RUNNING, or with conclusion fields set).
absl::Status CheckNewClimbTest(const ClimbTest& test);

// INVALID_ARGUMENT, naming `field` ("decisions[2].test_update"), for an
// update that is neither a conclusion (PROMOTED, KEPT_CURRENT) with costs
// that are >= 0 or +infinity, nor a reopening (RUNNING).
absl::Status CheckTestUpdate(const TestUpdate& update, absl::string_view field);

// Stores a new test. ALREADY_EXISTS when its id is taken, or when a running
// test involves either of its ad sets in either role.
absl::Status InsertClimbTestRow(Connection& writer, const ClimbTest& test);

// NOT_FOUND for an unknown id.
absl::StatusOr<ClimbTest> SelectClimbTestRow(Connection& connection,
                                             const std::string& climb_test_id);

// The tests with the ad set in either role, oldest start first (then by id).
absl::StatusOr<std::vector<ClimbTest>> SelectClimbTestRowsOf(Connection& connection,
                                                             const std::string& ad_set_id);

// See Store::ListClimbTests. INVALID_ARGUMENT for a limit below 1.
absl::StatusOr<std::vector<ClimbTest>> SelectClimbTestRows(Connection& connection,
                                                           const ClimbTestQuery& query);

// See Store::CancelClimbTest.
absl::StatusOr<ClimbTest> CancelClimbTestRow(Connection& writer, const std::string& climb_test_id,
                                             Week week);

// Applies what an evaluation of `week` found (see Store::StoreEvaluation). A
// conclusion changes a test that is running or was judged at `week`; a
// reopening one judged at `week`, unless another running test now involves
// either of its ad sets (a later test superseded it). Neither touches a
// cancelled test, and an update that does not apply changes nothing.
absl::Status ApplyTestUpdate(Connection& writer, const TestUpdate& update, Week week);

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_CLIMB_TEST_ROWS_H_
