#ifndef RUNG_STORAGE_SQLITE_SQLITE_STORE_H_
#define RUNG_STORAGE_SQLITE_SQLITE_STORE_H_

// Test seams of the SQLite store, which the daemon does not use: they let
// tests drive situations no real file or options can (an edited migration,
// a full disk) and look at per-connection settings.

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rung/store.h"
#include "storage/sqlite/checkpointer.h"
#include "storage/migrations.h"

namespace rung {

// OpenSqliteStore, but migrating with `migrations` instead of the embedded ones.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStoreForTest(
    const SqliteStoreOptions& options, const std::vector<Migration>& migrations);

// Runs `pragma` (which must answer a row, such as "PRAGMA synchronous" or
// "PRAGMA max_page_count = 10") on the writer connection of `store`, a store
// opened by this file, and returns the first column of the answer.
absl::StatusOr<int64_t> WriterPragmaForTest(Store& store, absl::string_view pragma);

// The same on every reader connection, one answer per reader.
absl::StatusOr<std::vector<int64_t>> ReaderPragmasForTest(Store& store, absl::string_view pragma);

// Waits until `store`'s background checkpoint is neither asked for nor under
// way, and answers what its checkpoints have done so far.
absl::StatusOr<Checkpointer::Stats> WaitForCheckpointsForTest(Store& store);

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_SQLITE_STORE_H_
