#ifndef RUNG_TESTS_STORE_CONTRACT_ENGINES_H_
#define RUNG_TESTS_STORE_CONTRACT_ENGINES_H_

// The engines the store contract suite runs on (see store_contract.h). Only
// the suite includes this: it gives the test binary a PostgreSQL cluster.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "rung/status_macros.h"
#include "rung/store.h"
#include "storage/memory/memory_store.h"
#include "support/postgres_environment.h"

namespace rung {

struct SqliteEngine {
  static constexpr const char* kName = "Sqlite";
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir) {
    return OpenStore(dir + "/rung.db", StoreSettings());
  }
};

struct MemoryEngine {
  static constexpr const char* kName = "Memory";
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string&) {
    return NewMemoryStore();
  }
};

// A fresh database on the test binary's one cluster.
struct PostgresEngine {
  static constexpr const char* kName = "Postgres";
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string&) {
    test_support::PostgresServer* server = test_support::PostgresEnvironment::server();
    if (server == nullptr) return absl::UnavailableError("the PostgreSQL cluster did not start");
    ASSIGN_OR_RETURN(const std::string uri, server->CreateDatabase());
    return OpenStore(uri, StoreSettings());
  }
};

using StoreEngines = ::testing::Types<SqliteEngine, MemoryEngine, PostgresEngine>;

}  // namespace rung

#endif  // RUNG_TESTS_STORE_CONTRACT_ENGINES_H_
