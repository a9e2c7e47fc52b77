#include "storage/sqlite/policy_rows.h"

#include <cstdint>
#include <utility>

#include "rung/status_macros.h"
#include "storage/row_codec.h"
#include "storage/sqlite/bound_columns.h"
#include "storage/store_errors.h"

namespace rung {
namespace {

// The columns ReadPolicyRevision reads and EncodePolicyRevision writes, in
// their order. A macro, so that the statements stay literals.
#define RUNG_POLICY_REVISION_COLUMNS                                                     \
  "account_id, revision, version, deployment_revision, overrides, ladders, changed_by, " \
  "change_time, reason"

// 0 for an account with none; read in the append's write transaction, so
// that no other writer stores one between this and the insert.
constexpr absl::string_view kLatestRevisionOf =
    "SELECT coalesce(max(revision), 0) FROM policy_revisions WHERE account_id = ?1";
constexpr absl::string_view kInsertPolicyRevision =
    "INSERT INTO policy_revisions (" RUNG_POLICY_REVISION_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
// Each account's greatest revision comes from one seek of the primary key.
constexpr absl::string_view kSelectLatestPolicyRevisions =
    "SELECT " RUNG_POLICY_REVISION_COLUMNS
    " FROM policy_revisions WHERE (account_id, revision) IN "
    "(SELECT account_id, max(revision) FROM policy_revisions GROUP BY account_id) "
    "ORDER BY account_id";
constexpr absl::string_view kListPolicyRevisions =
    "SELECT " RUNG_POLICY_REVISION_COLUMNS
    " FROM policy_revisions WHERE account_id = ?1 AND revision < ?2 "
    "ORDER BY revision DESC LIMIT ?3";

#undef RUNG_POLICY_REVISION_COLUMNS

absl::StatusOr<std::vector<PolicyRevision>> ReadRows(Statement& select, absl::string_view doing) {
  std::vector<PolicyRevision> revisions;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, select.Step(doing));
    if (!row) return revisions;
    ASSIGN_OR_RETURN(PolicyRevision revision, ReadPolicyRevision(select));
    revisions.push_back(std::move(revision));
  }
}

}  // namespace

absl::Status InsertPolicyRevisionRows(Connection& writer,
                                      const std::vector<PolicyRevision>& revisions) {
  constexpr absl::string_view kDoing = "appending policy revisions";
  for (size_t i = 0; i < revisions.size(); ++i) {
    const PolicyRevision& revision = revisions[i];
    {
      ASSIGN_OR_RETURN(StatementLease latest, writer.Prepare(kLatestRevisionOf, kDoing));
      latest->Bind(1, revision.account_id);
      ASSIGN_OR_RETURN(const bool row, latest->Step(kDoing));
      const int64_t stored = row ? latest->ColumnInt(0) : 0;
      if (revision.revision != stored + 1) return PolicyRevisionNotNext(i, revision, stored);
    }
    ASSIGN_OR_RETURN(StatementLease insert, writer.Prepare(kInsertPolicyRevision, kDoing));
    BoundColumns columns(*insert);
    EncodePolicyRevision(revision, columns);
    RETURN_IF_ERROR(insert->Run(kDoing));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PolicyRevision>> SelectLatestPolicyRevisionRows(Connection& connection) {
  constexpr absl::string_view kDoing = "reading the latest policy revisions";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kSelectLatestPolicyRevisions, kDoing));
  return ReadRows(*select, kDoing);
}

absl::StatusOr<std::vector<PolicyRevision>> SelectPolicyRevisionRows(
    Connection& connection, const PolicyRevisionQuery& query) {
  constexpr absl::string_view kDoing = "listing policy revisions";
  ASSIGN_OR_RETURN(StatementLease select, connection.Prepare(kListPolicyRevisions, kDoing));
  select->Bind(1, query.account_id);
  select->Bind(2, PolicyRevisionCeiling(query));
  select->Bind(3, int64_t{query.limit});
  return ReadRows(*select, kDoing);
}

}  // namespace rung
