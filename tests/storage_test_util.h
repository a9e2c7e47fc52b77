#ifndef RUNG_TESTS_STORAGE_TEST_UTIL_H_
#define RUNG_TESTS_STORAGE_TEST_UTIL_H_

// Shared by the storage tests: a fresh directory per test, status
// assertions, and a second connection to the database file, which plays the
// part of another process.

#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "rung/advisor.h"
#include "rung/ladder.h"
#include "rung/policy.h"
#include "rung/status_macros.h"
#include "rung/store.h"
#include "rung/week.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/sqlite_store.h"
#include "support/status_assertions.h"

namespace rung {

// The test's own directory under the test temp dir, removed after the test.
class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "rung_storage_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp " << pattern;
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // The test's own directory, empty at the start of the test.
  const std::string& Dir() const { return dir_; }
  std::string DbPath() const { return dir_ + "/rung.db"; }

  SqliteStoreOptions Options() const {
    SqliteStoreOptions options;
    options.path = DbPath();
    return options;
  }

  // A connection of its own to the database, as another process would have.
  static absl::StatusOr<std::unique_ptr<Connection>> OpenOther(const std::string& path) {
    return Connection::Open(path, ConnectionOptions{});
  }

 private:
  std::string dir_;
};

// A real SQLite file behind an Advisor with the built-in policy, for tests
// of the Advisor's use cases. The Advisor asks `now_` for the time.
class AdvisorTest : public StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    ASSERT_OK_AND_ASSIGN(store_, OpenSqliteStore(Options()));
    advisor_ = std::make_unique<Advisor>(store_.get(), PolicyFile(), AdvisorOptions(),
                                         [this] { return now_; });
  }

  absl::Time now_ = absl::Now();
  std::unique_ptr<Store> store_;
  std::unique_ptr<Advisor> advisor_;
};

// So that failed expectations show weeks as dates.
inline void PrintTo(Week week, std::ostream* os) { *os << week.ToString(); }

// The Monday `n` weeks after 2026-01-05.
inline Week W(int n) { return Week::Containing(absl::CivilDay(2026, 1, 5)).Plus(n); }

// A record with just the fields every record has.
inline AdSetWeek Record(const std::string& ad_set_id, Week week, int64_t purchases,
                        const std::string& account_id = "act_1",
                        const std::string& campaign_id = "cmp_1") {
  AdSetWeek record;
  record.account_id = account_id;
  record.campaign_id = campaign_id;
  record.ad_set_id = ad_set_id;
  record.week = week;
  record.optimization_event = "Purchase";
  record.event_counts = {{"AddToCart", 4 * purchases}, {"Purchase", purchases}};
  return record;
}

// One ad set's weeks `first`..`last` (offsets for W) as a client sends
// them, each with the same event, counts and spend.
struct SteadyWeeks {
  using Counts = std::vector<std::pair<std::string, int64_t>>;

  std::string account_id = "act_1";
  std::string ad_set_id;
  std::string event;
  Counts counts;
  std::optional<int64_t> spend_units;
  int first = 0;
  int last = 3;

  std::vector<RawAdSetWeek> Rows() const {
    std::vector<RawAdSetWeek> weeks;
    for (int w = first; w <= last; ++w) {
      RawAdSetWeek week;
      week.account_id = account_id;
      week.campaign_id = "cmp_" + account_id;
      week.ad_set_id = ad_set_id;
      week.week_start = W(w).ToString();
      week.optimization_event = event;
      if (spend_units.has_value()) week.spend_micros = *spend_units * 1'000'000;
      week.event_counts = counts;
      weeks.push_back(std::move(week));
    }
    return weeks;
  }
};

// Every field, one expectation each naming it; a double's sign too, so that
// -0.0 does not pass for 0.0.
inline void ExpectSameOverrides(const PolicyOverrides& got, const PolicyOverrides& want) {
  ForEachPolicyField([&](std::string_view name, auto, auto field) {
    SCOPED_TRACE(std::string(name));
    EXPECT_EQ(got.*field, want.*field);
    using Value = typename std::remove_reference_t<decltype(got.*field)>::value_type;
    if constexpr (std::is_floating_point_v<Value>) {
      if ((got.*field).has_value() && (want.*field).has_value()) {
        EXPECT_EQ(std::signbit(*(got.*field)), std::signbit(*(want.*field)));
      }
    }
  });
}

// Stores the run `run` with `chunk`, as an evaluation stores its chunks.
inline absl::Status StoreRun(Store& store, const EvaluationRecord& run,
                             const EvaluationChunk& chunk = {}) {
  ASSIGN_OR_RETURN(std::unique_ptr<EvaluationWriter> writer, store.BeginEvaluation());
  RETURN_IF_ERROR(writer->Write(chunk));
  return writer->Commit(run);
}

// Stores `chunk` as a run of its own; the run's record is dated at the
// epoch, so that it is never the latest evaluation.
inline absl::Status SaveChunk(Store& store, const EvaluationChunk& chunk) {
  static int runs = 0;
  EvaluationRecord run;
  run.evaluation_id = absl::StrCat("run_", ++runs);
  run.evaluated = static_cast<int>(chunk.recommendations.size());
  return StoreRun(store, run, chunk);
}

}  // namespace rung

#endif  // RUNG_TESTS_STORAGE_TEST_UTIL_H_
