#ifndef RUNG_TESTS_SUPPORT_DB_DUMP_H_
#define RUNG_TESTS_SUPPORT_DB_DUMP_H_

// Reads a rungd database as an outsider would: through its own read-only
// SQLite connection, never through the daemon, so that "nothing changed"
// and "the copy is sound" do not depend on the code under test.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sqlite3.h"

namespace rung::test_support {

// A read-only connection, closed when it goes out of scope.
class ReadOnlyDb {
 public:
  explicit ReadOnlyDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      error_ = db_ == nullptr ? "out of memory" : sqlite3_errmsg(db_);
    }
  }
  ~ReadOnlyDb() { sqlite3_close(db_); }
  ReadOnlyDb(const ReadOnlyDb&) = delete;
  ReadOnlyDb& operator=(const ReadOnlyDb&) = delete;

  // Every row `sql` answers, each as its columns joined by '|', or one
  // "error: ..." row.
  std::vector<std::string> Rows(const std::string& sql) const {
    if (!error_.empty()) return {"error: " + error_};
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      return {absl::StrCat("error: ", sqlite3_errmsg(db_))};
    }
    std::vector<std::string> rows;
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(statement); ++i) {
        const unsigned char* text = sqlite3_column_text(statement, i);
        absl::StrAppend(&row, i == 0 ? "" : "|",
                        text == nullptr ? "NULL" : reinterpret_cast<const char*>(text));
      }
      rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) rows.push_back(absl::StrCat("error: ", sqlite3_errmsg(db_)));
    sqlite3_finalize(statement);
    return rows;
  }

  // "ok" for a sound file.
  std::string IntegrityCheck() const {
    const std::vector<std::string> rows = Rows("PRAGMA integrity_check");
    return rows.size() == 1 ? rows[0] : absl::StrCat(rows.size(), " problems");
  }

  // Every row of every table, table by table, rows sorted: equal dumps mean
  // equal stored data, whatever the schema.
  std::string Dump() const {
    std::string dump;
    for (const std::string& table :
         Rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      std::vector<std::string> rows = Rows(absl::StrCat("SELECT * FROM \"", table, "\""));
      std::sort(rows.begin(), rows.end());
      absl::StrAppend(&dump, "== ", table, " (", rows.size(), " rows)\n");
      for (const std::string& row : rows) absl::StrAppend(&dump, row, "\n");
    }
    return dump;
  }

 private:
  sqlite3* db_ = nullptr;
  std::string error_;
};

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_DB_DUMP_H_
