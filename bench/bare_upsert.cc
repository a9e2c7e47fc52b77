#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ingest.h"
#include "rendered_rows.h"
#include "rung/status_macros.h"
#include "rung/store.h"
#include "sqlite_handles.h"

namespace rung::bench {
namespace {

constexpr absl::string_view kInsertAdSet =
    "INSERT INTO ad_sets (ad_set_id, account_id, campaign_id) VALUES (?1, ?2, ?3) "
    "ON CONFLICT DO NOTHING";
std::string UpsertWeekSql() {
  return absl::StrCat("INSERT INTO ad_set_weeks (", kWeekColumns,
                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ", kWeekUpsertClause);
}

void BindText(sqlite3_stmt* statement, int index, const std::string& text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void BindTextOrNull(sqlite3_stmt* statement, int index, const char* text) {
  if (text == nullptr) {
    sqlite3_bind_null(statement, index);
  } else {
    sqlite3_bind_text(statement, index, text, -1, SQLITE_STATIC);
  }
}

template <typename T>
void BindIntOrNull(sqlite3_stmt* statement, int index, const std::optional<T>& value) {
  if (value.has_value()) {
    sqlite3_bind_int64(statement, index, *value);
  } else {
    sqlite3_bind_null(statement, index);
  }
}

absl::Status StepToDone(sqlite3* db, sqlite3_stmt* statement, absl::string_view doing) {
  const int rc = sqlite3_step(statement);
  sqlite3_reset(statement);
  if (rc != SQLITE_DONE) return SqliteError(db, doing);
  return absl::OkStatus();
}

// rungd's connection settings, on a file that OpenSqliteStore already put
// in WAL mode. `synchronous` is one of FULL, NORMAL or OFF.
absl::StatusOr<Database> OpenLikeRungd(const std::string& path, const std::string& synchronous) {
  ASSIGN_OR_RETURN(Database db, OpenDatabase(path, SQLITE_OPEN_READWRITE));
  RETURN_IF_ERROR(Exec(db.get(), "PRAGMA journal_mode = WAL"));
  RETURN_IF_ERROR(Exec(db.get(), "PRAGMA synchronous = " + synchronous));
  RETURN_IF_ERROR(Exec(db.get(), "PRAGMA foreign_keys = ON"));
  return db;
}

// The ad set row once per ad set, as rungd does once per ad set and batch.
class BareWriter {
 public:
  static absl::StatusOr<BareWriter> Open(const std::string& path, const std::string& synchronous) {
    ASSIGN_OR_RETURN(Database db, OpenLikeRungd(path, synchronous));
    ASSIGN_OR_RETURN(Statement insert_ad_set, Prepare(db.get(), kInsertAdSet));
    ASSIGN_OR_RETURN(Statement upsert_week, Prepare(db.get(), UpsertWeekSql()));
    return BareWriter(std::move(db), std::move(insert_ad_set), std::move(upsert_week));
  }

  absl::Status WriteBatch(const std::vector<RenderedRow>& rows) {
    RETURN_IF_ERROR(Exec(db_.get(), "BEGIN IMMEDIATE"));
    absl::Status written = WriteRows(rows);
    if (!written.ok()) {
      Exec(db_.get(), "ROLLBACK").IgnoreError();
      return written;
    }
    return Exec(db_.get(), "COMMIT");
  }

 private:
  BareWriter(Database db, Statement insert_ad_set, Statement upsert_week)
      : db_(std::move(db)),
        insert_ad_set_(std::move(insert_ad_set)),
        upsert_week_(std::move(upsert_week)) {}

  absl::Status WriteRows(const std::vector<RenderedRow>& rows) {
    const std::string* previous_ad_set = nullptr;
    for (const RenderedRow& row : rows) {
      if (previous_ad_set == nullptr || *previous_ad_set != row.record.ad_set_id) {
        RETURN_IF_ERROR(InsertAdSet(row.record));
        previous_ad_set = &row.record.ad_set_id;
      }
      RETURN_IF_ERROR(UpsertWeek(row));
    }
    return absl::OkStatus();
  }

  absl::Status InsertAdSet(const AdSetWeek& record) {
    sqlite3_stmt* statement = insert_ad_set_.get();
    BindText(statement, 1, record.ad_set_id);
    BindText(statement, 2, record.account_id);
    BindText(statement, 3, record.campaign_id);
    return StepToDone(db_.get(), statement, "inserting an ad set");
  }

  absl::Status UpsertWeek(const RenderedRow& row) {
    sqlite3_stmt* statement = upsert_week_.get();
    BindText(statement, 1, row.record.ad_set_id);
    BindText(statement, 2, row.week_start);
    BindText(statement, 3, row.record.optimization_event);
    BindIntOrNull(statement, 4, row.record.spend_micros);
    BindText(statement, 5, row.event_counts);
    BindTextOrNull(statement, 6, row.learning);
    BindIntOrNull(statement, 7, row.record.learning_threshold_override);
    BindTextOrNull(statement, 8, row.record.ladder.empty() ? nullptr : row.record.ladder.c_str());
    sqlite3_bind_int64(statement, 9, row.record.significant_edit ? 1 : 0);
    return StepToDone(db_.get(), statement, "upserting an ad set week");
  }

  Database db_;
  Statement insert_ad_set_;
  Statement upsert_week_;
};

}  // namespace

absl::Status CreateSchema(const std::string& path) {
  return OpenStore(path, StoreSettings()).status();
}

absl::StatusOr<IngestFigures> BareUpsert(const std::string& path, const DatasetSpec& spec,
                                         int batch_size, const std::string& synchronous) {
  RETURN_IF_ERROR(CreateSchema(path));
  ASSIGN_OR_RETURN(BareWriter writer, BareWriter::Open(path, synchronous));
  IngestFigures figures;
  figures.rows = spec.rows();
  figures.batches = BatchCount(spec, batch_size);
  absl::Duration timed = absl::ZeroDuration();
  for (int64_t batch = 0; batch < figures.batches; ++batch) {
    const std::vector<RenderedRow> rows = RenderBatch(spec, BatchRows(spec, batch_size, batch));
    const absl::Time start = absl::Now();
    RETURN_IF_ERROR(writer.WriteBatch(rows));
    timed += absl::Now() - start;
  }
  figures.seconds = absl::ToDoubleSeconds(timed);
  return figures;
}

}  // namespace rung::bench
