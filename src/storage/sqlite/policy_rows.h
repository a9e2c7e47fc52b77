#ifndef RUNG_STORAGE_SQLITE_POLICY_ROWS_H_
#define RUNG_STORAGE_SQLITE_POLICY_ROWS_H_

// The policy_revisions table (migration 0009): its SQL and how a row
// encodes. Each function uses the connection it is given; the append
// expects the caller to hold the writer and its transaction.

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rung/policy_version.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// See PolicyStore::AppendPolicyRevisions; `revisions` are checked by
// CheckStorablePolicyRevisions. On ABORTED some may be inserted already:
// the caller's transaction rolls them back.
absl::Status InsertPolicyRevisionRows(Connection& writer,
                                      const std::vector<PolicyRevision>& revisions);

// See PolicyStore::LatestPolicyRevisions.
absl::StatusOr<std::vector<PolicyRevision>> SelectLatestPolicyRevisionRows(Connection& connection);

// See PolicyStore::ListPolicyRevisions; `query` is checked by
// CheckPolicyRevisionQuery.
absl::StatusOr<std::vector<PolicyRevision>> SelectPolicyRevisionRows(
    Connection& connection, const PolicyRevisionQuery& query);

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_POLICY_ROWS_H_
