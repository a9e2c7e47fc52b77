#include "storage/migration_plan.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/digest.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

absl::Status VerifyApplied(const AppliedMigration& applied, const std::vector<Migration>& known) {
  const int64_t newest = known.empty() ? 0 : known.back().version;
  if (applied.version > newest) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "database schema version %d is newer than this rungd knows (%d); upgrade rungd",
        applied.version, newest));
  }
  const auto migration = std::find_if(
      known.begin(), known.end(), [&](const Migration& m) { return m.version == applied.version; });
  if (migration == known.end()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "database has migration %d applied, which this rungd does not know", applied.version));
  }
  ASSIGN_OR_RETURN(const std::string checksum, MigrationChecksum(*migration));
  if (checksum != applied.checksum) {
    return absl::FailedPreconditionError(
        absl::StrFormat("migration %s was edited after it was applied (checksum %s != %s)",
                        MigrationName(*migration), applied.checksum, checksum));
  }
  return absl::OkStatus();
}

}  // namespace

std::string MigrationName(const Migration& migration) {
  return absl::StrFormat("%04d_%s", migration.version, migration.name);
}

absl::StatusOr<std::string> MigrationChecksum(const Migration& migration) {
  return Sha256Hex(migration.sql);
}

absl::StatusOr<std::vector<const Migration*>> PendingMigrations(
    std::vector<AppliedMigration> applied, const std::vector<Migration>& known) {
  std::sort(
      applied.begin(), applied.end(),
      [](const AppliedMigration& a, const AppliedMigration& b) { return a.version > b.version; });
  for (const AppliedMigration& migration : applied) {
    RETURN_IF_ERROR(VerifyApplied(migration, known));
  }
  const int64_t highest = applied.empty() ? 0 : applied.front().version;
  std::vector<const Migration*> pending;
  for (const Migration& migration : known) {
    if (migration.version > highest) pending.push_back(&migration);
  }
  return pending;
}

absl::Status ApplyPending(absl::StatusOr<std::vector<AppliedMigration>> applied,
                          const std::vector<Migration>& known,
                          absl::FunctionRef<absl::Status(const Migration&)> apply) {
  RETURN_IF_ERROR(applied.status());
  ASSIGN_OR_RETURN(const std::vector<const Migration*> pending,
                   PendingMigrations(std::move(applied).value(), known));
  for (const Migration* migration : pending) RETURN_IF_ERROR(apply(*migration));
  return absl::OkStatus();
}

}  // namespace rung
