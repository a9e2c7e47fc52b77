#include "storage/sqlite/migrator.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "rung/status_macros.h"
#include "storage/migration_plan.h"

namespace rung {
namespace {

constexpr absl::string_view kCountUserObjects =
    R"sql(SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\')sql";
constexpr absl::string_view kCountSchemaMigrations =
    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'";
constexpr char kCreateSchemaMigrations[] = R"sql(
CREATE TABLE schema_migrations (
  version    INTEGER NOT NULL PRIMARY KEY,
  name       TEXT    NOT NULL,
  -- Lowercase hex SHA-256 of the migration's SQL, to notice edits.
  checksum   TEXT    NOT NULL,
  applied_at TEXT    NOT NULL
) STRICT)sql";
constexpr absl::string_view kSelectApplied =
    "SELECT version, checksum FROM schema_migrations ORDER BY version DESC";
constexpr absl::string_view kSelectHighestApplied =
    "SELECT coalesce(max(version), 0) FROM schema_migrations";
constexpr absl::string_view kInsertApplied =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
    "VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";

absl::Status CheckOwnership(absl::string_view path, int64_t application_id, bool has_objects,
                            bool has_schema_migrations) {
  if (application_id != 0 && application_id != kApplicationId) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "'%s' belongs to another application (PRAGMA application_id is %d, Rung Advisor's is %d)",
        path, application_id, kApplicationId));
  }
  if (has_objects && !has_schema_migrations) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "'%s' is not a Rung Advisor database (it has tables but no schema_migrations)", path));
  }
  if (has_objects && application_id == 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "'%s' is not a Rung Advisor database (it has a schema_migrations table but no Rung "
        "Advisor application_id)",
        path));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AppliedMigration>> ReadApplied(Connection& writer) {
  constexpr absl::string_view kDoing = "reading schema_migrations";
  ASSIGN_OR_RETURN(StatementLease select, writer.Prepare(kSelectApplied, kDoing));
  std::vector<AppliedMigration> applied;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
    if (!row) return applied;
    applied.push_back({select->ColumnInt(0), select->ColumnText(1)});
  }
}

absl::Status Apply(Connection& writer, const Migration& migration) {
  const std::string doing = absl::StrCat("applying migration ", MigrationName(migration));
  ASSIGN_OR_RETURN(const std::string checksum, MigrationChecksum(migration));
  return writer.InWriteTransaction(doing, [&]() -> absl::Status {
    // Another rungd may have applied it since we looked.
    ASSIGN_OR_RETURN(const int64_t highest, writer.QueryInt(kSelectHighestApplied, doing));
    if (highest >= migration.version) return absl::OkStatus();
    RETURN_IF_ERROR(writer.Exec(std::string(migration.sql), doing));
    ASSIGN_OR_RETURN(StatementLease insert, writer.Prepare(kInsertApplied, doing));
    insert->Bind(1, int64_t{migration.version});
    insert->Bind(2, std::string(migration.name));
    insert->Bind(3, checksum);
    RETURN_IF_ERROR(insert->Run(doing));
    // PRAGMAs take no parameters; the version is our own integer.
    return writer.Exec(absl::StrCat("PRAGMA user_version = ", migration.version), doing);
  });
}

}  // namespace

absl::Status ClaimDatabase(Connection& writer, absl::string_view path) {
  const std::string doing = absl::StrCat("checking that '", path, "' is a Rung Advisor database");
  // In a write transaction, so that two rungd starting on a fresh file
  // cannot both create schema_migrations.
  return writer.InWriteTransaction(doing, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(const int64_t application_id, writer.QueryInt("PRAGMA application_id", doing));
    ASSIGN_OR_RETURN(const int64_t objects, writer.QueryInt(kCountUserObjects, doing));
    ASSIGN_OR_RETURN(const int64_t migration_tables,
                     writer.QueryInt(kCountSchemaMigrations, doing));
    RETURN_IF_ERROR(CheckOwnership(path, application_id, objects > 0, migration_tables > 0));
    if (migration_tables > 0) return absl::OkStatus();
    RETURN_IF_ERROR(writer.Exec(kCreateSchemaMigrations, doing));
    return writer.Exec(absl::StrCat("PRAGMA application_id = ", kApplicationId), doing);
  });
}

absl::Status Migrate(Connection& writer, const std::vector<Migration>& migrations) {
  return ApplyPending(ReadApplied(writer), migrations,
                      [&](const Migration& migration) { return Apply(writer, migration); });
}

}  // namespace rung
