#ifndef RUNG_STORAGE_MIGRATION_PLAN_H_
#define RUNG_STORAGE_MIGRATION_PLAN_H_

// What every engine's migrator decides the same way: whether the migrations a
// database has applied are ones this binary knows, unedited, and which of its
// own are still to apply. Reading and writing schema_migrations is the
// engine's part.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/migrations.h"

namespace rung {

// One row of an engine's schema_migrations table.
struct AppliedMigration {
  int64_t version;
  // Lowercase hex SHA-256 of the SQL that was applied.
  std::string checksum;
};

// "0003_ingest_log", as migration files and messages name it.
std::string MigrationName(const Migration& migration);

// The checksum schema_migrations keeps for `migration`.
absl::StatusOr<std::string> MigrationChecksum(const Migration& migration);

// The migrations of `known` (in version order) that the database still needs,
// in the order to apply them. FAILED_PRECONDITION when `applied` (in any
// order) has a version newer than any known, one this binary does not know,
// or one whose SQL was edited after it was applied; the newest such problem
// is the one reported, since "upgrade rungd" is the likeliest cure.
absl::StatusOr<std::vector<const Migration*>> PendingMigrations(
    std::vector<AppliedMigration> applied, const std::vector<Migration>& known);

// The whole of migrating, given the engine's two parts: `applied` as it read
// schema_migrations, and `apply`, which applies one migration and records it
// in one transaction. Stops at the first error.
absl::Status ApplyPending(absl::StatusOr<std::vector<AppliedMigration>> applied,
                          const std::vector<Migration>& known,
                          absl::FunctionRef<absl::Status(const Migration&)> apply);

}  // namespace rung

#endif  // RUNG_STORAGE_MIGRATION_PLAN_H_
