#ifndef RUNG_STORAGE_POSTGRES_PG_CONNECTION_H_
#define RUNG_STORAGE_POSTGRES_PG_CONNECTION_H_

// Thin RAII wrappers over libpq, so that the PostgreSQL engine speaks in
// absl::Status, never splices a value into SQL, and never names a password.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct pg_conn;
struct pg_result;

namespace rung {

// `uri` (postgresql://user:secret@host/db?password=secret, or the key=value
// form "host=h password='secret'") with every password replaced by ***, for
// any message or log line that names a database.
std::string RedactConnectionUri(absl::string_view uri);

// The one mapping from a PostgreSQL failure to the API's status codes, by
// SQLSTATE. libpq's own failures carry none: pass "08001" for a server that
// could not be reached, "08006" for a connection that broke (both
// UNAVAILABLE, which a retry may cure), and "" for the rest (INTERNAL).
// `doing` says what we were doing ("ingesting 3 weeks"); the message keeps
// PostgreSQL's primary message and the SQLSTATE.
absl::Status PgStatus(absl::string_view sqlstate, absl::string_view message,
                      absl::string_view doing);

// One statement parameter, or NULL. Mostly text, which PostgreSQL parses as
// the type the statement expects ("42", "2026-01-05"); or bytes in the
// type's binary form, where parsing text would cost the server more than
// the statement's own work (a large array, PgTextArray).
class PgParam {
 public:
  PgParam() = default;                                      // NULL
  PgParam(std::nullopt_t) {}                                // NOLINT: NULL, as for std::optional
  PgParam(std::string text) : value_(std::move(text)) {}    // NOLINT: text is the usual form
  PgParam(const char* text) : value_(std::string(text)) {}  // NOLINT

  static PgParam Binary(std::string bytes) {
    PgParam param(std::move(bytes));
    param.binary_ = true;
    return param;
  }

  bool has_value() const { return value_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const std::string& operator*() const { return *value_; }
  const std::string* operator->() const { return &*value_; }
  bool binary() const { return binary_; }

 private:
  std::optional<std::string> value_;
  bool binary_ = false;
};
using PgParams = std::vector<PgParam>;

// The rows of one statement, freed with it.
class PgResult {
 public:
  explicit PgResult(pg_result* result);
  ~PgResult();
  PgResult(PgResult&& other) noexcept;
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const;
  int columns() const;
  // Rows an INSERT, UPDATE or DELETE changed; 0 for other statements.
  int64_t affected_rows() const;

  bool IsNull(int row, int column) const;
  // "" for NULL. Valid while this result lives.
  absl::string_view Text(int row, int column) const;
  // DATA_LOSS naming the column when the value is NULL or not a number of
  // that kind: the schema holds only what rungd writes.
  absl::StatusOr<int64_t> Int64(int row, int column) const;
  absl::StatusOr<double> Double(int row, int column) const;
  // PostgreSQL's text for a boolean, 't' or 'f', as a bool.
  absl::StatusOr<bool> Bool(int row, int column) const;

 private:
  friend class PgConnection;
  // DATA_LOSS: the value at (row, column) is not a `kind`.
  absl::Status NotA(absl::string_view kind, int row, int column) const;

  pg_result* result_;
};

enum class PgIsolation {
  kReadCommitted,
  kSerializable,
  // REPEATABLE READ, READ ONLY: every statement reads as of one moment, and
  // no read fails a serialization check.
  kSnapshot,
};

struct PgConnectOptions {
  // Used unless the URI sets connect_timeout itself: libpq would otherwise
  // wait for the operating system's TCP timeout, minutes on a dead host.
  int connect_timeout_seconds = 5;
  // Shown in pg_stat_activity, so that operators can tell rungd's sessions.
  std::string application_name = "rungd";
  // Statements run once on every new connection, such as SET commands.
  std::string session_setup;
};

// One libpq connection with its own cache of prepared statements. Not
// thread-safe: callers give each connection to one thread at a time.
class PgConnection {
 public:
  // Connects to `conninfo`, a libpq URI or key=value string; TCP keepalives
  // are on, so that a vanished server is noticed on an idle connection.
  // UNAVAILABLE when no server answers, with `conninfo` redacted.
  static absl::StatusOr<std::unique_ptr<PgConnection>> Connect(
      const std::string& conninfo, const PgConnectOptions& options = {});
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs SQL without values, possibly several statements: transaction
  // control and migration scripts.
  absl::Status Exec(const std::string& sql, absl::string_view doing);

  // Runs `sql`, one statement with parameters $1, $2, ..., prepared once on
  // this connection and kept by its text.
  absl::StatusOr<PgResult> Query(const std::string& sql, const PgParams& params,
                                 absl::string_view doing);

  // Runs `sql`, one statement with parameters, and calls `each_row` with
  // every row as the server sends it (a result of one row), so that memory
  // stays flat however many rows there are. One statement reads one
  // snapshot, with no cursor for the server to keep. The statement is
  // planned for these parameters each time: a scan runs seldom, and the
  // plan then fits its filter. After `each_row` fails the statement is
  // cancelled, and its error is returned.
  absl::Status Stream(const std::string& sql, const PgParams& params, absl::string_view doing,
                      absl::FunctionRef<absl::Status(const PgResult& row)> each_row);

  // Runs `copy_sql`, a COPY ... FROM STDIN without parameters, and sends
  // `rows` as its data: COPY's text format, each row ending in a newline.
  // The server parses and checks the rows as it would those of an INSERT.
  absl::Status CopyIn(const std::string& copy_sql, absl::string_view rows, absl::string_view doing);

  // The first column of the first row of `sql`, a statement without
  // parameters, as an integer; DATA_LOSS when it is not one.
  absl::StatusOr<int64_t> QueryInt(const std::string& sql, absl::string_view doing);

  // BEGIN at `isolation`, `body`, COMMIT; ROLLBACK when body or COMMIT fails,
  // and then the first error is returned. Under kSerializable a conflict
  // with another transaction is ABORTED, at any statement or at COMMIT: run
  // the whole transaction again (RetryAborted).
  absl::Status InTransaction(PgIsolation isolation, absl::string_view doing,
                             absl::FunctionRef<absl::Status()> body);

  // BEGIN at `isolation`, for a transaction that spans calls; end it with
  // Commit or RollbackIfOpen.
  absl::Status Begin(PgIsolation isolation, absl::string_view doing);
  // COMMIT, which PostgreSQL answers with a silent ROLLBACK when a statement
  // of the transaction failed: that is an error too.
  absl::Status Commit(absl::string_view doing);
  // Ends an open transaction, keeping nothing of it.
  void RollbackIfOpen();

  // True when the connection is gone (server restarted, network lost): a
  // pool then drops it and connects anew. Reads what the server sent without
  // waiting, so that a server that went away while the connection sat idle
  // is noticed before the next statement fails on it.
  bool IsBroken();

  // The server this connection talks to, password redacted.
  const std::string& target() const { return target_; }

 private:
  PgConnection(pg_conn* conn, std::string target, std::string password);
  absl::StatusOr<std::string> PreparedName(const std::string& sql, absl::string_view doing);
  // The status for `result` (which may be null when libpq could not even
  // send), or OK when it is a success.
  absl::Status Check(pg_result* result, absl::string_view doing) const;
  std::string Scrub(std::string message) const;
  // Asks the server to stop the statement under way; its error then ends
  // the results.
  void CancelStatement();

  pg_conn* conn_;
  std::string target_;
  // Kept only to scrub it from libpq's messages.
  std::string password_;
  absl::flat_hash_map<std::string, std::string> prepared_;
};

}  // namespace rung

#endif  // RUNG_STORAGE_POSTGRES_PG_CONNECTION_H_
