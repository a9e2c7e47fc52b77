#ifndef RUNG_TESTS_STORE_CONTRACT_H_
#define RUNG_TESTS_STORE_CONTRACT_H_

// The contract of rung/store.h, which every engine must keep: the typed
// suites of store_contract_*_test.cc run each test once per engine listed in
// StoreEngines.
//
// An engine plugs in with one struct in store_contract_engines.h, and its
// name in StoreEngines there. Its Open is given the test's own directory
// (empty at first, removed after the test) and opens a fresh, empty store
// there; called again for the same directory, it opens that store again,
// with what it holds where the engine keeps data (kDurable), as a restarted
// rungd would. Nothing else here knows which engine runs.

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "rung/climb_test.h"
#include "rung/recommendation.h"
#include "rung/store.h"
#include "storage_test_util.h"

namespace rung {

// A SQLite file in the test's directory, opened as rungd opens it.
// Writes `chunk` and, when that went well, commits `run`: the first error.
// An engine may answer a chunk's problem at a later Write or at Commit.
inline absl::Status WriteAndCommit(EvaluationWriter& writer, const EvaluationChunk& chunk,
                                   const EvaluationRecord& run) {
  RETURN_IF_ERROR(writer.Write(chunk));
  return writer.Commit(run);
}

// Names each test instance after its engine ("IngestContract/Sqlite.…").
struct EngineNames {
  template <typename Engine>
  static std::string GetName(int) {
    return Engine::kName;
  }
};

// A fresh store of `Engine` for each test.
template <typename Engine>
class StoreContractTest : public StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    if (HasFatalFailure()) return;
    absl::StatusOr<std::unique_ptr<Store>> store = Engine::Open(Dir());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  Store& store() { return *store_; }

  // Closes the store and opens it again.
  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<Store>> store = Engine::Open(Dir());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

 private:
  std::unique_ptr<Store> store_;
};

// So that failed expectations show reasons as text.
inline void PrintTo(const Reason& reason, std::ostream* os) {
  *os << "{" << reason.rule << ": " << reason.message << "}";
}

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// --- Weeks ----------------------------------------------------------------------

inline IngestBatch Batch(std::vector<AdSetWeek> records, std::string request_id = "") {
  IngestBatch batch;
  batch.records = std::move(records);
  batch.request_id = std::move(request_id);
  return batch;
}

inline IngestSummary Summary(int inserted, int updated, int unchanged) {
  IngestSummary summary;
  summary.inserted = inserted;
  summary.updated = updated;
  summary.unchanged = unchanged;
  return summary;
}

// The summary of an ingest that met no conflict; an error naming the
// conflict otherwise, so that a test expecting a summary fails on it.
inline absl::StatusOr<IngestSummary> Ingested(Store& store, const IngestBatch& batch) {
  ASSIGN_OR_RETURN(IngestOutcome outcome, store.Ingest(batch));
  if (outcome.conflict.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("conflict at record ", outcome.conflict->record_index));
  }
  return outcome.summary;
}

inline std::vector<Week> WeeksOf(const AdSetHistory& history) {
  std::vector<Week> weeks;
  for (const AdSetWeek& record : history) weeks.push_back(record.week);
  return weeks;
}

// --- Recommendations and evaluations ---------------------------------------------

// 2026-01-12T09:30:00.123456Z: a fraction that a store keeping milliseconds
// or seconds would lose.
inline absl::Time EvaluatedAt() {
  return absl::FromCivil(absl::CivilSecond(2026, 1, 12, 9, 30, 0), absl::UTCTimeZone()) +
         absl::Microseconds(123456);
}

// A recommendation with every field set to something other than its default.
inline Recommendation Full(const std::string& ad_set_id, Week week,
                           const std::string& account_id = "act_1") {
  Recommendation r;
  r.account_id = account_id;
  r.ad_set_id = ad_set_id;
  r.as_of_week = week;
  r.ladder = "ecommerce";
  r.action = Action::kMoveDown;
  r.current_event = "Purchase";
  r.target_event = "InitiateCheckout";
  r.learning_status = LearningStatus::kStuck;
  // The first and the last flag, so that bit 0 and the top bit both count.
  r.flags = {Flag::kShortHistory, Flag::kNearExit, Flag::kThresholdOverridden};
  r.reasons = {{"move_down", "Purchase: 12 a week < 50 for 3 weeks; InitiateCheckout: 61 >= 50"},
               {"flag.near_exit", "quote \" backslash \\ newline \n caf\xc3\xa9"}};
  r.latest_counts = {{"AddToCart", 85}, {"InitiateCheckout", 61}, {"Purchase", 12}};
  r.sustained_counts = {{"InitiateCheckout", 55}, {"Purchase", 9}, {"form.start", 0}};
  r.weeks_on_rung = 7;
  r.next_review_week = week.Plus(2);
  r.climb_test_id = "ct_9";
  r.learning_threshold = 50;
  // Every kind of rung: with figures, counted none, and a cost whose budget
  // would not fit in 64 bits; the largest amount a column can hold.
  r.learning_budget.spend_weeks = 3;
  r.learning_budget.weekly_spend_micros = 93'000'000;
  r.learning_budget.rungs = {
      {"AddToCart", 90, 3'100'000, 155'000'000},
      {"InitiateCheckout", 0, std::nullopt, std::nullopt},
      {"form.start \"q\"", 1, std::numeric_limits<int64_t>::max(), std::nullopt}};
  r.policy_version = "ladder-2026-01";
  r.evaluation_id = "ev_1";
  r.evaluated_at = EvaluatedAt();
  return r;
}

// A recommendation with every optional field absent and every text that may
// be empty empty.
inline Recommendation Bare(const std::string& ad_set_id, Week week,
                           const std::string& account_id = "act_1") {
  Recommendation r;
  r.account_id = account_id;
  r.ad_set_id = ad_set_id;
  r.as_of_week = week;
  return r;
}

inline Recommendation With(Recommendation r, Action action, std::set<Flag> flags = {}) {
  r.action = action;
  r.flags = std::move(flags);
  return r;
}

inline EvaluationChunk Chunk(std::vector<Recommendation> recommendations,
                             std::vector<ClimbTestChange> test_changes = {}) {
  EvaluationChunk chunk;
  chunk.recommendations = std::move(recommendations);
  chunk.test_changes = std::move(test_changes);
  return chunk;
}

// The record of run `evaluation_id` of week 3.
inline EvaluationRecord EvaluationRun(const std::string& evaluation_id) {
  EvaluationRecord run;
  run.evaluation_id = evaluation_id;
  run.as_of_week = W(3);
  run.evaluated_at = EvaluatedAt();
  return run;
}

// Every field, one expectation each, so that a failure names the field.
inline void ExpectSameRecommendation(const Recommendation& got, const Recommendation& want) {
  EXPECT_EQ(got.account_id, want.account_id);
  EXPECT_EQ(got.ad_set_id, want.ad_set_id);
  EXPECT_EQ(got.as_of_week, want.as_of_week);
  EXPECT_EQ(got.ladder, want.ladder);
  EXPECT_EQ(got.action, want.action);
  EXPECT_EQ(got.current_event, want.current_event);
  EXPECT_EQ(got.target_event, want.target_event);
  EXPECT_EQ(got.learning_status, want.learning_status);
  EXPECT_EQ(got.flags, want.flags);
  EXPECT_EQ(got.reasons, want.reasons);
  EXPECT_EQ(got.latest_counts, want.latest_counts);
  EXPECT_EQ(got.sustained_counts, want.sustained_counts);
  EXPECT_EQ(got.weeks_on_rung, want.weeks_on_rung);
  EXPECT_EQ(got.next_review_week, want.next_review_week);
  EXPECT_EQ(got.climb_test_id, want.climb_test_id);
  EXPECT_EQ(got.learning_threshold, want.learning_threshold);
  EXPECT_EQ(got.learning_budget, want.learning_budget);
  EXPECT_EQ(got.policy_version, want.policy_version);
  EXPECT_EQ(got.evaluation_id, want.evaluation_id);
  EXPECT_EQ(got.evaluated_at, want.evaluated_at);
}

inline std::string Key(const std::string& ad_set_id, Week week) {
  return absl::StrCat(ad_set_id, "@", week.ToString());
}

// "ad_set_id@week" of each, to compare lists at a glance; the error alone
// when the call failed.
inline std::vector<std::string> Keys(const absl::StatusOr<std::vector<Recommendation>>& listed) {
  if (!listed.ok()) return {listed.status().ToString()};
  std::vector<std::string> keys;
  for (const Recommendation& r : *listed) keys.push_back(Key(r.ad_set_id, r.as_of_week));
  return keys;
}

inline RecommendationQuery Query(std::optional<Week> week, std::string account_id = "") {
  RecommendationQuery query;
  query.as_of_week = week;
  query.account_id = std::move(account_id);
  return query;
}

// --- Climb tests -----------------------------------------------------------------

// 2026-01-05T08:00:00.654321Z.
inline absl::Time CreatedAt() {
  return absl::FromCivil(absl::CivilSecond(2026, 1, 5, 8, 0, 0), absl::UTCTimeZone()) +
         absl::Microseconds(654321);
}

inline ClimbTest NewTest(const std::string& id, const std::string& original,
                         const std::string& duplicate, Week start,
                         const std::string& account_id = "act_1") {
  ClimbTest test;
  test.climb_test_id = id;
  test.account_id = account_id;
  test.original_ad_set_id = original;
  test.duplicate_ad_set_id = duplicate;
  test.from_event = "AddToCart";
  test.to_event = "InitiateCheckout";
  test.start_week = start;
  test.create_time = CreatedAt();
  return test;
}

// `test` judged `state` at `week` with these figures.
inline ClimbTest Judged(ClimbTest test, ClimbTestState state, Week week,
                        std::optional<double> original, std::optional<double> duplicate,
                        std::optional<int64_t> baseline = std::nullopt) {
  test.state = state;
  test.concluded_week = week;
  test.original_cost_per_macro = original;
  test.duplicate_cost_per_macro = duplicate;
  test.retest_baseline = baseline;
  return test;
}

inline ClimbTest CancelledAt(ClimbTest test, Week week) {
  test.state = ClimbTestState::kCancelled;
  test.concluded_week = week;
  return test;
}

// Every field, one expectation each, so that a failure names the field.
inline void ExpectSameTest(const ClimbTest& got, const ClimbTest& want) {
  EXPECT_EQ(got.climb_test_id, want.climb_test_id);
  EXPECT_EQ(got.account_id, want.account_id);
  EXPECT_EQ(got.original_ad_set_id, want.original_ad_set_id);
  EXPECT_EQ(got.duplicate_ad_set_id, want.duplicate_ad_set_id);
  EXPECT_EQ(got.from_event, want.from_event);
  EXPECT_EQ(got.to_event, want.to_event);
  EXPECT_EQ(got.start_week, want.start_week);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.concluded_week, want.concluded_week);
  EXPECT_EQ(got.original_cost_per_macro, want.original_cost_per_macro);
  EXPECT_EQ(got.duplicate_cost_per_macro, want.duplicate_cost_per_macro);
  EXPECT_EQ(got.retest_baseline, want.retest_baseline);
  EXPECT_EQ(got.create_time, want.create_time);
}

// The ids of `tests`; the error alone when the call failed.
inline std::vector<std::string> Ids(const absl::StatusOr<std::vector<ClimbTest>>& tests) {
  if (!tests.ok()) return {tests.status().ToString()};
  std::vector<std::string> ids;
  for (const ClimbTest& test : *tests) ids.push_back(test.climb_test_id);
  return ids;
}

}  // namespace rung

#endif  // RUNG_TESTS_STORE_CONTRACT_H_
