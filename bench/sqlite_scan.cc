#include "sqlite_scan.h"

#include <optional>
#include <utility>

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

std::optional<absl::string_view> OptionalText(sqlite3_stmt* row, int column) {
  const unsigned char* text = sqlite3_column_text(row, column);
  if (text == nullptr) return std::nullopt;
  return absl::string_view(reinterpret_cast<const char*>(text),
                           static_cast<size_t>(sqlite3_column_bytes(row, column)));
}

class SqliteAccountAggregate : public AccountAggregate {
 public:
  SqliteAccountAggregate(Database db, Statement aggregate)
      : db_(std::move(db)), aggregate_(std::move(aggregate)) {}

  absl::StatusOr<AggregateFigures> Run() override {
    AggregateFigures figures;
    const absl::Time start = absl::Now();
    sqlite3_reset(aggregate_.get());
    int rc;
    while ((rc = sqlite3_step(aggregate_.get())) == SQLITE_ROW) {
      sqlite3_stmt* row = aggregate_.get();
      AggregateGroup group;
      group.week = OptionalText(row, 0).value_or("");
      group.action = OptionalText(row, 1).value_or("");
      group.learning_status = OptionalText(row, 2);
      group.current_event = OptionalText(row, 3);
      group.ad_sets = sqlite3_column_int64(row, 4);
      group.spend_micros = sqlite3_column_int64(row, 5);  // 0 for NULL
      AddGroup(group, figures.weeks);
      ++figures.groups;
    }
    if (rc != SQLITE_DONE) return SqliteError(db_.get(), "aggregating an account");
    figures.seconds = absl::ToDoubleSeconds(absl::Now() - start);
    return figures;
  }

 private:
  Database db_;
  Statement aggregate_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<AccountAggregate>> OpenSqliteAccountAggregate(
    const std::string& path, const std::string& account_id) {
  ASSIGN_OR_RETURN(Database db, OpenDatabase(path, SQLITE_OPEN_READONLY));
  ASSIGN_OR_RETURN(Statement aggregate, Prepare(db.get(), kAccountAggregateSql));
  if (sqlite3_bind_text(aggregate.get(), 1, account_id.c_str(), -1, SQLITE_TRANSIENT) !=
      SQLITE_OK) {
    return SqliteError(db.get(), "binding the account");
  }
  return std::unique_ptr<AccountAggregate>(
      new SqliteAccountAggregate(std::move(db), std::move(aggregate)));
}

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
