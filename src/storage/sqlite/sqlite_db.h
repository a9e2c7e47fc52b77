#ifndef RUNG_STORAGE_SQLITE_SQLITE_DB_H_
#define RUNG_STORAGE_SQLITE_SQLITE_DB_H_

// Thin RAII wrappers over the SQLite C API, so that the store speaks in
// absl::Status and never leaks a handle or leaves a statement mid-step.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "storage/row_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rung {

// The one mapping from an SQLite result code to the API's status codes.
// `doing` says what we were doing ("ingesting 3 weeks"); the message keeps
// SQLite's own `errmsg` so that no detail is lost. `busy_timeout_ms` is only
// quoted, in the message for a lock that was not released in time.
absl::Status SqliteStatus(int rc, absl::string_view errmsg, absl::string_view doing,
                          int busy_timeout_ms);

class Connection;

// One prepared statement. Binding errors are kept and reported by the next
// Step, so that call sites can bind without checking every call.
class Statement final : public RowView {
 public:
  Statement(Connection* connection, sqlite3_stmt* stmt);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in "?1". Text is copied.
  void Bind(int index, absl::string_view value);
  // The same without the copy: `value` must stay unchanged until Reset.
  void BindUncopied(int index, absl::string_view value);
  void Bind(int index, int64_t value);
  // A double keeps all its bits, +infinity included; NaN binds as NULL.
  void BindDouble(int index, double value);
  void BindNull(int index);
  // Empty text binds NULL, for columns where NULL means "none".
  void BindTextOrNull(int index, absl::string_view value);
  template <typename T>
  void Bind(int index, const std::optional<T>& value) {
    if (value.has_value()) {
      Bind(index, static_cast<int64_t>(*value));
    } else {
      BindNull(index);
    }
  }

  // True when a row is available, false when the statement is done.
  absl::StatusOr<bool> Step(absl::string_view doing);
  // Steps to the end, for statements that return no rows.
  absl::Status Run(absl::string_view doing);

  // The current row; a view is valid until the next Step or Reset.
  bool IsNull(int column) const override;
  int64_t ColumnInt(int column) const override;
  double ColumnDouble(int column) const override;
  absl::string_view ColumnView(int column) const override;

  // Ends the current execution and forgets the bindings.
  void Reset();

 private:
  void BindText(int index, absl::string_view value, bool copy);

  Connection* connection_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = 0;  // SQLITE_OK
};

// A cached statement lent to one user. Resetting it on release lets the next
// user start clean, and ends the implicit read transaction of a SELECT that
// was not stepped to the end, which would otherwise pin the WAL.
class StatementLease {
 public:
  explicit StatementLease(Statement* statement) : statement_(statement) {}
  StatementLease(StatementLease&& other) noexcept : statement_(other.statement_) {
    other.statement_ = nullptr;
  }
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease() {
    if (statement_ != nullptr) statement_->Reset();
  }

  Statement* operator->() const { return statement_; }
  Statement& operator*() const { return *statement_; }

 private:
  Statement* statement_;
};

struct ConnectionOptions {
  bool read_only = false;
  int busy_timeout_ms = 5000;
  // "FULL", "NORMAL" or "OFF", already validated: it is pasted into a PRAGMA.
  absl::string_view synchronous = "FULL";
};

// One sqlite3 connection with its own cache of prepared statements. Not
// thread-safe: callers give each connection to one thread at a time, which
// is why it is opened with SQLITE_OPEN_NOMUTEX.
class Connection {
 public:
  // Opens (creating it when writable and missing) and sets busy_timeout,
  // synchronous and foreign_keys. A file that is not a database is noticed
  // here only because setting synchronous reads the schema; nothing is written.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path,
                                                          const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL without values: PRAGMAs, transaction control, migration scripts.
  absl::Status Exec(const std::string& sql, absl::string_view doing);

  // The cached statement for `sql` (prepared once, persistently). `sql` must
  // hold exactly one statement; values go in as bound parameters.
  absl::StatusOr<StatementLease> Prepare(absl::string_view sql, absl::string_view doing);

  // The first column of the first row of `sql`; FAILED_PRECONDITION when
  // there is no row.
  absl::StatusOr<int64_t> QueryInt(absl::string_view sql, absl::string_view doing);
  absl::StatusOr<std::string> QueryText(absl::string_view sql, absl::string_view doing);
  // Whether `sql`, a "SELECT EXISTS (...)" whose one parameter ?1 is `key`,
  // answers true.
  absl::StatusOr<bool> QueryExists(absl::string_view sql, absl::string_view key,
                                   absl::string_view doing);

  // BEGIN IMMEDIATE, `body`, COMMIT; ROLLBACK when body or COMMIT fails, and
  // then the first error is returned. IMMEDIATE takes the write lock up
  // front, so a busy database fails here rather than halfway through.
  absl::Status InWriteTransaction(absl::string_view doing, absl::FunctionRef<absl::Status()> body);

  // BEGIN IMMEDIATE for a write transaction that spans calls; end it with
  // Commit or RollbackIfOpen.
  absl::Status BeginWrite(absl::string_view doing);
  // COMMIT, rolling back when it fails.
  absl::Status Commit(absl::string_view doing);
  // Ends an open transaction, keeping nothing of it.
  void RollbackIfOpen();

  // BEGIN, `body`, then the end of the transaction: whatever commits
  // meanwhile, `body` reads the database as of one moment.
  absl::Status InReadTransaction(absl::string_view doing, absl::FunctionRef<absl::Status()> body);

  // Copies the whole database to `destination`, a new file (INVALID_ARGUMENT
  // "destination_path: ..." when it exists or cannot be created), in one
  // read transaction: a consistent snapshot, while WAL lets writers go on.
  // Answers the copy's size in bytes; a failed copy leaves no file behind.
  absl::StatusOr<int64_t> BackupTo(const std::string& destination, absl::string_view doing);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;

  // Calls `hook` after each commit of this connection with the number of
  // frames the write-ahead log then holds, on the committing thread, so it
  // must be quick. Replaces SQLite's own automatic checkpoint, which would
  // otherwise run inside the commit, and any hook set before.
  void OnCommit(std::function<void(int wal_frames)> hook);

  // What one checkpoint did, in WAL frames.
  struct CheckpointResult {
    // Frames in the log when it ran.
    int wal_frames = 0;
    // Of those, how many are now in the database file; fewer than
    // wal_frames when a reader still needs older ones.
    int copied_frames = 0;
  };
  // A PASSIVE checkpoint: copies what it can without waiting for readers or
  // the writer. Both ends are synced to disk as `synchronous` asks.
  absl::StatusOr<CheckpointResult> CheckpointPassive(absl::string_view doing);

  void SetBusyTimeout(int ms);
  int busy_timeout_ms() const { return busy_timeout_ms_; }

  // The status of the last failed call, in SQLite's words and ours.
  absl::Status Error(int rc, absl::string_view doing) const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  absl::Status Configure(const ConnectionOptions& options, absl::string_view doing);
  absl::StatusOr<StatementLease> QueryFirstRow(absl::string_view sql, absl::string_view doing);
  absl::Status InTransaction(const char* begin, absl::string_view doing,
                             absl::FunctionRef<absl::Status()> body);

  sqlite3* db_;
  int busy_timeout_ms_ = 0;
  std::function<void(int)> commit_hook_;
  absl::flat_hash_map<std::string, std::unique_ptr<Statement>> statements_;
};

}  // namespace rung

#endif  // RUNG_STORAGE_SQLITE_SQLITE_DB_H_
