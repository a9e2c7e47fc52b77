#include "storage/postgres/pg_copy_rows.h"

#include "absl/strings/str_cat.h"

namespace rung {

void PgCopyRows::StartRow() {
  EndRow();
  row_open_ = true;
  first_column_ = true;
  ++rows_;
}

void PgCopyRows::EndRow() {
  if (row_open_) text_.push_back('\n');
  row_open_ = false;
}

void PgCopyRows::StartColumn() {
  if (!first_column_) text_.push_back('\t');
  first_column_ = false;
}

void PgCopyRows::AddInt(int64_t value) {
  StartColumn();
  absl::StrAppend(&text_, value);
}

void PgCopyRows::AddText(absl::string_view text) {
  StartColumn();
  // Only these four bytes mean anything to COPY's text format; every other
  // byte, multibyte UTF-8 included, stands for itself.
  size_t plain = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char escape;
    switch (text[i]) {
      case '\\': escape = '\\'; break;
      case '\t': escape = 't'; break;
      case '\n': escape = 'n'; break;
      case '\r': escape = 'r'; break;
      default: continue;
    }
    text_.append(text.data() + plain, i - plain);
    text_.push_back('\\');
    text_.push_back(escape);
    plain = i + 1;
  }
  text_.append(text.data() + plain, text.size() - plain);
}

void PgCopyRows::AddTextOrNull(absl::string_view text) {
  if (text.empty()) {
    AddNull();
  } else {
    AddText(text);
  }
}

void PgCopyRows::AddNull() {
  StartColumn();
  text_.append("\\N");
}

absl::string_view PgCopyRows::text() {
  EndRow();
  return text_;
}

}  // namespace rung
