#ifndef RUNG_STORAGE_SQLITE_MIGRATOR_H_
#define RUNG_STORAGE_SQLITE_MIGRATOR_H_

// Brings a database file to the schema this binary was built with, and
// refuses files it must not touch: someone else's, a newer rungd's, or one
// whose applied migrations differ from ours.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/migrations.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// "RUNG" in ASCII, kept in PRAGMA application_id so that tools such as
// file(1) and rungd itself can tell our databases from others.
inline constexpr int32_t kApplicationId = 0x52554E47;

// Refuses, without changing it, a file that is not a SQLite database, that
// carries another application_id, or that has tables but is not ours. Marks a
// fresh file as ours: schema_migrations and application_id, in one
// transaction. Call it before anything writes to the file.
absl::Status ClaimDatabase(Connection& writer, absl::string_view path);

// Refuses a database that has a migration this binary does not know (newer
// or in between) or one whose SQL changed since it was applied. Then applies
// the pending `migrations` (in version order), each in its own transaction
// with its schema_migrations row and PRAGMA user_version, so that a failing
// one leaves the database at the previous version.
absl::Status Migrate(Connection& writer, const std::vector<Migration>& migrations);

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_MIGRATOR_H_
