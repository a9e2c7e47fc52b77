#include "storage/sqlite/parameter_rows.h"

#include "rung/status_macros.h"

namespace rung {

void ParameterRows::StartRow() { row_starts_.push_back(values_.size()); }

void ParameterRows::AddInt(int64_t value) { values_.push_back({Kind::kInt, value, 0}); }

void ParameterRows::AddText(absl::string_view text) {
  values_.push_back({Kind::kText, static_cast<int64_t>(text_.size()), text.size()});
  text_.append(text.data(), text.size());
}

void ParameterRows::AddTextOrNull(absl::string_view text) {
  if (text.empty()) {
    values_.push_back({Kind::kNull, 0, 0});
  } else {
    AddText(text);
  }
}

absl::Status ParameterRows::RunEach(Statement& statement, absl::string_view doing) const {
  for (size_t row = 0; row < rows(); ++row) {
    BindRow(row, statement);
    RETURN_IF_ERROR(statement.Run(doing));
    // SQLite takes new values only once the last run is reset.
    statement.Reset();
  }
  return absl::OkStatus();
}

void ParameterRows::BindRow(size_t row, Statement& statement) const {
  const size_t end = row + 1 < row_starts_.size() ? row_starts_[row + 1] : values_.size();
  int index = 1;
  for (size_t i = row_starts_[row]; i < end; ++i, ++index) {
    const Value& value = values_[i];
    switch (value.kind) {
      case Kind::kNull: statement.BindNull(index); break;
      case Kind::kInt: statement.Bind(index, value.number); break;
      case Kind::kText:
        statement.BindUncopied(index, absl::string_view(text_.data() + value.number, value.size));
        break;
    }
  }
}

}  // namespace rung
