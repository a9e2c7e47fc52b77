#ifndef RUNG_TESTS_SUPPORT_POSTGRES_ENVIRONMENT_H_
#define RUNG_TESTS_SUPPORT_POSTGRES_ENVIRONMENT_H_

// Including this header gives the test binary one PostgreSQL cluster
// (support/postgres_server.h), started before its first test and removed
// after its last, and PostgresTest, a fixture with a fresh database per test
// and a connection to it.

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/postgres/pg_connection.h"
#include "support/postgres_server.h"
#include "support/status_assertions.h"

namespace rung::test_support {

class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<PostgresServer>> server = PostgresServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
  }
  void TearDown() override { server_.reset(); }

  // Null when the cluster did not start.
  static PostgresServer* server() { return server_.get(); }

 private:
  static inline std::unique_ptr<PostgresServer> server_;
};

// Registered once per binary, whichever test file includes this first.
inline ::testing::Environment* const kPostgresEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(PostgresEnvironment::server(), nullptr) << "the PostgreSQL cluster did not start";
    ASSERT_OK_AND_ASSIGN(uri_, server().CreateDatabase());
    ASSERT_OK_AND_ASSIGN(db_, PgConnection::Connect(uri_));
  }

  // The one value of a one-row, one-column query on db_, or the error.
  std::string Scalar(const std::string& sql, const PgParams& params = {}) {
    absl::StatusOr<PgResult> result = db_->Query(sql, params, "test");
    if (!result.ok()) return absl::StrCat("error: ", result.status().ToString());
    return std::string(result->Text(0, 0));
  }

  static PostgresServer& server() { return *PostgresEnvironment::server(); }
  // The test's own database.
  const std::string& uri() const { return uri_; }

  std::unique_ptr<PgConnection> db_;

 private:
  std::string uri_;
};

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_POSTGRES_ENVIRONMENT_H_
