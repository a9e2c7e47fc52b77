#include "postgres_limits.h"

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rendered_rows.h"
#include "rung/status_macros.h"
#include "storage/migrations.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_migrator.h"

namespace rung::bench {
namespace {

constexpr char kInsertAdSets[] =
    "INSERT INTO ad_sets (ad_set_id, account_id, campaign_id) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) "
    "ON CONFLICT DO NOTHING";
std::string UpsertWeeksSql() {
  return absl::StrCat("INSERT INTO ad_set_weeks (", kWeekColumns, ") ",
                      "SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::bigint[], "
                      "$5::text[], $6::text[], $7::bigint[], $8::text[], $9::boolean[]) ",
                      kWeekUpsertClause);
}

// A PostgreSQL array literal in text, {"a","b",NULL}, built one element at a
// time.
class ArrayText {
 public:
  void Add(const char* value) {
    if (value == nullptr) {
      Separate();
      text_ += "NULL";
    } else {
      Add(absl::string_view(value));
    }
  }
  void Add(absl::string_view value) {
    Separate();
    text_ += '"';
    for (const char c : value) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
  }
  template <typename T>
  void Add(const std::optional<T>& value) {
    if (value.has_value()) {
      Add(absl::string_view(absl::StrCat(*value)));
    } else {
      Add(static_cast<const char*>(nullptr));
    }
  }
  std::string Finish() { return text_ + "}"; }

 private:
  void Separate() { text_ += text_.size() == 1 ? "" : ","; }
  std::string text_ = "{";
};

// One batch as the parameters of the two statements.
struct BatchParams {
  PgParams ad_sets;
  PgParams weeks;
};

BatchParams RenderParams(const std::vector<RenderedRow>& rows) {
  ArrayText ad_set_ids, account_ids, campaign_ids;
  std::vector<ArrayText> weeks(kWeekColumnCount);
  const std::string* previous_ad_set = nullptr;
  for (const RenderedRow& row : rows) {
    const AdSetWeek& record = row.record;
    // The ad set row once per ad set and batch, as rungd does.
    if (previous_ad_set == nullptr || *previous_ad_set != record.ad_set_id) {
      ad_set_ids.Add(record.ad_set_id);
      account_ids.Add(record.account_id);
      campaign_ids.Add(record.campaign_id);
      previous_ad_set = &record.ad_set_id;
    }
    weeks[0].Add(record.ad_set_id);
    weeks[1].Add(row.week_start);
    weeks[2].Add(record.optimization_event);
    weeks[3].Add(record.spend_micros);
    weeks[4].Add(row.event_counts);
    weeks[5].Add(row.learning);
    weeks[6].Add(record.learning_threshold_override);
    weeks[7].Add(record.ladder.empty() ? nullptr : record.ladder.c_str());
    weeks[8].Add(record.significant_edit ? "t" : "f");
  }
  BatchParams params;
  params.ad_sets = {ad_set_ids.Finish(), account_ids.Finish(), campaign_ids.Finish()};
  for (ArrayText& column : weeks) params.weeks.push_back(column.Finish());
  return params;
}

// Text is read as a pointer and a length: in libpq's text format that is
// every value, and what a caller decoding the row must do at least.
uint64_t TouchColumn(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return 1;
  const char* text = PQgetvalue(result, row, column);
  return static_cast<uint64_t>(PQgetlength(result, row, column)) +
         static_cast<unsigned char>(text[0]);
}

uint64_t DigestColumn(uint64_t hash, const PGresult* result, int row, int column) {
  const unsigned char is_null = PQgetisnull(result, row, column) ? 1 : 0;
  hash = Fnv(hash, &is_null, 1);
  return Fnv(hash, reinterpret_cast<const unsigned char*>(PQgetvalue(result, row, column)),
             PQgetlength(result, row, column));
}

uint64_t FoldRows(uint64_t fold, const PGresult* result, ScanDepth depth) {
  const int rows = PQntuples(result);
  for (int row = 0; row < rows; ++row) {
    for (int column = 0; column < kWeekColumnCount; ++column) {
      fold = depth == ScanDepth::kTouch ? fold + TouchColumn(result, row, column)
                                        : DigestColumn(fold, result, row, column);
    }
  }
  return fold;
}

// Raw libpq, since PgConnection has no single-row mode.
using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

absl::Status LibpqError(PGconn* conn, absl::string_view doing) {
  return absl::InternalError(absl::StrCat(doing, ": ", PQerrorMessage(conn)));
}

std::optional<absl::string_view> OptionalText(const PgResult& result, int row, int column) {
  if (result.IsNull(row, column)) return std::nullopt;
  return result.Text(row, column);
}

class PostgresAccountAggregate : public AccountAggregate {
 public:
  PostgresAccountAggregate(std::unique_ptr<PgConnection> db, std::string account_id)
      : db_(std::move(db)), account_id_(std::move(account_id)) {}

  absl::StatusOr<AggregateFigures> Run() override {
    AggregateFigures figures;
    const absl::Time start = absl::Now();
    ASSIGN_OR_RETURN(const PgResult groups,
                     db_->Query(kAccountAggregateSql, {account_id_}, "aggregating an account"));
    for (int row = 0; row < groups.rows(); ++row) {
      AggregateGroup group;
      group.week = groups.Text(row, 0);
      group.action = groups.Text(row, 1);
      group.learning_status = OptionalText(groups, row, 2);
      group.current_event = OptionalText(groups, row, 3);
      ASSIGN_OR_RETURN(group.ad_sets, groups.Int64(row, 4));
      if (!groups.IsNull(row, 5)) {
        ASSIGN_OR_RETURN(group.spend_micros, groups.Int64(row, 5));
      }
      AddGroup(group, figures.weeks);
    }
    figures.groups = groups.rows();
    figures.seconds = absl::ToDoubleSeconds(absl::Now() - start);
    return figures;
  }

 private:
  const std::unique_ptr<PgConnection> db_;
  const std::string account_id_;
};

}  // namespace

absl::StatusOr<IngestFigures> BarePostgresUpsert(const std::string& uri, const DatasetSpec& spec,
                                                 int batch_size) {
  PgConnectOptions options;
  options.application_name = "rung_bench bare upsert";
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::Connect(uri, options));
  RETURN_IF_ERROR(MigratePostgres(*db, PostgresMigrations()));
  // The server's default, said here so that the limit cannot drift from it.
  RETURN_IF_ERROR(db->Exec("SET synchronous_commit = on", "setting synchronous_commit"));
  IngestFigures figures;
  figures.rows = spec.rows();
  figures.batches = BatchCount(spec, batch_size);
  const std::string upsert_weeks = UpsertWeeksSql();
  absl::Duration timed = absl::ZeroDuration();
  for (int64_t batch = 0; batch < figures.batches; ++batch) {
    const BatchParams params = RenderParams(RenderBatch(spec, BatchRows(spec, batch_size, batch)));
    const absl::Time start = absl::Now();
    const absl::Status written =
        db->InTransaction(PgIsolation::kReadCommitted, "upserting a batch", [&] {
          RETURN_IF_ERROR(db->Query(kInsertAdSets, params.ad_sets, "inserting ad sets").status());
          return db->Query(upsert_weeks, params.weeks, "upserting ad set weeks").status();
        });
    RETURN_IF_ERROR(written);
    timed += absl::Now() - start;
  }
  figures.seconds = absl::ToDoubleSeconds(timed);
  return figures;
}

absl::StatusOr<ScanFigures> ScanPostgresWeeks(const std::string& uri, ScanDepth depth) {
  Connection conn(PQconnectdb(uri.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return absl::UnavailableError(
        absl::StrCat("connecting to ", RedactConnectionUri(uri), ": ", PQerrorMessage(conn.get())));
  }
  // Single-row mode rather than a cursor: at 1.2 million rows it read them
  // in 0.55 s, DECLARE ... FETCH 10000 in 1.0 s (each FETCH waits for a
  // round trip, while in single-row mode the server streams and the client
  // reads as it comes). Both keep memory flat.
  const std::string scan = WeekScanSql();
  ScanFigures figures;
  figures.fold = kFnvOffset;
  const absl::Time start = absl::Now();
  if (PQsendQuery(conn.get(), scan.c_str()) == 0)
    return LibpqError(conn.get(), "scanning ad_set_weeks");
  if (PQsetSingleRowMode(conn.get()) == 0) {
    return LibpqError(conn.get(), "entering single-row mode");
  }
  bool complete = false;
  while (Result rows{PQgetResult(conn.get()), &PQclear}) {
    const ExecStatusType status = PQresultStatus(rows.get());
    if (status == PGRES_SINGLE_TUPLE) {
      figures.fold = FoldRows(figures.fold, rows.get(), depth);
      ++figures.rows;
    } else if (status == PGRES_TUPLES_OK) {
      complete = true;  // The end of the rows.
    } else {
      return absl::InternalError(
          absl::StrCat("scanning ad_set_weeks: ", PQresultErrorMessage(rows.get())));
    }
  }
  if (!complete) return LibpqError(conn.get(), "scanning ad_set_weeks");
  figures.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return figures;
}

absl::StatusOr<std::unique_ptr<AccountAggregate>> OpenPostgresAccountAggregate(
    const std::string& uri, const std::string& account_id) {
  PgConnectOptions options;
  options.application_name = "rung_bench aggregate";
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::Connect(uri, options));
  return std::unique_ptr<AccountAggregate>(new PostgresAccountAggregate(std::move(db), account_id));
}

absl::StatusOr<absl::Duration> AwaitPostgresQuiet(const std::string& uri, absl::Duration quiet_for,
                                                  absl::Time deadline) {
  constexpr absl::Duration kPoll = absl::Milliseconds(10);
  constexpr char kActive[] =
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
      "AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'";
  PgConnectOptions options;
  options.application_name = "rung_bench";
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::Connect(uri, options));
  const absl::Time start = absl::Now();
  absl::Time last_busy = start;
  while (absl::Now() - last_busy < quiet_for) {
    ASSIGN_OR_RETURN(const PgResult active, db->Query(kActive, {}, "watching rungd's sessions"));
    ASSIGN_OR_RETURN(const int64_t sessions, active.Int64(0, 0));
    if (sessions > 0) last_busy = absl::Now();
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("PostgreSQL still ran rungd's statements after ",
                       absl::FormatDuration(absl::Now() - start)));
    }
    absl::SleepFor(kPoll);
  }
  return last_busy - start;
}

absl::StatusOr<int64_t> PostgresDatabaseBytes(const std::string& uri) {
  PgConnectOptions options;
  options.application_name = "rung_bench";
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::Connect(uri, options));
  ASSIGN_OR_RETURN(const PgResult result, db->Query("SELECT pg_database_size(current_database())",
                                                    {}, "measuring the database"));
  return result.Int64(0, 0);
}

absl::Status VacuumPostgres(const std::string& uri) {
  PgConnectOptions options;
  options.application_name = "rung_bench";
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::Connect(uri, options));
  return db->Exec("VACUUM (ANALYZE)", "vacuuming the database");
}

}  // namespace rung::bench
