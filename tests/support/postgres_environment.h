#ifndef RUNG_TESTS_SUPPORT_POSTGRES_ENVIRONMENT_H_
#define RUNG_TESTS_SUPPORT_POSTGRES_ENVIRONMENT_H_

// Including this header gives the test binary one PostgreSQL cluster
// (support/postgres_server.h), started when a test first asks for it and
// removed after the last test, and PostgresTest, a fixture with a fresh
// database per test and a connection to it.
//
// Under ctest the cluster is the run's shared one, which the
// postgres_shared_start test started and whose state file
// RUNG_TEST_POSTGRES_SHARED names (tests/CMakeLists.txt); a binary run by
// hand starts its own.

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/postgres/pg_connection.h"
#include "support/postgres_server.h"
#include "support/status_assertions.h"

namespace rung::test_support {

class PostgresEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { server_.reset(); }

  // The binary's cluster, started or attached on the first call (tests
  // that use no PostgreSQL pay nothing); null when that failed, and
  // error() says why.
  static PostgresServer* server() {
    if (server_ == nullptr && error_.ok()) {
      const char* shared = std::getenv("RUNG_TEST_POSTGRES_SHARED");
      absl::StatusOr<std::unique_ptr<PostgresServer>> server = shared != nullptr && *shared != '\0'
                                                                   ? PostgresServer::Attach(shared)
                                                                   : PostgresServer::Start();
      if (server.ok()) {
        server_ = std::move(server).value();
      } else {
        error_ = server.status();
      }
    }
    return server_.get();
  }
  static const absl::Status& error() { return error_; }

 private:
  static inline std::unique_ptr<PostgresServer> server_;
  static inline absl::Status error_;
};

// Registered once per binary, whichever test file includes this first.
inline ::testing::Environment* const kPostgresEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (own_cluster_) {
      absl::StatusOr<std::unique_ptr<PostgresServer>> own = PostgresServer::Start();
      ASSERT_TRUE(own.ok()) << own.status();
      own_ = std::move(own).value();
    }
    server_ = own_ != nullptr ? own_.get() : PostgresEnvironment::server();
    ASSERT_NE(server_, nullptr) << PostgresEnvironment::error();
    ASSERT_OK_AND_ASSIGN(uri_, server_->CreateDatabase());
    ASSERT_OK_AND_ASSIGN(db_, PgConnection::Connect(uri_));
  }
  void TearDown() override { db_.reset(); }

  // For a fixture whose tests stop and start the server, called from its
  // constructor: each test gets a cluster of its own, since the binary's
  // may be shared with tests running meanwhile.
  void UseAClusterOfItsOwn() { own_cluster_ = true; }

  // The one value of a one-row, one-column query on db_, or the error.
  std::string Scalar(const std::string& sql, const PgParams& params = {}) {
    absl::StatusOr<PgResult> result = db_->Query(sql, params, "test");
    if (!result.ok()) return absl::StrCat("error: ", result.status().ToString());
    return std::string(result->Text(0, 0));
  }

  // The first column of every row of a query on db_, NULL as nullopt; a
  // failed query fails the test and answers no row.
  std::vector<std::optional<std::string>> Column(const std::string& sql,
                                                 const PgParams& params = {}) {
    absl::StatusOr<PgResult> result = db_->Query(sql, params, "test");
    EXPECT_TRUE(result.ok()) << result.status();
    std::vector<std::optional<std::string>> values;
    if (!result.ok()) return values;
    for (int row = 0; row < result->rows(); ++row) {
      if (result->IsNull(row, 0)) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(std::string(result->Text(row, 0)));
      }
    }
    return values;
  }

  PostgresServer& server() { return *server_; }
  // The test's own database.
  const std::string& uri() const { return uri_; }

  std::unique_ptr<PgConnection> db_;

 private:
  bool own_cluster_ = false;
  std::unique_ptr<PostgresServer> own_;
  PostgresServer* server_ = nullptr;
  std::string uri_;
};

}  // namespace rung::test_support

#endif  // RUNG_TESTS_SUPPORT_POSTGRES_ENVIRONMENT_H_
