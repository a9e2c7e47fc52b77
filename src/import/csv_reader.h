#ifndef RUNG_IMPORT_CSV_READER_H_
#define RUNG_IMPORT_CSV_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rung::importer {

struct CsvRow {
  // The line the row starts on, counting the file's first line as 1; a
  // quoted cell may hold line breaks, so rows and lines can differ.
  int line = 0;
  std::vector<std::string> cells;
};

// A CSV file as a header and rows that each have one cell per column.
struct CsvTable {
  int header_line = 0;
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
};

// Reads RFC 4180 CSV: ',' separators, cells quoted with '"' and quotes
// doubled inside them, CRLF or LF line ends, an optional UTF-8 byte order
// mark. Blank lines are skipped. A row whose cell count differs from the
// header's, or a quote out of place, is INVALID_ARGUMENT naming the line.
absl::StatusOr<CsvTable> ReadCsvTable(absl::string_view content);

}  // namespace rung::importer

#endif  // RUNG_IMPORT_CSV_READER_H_
