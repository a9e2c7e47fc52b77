#include "storage/sqlite/sqlite_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
#include "rung/status_macros.h"

namespace rung {

absl::Status SqliteStatus(int rc, absl::string_view errmsg, absl::string_view doing,
                          int busy_timeout_ms) {
  auto status = [&](absl::StatusCode code, absl::string_view what) {
    return absl::Status(code, absl::StrCat(doing, ": ", what, " (sqlite: ", errmsg, ")"));
  };
  // Extended codes (SQLITE_IOERR_WRITE, ...) share their primary code's byte.
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return status(absl::StatusCode::kUnavailable,
                    absl::StrCat("database is locked by another writer for more than ",
                                 busy_timeout_ms, " ms"));
    case SQLITE_FULL:
      return status(absl::StatusCode::kResourceExhausted, "database or disk is full");
    case SQLITE_NOMEM: return status(absl::StatusCode::kResourceExhausted, "out of memory");
    case SQLITE_CANTOPEN:
      return status(absl::StatusCode::kUnavailable, "cannot open the database file");
    case SQLITE_IOERR:
      return status(absl::StatusCode::kUnavailable, "I/O error on the database file");
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return status(absl::StatusCode::kUnavailable, "the database file cannot be written");
    case SQLITE_NOTADB:
      return status(absl::StatusCode::kFailedPrecondition, "the file is not a SQLite database");
    case SQLITE_CORRUPT: return status(absl::StatusCode::kDataLoss, "the database file is corrupt");
    case SQLITE_CONSTRAINT:
      // Records are validated before they get here, so this is our bug.
      return status(absl::StatusCode::kInternal, "a database constraint was violated");
    default:
      return status(absl::StatusCode::kInternal,
                    absl::StrCat("unexpected SQLite error ", rc, " (", sqlite3_errstr(rc), ")"));
  }
}

// --- Statement ---------------------------------------------------------------

Statement::Statement(Connection* connection, sqlite3_stmt* stmt)
    : connection_(connection), stmt_(stmt) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::Bind(int index, absl::string_view value) { BindText(index, value, true); }

void Statement::BindUncopied(int index, absl::string_view value) { BindText(index, value, false); }

void Statement::BindText(int index, absl::string_view value, bool copy) {
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                                     copy ? SQLITE_TRANSIENT : SQLITE_STATIC, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::Bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindDouble(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindTextOrNull(int index, absl::string_view value) {
  if (value.empty()) {
    BindNull(index);
  } else {
    Bind(index, value);
  }
}

void Statement::BindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

absl::StatusOr<bool> Statement::Step(absl::string_view doing) {
  if (bind_rc_ != SQLITE_OK) return connection_->Error(bind_rc_, doing);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return connection_->Error(rc, doing);
}

absl::Status Statement::Run(absl::string_view doing) {
  while (true) {
    ASSIGN_OR_RETURN(const bool row, Step(doing));
    if (!row) return absl::OkStatus();
  }
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

absl::string_view Statement::ColumnView(int column) const {
  // column_text before column_bytes: the byte count is of the converted text.
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return "";
  return absl::string_view(reinterpret_cast<const char*>(text),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

// --- Connection --------------------------------------------------------------

namespace {

// SQLite's allocation statistics take a process-wide mutex on every malloc
// and free, which the evaluation's reader and writer threads and every
// serving thread then contend for; rungd reads none of those statistics.
void TurnOffMemoryStatistics() {
  static absl::once_flag once;
  // Refused (SQLITE_MISUSE) once SQLite is initialized; then it stays on.
  absl::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                             const ConnectionOptions& options) {
  TurnOffMemoryStatistics();
  const int flags =
      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  // The handle exists even when opening failed, and must be closed.
  std::unique_ptr<Connection> connection(new Connection(db));
  const std::string doing = absl::StrCat("opening '", path, "'");
  if (db == nullptr) return SqliteStatus(rc, sqlite3_errstr(rc), doing, options.busy_timeout_ms);
  if (rc != SQLITE_OK) return connection->Error(rc, doing);
  RETURN_IF_ERROR(connection->Configure(options, doing));
  return connection;
}

Connection::~Connection() {
  statements_.clear();  // every statement must be finalized before the close
  sqlite3_close_v2(db_);
}

absl::Status Connection::Configure(const ConnectionOptions& options, absl::string_view doing) {
  SetBusyTimeout(options.busy_timeout_ms);
  RETURN_IF_ERROR(Exec("PRAGMA foreign_keys = ON", doing));
  return Exec(absl::StrCat("PRAGMA synchronous = ", options.synchronous), doing);
}

absl::Status Connection::Exec(const std::string& sql, absl::string_view doing) {
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? absl::OkStatus() : Error(rc, doing);
}

absl::StatusOr<StatementLease> Connection::Prepare(absl::string_view sql, absl::string_view doing) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return StatementLease(it->second.get());
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return Error(rc, doing);
  auto statement = std::make_unique<Statement>(this, stmt);
  if (stmt == nullptr || tail != sql.data() + sql.size()) {
    return absl::InternalError(
        absl::StrCat(doing, ": the SQL must hold exactly one statement: ", sql));
  }
  Statement* cached = statement.get();
  statements_.emplace(std::string(sql), std::move(statement));
  return StatementLease(cached);
}

absl::StatusOr<StatementLease> Connection::QueryFirstRow(absl::string_view sql,
                                                         absl::string_view doing) {
  ASSIGN_OR_RETURN(StatementLease statement, Prepare(sql, doing));
  ASSIGN_OR_RETURN(const bool row, statement->Step(doing));
  if (!row) {
    return absl::FailedPreconditionError(absl::StrCat(doing, ": no row from ", sql));
  }
  return statement;
}

absl::StatusOr<int64_t> Connection::QueryInt(absl::string_view sql, absl::string_view doing) {
  ASSIGN_OR_RETURN(StatementLease statement, QueryFirstRow(sql, doing));
  return statement->ColumnInt(0);
}

absl::StatusOr<bool> Connection::QueryExists(absl::string_view sql, absl::string_view key,
                                             absl::string_view doing) {
  ASSIGN_OR_RETURN(StatementLease statement, Prepare(sql, doing));
  statement->Bind(1, key);
  ASSIGN_OR_RETURN(const bool row, statement->Step(doing));
  return row && statement->ColumnInt(0) != 0;
}

absl::StatusOr<std::string> Connection::QueryText(absl::string_view sql, absl::string_view doing) {
  ASSIGN_OR_RETURN(StatementLease statement, QueryFirstRow(sql, doing));
  return statement->ColumnText(0);
}

absl::Status Connection::InWriteTransaction(absl::string_view doing,
                                            absl::FunctionRef<absl::Status()> body) {
  return InTransaction("BEGIN IMMEDIATE", doing, body);
}

absl::Status Connection::InReadTransaction(absl::string_view doing,
                                           absl::FunctionRef<absl::Status()> body) {
  return InTransaction("BEGIN", doing, body);
}

absl::Status Connection::InTransaction(const char* begin, absl::string_view doing,
                                       absl::FunctionRef<absl::Status()> body) {
  RETURN_IF_ERROR(Exec(begin, doing));
  const absl::Status status = body();
  if (!status.ok()) {
    RollbackIfOpen();
    return status;
  }
  return Commit(doing);
}

absl::Status Connection::BeginWrite(absl::string_view doing) {
  return Exec("BEGIN IMMEDIATE", doing);
}

absl::Status Connection::Commit(absl::string_view doing) {
  const absl::Status status = Exec("COMMIT", doing);
  if (!status.ok()) RollbackIfOpen();
  return status;
}

void Connection::RollbackIfOpen() {
  // SQLite rolls back by itself after some errors (SQLITE_FULL, ...); a
  // second ROLLBACK would only add a "no transaction is active" error.
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

namespace {

// O_EXCL claims the name atomically: a backup never overwrites a file, not
// even one created a moment before.
absl::Status ClaimNewFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("destination_path: cannot create '", path, "': ", std::strerror(errno)));
  }
  ::close(fd);
  return absl::OkStatus();
}

// Copies every page of `source` into the empty database file at `path`.
absl::Status CopyPages(sqlite3* source, const std::string& path, absl::string_view doing) {
  sqlite3* target = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE,
                           nullptr);
  absl::Status status;
  if (rc != SQLITE_OK) {
    status =
        SqliteStatus(rc, target != nullptr ? sqlite3_errmsg(target) : sqlite3_errstr(rc), doing, 0);
  } else if (sqlite3_backup* backup = sqlite3_backup_init(target, "main", source, "main")) {
    // -1: every page in one step, hence under one read transaction.
    rc = sqlite3_backup_step(backup, -1);
    const int finish_rc = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      status = SqliteStatus(rc, sqlite3_errstr(rc), doing, 0);
    } else if (finish_rc != SQLITE_OK) {
      status = SqliteStatus(finish_rc, sqlite3_errmsg(target), doing, 0);
    }
  } else {
    status = SqliteStatus(sqlite3_errcode(target), sqlite3_errmsg(target), doing, 0);
  }
  // Closing is what makes the copy whole on disk (the journal is gone).
  rc = sqlite3_close(target);
  if (status.ok() && rc != SQLITE_OK) status = SqliteStatus(rc, sqlite3_errstr(rc), doing, 0);
  return status;
}

}  // namespace

absl::StatusOr<int64_t> Connection::BackupTo(const std::string& destination,
                                             absl::string_view doing) {
  RETURN_IF_ERROR(ClaimNewFile(destination));
  absl::Status status = CopyPages(db_, destination, doing);
  std::error_code error;
  const std::uintmax_t bytes = std::filesystem::file_size(destination, error);
  if (status.ok() && error) {
    status = absl::UnavailableError(
        absl::StrCat(doing, ": cannot read the size of '", destination, "': ", error.message()));
  }
  if (!status.ok()) {
    std::filesystem::remove(destination, error);
    std::filesystem::remove(destination + "-journal", error);
    return status;
  }
  return static_cast<int64_t>(bytes);
}

int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

void Connection::OnCommit(std::function<void(int wal_frames)> hook) {
  commit_hook_ = std::move(hook);
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int wal_frames) {
        static_cast<Connection*>(self)->commit_hook_(wal_frames);
        return SQLITE_OK;
      },
      this);
}

absl::StatusOr<Connection::CheckpointResult> Connection::CheckpointPassive(
    absl::string_view doing) {
  CheckpointResult result;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                           &result.wal_frames, &result.copied_frames);
  if (rc != SQLITE_OK) return Error(rc, doing);
  return result;
}

void Connection::SetBusyTimeout(int ms) {
  sqlite3_busy_timeout(db_, ms);
  busy_timeout_ms_ = ms;
}

absl::Status Connection::Error(int rc, absl::string_view doing) const {
  return SqliteStatus(rc, sqlite3_errmsg(db_), doing, busy_timeout_ms_);
}

}  // namespace rung
