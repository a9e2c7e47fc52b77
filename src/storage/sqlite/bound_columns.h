#ifndef RUNG_STORAGE_SQLITE_BOUND_COLUMNS_H_
#define RUNG_STORAGE_SQLITE_BOUND_COLUMNS_H_

// Where the shared row encoders (storage/row_codec.h) put a row for SQLite:
// each column bound as the next parameter of one statement.

#include <cstdint>

#include "absl/strings/string_view.h"
#include "storage/row_codec.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// Binds encoded columns as ?1, ?2, ... of one execution.
class BoundColumns final : public ColumnSink {
 public:
  explicit BoundColumns(Statement& statement) : statement_(statement) {}

  void AddInt(int64_t value) override { statement_.Bind(next_++, value); }
  void AddText(absl::string_view text) override { statement_.Bind(next_++, text); }
  void AddTextOrNull(absl::string_view text) override { statement_.BindTextOrNull(next_++, text); }

 private:
  Statement& statement_;
  int next_ = 1;
};

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_BOUND_COLUMNS_H_
