#ifndef RUNG_STORAGE_SQLITE_PARAMETER_ROWS_H_
#define RUNG_STORAGE_SQLITE_PARAMETER_ROWS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/row_codec.h"
#include "storage/sqlite/sqlite_db.h"

namespace rung {

// The parameters of many executions of one statement, encoded ahead of time:
// rows of values whose text lies back to back in one buffer. A chunk of rows
// then costs a few allocations, however many rows and columns it holds, so
// one thread can encode it and another bind it without either freeing what
// the other allocated. Not thread-safe; hand it over whole.
class ParameterRows final : public ColumnSink {
 public:
  // Begins the next row; the values added after it are its ?1, ?2, ...
  void StartRow();
  void AddInt(int64_t value) override;
  void AddText(absl::string_view text) override;
  // Empty text adds NULL, as Statement::BindTextOrNull binds it.
  void AddTextOrNull(absl::string_view text) override;

  size_t rows() const { return row_starts_.size(); }

  // Runs `statement` once per row, in order, with that row's values bound
  // without copying their text. Stops at the first error.
  absl::Status RunEach(Statement& statement, absl::string_view doing) const;

 private:
  void BindRow(size_t row, Statement& statement) const;

  enum class Kind : uint8_t { kNull, kInt, kText };
  // For text, `number` is the offset into text_.
  struct Value {
    Kind kind;
    int64_t number;
    size_t size;
  };

  std::string text_;
  std::vector<Value> values_;
  std::vector<size_t> row_starts_;  // index into values_ of each row's ?1
};

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_PARAMETER_ROWS_H_
