#include "sqlite_scan.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rendered_rows.h"
#include "rung/status_macros.h"
#include "sqlite_handles.h"

namespace rung::bench {
namespace {

// Text is read as a pointer and a length, integers as integers, whatever
// their declared type: what a caller decoding the row must do at least.
uint64_t TouchColumn(sqlite3_stmt* row, int column) {
  if (sqlite3_column_type(row, column) == SQLITE_INTEGER) {
    return static_cast<uint64_t>(sqlite3_column_int64(row, column));
  }
  const unsigned char* text = sqlite3_column_text(row, column);
  const int size = sqlite3_column_bytes(row, column);
  return text == nullptr ? 1 : static_cast<uint64_t>(size) + text[0];
}

uint64_t DigestColumn(uint64_t hash, sqlite3_stmt* row, int column) {
  const unsigned char type = static_cast<unsigned char>(sqlite3_column_type(row, column));
  hash = Fnv(hash, &type, 1);
  const unsigned char* text = sqlite3_column_text(row, column);
  return Fnv(hash, text, text == nullptr ? 0 : sqlite3_column_bytes(row, column));
}

uint64_t FoldRow(uint64_t fold, sqlite3_stmt* row, ScanDepth depth) {
  for (int column = 0; column < kWeekColumnCount; ++column) {
    fold = depth == ScanDepth::kTouch ? fold + TouchColumn(row, column)
                                      : DigestColumn(fold, row, column);
  }
  return fold;
}

}  // namespace

absl::StatusOr<ScanFigures> ScanWeeks(const std::string& path, ScanDepth depth) {
  ASSIGN_OR_RETURN(Database db, OpenDatabase(path, SQLITE_OPEN_READONLY));
  ScanFigures figures;
  figures.fold = kFnvOffset;
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(Statement scan, Prepare(db.get(), WeekScanSql()));
  int rc;
  while ((rc = sqlite3_step(scan.get())) == SQLITE_ROW) {
    figures.fold = FoldRow(figures.fold, scan.get(), depth);
    ++figures.rows;
  }
  if (rc != SQLITE_DONE) return SqliteError(db.get(), "scanning ad_set_weeks");
  figures.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return figures;
}

}  // namespace rung::bench
