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
#include "rung/store.h"
#include "rung/week.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// Stores a new test (checked by CheckNewClimbTest). ALREADY_EXISTS when its
// id is taken, ABORTED when a running test involves either of its ad sets in
// either role.
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

// See ClimbTestStore::UpdateClimbTest.
absl::Status UpdateClimbTestRow(Connection& writer, const ClimbTestChange& change);

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_CLIMB_TEST_ROWS_H_
