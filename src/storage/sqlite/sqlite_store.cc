#include "storage/sqlite/sqlite_store.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "core/text.h"
#include "rung/status_macros.h"
#include "storage/json_codec.h"
#include "storage/portable_sql.h"
#include "storage/row_codec.h"
#include "storage/sqlite/account_rows.h"
#include "storage/sqlite/account_view_rows.h"
#include "storage/sqlite/action_rows.h"
#include "storage/sqlite/checkpointer.h"
#include "storage/sqlite/climb_test_rows.h"
#include "storage/sqlite/connection_pool.h"
#include "storage/sqlite/migrator.h"
#include "storage/sqlite/parameter_rows.h"
#include "storage/sqlite/policy_rows.h"
#include "storage/sqlite/recommendation_rows.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store_checks.h"
#include "storage/store_errors.h"
#include "storage/write_pipeline.h"

namespace rung {
namespace {

// A health probe must answer well before a load balancer gives up on it.
constexpr int kPingBusyTimeoutMs = 100;

constexpr absl::string_view kSynchronousModes[] = {"FULL", "NORMAL", "OFF"};

constexpr absl::string_view kSelectRequest =
    "SELECT inserted, updated, unchanged, warnings FROM ingest_requests WHERE request_id = ?1";
constexpr absl::string_view kInsertRequest =
    "INSERT INTO ingest_requests (request_id, inserted, updated, unchanged, warnings, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
// Microseconds, in the spelling json_codec's DecodeTimestamp reads.
constexpr absl::string_view kInsertIngestLog =
    "INSERT INTO ingest_log (request_id, committed_at, records, inserted, updated, unchanged) "
    "VALUES (?1, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'), ?2, ?3, ?4, ?5)";
constexpr absl::string_view kLastIngest =
    "SELECT committed_at FROM ingest_log ORDER BY ingest_id DESC LIMIT 1";
constexpr absl::string_view kCountAdSets = "SELECT count(*) FROM ad_sets";
constexpr absl::string_view kCountWeeks = "SELECT count(*) FROM ad_set_weeks";
constexpr absl::string_view kInsertAdSet =
    "INSERT INTO ad_sets (ad_set_id, account_id, campaign_id) VALUES (?1, ?2, ?3) "
    "ON CONFLICT DO NOTHING";
constexpr absl::string_view kSelectAdSet =
    "SELECT account_id, campaign_id FROM ad_sets WHERE ad_set_id = ?1";
// The week statements share one parameter layout; see BindWeek.
constexpr absl::string_view kInsertWeek =
    "INSERT INTO ad_set_weeks (ad_set_id, week_start, optimization_event, spend_micros, "
    "event_counts, reported_learning_status, learning_threshold_override, ladder, "
    "significant_edit) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (ad_set_id, week_start) DO NOTHING";
// Touches the row only when a value differs, so that changes() tells an
// update from a record sent again.
constexpr absl::string_view kUpdateWeek =
    "UPDATE ad_set_weeks SET optimization_event = ?3, spend_micros = ?4, event_counts = ?5, "
    "reported_learning_status = ?6, learning_threshold_override = ?7, ladder = ?8, "
    "significant_edit = ?9 "
    "WHERE ad_set_id = ?1 AND week_start = ?2 AND (optimization_event IS NOT ?3 OR "
    "spend_micros IS NOT ?4 OR event_counts IS NOT ?5 OR reported_learning_status IS NOT ?6 OR "
    "learning_threshold_override IS NOT ?7 OR ladder IS NOT ?8 OR significant_edit IS NOT ?9)";
// The columns ReadWeekInto reads, in its order, then the ad set's id.
#define RUNG_WEEK_COLUMNS                                                                     \
  "w.week_start, w.optimization_event, w.spend_micros, w.event_counts, "                      \
  "w.reported_learning_status, w.learning_threshold_override, w.ladder, w.significant_edit, " \
  "w.ad_set_id"
// Then its owner, when the statement joins ad_sets itself.
#define RUNG_OWNER_COLUMNS ", s.account_id, s.campaign_id "
constexpr int kWeekAdSetIdColumn = 8;
constexpr int kJoinedOwnerColumn = 9;
constexpr absl::string_view kSelectHistory =
    "SELECT " RUNG_WEEK_COLUMNS RUNG_OWNER_COLUMNS
    "FROM ad_set_weeks AS w JOIN ad_sets AS s ON s.ad_set_id = w.ad_set_id "
    "WHERE w.ad_set_id = ?1 AND (?2 IS NULL OR w.week_start >= ?2) "
    "AND (?3 IS NULL OR w.week_start <= ?3) "
    "ORDER BY w.week_start";
// Every week of every ad set in one ordered pass, merged with kScanOwners
// (both in ad set id order) rather than joined: a join seeks once per ad set.
constexpr absl::string_view kScanWeeks =
    "SELECT " RUNG_WEEK_COLUMNS " FROM ad_set_weeks AS w ORDER BY w.ad_set_id, w.week_start";
constexpr absl::string_view kScanOwners =
    "SELECT ad_set_id, account_id, campaign_id FROM ad_sets ORDER BY ad_set_id";
// One account's ad sets are a small part of the table: found by its index,
// each one's weeks come from a single seek.
constexpr absl::string_view kScanHistoriesOfAccount =
    "SELECT " RUNG_WEEK_COLUMNS RUNG_OWNER_COLUMNS
    "FROM ad_sets AS s JOIN ad_set_weeks AS w ON w.ad_set_id = s.ad_set_id "
    "WHERE s.account_id = ?1 ORDER BY s.ad_set_id, w.week_start";
#undef RUNG_OWNER_COLUMNS
#undef RUNG_WEEK_COLUMNS
constexpr absl::string_view kAdSetHasWeeks =
    "SELECT EXISTS (SELECT 1 FROM ad_set_weeks WHERE ad_set_id = ?1)";
// Two statements rather than "?3 = '' OR account_id = ?3", which would keep
// SQLite from using ad_sets_by_account.
constexpr absl::string_view kListAdSetIds =
    "SELECT ad_set_id FROM ad_sets WHERE ad_set_id > ?1 ORDER BY ad_set_id LIMIT ?2";
constexpr absl::string_view kListAdSetIdsOfAccount =
    "SELECT ad_set_id FROM ad_sets WHERE account_id = ?3 AND ad_set_id > ?1 "
    "ORDER BY ad_set_id LIMIT ?2";
constexpr absl::string_view kPing = "SELECT count(*) FROM schema_migrations";
constexpr absl::string_view kSelectVersion = "SELECT version FROM recommendations_version";
constexpr absl::string_view kBumpVersion =
    "UPDATE recommendations_version SET version = version + 1";

enum class WeekChange { kInserted, kUpdated, kUnchanged };

// Who an ad set belongs to, for life.
struct Owner {
  std::string account_id;
  std::string campaign_id;
};

// Owners of the ad sets seen so far in one batch, so each is read once.
using OwnerCache = absl::flat_hash_map<std::string, Owner>;

absl::StatusOr<ConnectionOptions> ValidateOptions(const SqliteStoreOptions& options) {
  // Every connection opens the path anew, so an in-memory database would be
  // a different, empty one for each reader.
  if (options.path.empty() || options.path == ":memory:") {
    return absl::InvalidArgumentError(
        absl::StrFormat("storage.path: '%s' is not a database file path", options.path));
  }
  if (options.busy_timeout_ms < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "storage.busy_timeout_ms: must not be negative, got %d", options.busy_timeout_ms));
  }
  if (options.reader_connections < 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "storage.reader_connections: must be at least 1, got %d", options.reader_connections));
  }
  ConnectionOptions connection;
  connection.busy_timeout_ms = options.busy_timeout_ms;
  // The keyword goes into a PRAGMA, so only our own spelling of it does.
  const auto* mode = std::find_if(
      std::begin(kSynchronousModes), std::end(kSynchronousModes),
      [&](absl::string_view m) { return absl::EqualsIgnoreCase(m, options.synchronous); });
  if (mode == std::end(kSynchronousModes)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "storage.synchronous: '%s' is not one of FULL, NORMAL or OFF", options.synchronous));
  }
  connection.synchronous = *mode;
  return connection;
}

absl::Status EnableWal(Connection& writer, absl::string_view path) {
  // WAL lets readers read while the writer writes. The mode is kept in the
  // file, so this changes something only on the first open.
  const std::string doing = absl::StrCat("enabling WAL on '", path, "'");
  ASSIGN_OR_RETURN(const std::string mode, writer.QueryText("PRAGMA journal_mode = WAL", doing));
  if (mode != "wal") {
    return absl::FailedPreconditionError(
        absl::StrCat(doing, ": the journal mode stayed '", mode, "'"));
  }
  return absl::OkStatus();
}

void BindWeek(Statement& statement, const AdSetWeek& record, const std::string& event_counts) {
  statement.Bind(1, record.ad_set_id);
  statement.Bind(2, record.week.ToString());
  statement.Bind(3, record.optimization_event);
  statement.Bind(4, record.spend_micros);
  statement.Bind(5, event_counts);
  statement.BindTextOrNull(6, LearningName(record.reported_learning));
  statement.Bind(7, record.learning_threshold_override);
  statement.BindTextOrNull(8, record.ladder);
  statement.Bind(9, int64_t{record.significant_edit ? 1 : 0});
}

// Reads the owner of week->ad_set_id into `week`: from `select`'s own
// columns when `owners` is null, else by stepping `owners` (kScanOwners,
// which must be before that ad set) up to it.
absl::Status ReadOwnerInto(const Statement& select, Statement* owners, absl::string_view doing,
                           AdSetWeek* week) {
  const Statement* row = &select;
  int column = kJoinedOwnerColumn;
  if (owners != nullptr) {
    while (true) {
      ASSIGN_OR_RETURN(const bool found, owners->Step(doing));
      // Both cursors are in byte order, as SQLite compares TEXT.
      if (!found || owners->ColumnView(0) > week->ad_set_id) {
        return absl::DataLossError(absl::StrCat(doing, ": ad set '", week->ad_set_id,
                                                "' has stored weeks but no row in ad_sets"));
      }
      if (owners->ColumnView(0) == week->ad_set_id) break;
    }
    row = owners;
    column = 1;
  }
  const absl::string_view account_id = row->ColumnView(column);
  const absl::string_view campaign_id = row->ColumnView(column + 1);
  week->account_id.assign(account_id.data(), account_id.size());
  week->campaign_id.assign(campaign_id.data(), campaign_id.size());
  return absl::OkStatus();
}

// Steps `select` (RUNG_WEEK_COLUMNS, then the owner unless `owners` gives
// it; see ReadOwnerInto) through ad sets in id order, handing each one's
// weeks to `visit` in one reused history.
absl::Status VisitHistories(Statement& select, Statement* owners, absl::string_view doing,
                            absl::FunctionRef<absl::Status(const AdSetHistory&)> visit) {
  AdSetHistory history;
  size_t weeks = 0;
  WeekParser week_parser;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, select.Step(doing));
    const absl::string_view ad_set_id = row ? select.ColumnView(kWeekAdSetIdColumn) : "";
    if (weeks > 0 && (!row || ad_set_id != history.front().ad_set_id)) {
      history.resize(weeks);
      RETURN_IF_ERROR(visit(history));
      weeks = 0;
    }
    if (!row) return absl::OkStatus();
    if (weeks == history.size()) history.emplace_back();
    AdSetWeek& week = history[weeks++];
    week.ad_set_id.assign(ad_set_id.data(), ad_set_id.size());
    if (weeks == 1) {
      RETURN_IF_ERROR(ReadOwnerInto(select, owners, doing, &week));
    } else {
      week.account_id = history.front().account_id;
      week.campaign_id = history.front().campaign_id;
    }
    RETURN_IF_ERROR(ReadWeekInto(select, week_parser, &week));
  }
}

// --- Ingest, inside its transaction ---------------------------------------------

absl::StatusOr<std::optional<IngestSummary>> FindRequest(Connection& writer,
                                                         const std::string& request_id) {
  constexpr absl::string_view kDoing = "looking up the request_id";
  ASSIGN_OR_RETURN(StatementLease select, writer.Prepare(kSelectRequest, kDoing));
  select->Bind(1, request_id);
  ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
  if (!row) return std::nullopt;
  IngestSummary summary;
  summary.inserted = static_cast<int>(select->ColumnInt(0));
  summary.updated = static_cast<int>(select->ColumnInt(1));
  summary.unchanged = static_cast<int>(select->ColumnInt(2));
  ASSIGN_OR_RETURN(summary.warnings,
                   CheckStored(DecodeStringArray(select->ColumnText(3)), "warnings",
                               absl::StrCat("request_id '", request_id, "'")));
  return summary;
}

absl::Status RememberRequest(Connection& writer, const std::string& request_id,
                             const IngestSummary& summary) {
  constexpr absl::string_view kDoing = "storing the request_id";
  ASSIGN_OR_RETURN(StatementLease insert, writer.Prepare(kInsertRequest, kDoing));
  insert->Bind(1, request_id);
  insert->Bind(2, int64_t{summary.inserted});
  insert->Bind(3, int64_t{summary.updated});
  insert->Bind(4, int64_t{summary.unchanged});
  insert->Bind(5, EncodeStringArray(summary.warnings));
  return insert->Run(kDoing);
}

absl::Status LogIngest(Connection& writer, const IngestBatch& batch, const IngestSummary& summary) {
  constexpr absl::string_view kDoing = "logging the ingest";
  ASSIGN_OR_RETURN(StatementLease insert, writer.Prepare(kInsertIngestLog, kDoing));
  insert->BindTextOrNull(1, batch.request_id);
  insert->Bind(2, static_cast<int64_t>(batch.records.size()));
  insert->Bind(3, int64_t{summary.inserted});
  insert->Bind(4, int64_t{summary.updated});
  insert->Bind(5, int64_t{summary.unchanged});
  return insert->Run(kDoing);
}

absl::StatusOr<Owner> InsertOrLoadOwner(Connection& writer, const AdSetWeek& record) {
  constexpr absl::string_view kDoing = "storing ad sets";
  ASSIGN_OR_RETURN(StatementLease insert, writer.Prepare(kInsertAdSet, kDoing));
  insert->Bind(1, record.ad_set_id);
  insert->Bind(2, record.account_id);
  insert->Bind(3, record.campaign_id);
  RETURN_IF_ERROR(insert->Run(kDoing));
  if (writer.Changes() == 1) return Owner{record.account_id, record.campaign_id};
  ASSIGN_OR_RETURN(StatementLease select, writer.Prepare(kSelectAdSet, kDoing));
  select->Bind(1, record.ad_set_id);
  ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
  if (!row) {
    return absl::InternalError(
        absl::StrCat(kDoing, ": ad set '", record.ad_set_id, "' was neither inserted nor found"));
  }
  return Owner{select->ColumnText(0), select->ColumnText(1)};
}

// The owner of the record's ad set: the record's own when the ad set is new.
absl::StatusOr<const Owner*> OwnerOf(Connection& writer, const AdSetWeek& record,
                                     OwnerCache* owners) {
  auto it = owners->find(record.ad_set_id);
  if (it == owners->end()) {
    ASSIGN_OR_RETURN(Owner owner, InsertOrLoadOwner(writer, record));
    it = owners->emplace(record.ad_set_id, std::move(owner)).first;
  }
  return &it->second;
}

// Runs one of the week statements; true when it changed the row.
absl::StatusOr<bool> WriteWeek(Connection& writer, absl::string_view sql, const AdSetWeek& record,
                               const std::string& event_counts) {
  constexpr absl::string_view kDoing = "storing ad set weeks";
  ASSIGN_OR_RETURN(StatementLease statement, writer.Prepare(sql, kDoing));
  BindWeek(*statement, record, event_counts);
  RETURN_IF_ERROR(statement->Run(kDoing));
  return writer.Changes() == 1;
}

absl::StatusOr<WeekChange> UpsertWeek(Connection& writer, const AdSetWeek& record) {
  const std::string event_counts = EncodeEventCounts(record.event_counts);
  ASSIGN_OR_RETURN(const bool inserted, WriteWeek(writer, kInsertWeek, record, event_counts));
  if (inserted) return WeekChange::kInserted;
  ASSIGN_OR_RETURN(const bool updated, WriteWeek(writer, kUpdateWeek, record, event_counts));
  return updated ? WeekChange::kUpdated : WeekChange::kUnchanged;
}

int& CounterOf(IngestSummary& summary, WeekChange change) {
  switch (change) {
    case WeekChange::kInserted: return summary.inserted;
    case WeekChange::kUpdated: return summary.updated;
    case WeekChange::kUnchanged: return summary.unchanged;
  }
  return summary.unchanged;
}

// A record whose ad set has another owner sets outcome->conflict and fails,
// which undoes the whole batch.
absl::Status IngestInTransaction(Connection& writer, const IngestBatch& batch,
                                 IngestOutcome* outcome) {
  IngestSummary* summary = &outcome->summary;
  if (!batch.request_id.empty()) {
    ASSIGN_OR_RETURN(std::optional<IngestSummary> first, FindRequest(writer, batch.request_id));
    if (first.has_value()) {
      // A replay: the first answer, and nothing written.
      *summary = *std::move(first);
      return absl::OkStatus();
    }
  }
  OwnerCache owners;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const AdSetWeek& record = batch.records[i];
    ASSIGN_OR_RETURN(const Owner* owner, OwnerOf(writer, record, &owners));
    if (owner->account_id != record.account_id || owner->campaign_id != record.campaign_id) {
      outcome->conflict = OwnerConflict{i, owner->account_id, owner->campaign_id};
      return absl::AbortedError("an ad set of the batch has another owner");
    }
    ASSIGN_OR_RETURN(const WeekChange change, UpsertWeek(writer, record));
    ++CounterOf(*summary, change);
  }
  summary->warnings = batch.warnings;
  RETURN_IF_ERROR(LogIngest(writer, batch, *summary));
  if (batch.request_id.empty()) return absl::OkStatus();
  return RememberRequest(writer, batch.request_id, *summary);
}

// --- Statistics -------------------------------------------------------------------

// 0 for a file that is not there: a WAL file comes and goes.
int64_t FileBytes(const std::string& path) {
  std::error_code error;
  const std::uintmax_t bytes = std::filesystem::file_size(path, error);
  return error ? 0 : static_cast<int64_t>(bytes);
}

absl::Status ReadStats(Connection& reader, StoreStats* stats) {
  constexpr absl::string_view kDoing = "reading store statistics";
  ASSIGN_OR_RETURN(stats->accounts, reader.QueryInt(kCountAccountsSql, kDoing));
  ASSIGN_OR_RETURN(stats->ad_sets, reader.QueryInt(kCountAdSets, kDoing));
  ASSIGN_OR_RETURN(stats->weeks, reader.QueryInt(kCountWeeks, kDoing));
  ASSIGN_OR_RETURN(StatementLease last_ingest, reader.Prepare(kLastIngest, kDoing));
  ASSIGN_OR_RETURN(const bool logged, last_ingest->Step(kDoing));
  if (logged) {
    ASSIGN_OR_RETURN(stats->last_ingest_time,
                     CheckStored(DecodeTimestamp(last_ingest->ColumnText(0)), "committed_at",
                                 "the last ingest_log row"));
  }
  ASSIGN_OR_RETURN(stats->latest_evaluation, SelectLatestEvaluationRow(reader));
  return absl::OkStatus();
}

EngineCounter CheckpointCounter(const Checkpointer::Stats& checkpoints) {
  return {"rung_wal_checkpoints_total",
          "Background checkpoints of the SQLite write-ahead log since start, by result; while "
          "they fail, the log grows.",
          {{"ok", checkpoints.checkpoints}, {"failed", checkpoints.failures}}};
}

// --- The store --------------------------------------------------------------------

// One evaluation run in the writer's transaction. The run holds the writer,
// as SQLite admits one at a time anyway, from BeginEvaluation until it is
// committed or dropped. Write encodes on the caller's thread; the pipeline
// binds and steps on its own.
class SqliteEvaluationWriter final : public EvaluationWriter {
 public:
  // `writer_mu` is held, and the transaction begun, by the caller.
  SqliteEvaluationWriter(absl::Mutex* writer_mu, Connection* writer)
      : writer_mu_(writer_mu),
        writer_(writer),
        pipeline_([this](EvaluationChunk& chunk) { return WriteChunk(chunk); }) {}

  ~SqliteEvaluationWriter() override {
    pipeline_.Stop();
    writer_->RollbackIfOpen();
    writer_mu_->Unlock();
  }

  // Checks here, so that a refusal answers this call; encodes on the
  // pipeline's thread, since the deciding thread is the evaluation's
  // critical path (a profile put it at 60% of the CPU, the writer at 40%).
  absl::Status Write(EvaluationChunk chunk) override {
    RETURN_IF_ERROR(CheckStorableChunk(chunk));
    return pipeline_.Push(std::move(chunk));
  }

  absl::Status Commit(const EvaluationRecord& record) override {
    constexpr absl::string_view kDoing = "storing an evaluation";
    RETURN_IF_ERROR(CheckStorableEvaluation(record));
    RETURN_IF_ERROR(pipeline_.Finish());
    RETURN_IF_ERROR(InsertEvaluationRow(*writer_, record));
    RETURN_IF_ERROR(writer_->Exec(std::string(kBumpVersion), kDoing));
    return writer_->Commit(kDoing);
  }

 private:
  // On the pipeline's thread.
  absl::Status WriteChunk(const EvaluationChunk& chunk) {
    ParameterRows rows;
    for (const Recommendation& recommendation : chunk.recommendations) {
      rows.StartRow();
      EncodeRecommendation(recommendation, rows);
    }
    RETURN_IF_ERROR(UpsertRecommendationRows(*writer_, rows));
    for (const ClimbTestChange& change : chunk.test_changes) {
      RETURN_IF_ERROR(UpdateClimbTestRow(*writer_, change));
    }
    return absl::OkStatus();
  }

  absl::Mutex* const writer_mu_;
  Connection* const writer_;
  WritePipeline<EvaluationChunk> pipeline_;
};

// The Store over one SQLite file. Writes go through a single connection
// behind a mutex, since SQLite admits one writer at a time anyway; reads go
// through a pool of read-only connections, which WAL lets read while the
// writer writes. Safe for concurrent use.
class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, std::unique_ptr<Connection> writer,
              std::unique_ptr<Checkpointer> checkpointer,
              std::vector<std::unique_ptr<Connection>> readers, int busy_timeout_ms)
      : path_(std::move(path)),
        busy_timeout_ms_(busy_timeout_ms),
        checkpointer_(std::move(checkpointer)),
        writer_(std::move(writer)),
        readers_(std::move(readers)) {
    writer_->OnCommit([this](int wal_frames) { checkpointer_->AfterCommit(wal_frames); });
  }

  absl::StatusOr<IngestOutcome> Ingest(const IngestBatch& batch) override {
    IngestOutcome outcome;
    absl::MutexLock lock(&writer_mu_);
    const absl::Status status = writer_->InWriteTransaction(
        "ingesting a batch", [&] { return IngestInTransaction(*writer_, batch, &outcome); });
    if (outcome.conflict.has_value()) return outcome;
    RETURN_IF_ERROR(status);
    return outcome;
  }

  absl::StatusOr<AdSetHistory> GetHistory(std::string_view ad_set_id_view, std::optional<Week> from,
                                          std::optional<Week> to) override {
    constexpr absl::string_view kDoing = "reading ad set history";
    // This Abseil's string_view is not std::string_view.
    const std::string ad_set_id(ad_set_id_view);
    ConnectionPool::Lease reader = readers_.Acquire();
    ASSIGN_OR_RETURN(StatementLease select, reader->Prepare(kSelectHistory, kDoing));
    select->Bind(1, ad_set_id);
    select->BindTextOrNull(2, from.has_value() ? from->ToString() : "");
    select->BindTextOrNull(3, to.has_value() ? to->ToString() : "");
    AdSetHistory history;
    RETURN_IF_ERROR(VisitHistories(*select, nullptr, kDoing, [&](const AdSetHistory& weeks) {
      history = weeks;
      return absl::OkStatus();
    }));
    // Bounds that exclude every week are no reason for NOT_FOUND.
    if (history.empty()) {
      ASSIGN_OR_RETURN(const bool exists, reader->QueryExists(kAdSetHasWeeks, ad_set_id, kDoing));
      if (!exists) return AdSetNotFound(ad_set_id);
    }
    return history;
  }

  absl::Status ScanHistories(std::string_view account_id,
                             absl::FunctionRef<absl::Status(const AdSetHistory&)> visit) override {
    constexpr absl::string_view kDoing = "reading every ad set's history";
    ConnectionPool::Lease reader = readers_.Acquire();
    // Every history as of one moment, whatever commits while the visitor works.
    return reader->InReadTransaction(kDoing, [&]() -> absl::Status {
      if (!account_id.empty()) {
        ASSIGN_OR_RETURN(StatementLease select, reader->Prepare(kScanHistoriesOfAccount, kDoing));
        select->Bind(1, std::string(account_id));
        return VisitHistories(*select, nullptr, kDoing, visit);
      }
      ASSIGN_OR_RETURN(StatementLease weeks, reader->Prepare(kScanWeeks, kDoing));
      ASSIGN_OR_RETURN(StatementLease owners, reader->Prepare(kScanOwners, kDoing));
      return VisitHistories(*weeks, &*owners, kDoing, visit);
    });
  }

  absl::StatusOr<std::vector<std::string>> ListAdSetIds(const AdSetIdPageQuery& query) override {
    constexpr absl::string_view kDoing = "listing ad sets";
    RETURN_IF_ERROR(CheckPageLimit(query.limit));
    const bool by_account = !query.account_id.empty();
    ConnectionPool::Lease reader = readers_.Acquire();
    ASSIGN_OR_RETURN(StatementLease select,
                     reader->Prepare(by_account ? kListAdSetIdsOfAccount : kListAdSetIds, kDoing));
    select->Bind(1, query.after_ad_set_id);
    select->Bind(2, int64_t{query.limit});
    if (by_account) select->Bind(3, query.account_id);
    std::vector<std::string> ids;
    while (true) {
      ASSIGN_OR_RETURN(const bool row, select->Step(kDoing));
      if (!row) return ids;
      ids.push_back(select->ColumnText(0));
    }
  }

  absl::StatusOr<std::unique_ptr<EvaluationWriter>> BeginEvaluation() override {
    writer_mu_.Lock();
    if (absl::Status begun = writer_->BeginWrite("storing an evaluation"); !begun.ok()) {
      writer_mu_.Unlock();
      return begun;
    }
    return std::make_unique<SqliteEvaluationWriter>(&writer_mu_, writer_.get());
  }

  absl::StatusOr<Recommendation> GetRecommendation(std::string_view ad_set_id,
                                                   std::optional<Week> week) override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectRecommendationRow(*reader, std::string(ad_set_id), week);
  }

  absl::StatusOr<std::vector<Recommendation>> ListRecommendations(
      const RecommendationQuery& query) override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectRecommendationRows(*reader, query);
  }

  absl::StatusOr<int64_t> RecommendationsVersion() override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return reader->QueryInt(kSelectVersion, "reading the recommendations version");
  }

  // One rungd serves a file (README, deploy/). A second process's
  // evaluation would reach this one's kept answers within
  // VersionLease::kReuse.
  bool SharedByProcesses() const override { return false; }

  absl::Status InsertClimbTest(const ClimbTest& test) override {
    RETURN_IF_ERROR(CheckNewClimbTest(test));
    absl::MutexLock lock(&writer_mu_);
    return writer_->InWriteTransaction("storing a climb test",
                                       [&] { return InsertClimbTestRow(*writer_, test); });
  }

  absl::StatusOr<ClimbTest> GetClimbTest(std::string_view climb_test_id) override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectClimbTestRow(*reader, std::string(climb_test_id));
  }

  absl::StatusOr<std::vector<ClimbTest>> ClimbTestsOf(std::string_view ad_set_id) override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectClimbTestRowsOf(*reader, std::string(ad_set_id));
  }

  absl::StatusOr<std::vector<ClimbTest>> ListClimbTests(const ClimbTestQuery& query) override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectClimbTestRows(*reader, query);
  }

  absl::Status UpdateClimbTest(const ClimbTestChange& change) override {
    RETURN_IF_ERROR(CheckStorableChange(change, "change"));
    absl::MutexLock lock(&writer_mu_);
    return writer_->InWriteTransaction("updating a climb test",
                                       [&] { return UpdateClimbTestRow(*writer_, change); });
  }

  absl::Status RecordAccountSync(const AccountRecord& account) override {
    RETURN_IF_ERROR(CheckStorableAccount(account));
    absl::MutexLock lock(&writer_mu_);
    return writer_->InWriteTransaction("recording an account sync",
                                       [&] { return UpsertAccountRow(*writer_, account); });
  }

  absl::StatusOr<AccountRecord> GetAccount(std::string_view account_id) override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectAccountRow(*reader, std::string(account_id));
  }

  absl::StatusOr<std::vector<AccountRecord>> ListAccounts() override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectAccountRows(*reader);
  }

  absl::StatusOr<std::vector<StoredAccountFigures>> ListAccountFigures(
      const AccountFiguresQuery& query) override {
    RETURN_IF_ERROR(CheckPageLimit(query.limit));
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectAccountFiguresRows(*reader, query);
  }

  absl::StatusOr<std::vector<Week>> EvaluatedWeeks(std::string_view account_id) override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectEvaluatedWeekRows(*reader, std::string(account_id));
  }

  absl::Status ScanAccountAdvice(std::string_view account_id, Week from, Week to,
                                 absl::FunctionRef<absl::Status(const AdviceRow&)> visit) override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return ScanAdviceRows(*reader, std::string(account_id), from, to, visit);
  }

  absl::Status ScanLearningBudgets(
      std::string_view account_id, Week week,
      absl::FunctionRef<absl::Status(const StoredLearningBudget&)> visit) override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return ScanLearningBudgetRows(*reader, std::string(account_id), week, visit);
  }

  absl::StatusOr<ActionRecord> RecordAction(const ActionRecord& record) override {
    RETURN_IF_ERROR(CheckStorableAction(record));
    ActionRecord stored;
    absl::MutexLock lock(&writer_mu_);
    RETURN_IF_ERROR(writer_->InWriteTransaction("recording an action", [&]() -> absl::Status {
      ASSIGN_OR_RETURN(stored, UpsertActionRow(*writer_, record));
      return absl::OkStatus();
    }));
    return stored;
  }

  absl::StatusOr<ActionRecord> GetAction(std::string_view key) override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectActionRow(*reader, std::string(key));
  }

  absl::StatusOr<std::vector<ActionRecord>> ListActions(const ActionQuery& query) override {
    RETURN_IF_ERROR(CheckActionQuery(query));
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectActionRows(*reader, query);
  }

  absl::Status AppendPolicyRevisions(const std::vector<PolicyRevision>& revisions) override {
    RETURN_IF_ERROR(CheckStorablePolicyRevisions(revisions));
    absl::MutexLock lock(&writer_mu_);
    return writer_->InWriteTransaction("appending policy revisions", [&] {
      return InsertPolicyRevisionRows(*writer_, revisions);
    });
  }

  absl::StatusOr<std::vector<PolicyRevision>> LatestPolicyRevisions() override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectLatestPolicyRevisionRows(*reader);
  }

  absl::StatusOr<std::vector<PolicyRevision>> ListPolicyRevisions(
      const PolicyRevisionQuery& query) override {
    RETURN_IF_ERROR(CheckPolicyRevisionQuery(query));
    ConnectionPool::Lease reader = readers_.Acquire();
    return SelectPolicyRevisionRows(*reader, query);
  }

  absl::Status Ping() override {
    {
      ConnectionPool::Lease reader = readers_.Acquire();
      RETURN_IF_ERROR(reader->QueryInt(kPing, "pinging the database").status());
    }
    // A held mutex means a write is under way, which says enough about the
    // write lock; waiting for it would stall the health check.
    if (!writer_mu_.TryLock()) return absl::OkStatus();
    const absl::Status status = ProbeWriteLock();
    writer_mu_.Unlock();
    return status;
  }

  absl::StatusOr<StoreStats> GetStats() override {
    constexpr absl::string_view kDoing = "reading store statistics";
    StoreStats stats;
    ConnectionPool::Lease reader = readers_.Acquire();
    // The figures describe one moment.
    RETURN_IF_ERROR(reader->InReadTransaction(kDoing, [&] { return ReadStats(*reader, &stats); }));
    stats.database_bytes = FileBytes(path_) + FileBytes(path_ + "-wal");
    stats.engine_counters.push_back(CheckpointCounter(checkpointer_->stats()));
    return stats;
  }

  absl::StatusOr<int64_t> Backup(const std::string& destination_path) override {
    ConnectionPool::Lease reader = readers_.Acquire();
    return reader->BackupTo(destination_path, "backing up the database");
  }

  // For the test seams in sqlite_store.h.
  Checkpointer& checkpointer() { return *checkpointer_; }

 private:
  // Another process holding the write lock makes us UNAVAILABLE, which the
  // health check should say; with a short timeout, so that it says it soon.
  absl::Status ProbeWriteLock() ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_) {
    constexpr absl::string_view kDoing = "probing the write lock";
    writer_->SetBusyTimeout(std::min(kPingBusyTimeoutMs, busy_timeout_ms_));
    absl::Status status = writer_->Exec("BEGIN IMMEDIATE", kDoing);
    if (status.ok()) status = writer_->Exec("ROLLBACK", kDoing);
    writer_->SetBusyTimeout(busy_timeout_ms_);
    return status;
  }

  const std::string path_;
  const int busy_timeout_ms_;
  // Before the writer, whose commits call it, so that it outlives them.
  const std::unique_ptr<Checkpointer> checkpointer_;
  // Held by an evaluation from BeginEvaluation until its writer is dropped.
  absl::Mutex writer_mu_;
  const std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(writer_mu_);
  ConnectionPool readers_;
};

absl::StatusOr<std::unique_ptr<Store>> OpenWithMigrations(
    const SqliteStoreOptions& options, const std::vector<Migration>& migrations) {
  ASSIGN_OR_RETURN(ConnectionOptions connection_options, ValidateOptions(options));
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                   Connection::Open(options.path, connection_options));
  // Claim first: WAL and migrations write, and must not touch a foreign file.
  RETURN_IF_ERROR(ClaimDatabase(*writer, options.path));
  RETURN_IF_ERROR(EnableWal(*writer, options.path));
  // Named, since rungd refuses to start on it and the operator must find it.
  if (const absl::Status migrated = Migrate(*writer, migrations); !migrated.ok()) {
    return WithMessagePrefix(absl::StrCat("'", options.path, "': "), migrated);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> checkpoint_connection,
                   Connection::Open(options.path, connection_options));
  auto checkpointer = std::make_unique<Checkpointer>(std::move(checkpoint_connection));
  connection_options.read_only = true;
  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < options.reader_connections; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> reader,
                     Connection::Open(options.path, connection_options));
    readers.push_back(std::move(reader));
  }
  return std::make_unique<SqliteStore>(options.path, std::move(writer), std::move(checkpointer),
                                       std::move(readers), options.busy_timeout_ms);
}

absl::StatusOr<SqliteStore*> AsSqliteStore(Store& store) {
  auto* sqlite_store = dynamic_cast<SqliteStore*>(&store);
  if (sqlite_store == nullptr) return absl::InvalidArgumentError("not a SqliteStore");
  return sqlite_store;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const SqliteStoreOptions& options) {
  return OpenWithMigrations(options, SqliteMigrations());
}

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStoreForTest(
    const SqliteStoreOptions& options, const std::vector<Migration>& migrations) {
  return OpenWithMigrations(options, migrations);
}

absl::StatusOr<Checkpointer::Stats> WaitForCheckpointsForTest(Store& store) {
  ASSIGN_OR_RETURN(SqliteStore * sqlite_store, AsSqliteStore(store));
  sqlite_store->checkpointer().WaitUntilIdle();
  return sqlite_store->checkpointer().stats();
}

}  // namespace rung
