#ifndef RUNG_BENCH_SQLITE_HANDLES_H_
#define RUNG_BENCH_SQLITE_HANDLES_H_

// The bare SQLite C API with handles that close themselves: the benchmark's
// limits go through nothing else, so that they measure SQLite alone.

#include <sqlite3.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rung::bench {

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// `flags` as for sqlite3_open_v2.
absl::StatusOr<Database> OpenDatabase(const std::string& path, int flags);
absl::StatusOr<Statement> Prepare(sqlite3* db, absl::string_view sql);
absl::Status Exec(sqlite3* db, const std::string& sql);
// The connection's last error, after `doing`.
absl::Status SqliteError(sqlite3* db, absl::string_view doing);

}  // namespace rung::bench

#endif  // RUNG_BENCH_SQLITE_HANDLES_H_
