#ifndef RUNG_STORAGE_ROW_VIEW_H_
#define RUNG_STORAGE_ROW_VIEW_H_

// One row of a query's answer, whichever engine gave it, so that each
// table's rows decode in one place (storage/row_codec.h).

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rung {

class RowView {
 public:
  virtual bool IsNull(int column) const = 0;
  // 0 for NULL.
  virtual int64_t ColumnInt(int column) const = 0;
  virtual double ColumnDouble(int column) const = 0;
  // "" for NULL; valid until the row moves on.
  virtual absl::string_view ColumnView(int column) const = 0;

  std::string ColumnText(int column) const { return std::string(ColumnView(column)); }

 protected:
  ~RowView() = default;
};

// A value the database holds but rungd never writes becomes DATA_LOSS that
// names the column, the row (`where`) and the `problem` with it.
inline absl::Status CorruptColumn(absl::string_view column, absl::string_view where,
                                  const absl::Status& problem) {
  return absl::DataLossError(
      absl::StrCat("stored ", column, " of ", where, " is corrupt: ", problem.message()));
}

// `value`, or CorruptColumn for its error.
template <typename T>
absl::StatusOr<T> CheckStored(absl::StatusOr<T> value, absl::string_view column,
                              absl::string_view where) {
  if (value.ok()) return value;
  return CorruptColumn(column, where, value.status());
}

}  // namespace rung

#endif  // RUNG_STORAGE_ROW_VIEW_H_
