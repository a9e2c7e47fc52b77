#include "storage/postgres/pg_migrator.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/retry.h"
#include "rung/status_macros.h"
#include "storage/migration_plan.h"

namespace rung {
namespace {

// Each conflict means another rungd got further; a few suffice in practice.
constexpr int kMaxAttempts = 20;

const std::string kHasSchemaMigrations = "SELECT to_regclass('schema_migrations') IS NOT NULL";
const std::string kCountOtherTables = R"sql(
SELECT count(*) FROM pg_catalog.pg_class AS c
  JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
 WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND c.relname <> 'schema_migrations')sql";
// IF NOT EXISTS: a rungd that committed it after we looked must not fail us.
const std::string kCreateSchemaMigrations = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer     NOT NULL PRIMARY KEY,
  name       text        NOT NULL,
  -- Lowercase hex SHA-256 of the migration's SQL, to notice edits.
  checksum   text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";
const std::string kSelectApplied = "SELECT version, checksum FROM schema_migrations";
const std::string kSelectHighestApplied = "SELECT coalesce(max(version), 0) FROM schema_migrations";
const std::string kInsertApplied =
    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";

// One SERIALIZABLE transaction, run again while it loses to a concurrent
// one. Concurrent creation of one table ends in a unique violation in the
// catalog rather than a serialization failure, and an insert of a version
// that another rungd inserted first in a unique violation too: both mean
// "look again".
absl::Status InRetriedTransaction(PgConnection& connection, absl::string_view doing,
                                  absl::FunctionRef<absl::Status()> body) {
  return RetryWhileAborted(
      [&]() -> absl::Status {
        absl::Status status = connection.InTransaction(PgIsolation::kSerializable, doing, body);
        if (absl::IsAlreadyExists(status)) return absl::AbortedError(status.message());
        return status;
      },
      kMaxAttempts);
}

absl::StatusOr<bool> QueryBool(PgConnection& connection, const std::string& sql,
                               absl::string_view doing) {
  ASSIGN_OR_RETURN(const PgResult result, connection.Query(sql, {}, doing));
  return result.Bool(0, 0);
}

absl::Status ClaimDatabase(PgConnection& connection) {
  const std::string doing =
      absl::StrCat("checking that '", connection.target(), "' is a Rung Advisor database");
  return InRetriedTransaction(connection, doing, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(const bool ours, QueryBool(connection, kHasSchemaMigrations, doing));
    if (ours) return absl::OkStatus();
    ASSIGN_OR_RETURN(const int64_t tables, connection.QueryInt(kCountOtherTables, doing));
    if (tables > 0) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "'%s' is not a Rung Advisor database (it has tables but no schema_migrations)",
          connection.target()));
    }
    return connection.Exec(kCreateSchemaMigrations, doing);
  });
}

absl::StatusOr<std::vector<AppliedMigration>> ReadApplied(PgConnection& connection) {
  constexpr absl::string_view kDoing = "reading schema_migrations";
  ASSIGN_OR_RETURN(const PgResult rows, connection.Query(kSelectApplied, {}, kDoing));
  std::vector<AppliedMigration> applied;
  for (int row = 0; row < rows.rows(); ++row) {
    ASSIGN_OR_RETURN(const int64_t version, rows.Int64(row, 0));
    applied.push_back({version, std::string(rows.Text(row, 1))});
  }
  return applied;
}

absl::Status Apply(PgConnection& connection, const Migration& migration) {
  const std::string doing = absl::StrCat("applying migration ", MigrationName(migration));
  ASSIGN_OR_RETURN(const std::string checksum, MigrationChecksum(migration));
  return InRetriedTransaction(connection, doing, [&]() -> absl::Status {
    // Another rungd may have applied it since we looked.
    ASSIGN_OR_RETURN(const int64_t highest, connection.QueryInt(kSelectHighestApplied, doing));
    if (highest >= migration.version) return absl::OkStatus();
    // The row before the SQL: a rungd applying the same migration at the
    // same time waits on this row and then fails over it, instead of
    // running the migration's DDL next to ours.
    RETURN_IF_ERROR(
        connection
            .Query(kInsertApplied,
                   {absl::StrCat(migration.version), std::string(migration.name), checksum}, doing)
            .status());
    return connection.Exec(std::string(migration.sql), doing);
  });
}

}  // namespace

absl::Status MigratePostgres(PgConnection& connection, const std::vector<Migration>& migrations) {
  RETURN_IF_ERROR(ClaimDatabase(connection));
  return ApplyPending(ReadApplied(connection), migrations,
                      [&](const Migration& migration) { return Apply(connection, migration); });
}

}  // namespace rung
