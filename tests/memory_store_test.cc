// What only the in-memory store does, beyond the contract that
// store_contract_*_test.cc checks for every engine: it has no file to copy,
// it checks a run's test changes again at Commit, and it carries an Advisor
// with no daemon or file behind it.

#include "storage/memory/memory_store.h"

#include <memory>
#include <utility>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "rung/advisor.h"
#include "rung/ladder.h"
#include "rung/policy.h"
#include "rung/validation.h"
#include "store_contract.h"

namespace rung {
namespace {

TEST(MemoryStoreTest, HasNoDatabaseToCopyOrCount) {
  std::unique_ptr<Store> store = NewMemoryStore();

  EXPECT_TRUE(HasStatus(StatusOf(store->Backup("/tmp/never-written.db")),
                        absl::StatusCode::kFailedPrecondition,
                        "the in-memory store has no database to copy"));
  ASSERT_OK_AND_ASSIGN(const StoreStats stats, store->GetStats());
  EXPECT_TRUE(stats.engine_counters.empty());
}

// Ingests and test changes go on beside a run here, so a change made between
// a run's Write and its Commit is caught at Commit.
TEST(MemoryStoreTest, ATestChangedAfterTheRunsWriteAbortsItsCommit) {
  std::unique_ptr<Store> store = NewMemoryStore();
  const ClimbTest test = NewTest("ct_1", "as_o", "as_d", W(1));
  ASSERT_OK(store->InsertClimbTest(test));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EvaluationWriter> writer, store->BeginEvaluation());
  ASSERT_OK(writer->Write(
      Chunk({Full("as_o", W(5))}, {{test, Judged(test, ClimbTestState::kPromoted, W(5), 2, 1)}})));
  ASSERT_OK(store->UpdateClimbTest({test, CancelledAt(test, W(5))}));

  EXPECT_TRUE(HasStatus(writer->Commit(EvaluationRun("ev_1")), absl::StatusCode::kAborted,
                        "climb test 'ct_1' is CANCELLED now, not RUNNING as expected"));
  writer.reset();

  ASSERT_OK_AND_ASSIGN(const ClimbTest stored, store->GetClimbTest("ct_1"));
  ExpectSameTest(stored, CancelledAt(test, W(5)));
  EXPECT_FALSE(store->GetRecommendation("as_o", W(5)).ok());
  EXPECT_EQ(store->RecommendationsVersion().value_or(-1), 0);
}

TEST(MemoryStoreTest, CarriesAnAdvisorThroughIngestAndEvaluation) {
  std::unique_ptr<Store> store = NewMemoryStore();
  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 3, 4, 12, 0, 0), absl::UTCTimeZone());
  Advisor advisor(store.get(), PolicyFile(), AdvisorOptions(), [now] { return now; });
  RawAdSetWeek week;
  week.account_id = "act_1";
  week.campaign_id = "cmp_1";
  week.ad_set_id = "as_1";
  week.week_start = W(0).ToString();
  week.optimization_event = "Purchase";
  week.event_counts = {{"Purchase", 80}};
  ASSERT_OK(advisor.IngestWeeks({week}, "req-1"));
  EvaluationRequest request;
  request.as_of_week = W(0).ToString();

  ASSERT_OK_AND_ASSIGN(const EvaluationResult result, advisor.EvaluateAdSets(request));

  EXPECT_EQ(result.evaluated, 1);
  ASSERT_OK_AND_ASSIGN(const Recommendation stored, advisor.GetRecommendation("as_1", ""));
  EXPECT_EQ(stored.as_of_week, W(0));
  EXPECT_EQ(stored.evaluation_id, result.evaluation_id);
  EXPECT_EQ(advisor.RecommendationsVersion().value_or(-1), 1);
}

}  // namespace
}  // namespace rung
