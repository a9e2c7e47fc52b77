#include "sqlite_handles.h"

#include "absl/strings/str_cat.h"

namespace rung::bench {

absl::Status SqliteError(sqlite3* db, absl::string_view doing) {
  return absl::InternalError(absl::StrCat(doing, ": ", sqlite3_errmsg(db)));
}

absl::StatusOr<Database> OpenDatabase(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw);
  if (rc != SQLITE_OK) return SqliteError(db.get(), absl::StrCat("opening ", path));
  return db;
}

absl::StatusOr<Statement> Prepare(sqlite3* db, absl::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    return SqliteError(db, absl::StrCat("preparing ", sql));
  }
  return Statement(raw);
}

absl::Status Exec(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db, sql);
  }
  return absl::OkStatus();
}

}  // namespace rung::bench
