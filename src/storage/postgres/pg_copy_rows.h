#ifndef RUNG_STORAGE_POSTGRES_PG_COPY_ROWS_H_
#define RUNG_STORAGE_POSTGRES_PG_COPY_ROWS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "storage/row_codec.h"

namespace rung {

// Rows in the text format of COPY ... FROM STDIN (tab between columns, a
// newline after each row, \N for NULL), for PgConnection::CopyIn. A value
// never becomes SQL: the server reads each column with its type's input
// function, as it would a parameter.
class PgCopyRows final : public ColumnSink {
 public:
  void StartRow();
  void AddInt(int64_t value) override;
  void AddText(absl::string_view text) override;
  void AddTextOrNull(absl::string_view text) override;
  void AddNull();

  int64_t rows() const { return rows_; }
  // The rows so far, the last one ended.
  absl::string_view text();

 private:
  void StartColumn();
  void EndRow();

  std::string text_;
  int64_t rows_ = 0;
  bool row_open_ = false;
  bool first_column_ = true;
};

}  // namespace rung

#endif  // RUNG_STORAGE_POSTGRES_PG_COPY_ROWS_H_
