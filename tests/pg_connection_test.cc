// The libpq layer against a real PostgreSQL server: parameters, results,
// the SQLSTATE mapping, transactions, outages and redaction.

#include "storage/postgres/pg_connection.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/retry.h"
#include "gtest/gtest.h"
#include "rung/status_macros.h"
#include "storage/postgres/pg_connection_pool.h"
#include "support/postgres_environment.h"
#include "support/status_assertions.h"

namespace rung {
namespace {

using PgConnectionTest = test_support::PostgresTest;

class PgConnectionOutageTest : public test_support::PostgresTest {
 protected:
  PgConnectionOutageTest() { UseAClusterOfItsOwn(); }
};

TEST_F(PgConnectionTest, ParametersRoundTripVerbatimAndAreNeverSpliced) {
  ASSERT_OK(db_->Exec("CREATE TABLE notes (id bigint PRIMARY KEY, body text)", "test"));
  const std::vector<std::string> values = {"O'Reilly",
                                           "'; DROP TABLE notes; --",
                                           "back\\slash \\' \\\\",
                                           "double \"quotes\"",
                                           "$1 $2 ?1",
                                           "ünïcødé ✓ 😀",
                                           "tab\tnew\nline\rcr \x01\x02\x7f",
                                           "",
                                           "E'\\x00'",
                                           std::string(10000, 'x')};
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_OK(db_->Query("INSERT INTO notes (id, body) VALUES ($1, $2)",
                         {absl::StrCat(i), values[i]}, "test"));
  }

  ASSERT_OK_AND_ASSIGN(const PgResult rows,
                       db_->Query("SELECT id, body FROM notes ORDER BY id", {}, "test"));
  ASSERT_EQ(rows.rows(), static_cast<int>(values.size()));
  for (int row = 0; row < rows.rows(); ++row) {
    EXPECT_EQ(rows.Int64(row, 0).value_or(-1), row);
    EXPECT_EQ(rows.Text(row, 1), values[row]) << "row " << row;
  }
  // Spliced, the second value would have dropped the table.
  EXPECT_EQ(Scalar("SELECT count(*) FROM notes"), absl::StrCat(values.size()));
}

TEST_F(PgConnectionTest, NullsAndNumbersRoundTrip) {
  ASSERT_OK_AND_ASSIGN(
      const PgResult result,
      db_->Query("SELECT $1::text IS NULL, $1::text, $2::bigint, $3::double precision, "
                 "$4::double precision, $5::boolean",
                 {std::nullopt, "-9223372036854775808", "0.1", "Infinity", "true"}, "test"));
  EXPECT_TRUE(result.Bool(0, 0).value_or(false));
  EXPECT_TRUE(result.IsNull(0, 1));
  EXPECT_EQ(result.Text(0, 1), "");
  EXPECT_EQ(result.Int64(0, 2).value_or(0), INT64_MIN);
  EXPECT_EQ(result.Double(0, 3).value_or(0), 0.1);
  EXPECT_EQ(result.Double(0, 4).value_or(0), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(result.Bool(0, 5).value_or(false));
  EXPECT_TRUE(HasStatus(result.Int64(0, 1).status(), absl::StatusCode::kDataLoss, "text"));
}

TEST_F(PgConnectionTest, StreamHandsOverEveryRowInOrderWithItsParameters) {
  std::vector<int64_t> seen;
  ASSERT_OK(db_->Stream("SELECT n, $1::text FROM generate_series(1, 2500) AS n ORDER BY n", {"tag"},
                        "test", [&](const PgResult& row) -> absl::Status {
                          EXPECT_EQ(row.rows(), 1);
                          EXPECT_EQ(row.Text(0, 1), "tag");
                          ASSIGN_OR_RETURN(const int64_t n, row.Int64(0, 0));
                          seen.push_back(n);
                          return absl::OkStatus();
                        }));
  ASSERT_EQ(seen.size(), 2500u);
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], static_cast<int64_t>(i + 1));
}

TEST_F(PgConnectionTest, AStreamStopsAtTheVisitorsErrorAndLeavesTheConnectionUsable) {
  int visited = 0;
  // Far more rows than one read of the socket holds, so that the server is
  // still sending when the visitor gives up.
  const absl::Status stopped =
      db_->Stream("SELECT n, repeat('x', 1000) FROM generate_series(1, 1000000) AS n", {}, "test",
                  [&](const PgResult&) {
                    return ++visited == 3 ? absl::DataLossError("enough") : absl::OkStatus();
                  });

  EXPECT_TRUE(HasStatus(stopped, absl::StatusCode::kDataLoss, "enough")) << stopped;
  EXPECT_EQ(visited, 3);
  EXPECT_EQ(Scalar("SELECT 41 + 1"), "42");
}

TEST_F(PgConnectionTest, AStreamThatTheServerRefusesSaysWhatWeWereDoing) {
  const absl::Status refused = db_->Stream("SELECT * FROM no_such_table", {}, "scanning weeks",
                                           [](const PgResult&) { return absl::OkStatus(); });

  EXPECT_TRUE(HasStatus(refused, absl::StatusCode::kInternal, "scanning weeks")) << refused;
  EXPECT_EQ(Scalar("SELECT 1"), "1");
}

TEST_F(PgConnectionTest, AffectedRowsCountsWhatAStatementChanged) {
  ASSERT_OK(
      db_->Exec("CREATE TABLE n (x int); INSERT INTO n SELECT generate_series(1, 5)", "test"));
  ASSERT_OK_AND_ASSIGN(const PgResult result,
                       db_->Query("UPDATE n SET x = x + 1 WHERE x > $1", {"2"}, "test"));
  EXPECT_EQ(result.affected_rows(), 3);
}

TEST_F(PgConnectionTest, FailuresMapBySqlstateAndSayWhatWeWereDoing) {
  ASSERT_OK(db_->Exec("CREATE TABLE ad_sets (id text PRIMARY KEY, n int CHECK (n >= 0))", "test"));
  const std::string insert = "INSERT INTO ad_sets (id, n) VALUES ($1, $2)";
  ASSERT_OK(db_->Query(insert, {"as_1", "1"}, "test"));

  EXPECT_TRUE(HasStatus(db_->Query(insert, {"as_1", "2"}, "storing ad set as_1").status(),
                        absl::StatusCode::kAlreadyExists,
                        "storing ad set as_1: the row exists (postgres 23505: duplicate key"));
  EXPECT_TRUE(HasStatus(db_->Query(insert, {"as_2", "-1"}, "storing ad set as_2").status(),
                        absl::StatusCode::kFailedPrecondition, "(postgres 23514: "));
  EXPECT_TRUE(HasStatus(db_->Query(insert, {"as_3", "many"}, "storing ad set as_3").status(),
                        absl::StatusCode::kInvalidArgument, "(postgres 22P02: "));
  EXPECT_TRUE(HasStatus(db_->Exec("SELEC 1", "counting ad sets"), absl::StatusCode::kInternal,
                        "counting ad sets: unexpected PostgreSQL error (postgres 42601: syntax "
                        "error at or near \"SELEC\")"));
  EXPECT_TRUE(HasStatus(db_->Query("SELECT nope FROM ad_sets", {}, "reading").status(),
                        absl::StatusCode::kInternal, "42703"));
}

TEST(PgStatusTest, MapsEverySqlstateClassTheBriefNames) {
  const std::vector<std::pair<std::string, absl::StatusCode>> cases = {
      {"08006", absl::StatusCode::kUnavailable},
      {"08001", absl::StatusCode::kUnavailable},
      {"57P01", absl::StatusCode::kUnavailable},
      {"57P02", absl::StatusCode::kUnavailable},
      {"57P03", absl::StatusCode::kUnavailable},
      {"53300", absl::StatusCode::kUnavailable},
      {"40001", absl::StatusCode::kAborted},
      {"40P01", absl::StatusCode::kAborted},
      {"23505", absl::StatusCode::kAlreadyExists},
      {"53100", absl::StatusCode::kResourceExhausted},
      {"22003", absl::StatusCode::kInvalidArgument},
      {"23503", absl::StatusCode::kFailedPrecondition},
      {"42P01", absl::StatusCode::kInternal},
      {"", absl::StatusCode::kInternal},
      {"57014", absl::StatusCode::kInternal},
  };
  for (const auto& [sqlstate, code] : cases) {
    EXPECT_EQ(PgStatus(sqlstate, "boom\n", "doing it").code(), code) << sqlstate;
  }
  EXPECT_EQ(PgStatus("40001", "could not serialize\n", "storing a run").message(),
            "storing a run: conflict with a concurrent transaction; retry (postgres 40001: "
            "could not serialize)");
}

TEST_F(PgConnectionTest, SerializationFailureIsAbortedAndARetrySucceeds) {
  ASSERT_OK(
      db_->Exec("CREATE TABLE counter (id int PRIMARY KEY, n int); "
                "INSERT INTO counter VALUES (1, 0)",
                "test"));
  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<PgConnection> other, PgConnection::Connect(uri()));
  const std::string bump = "UPDATE counter SET n = n + $1 WHERE id = 1";
  std::vector<absl::Status> attempts;
  const absl::Status status = RetryWhileAborted(
      [&]() -> absl::Status {
        absl::Status attempt = db_->InTransaction(
            PgIsolation::kSerializable, "bumping the counter", [&]() -> absl::Status {
              // The snapshot is taken here, before the other transaction commits.
              RETURN_IF_ERROR(db_->Query("SELECT n FROM counter", {}, "reading").status());
              if (attempts.empty()) {
                RETURN_IF_ERROR(other->InTransaction(PgIsolation::kSerializable, "other", [&] {
                  return other->Query(bump, {"10"}, "other bump").status();
                }));
              }
              return db_->Query(bump, {"1"}, "bumping").status();
            });
        attempts.push_back(attempt);
        return attempt;
      },
      3);

  ASSERT_OK(status);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_TRUE(HasStatus(attempts[0], absl::StatusCode::kAborted, "bumping: conflict"));
  EXPECT_TRUE(HasStatus(attempts[0], absl::StatusCode::kAborted, "40001"));
  EXPECT_EQ(Scalar("SELECT n FROM counter"), "11");
}

TEST_F(PgConnectionTest, ATransactionWithAFailedStatementDoesNotCommit) {
  ASSERT_OK(db_->Exec("CREATE TABLE t (x int)", "test"));
  const absl::Status status =
      db_->InTransaction(PgIsolation::kReadCommitted, "storing", [&]() -> absl::Status {
        RETURN_IF_ERROR(db_->Query("INSERT INTO t VALUES (1)", {}, "inserting").status());
        // A body that ignores an error must not make COMMIT look like success.
        db_->Exec("SELEC", "failing").IgnoreError();
        return absl::OkStatus();
      });
  EXPECT_TRUE(HasStatus(status, absl::StatusCode::kInternal, "storing: "));
  EXPECT_TRUE(HasStatus(status, absl::StatusCode::kInternal, "25P02"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM t"), "0");

  // A failed body rolls back, and the connection is usable afterwards.
  EXPECT_TRUE(HasStatus(db_->InTransaction(PgIsolation::kSerializable, "storing",
                                           [&]() -> absl::Status {
                                             RETURN_IF_ERROR(db_->Exec("INSERT INTO t VALUES (2)",
                                                                       "inserting"));
                                             return absl::CancelledError("client went away");
                                           }),
                        absl::StatusCode::kCancelled, "client went away"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM t"), "0");
}

TEST_F(PgConnectionOutageTest, AStoppedServerIsUnavailableAndThePoolReconnectsAfterIt) {
  PgConnectionPool pool(uri(), 2);
  {
    ASSERT_OK_AND_ASSIGN(PgConnectionPool::Lease lease, pool.Acquire());
    ASSERT_OK(lease->Query("SELECT 1", {}, "test"));
  }

  ASSERT_OK(server().Stop());
  EXPECT_TRUE(HasStatus(db_->Query("SELECT 1", {}, "reading ad sets").status(),
                        absl::StatusCode::kUnavailable, "reading ad sets: "));
  EXPECT_TRUE(db_->IsBroken());
  EXPECT_TRUE(HasStatus(pool.Acquire().status(), absl::StatusCode::kUnavailable, "connecting to"));
  EXPECT_TRUE(
      HasStatus(PgConnection::Connect(uri()).status(), absl::StatusCode::kUnavailable, "08001"));
  ASSERT_OK(server().StartAgain());

  // Both slots: the one whose connection the server closed, and the one
  // that failed to connect during the outage.
  ASSERT_OK_AND_ASSIGN(PgConnectionPool::Lease first, pool.Acquire());
  ASSERT_OK_AND_ASSIGN(PgConnectionPool::Lease second, pool.Acquire());
  EXPECT_OK(first->Query("SELECT 1", {}, "after the restart"));
  EXPECT_OK(second->Query("SELECT 1", {}, "after the restart"));
}

TEST_F(PgConnectionTest, APoolLendsEachConnectionToOneHolderAtATime) {
  PgConnectionPool pool(uri(), 2);
  ASSERT_OK_AND_ASSIGN(PgConnectionPool::Lease first, pool.Acquire());
  ASSERT_OK_AND_ASSIGN(PgConnectionPool::Lease second, pool.Acquire());
  EXPECT_NE(&*first, &*second);
  ASSERT_OK_AND_ASSIGN(const PgResult a, first->Query("SELECT pg_backend_pid()", {}, "test"));
  ASSERT_OK_AND_ASSIGN(const PgResult b, second->Query("SELECT pg_backend_pid()", {}, "test"));
  EXPECT_NE(a.Text(0, 0), b.Text(0, 0));
}

TEST_F(PgConnectionOutageTest, NoMessageRepeatsThePassword) {
  const std::string password = server().password();
  const std::string wrong_password = "wr0ng-s3cret-of-the-test";
  const std::string wrong = absl::StrCat("postgresql://rung:", wrong_password,
                                         "@127.0.0.1:", server().port(), "/postgres");
  const absl::Status refused = PgConnection::Connect(wrong).status();
  EXPECT_TRUE(
      HasStatus(refused, absl::StatusCode::kUnavailable, "postgresql://rung:***@127.0.0.1"));
  EXPECT_TRUE(HasStatus(refused, absl::StatusCode::kUnavailable, "password authentication failed"));
  EXPECT_FALSE(absl::StrContains(refused.message(), wrong_password)) << refused;

  // libpq quotes a URI it cannot parse.
  const absl::Status unparsable =
      PgConnection::Connect(absl::StrCat("postgresql://rung:", wrong_password, "@[::1/x")).status();
  EXPECT_FALSE(unparsable.ok());
  EXPECT_FALSE(absl::StrContains(unparsable.message(), wrong_password)) << unparsable;

  ASSERT_OK(server().Stop());
  const absl::Status down = PgConnection::Connect(uri()).status();
  const absl::Status keyword_form =
      PgConnection::Connect(absl::StrCat("host=127.0.0.1 port=", server().port(),
                                         " user=rung password='", password, "' dbname=postgres"))
          .status();
  ASSERT_OK(server().StartAgain());
  for (const absl::Status& status : {down, keyword_form}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    EXPECT_FALSE(absl::StrContains(status.message(), password)) << status;
    EXPECT_TRUE(absl::StrContains(status.message(), "***")) << status;
  }
}

TEST(RedactConnectionUriTest, ReplacesEveryPasswordAndKeepsTheRest) {
  EXPECT_EQ(RedactConnectionUri("postgresql://rung:s3cret@db.example:5432/rung?sslmode=require"),
            "postgresql://rung:***@db.example:5432/rung?sslmode=require");
  EXPECT_EQ(RedactConnectionUri("postgres://rung:p%40ss@h1,h2/rung"),
            "postgres://rung:***@h1,h2/rung");
  EXPECT_EQ(RedactConnectionUri("postgresql://rung@h/rung?password=s3cret&application_name=x"),
            "postgresql://rung@h/rung?password=***&application_name=x");
  EXPECT_EQ(RedactConnectionUri("postgresql://h/rung"), "postgresql://h/rung");
  EXPECT_EQ(RedactConnectionUri("host=h password=s3cret dbname=rung"),
            "host=h password=*** dbname=rung");
  EXPECT_EQ(RedactConnectionUri("host=h password = 'it\\'s secret' user=u"),
            "host=h password = *** user=u");
  EXPECT_EQ(RedactConnectionUri("host=h dbname=rung"), "host=h dbname=rung");
}

// The test support that lets every ctest process use one cluster.
TEST(SharedPostgresServerTest, OthersAttachToItAndOnlyStopSharedStopsIt) {
  using test_support::PostgresServer;
  const std::string state = absl::StrCat(::testing::TempDir(), "/shared_cluster_", getpid());
  {
    ASSERT_OK_AND_ASSIGN(const std::unique_ptr<PostgresServer> owner, PostgresServer::Start());
    ASSERT_OK(owner->Share(state));
  }  // handed over: it keeps running
  std::string uri;
  {
    ASSERT_OK_AND_ASSIGN(const std::unique_ptr<PostgresServer> attached,
                         PostgresServer::Attach(state));
    ASSERT_OK_AND_ASSIGN(uri, attached->CreateDatabase());
    EXPECT_OK(PgConnection::Connect(uri).status());
    EXPECT_EQ(attached->Stop().code(), absl::StatusCode::kFailedPrecondition);
  }  // detached: its database is dropped, the cluster stays
  {
    ASSERT_OK_AND_ASSIGN(const std::unique_ptr<PostgresServer> again,
                         PostgresServer::Attach(state));
    EXPECT_TRUE(HasStatus(PgConnection::Connect(uri).status(), absl::StatusCode::kUnavailable,
                          "does not exist"));
    ASSERT_OK_AND_ASSIGN(const std::string other, again->CreateDatabase());
    EXPECT_OK(PgConnection::Connect(other).status());
  }

  ASSERT_OK(PostgresServer::StopShared(state));
  EXPECT_FALSE(std::filesystem::exists(state));
  EXPECT_EQ(PostgresServer::Attach(state).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace rung
