#ifndef RUNG_STORAGE_SQLITE_SQLITE_STORE_H_
#define RUNG_STORAGE_SQLITE_SQLITE_STORE_H_

// The Store over one SQLite file: WAL, one writer connection, a pool of
// readers, checkpoints off the commit path.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rung/store.h"
#include "storage/migrations.h"
#include "storage/sqlite/checkpointer.h"

namespace rung {

struct SqliteStoreOptions {
  std::string path;
  // "FULL", "NORMAL" or "OFF".
  std::string synchronous = "FULL";
  int busy_timeout_ms = 5000;
  int reader_connections = 4;
};

// Opens (creating when missing) and migrates the database. Refuses a file
// that is not a Rung Advisor database, one whose schema is newer than this
// binary knows, and one whose applied migration was edited.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const SqliteStoreOptions& options);

// Test seams, which the daemon does not use: they let tests drive situations
// no real file or options can (an edited migration) and wait for background
// work.

// OpenSqliteStore, but migrating with `migrations` instead of the embedded ones.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStoreForTest(
    const SqliteStoreOptions& options, const std::vector<Migration>& migrations);

// Waits until `store`'s background checkpoint is neither asked for nor under
// way, and answers what its checkpoints have done so far.
absl::StatusOr<Checkpointer::Stats> WaitForCheckpointsForTest(Store& store);

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_SQLITE_STORE_H_
