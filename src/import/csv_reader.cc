#include "import/csv_reader.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "import/fields.h"
#include "rung/status_macros.h"

namespace rung::importer {
namespace {

// Walks the text one record at a time, keeping the line count.
class CsvScanner {
 public:
  explicit CsvScanner(absl::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  int line() const { return line_; }

  // Reads the record at the current position into `cells`; a blank line
  // gives no cells.
  absl::Status ReadRecord(std::vector<std::string>* cells) {
    cells->clear();
    if (ConsumeLineEnd()) return absl::OkStatus();
    const int record_line = line_;
    while (true) {
      std::string cell;
      if (Peek() == '"') {
        ++pos_;
        RETURN_IF_ERROR(ReadQuotedCell(record_line, cells->size() + 1, &cell));
      } else {
        RETURN_IF_ERROR(ReadPlainCell(cells->size() + 1, &cell));
      }
      cells->push_back(std::move(cell));
      if (AtEnd() || ConsumeLineEnd()) return absl::OkStatus();
      if (Peek() != ',') {
        return LineError(line_, absl::StrCat("unexpected text after the closing quote of cell ",
                                             cells->size(), "; a quoted cell ends at its quote"));
      }
      ++pos_;
    }
  }

 private:
  static absl::Status LineError(int line, absl::string_view message) {
    return PlaceError(absl::StrCat("line ", line), message);
  }

  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

  // CRLF, LF or a lone CR.
  bool ConsumeLineEnd() {
    if (Peek() == '\r') {
      ++pos_;
      if (Peek() == '\n') ++pos_;
    } else if (Peek() == '\n') {
      ++pos_;
    } else {
      return false;
    }
    ++line_;
    return true;
  }

  absl::Status ReadPlainCell(size_t cell_number, std::string* cell) {
    const size_t start = pos_;
    while (!AtEnd() && text_[pos_] != ',' && text_[pos_] != '\r' && text_[pos_] != '\n') {
      if (text_[pos_] == '"') {
        return LineError(line_, absl::StrCat("a quote inside unquoted cell ", cell_number,
                                             "; quote the whole cell and double the quote"));
      }
      ++pos_;
    }
    *cell = std::string(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  // Starts after the opening quote and ends after the closing one.
  absl::Status ReadQuotedCell(int record_line, size_t cell_number, std::string* cell) {
    while (true) {
      if (AtEnd()) {
        return LineError(record_line, absl::StrCat("quoted cell ", cell_number,
                                                   " is never closed; the file ends inside it"));
      }
      const char c = text_[pos_++];
      if (c == '"') {
        if (Peek() != '"') return absl::OkStatus();
        ++pos_;
      } else if (c == '\n') {
        ++line_;
      }
      cell->push_back(c);
    }
  }

  absl::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

absl::StatusOr<CsvTable> ReadCsvTable(absl::string_view content) {
  CsvScanner scanner(WithoutBom(content));
  CsvTable table;
  std::vector<std::string> cells;
  while (!scanner.AtEnd()) {
    const int line = scanner.line();
    RETURN_IF_ERROR(scanner.ReadRecord(&cells));
    if (cells.empty()) continue;
    if (table.header.empty()) {
      table.header_line = line;
      table.header = std::move(cells);
      continue;
    }
    if (cells.size() != table.header.size()) {
      return PlaceError(absl::StrCat("line ", line),
                        absl::StrCat(cells.size(), " cells, but the header (line ",
                                     table.header_line, ") has ", table.header.size(), " columns",
                                     cells.size() > table.header.size()
                                         ? "; a cell that contains ',' must be quoted"
                                         : ""));
    }
    table.rows.push_back({line, std::move(cells)});
  }
  if (table.header.empty()) {
    return absl::InvalidArgumentError("line 1: the file has no header row");
  }
  return table;
}

}  // namespace rung::importer
