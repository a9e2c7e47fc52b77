#include "storage/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "rung/status_macros.h"

namespace rung {
namespace {

constexpr absl::string_view kRedacted = "***";
// Stand-ins where libpq reports a failure without a SQLSTATE.
constexpr absl::string_view kCannotConnect = "08001";
constexpr absl::string_view kConnectionLost = "08006";
constexpr absl::string_view kTransactionAborted = "25P02";

bool IsUri(absl::string_view conninfo) {
  return absl::StartsWith(conninfo, "postgresql://") || absl::StartsWith(conninfo, "postgres://");
}

// user:secret@host -> user:***@host; a host list without user is kept.
std::string RedactAuthority(absl::string_view authority) {
  const size_t at = authority.rfind('@');
  if (at == absl::string_view::npos) return std::string(authority);
  const size_t colon = authority.substr(0, at).find(':');
  if (colon == absl::string_view::npos) return std::string(authority);
  return absl::StrCat(authority.substr(0, colon + 1), kRedacted, authority.substr(at));
}

std::string RedactQuery(absl::string_view query) {
  std::vector<std::string> params = absl::StrSplit(query, '&');
  for (std::string& param : params) {
    if (absl::StartsWith(param, "password=")) param = absl::StrCat("password=", kRedacted);
  }
  return absl::StrJoin(params, "&");
}

std::string RedactUri(absl::string_view uri) {
  const size_t authority_start = uri.find("://") + 3;
  const size_t authority_end = std::min(uri.find_first_of("/?", authority_start), uri.size());
  std::string redacted =
      absl::StrCat(uri.substr(0, authority_start),
                   RedactAuthority(uri.substr(authority_start, authority_end - authority_start)));
  const absl::string_view rest = uri.substr(authority_end);
  const size_t question = rest.find('?');
  if (question == absl::string_view::npos) return absl::StrCat(redacted, rest);
  return absl::StrCat(redacted, rest.substr(0, question + 1),
                      RedactQuery(rest.substr(question + 1)));
}

// Where a key=value value that starts at `start` ends: a quoted one at its
// closing quote (backslash escapes the next character), another at the
// first space.
size_t ValueEnd(absl::string_view conninfo, size_t start) {
  if (start >= conninfo.size() || conninfo[start] != '\'') {
    const size_t space = conninfo.find_first_of(" \t\n\r", start);
    return space == absl::string_view::npos ? conninfo.size() : space;
  }
  for (size_t i = start + 1; i < conninfo.size(); ++i) {
    if (conninfo[i] == '\\') {
      ++i;
    } else if (conninfo[i] == '\'') {
      return i + 1;
    }
  }
  return conninfo.size();
}

size_t SkipSpaces(absl::string_view text, size_t i) {
  while (i < text.size() && absl::ascii_isspace(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

std::string RedactKeywordValues(absl::string_view conninfo) {
  std::string redacted;
  size_t i = 0;
  while (i < conninfo.size()) {
    const size_t key_start = SkipSpaces(conninfo, i);
    const size_t key_end = std::min(conninfo.find_first_of("= \t\n\r", key_start), conninfo.size());
    const size_t equals = SkipSpaces(conninfo, key_end);
    if (equals >= conninfo.size() || conninfo[equals] != '=') {
      absl::StrAppend(&redacted, conninfo.substr(i));
      break;
    }
    const size_t value_start = SkipSpaces(conninfo, equals + 1);
    const size_t value_end = ValueEnd(conninfo, value_start);
    absl::StrAppend(&redacted, conninfo.substr(i, value_start - i));
    if (conninfo.substr(key_start, key_end - key_start) == "password") {
      absl::StrAppend(&redacted, kRedacted);
    } else {
      absl::StrAppend(&redacted, conninfo.substr(value_start, value_end - value_start));
    }
    i = value_end;
  }
  return redacted;
}

// The password libpq would use from `conninfo`, or "" when none is given or
// `conninfo` does not parse.
std::string PasswordIn(const std::string& conninfo) {
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr);
  if (options == nullptr) return "";
  std::string password;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (absl::string_view(option->keyword) == "password" && option->val != nullptr) {
      password = option->val;
    }
  }
  PQconninfoFree(options);
  return password;
}

// libpq's messages end in a newline and may span lines.
std::string OneLine(absl::string_view message) {
  return absl::StrReplaceAll(absl::StripAsciiWhitespace(message), {{"\n", " "}});
}

// `params` as libpq takes them: values (null for NULL), and the lengths
// and formats that binary ones need. Valid while `params` is.
struct LibpqParams {
  explicit LibpqParams(const PgParams& params) {
    for (const PgParam& param : params) {
      values.push_back(param ? param->data() : nullptr);
      lengths.push_back(param ? static_cast<int>(param->size()) : 0);
      formats.push_back(param.binary() ? 1 : 0);
    }
  }
  int count() const { return static_cast<int>(values.size()); }

  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
};

}  // namespace

std::string RedactConnectionUri(absl::string_view uri) {
  return IsUri(uri) ? RedactUri(uri) : RedactKeywordValues(uri);
}

absl::Status PgStatus(absl::string_view sqlstate, absl::string_view message,
                      absl::string_view doing) {
  auto status = [&](absl::StatusCode code, absl::string_view what) {
    return absl::Status(code, absl::StrCat(doing, ": ", what, " (postgres ",
                                           sqlstate.empty() ? "" : absl::StrCat(sqlstate, ": "),
                                           OneLine(message), ")"));
  };
  const absl::string_view sqlclass = sqlstate.substr(0, 2);
  if (sqlclass == "08" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") {
    return status(absl::StatusCode::kUnavailable, "the database server is unavailable");
  }
  if (sqlstate == "53300") {
    return status(absl::StatusCode::kUnavailable, "the database server has no free connection");
  }
  if (sqlstate == "40001" || sqlstate == "40P01") {
    return status(absl::StatusCode::kAborted, "conflict with a concurrent transaction; retry");
  }
  if (sqlstate == "23505") return status(absl::StatusCode::kAlreadyExists, "the row exists");
  // A table or type that concurrent DDL created first.
  if (sqlstate == "42P07" || sqlstate == "42710") {
    return status(absl::StatusCode::kAlreadyExists, "the object exists");
  }
  if (sqlstate == "53100") {
    return status(absl::StatusCode::kResourceExhausted, "the database server's disk is full");
  }
  if (sqlclass == "22") return status(absl::StatusCode::kInvalidArgument, "a value was refused");
  if (sqlclass == "23") {
    return status(absl::StatusCode::kFailedPrecondition, "a database constraint was violated");
  }
  return status(absl::StatusCode::kInternal, "unexpected PostgreSQL error");
}

// --- PgResult ----------------------------------------------------------------

PgResult::PgResult(pg_result* result) : result_(result) {}

PgResult::~PgResult() { PQclear(result_); }

PgResult::PgResult(PgResult&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

int PgResult::rows() const { return PQntuples(result_); }

int PgResult::columns() const { return PQnfields(result_); }

int64_t PgResult::affected_rows() const {
  int64_t rows = 0;
  return absl::SimpleAtoi(PQcmdTuples(result_), &rows) ? rows : 0;
}

bool PgResult::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

absl::string_view PgResult::Text(int row, int column) const {
  return absl::string_view(PQgetvalue(result_, row, column),
                           static_cast<size_t>(PQgetlength(result_, row, column)));
}

absl::Status PgResult::NotA(absl::string_view kind, int row, int column) const {
  const char* name = PQfname(result_, column);
  return absl::DataLossError(
      absl::StrCat("stored ", name == nullptr ? absl::StrCat("column ", column) : name, " of row ",
                   row, " ('", Text(row, column), "') is not ", kind));
}

absl::StatusOr<int64_t> PgResult::Int64(int row, int column) const {
  int64_t value = 0;
  if (!IsNull(row, column) && absl::SimpleAtoi(Text(row, column), &value)) return value;
  return NotA("an integer", row, column);
}

absl::StatusOr<double> PgResult::Double(int row, int column) const {
  double value = 0;
  if (!IsNull(row, column) && absl::SimpleAtod(Text(row, column), &value)) return value;
  return NotA("a number", row, column);
}

absl::StatusOr<bool> PgResult::Bool(int row, int column) const {
  if (!IsNull(row, column)) {
    if (Text(row, column) == "t") return true;
    if (Text(row, column) == "f") return false;
  }
  return NotA("a boolean", row, column);
}

// --- PgConnection ------------------------------------------------------------

PgConnection::PgConnection(pg_conn* conn, std::string target, std::string password)
    : conn_(conn), target_(std::move(target)), password_(std::move(password)) {}

PgConnection::~PgConnection() { PQfinish(conn_); }

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(
    const std::string& conninfo, const PgConnectOptions& options) {
  const std::string timeout = absl::StrCat(options.connect_timeout_seconds);
  // Keywords before "dbname" are defaults that `conninfo`, expanded in its
  // place, overrides; those after it would override `conninfo`.
  const char* const keywords[] = {"connect_timeout", "keepalives", "fallback_application_name",
                                  "client_encoding", "dbname",     nullptr};
  const char* const values[] = {timeout.c_str(),  "1",    options.application_name.c_str(), "UTF8",
                                conninfo.c_str(), nullptr};
  std::unique_ptr<PgConnection> connection(
      new PgConnection(PQconnectdbParams(keywords, values, /*expand_dbname=*/1),
                       RedactConnectionUri(conninfo), PasswordIn(conninfo)));
  if (connection->conn_ == nullptr) {
    return absl::ResourceExhaustedError("connecting to PostgreSQL: out of memory");
  }
  if (PQstatus(connection->conn_) != CONNECTION_OK) {
    // libpq quotes a URI that does not parse, whole.
    std::string message =
        absl::StrReplaceAll(PQerrorMessage(connection->conn_), {{conninfo, connection->target_}});
    return PgStatus(kCannotConnect, connection->Scrub(std::move(message)),
                    absl::StrCat("connecting to ", connection->target_));
  }
  // libpq prints the server's notices ("relation exists, skipping") to
  // stderr, which is rungd's log; they never call for action.
  PQsetNoticeProcessor(
      connection->conn_, [](void*, const char*) {}, nullptr);
  if (!options.session_setup.empty()) {
    RETURN_IF_ERROR(connection->Exec(options.session_setup, "setting up the session"));
  }
  return connection;
}

std::string PgConnection::Scrub(std::string message) const {
  if (password_.empty()) return message;
  return absl::StrReplaceAll(message, {{password_, kRedacted}});
}

absl::Status PgConnection::Check(pg_result* result, absl::string_view doing) const {
  if (result != nullptr) {
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
      return absl::OkStatus();
    }
  }
  const char* sqlstate = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary =
      result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const std::string message = Scrub(primary != nullptr ? primary : PQerrorMessage(conn_));
  if (sqlstate != nullptr) return PgStatus(sqlstate, message, doing);
  // libpq's own failures carry no SQLSTATE; a lost connection is the one
  // that a retry elsewhere can cure.
  return PgStatus(PQstatus(conn_) == CONNECTION_BAD ? kConnectionLost : "", message, doing);
}

absl::Status PgConnection::Exec(const std::string& sql, absl::string_view doing) {
  PgResult result(PQexec(conn_, sql.c_str()));
  return Check(result.result_, doing);
}

absl::StatusOr<std::string> PgConnection::PreparedName(const std::string& sql,
                                                       absl::string_view doing) {
  if (auto it = prepared_.find(sql); it != prepared_.end()) return it->second;
  std::string name = absl::StrCat("rung_", prepared_.size() + 1);
  // Parameter types are left to the server, which infers them from the SQL.
  PgResult result(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
  RETURN_IF_ERROR(Check(result.result_, doing));
  prepared_.emplace(sql, name);
  return name;
}

absl::StatusOr<PgResult> PgConnection::Query(const std::string& sql, const PgParams& params,
                                             absl::string_view doing) {
  ASSIGN_OR_RETURN(const std::string name, PreparedName(sql, doing));
  const LibpqParams values(params);
  PgResult result(PQexecPrepared(conn_, name.c_str(), values.count(), values.values.data(),
                                 values.lengths.data(), values.formats.data(),
                                 /*resultFormat=*/0));
  RETURN_IF_ERROR(Check(result.result_, doing));
  return result;
}

absl::Status PgConnection::Stream(const std::string& sql, const PgParams& params,
                                  absl::string_view doing,
                                  absl::FunctionRef<absl::Status(const PgResult& row)> each_row) {
  const LibpqParams values(params);
  if (PQsendQueryParams(conn_, sql.c_str(), values.count(), nullptr, values.values.data(),
                        values.lengths.data(), values.formats.data(), /*resultFormat=*/0) == 0) {
    return Check(nullptr, doing);
  }
  absl::Status status;
  if (PQsetSingleRowMode(conn_) == 0) {
    status = absl::InternalError(absl::StrCat(doing, ": libpq refused single-row mode"));
  }
  // Every result is read, even after a failure, so that the connection is
  // ready for the next statement.
  while (pg_result* next = PQgetResult(conn_)) {
    const PgResult result(next);
    if (!status.ok()) continue;
    const ExecStatusType result_status = PQresultStatus(result.result_);
    if (result_status == PGRES_SINGLE_TUPLE) {
      status = each_row(result);
      if (!status.ok()) CancelStatement();
    } else {
      status = Check(result.result_, doing);
    }
  }
  return status;
}

absl::Status PgConnection::CopyIn(const std::string& copy_sql, absl::string_view rows,
                                  absl::string_view doing) {
  {
    const PgResult started(PQexec(conn_, copy_sql.c_str()));
    if (PQresultStatus(started.result_) != PGRES_COPY_IN) return Check(started.result_, doing);
  }
  // In pieces, since libpq counts a piece's bytes in an int.
  constexpr size_t kPiece = size_t{1} << 20;
  const char* error = nullptr;
  for (size_t sent = 0; sent < rows.size() && error == nullptr; sent += kPiece) {
    const absl::string_view piece = rows.substr(sent, kPiece);
    if (PQputCopyData(conn_, piece.data(), static_cast<int>(piece.size())) != 1) {
      error = "libpq could not send the rows";
    }
  }
  // A failed send still ends the COPY, so that the connection can go on.
  PQputCopyEnd(conn_, error);
  absl::Status status;
  while (pg_result* next = PQgetResult(conn_)) {
    const PgResult result(next);
    if (status.ok()) status = Check(result.result_, doing);
  }
  return status;
}

void PgConnection::CancelStatement() {
  std::unique_ptr<PGcancel, decltype(&PQfreeCancel)> cancel(PQgetCancel(conn_), &PQfreeCancel);
  // Best effort: when the request is lost, the rest of the rows are read
  // and dropped instead.
  char error[256];
  if (cancel != nullptr) PQcancel(cancel.get(), error, sizeof(error));
}

absl::Status PgConnection::Commit(absl::string_view doing) {
  PgResult result(PQexec(conn_, "COMMIT"));
  RETURN_IF_ERROR(Check(result.result_, doing));
  if (absl::string_view(PQcmdStatus(result.result_)) != "COMMIT") {
    return PgStatus(kTransactionAborted,
                    "a statement of the transaction failed, so it was rolled back", doing);
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PgConnection::QueryInt(const std::string& sql, absl::string_view doing) {
  ASSIGN_OR_RETURN(const PgResult result, Query(sql, {}, doing));
  return result.Int64(0, 0);
}

absl::Status PgConnection::Begin(PgIsolation isolation, absl::string_view doing) {
  switch (isolation) {
    case PgIsolation::kReadCommitted: return Exec("BEGIN ISOLATION LEVEL READ COMMITTED", doing);
    case PgIsolation::kSerializable: return Exec("BEGIN ISOLATION LEVEL SERIALIZABLE", doing);
    case PgIsolation::kSnapshot:
      return Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", doing);
  }
  return absl::InvalidArgumentError(absl::StrCat(doing, ": unknown isolation level"));
}

void PgConnection::RollbackIfOpen() {
  // A failed COMMIT has already ended the transaction; a lost connection
  // has no transaction left to end.
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  if (status != PQTRANS_IDLE && status != PQTRANS_UNKNOWN) PQclear(PQexec(conn_, "ROLLBACK"));
}

absl::Status PgConnection::InTransaction(PgIsolation isolation, absl::string_view doing,
                                         absl::FunctionRef<absl::Status()> body) {
  RETURN_IF_ERROR(Begin(isolation, doing));
  absl::Status status = body();
  if (status.ok()) status = Commit(doing);
  if (!status.ok()) RollbackIfOpen();
  return status;
}

bool PgConnection::IsBroken() {
  // Reading end-of-file from a closed socket is what marks it bad. A server
  // that shut down sent an error first, which one read may take alone.
  constexpr int kReads = 4;
  for (int i = 0; i < kReads && PQstatus(conn_) == CONNECTION_OK; ++i) {
    pollfd socket = {PQsocket(conn_), POLLIN, 0};
    if (poll(&socket, 1, /*timeout=*/0) <= 0) break;
    PQconsumeInput(conn_);
  }
  return PQstatus(conn_) == CONNECTION_BAD;
}

}  // namespace rung
