#ifndef RUNG_TESTS_STORE_CONTRACT_ENGINES_H_
#define RUNG_TESTS_STORE_CONTRACT_ENGINES_H_

// The engines the store contract suite runs on (see store_contract.h). Only
// the suite includes this: it gives the test binary a PostgreSQL cluster.

#include <fstream>
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
  static constexpr bool kDurable = true;
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir) {
    return OpenStore(dir + "/rung.db", StoreSettings());
  }
};

struct MemoryEngine {
  static constexpr const char* kName = "Memory";
  // Gone with the store: opened again, it is empty.
  static constexpr bool kDurable = false;
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string&) {
    return NewMemoryStore();
  }
};

// A fresh database on the test binary's one cluster for each directory.
struct PostgresEngine {
  static constexpr const char* kName = "Postgres";
  static constexpr bool kDurable = true;
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir) {
    test_support::PostgresServer* server = test_support::PostgresEnvironment::server();
    if (server == nullptr) return test_support::PostgresEnvironment::error();
    ASSIGN_OR_RETURN(const std::string uri, DatabaseOf(dir, *server));
    return OpenStore(uri, StoreSettings());
  }

  // The database made for `dir` when it was first opened, whose URI is
  // kept there for the next Open.
  static absl::StatusOr<std::string> DatabaseOf(const std::string& dir,
                                                test_support::PostgresServer& server) {
    const std::string kept = dir + "/postgres_uri";
    std::string uri;
    if (std::ifstream in(kept); std::getline(in, uri)) return uri;
    ASSIGN_OR_RETURN(uri, server.CreateDatabase());
    std::ofstream(kept) << uri << "\n";
    return uri;
  }
};

using StoreEngines = ::testing::Types<SqliteEngine, MemoryEngine, PostgresEngine>;

}  // namespace rung

#endif  // RUNG_TESTS_STORE_CONTRACT_ENGINES_H_
