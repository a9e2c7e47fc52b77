// AnswerWarmer over a real Advisor and SQLite file: after a stored
// evaluation it keeps exactly what GetRecommendation would answer.

#include "api/answer_warmer.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/answer_cache.h"
#include "api/proto_convert.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "rung/advisor.h"
#include "rung/policy.h"
#include "rung/v1/advisor_service.pb.h"
#include "storage_test_util.h"

namespace rung {
namespace {

using google::protobuf::util::MessageDifferencer;

constexpr int kAdSets = 30;

std::string AdSetId(int i) { return absl::StrCat("as_", i); }

class AnswerWarmerTest : public AdvisorTest {
 protected:
  // kAdSets ad sets, three weeks each, evaluated at the last.
  void StoreAnEvaluation() {
    IngestBatch batch;
    for (int i = 0; i < kAdSets; ++i) {
      for (int week = 0; week < 3; ++week) {
        batch.records.push_back(Record(AdSetId(i), W(week), 10 + 7 * i));
      }
    }
    ASSERT_OK(store_->Ingest(batch));
    EvaluationRequest request;
    request.as_of_week = W(2).ToString();
    ASSERT_OK(advisor_->EvaluateAdSets(request));
  }
};

TEST_F(AnswerWarmerTest, KeepsWhatGetRecommendationWouldAnswer) {
  StoreAnEvaluation();
  AnswerCache answers(1 << 20);
  AnswerWarmer warmer(advisor_.get(), &answers);
  warmer.Refill();
  ASSERT_OK(warmer.WaitUntilIdle());

  EXPECT_EQ(answers.stats().entries, kAdSets);
  ASSERT_OK_AND_ASSIGN(const int64_t version, advisor_->RecommendationsVersion());
  for (int i = 0; i < kAdSets; ++i) {
    v1::GetRecommendationResponse kept;
    ASSERT_TRUE(answers.Find(version, AnswerCache::KeyOf(AdSetId(i), ""), &kept)) << AdSetId(i);
    ASSERT_OK_AND_ASSIGN(const Recommendation rec, advisor_->GetRecommendation(AdSetId(i), ""));
    v1::GetRecommendationResponse read;
    ToProto(rec, read.mutable_recommendation());
    EXPECT_TRUE(MessageDifferencer::Equals(kept, read)) << kept.DebugString();
  }
}

TEST_F(AnswerWarmerTest, StopsWhenTheBudgetIsUsedUp) {
  StoreAnEvaluation();
  // Room for a few answers per shard, not for all of them.
  const int64_t budget = 16 * 1024;
  AnswerCache answers(budget);
  AnswerWarmer warmer(advisor_.get(), &answers);
  warmer.Refill();
  ASSERT_OK(warmer.WaitUntilIdle());

  const AnswerCache::Stats stats = answers.stats();
  EXPECT_LE(stats.bytes, budget);
  EXPECT_GT(stats.entries, 0);
  EXPECT_LT(stats.entries, kAdSets);
}

TEST_F(AnswerWarmerTest, WithNothingStoredKeepsNothing) {
  AnswerCache answers(1 << 20);
  AnswerWarmer warmer(advisor_.get(), &answers);
  warmer.Refill();
  ASSERT_OK(warmer.WaitUntilIdle());
  EXPECT_EQ(answers.stats().entries, 0);
}

}  // namespace
}  // namespace rung
