// AnswerCache on its own: what it keeps, for which version, within which
// budget. End to end (kept answers giving way to a new evaluation) is in
// rules_engine_server_test and metrics_test.

#include "api/answer_cache.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "rung/v1/advisor_service.pb.h"
#include "support/sample_answers.h"

namespace rung {
namespace {

using google::protobuf::util::MessageDifferencer;

v1::GetRecommendationResponse Answer(const std::string& ad_set_id, const std::string& week) {
  v1::GetRecommendationResponse answer;
  v1::Recommendation* rec = answer.mutable_recommendation();
  rec->set_ad_set_id(ad_set_id);
  rec->set_as_of_week(week);
  rec->set_action(v1::ACTION_HOLD);
  (*rec->mutable_latest_counts())["Purchase"] = 12;
  rec->add_reasons()->set_message(std::string(200, 'r'));
  return answer;
}

TEST(AnswerCacheTest, GivesBackWhatItKeptForTheSameVersion) {
  AnswerCache cache(1 << 20);
  v1::GetRecommendationResponse found;
  EXPECT_FALSE(cache.Find(0, "as_1", &found));

  cache.Keep(0, "as_1", Answer("as_1", "2026-11-09"));
  ASSERT_TRUE(cache.Find(0, "as_1", &found));
  EXPECT_EQ(found.SerializeAsString(), Answer("as_1", "2026-11-09").SerializeAsString());
  EXPECT_FALSE(cache.Find(0, "as_2", &found));

  const AnswerCache::Stats stats = cache.stats();
  EXPECT_EQ(stats.hits, 1);
  EXPECT_EQ(stats.misses, 2);
  EXPECT_EQ(stats.entries, 1);
  EXPECT_GT(stats.bytes, static_cast<int64_t>(Answer("as_1", "2026-11-09").ByteSizeLong()));
}

TEST(AnswerCacheTest, AnotherVersionMissesAndANewerOneEmptiesIt) {
  AnswerCache cache(1 << 20);
  cache.Keep(3, "as_1", Answer("as_1", "2026-11-02"));
  v1::GetRecommendationResponse found;
  EXPECT_FALSE(cache.Find(4, "as_1", &found));
  EXPECT_FALSE(cache.Find(2, "as_1", &found));
  EXPECT_FALSE(found.has_recommendation());  // a miss leaves it alone

  cache.Keep(4, "as_1", Answer("as_1", "2026-11-09"));
  ASSERT_TRUE(cache.Find(4, "as_1", &found));
  EXPECT_EQ(found.recommendation().as_of_week(), "2026-11-09");
  EXPECT_EQ(cache.stats().entries, 1);
}

TEST(AnswerCacheTest, AnAnswerReadBeforeTheChangeIsNotKeptAfterIt) {
  AnswerCache cache(1 << 20);
  cache.Keep(5, "as_1", Answer("as_1", "2026-11-09"));
  cache.Keep(4, "as_1", Answer("as_1", "2026-11-02"));
  v1::GetRecommendationResponse found;
  EXPECT_FALSE(cache.Find(4, "as_1", &found));
  ASSERT_TRUE(cache.Find(5, "as_1", &found));
  EXPECT_EQ(found.recommendation().as_of_week(), "2026-11-09");
  EXPECT_EQ(cache.stats().entries, 1);
}

// Whatever a key's neighbours did, a lookup answers only from its version.
// Which keys share a shard changes from run to run (absl's hash is seeded per
// process), so a shard may hold version 1 alone: its answers may then be
// found under 1, never under 2.
TEST(AnswerCacheTest, EveryKeyAnswersOnlyFromItsOwnVersion) {
  AnswerCache cache(1 << 20);
  constexpr int kKeys = 200;
  for (int i = 0; i < kKeys; ++i) {
    const std::string id = absl::StrCat("as_", i);
    const bool newer = i % 2 == 1;
    cache.Keep(newer ? 2 : 1, id, Answer(id, newer ? "2026-11-09" : "2026-11-02"));
  }
  v1::GetRecommendationResponse found;
  for (int i = 0; i < kKeys; ++i) {
    const std::string id = absl::StrCat("as_", i);
    const bool newer = i % 2 == 1;
    found.Clear();
    EXPECT_EQ(cache.Find(2, id, &found), newer) << id;
    if (newer) {
      EXPECT_EQ(found.recommendation().as_of_week(), "2026-11-09") << id;
    }
    found.Clear();
    if (cache.Find(1, id, &found)) {
      EXPECT_FALSE(newer) << id;
      EXPECT_EQ(found.recommendation().as_of_week(), "2026-11-02") << id;
    }
  }
}

TEST(AnswerCacheTest, StopsKeepingAtTheBudgetAndKeepsWhatItHas) {
  const int64_t budget = 64 * 1024;
  AnswerCache cache(budget);
  constexpr int kOffered = 1000;  // about 300 KB of answers
  for (int i = 0; i < kOffered; ++i) {
    const std::string id = absl::StrCat("as_", i);
    cache.Keep(0, id, Answer(id, "2026-11-09"));
  }
  const AnswerCache::Stats stats = cache.stats();
  EXPECT_LE(stats.bytes, budget);
  EXPECT_GT(stats.entries, 0);
  EXPECT_LT(stats.entries, kOffered);

  int found_count = 0;
  v1::GetRecommendationResponse found;
  for (int i = 0; i < kOffered; ++i) {
    if (cache.Find(0, absl::StrCat("as_", i), &found)) ++found_count;
  }
  EXPECT_EQ(found_count, stats.entries);
}

TEST(AnswerCacheTest, LearnsADictionaryAndKeepsLaterAnswersInHalfTheSpace) {
  using test_support::SampleAnswer;
  AnswerCache cache(64 << 20);
  constexpr int kSamples = AnswerCache::kDictionarySamples;
  for (int i = 0; i < kSamples - 1; ++i) cache.Keep(0, absl::StrCat("as_", i), SampleAnswer(i));
  EXPECT_FALSE(cache.stats().compressing);
  cache.Keep(0, absl::StrCat("as_", kSamples - 1), SampleAnswer(kSamples - 1));
  const AnswerCache::Stats learnt = cache.stats();
  EXPECT_TRUE(learnt.compressing);

  for (int i = kSamples; i < 2 * kSamples; ++i) {
    cache.Keep(0, absl::StrCat("as_", i), SampleAnswer(i));
  }
  const AnswerCache::Stats after = cache.stats();
  EXPECT_EQ(after.entries, 2 * kSamples);
  // As many answers again, each with the same allowance for its entry.
  EXPECT_LT(after.bytes - learnt.bytes, learnt.bytes / 2);

  // Plain and compressed alike come back as they were kept.
  v1::GetRecommendationResponse found;
  for (int i = 0; i < 2 * kSamples; ++i) {
    found.Clear();
    ASSERT_TRUE(cache.Find(0, absl::StrCat("as_", i), &found)) << i;
    EXPECT_TRUE(MessageDifferencer::Equals(found, SampleAnswer(i))) << i;
  }
}

// zstd learns nothing from empty samples; answers are then kept as they
// come, and learning is not tried again.
TEST(AnswerCacheTest, AnswersTooSmallToLearnFromAreKeptPlain) {
  AnswerCache cache(64 << 20);
  const v1::GetRecommendationResponse same;
  constexpr int kSamples = AnswerCache::kDictionarySamples;
  for (int i = 0; i < kSamples; ++i) cache.Keep(0, absl::StrCat("as_", i), same);
  for (int i = kSamples; i < 2 * kSamples; ++i) {
    cache.Keep(0, absl::StrCat("as_", i), test_support::SampleAnswer(i));
  }
  EXPECT_FALSE(cache.stats().compressing);
  v1::GetRecommendationResponse found;
  ASSERT_TRUE(cache.Find(0, "as_1", &found));
  EXPECT_TRUE(MessageDifferencer::Equals(found, same));
  ASSERT_TRUE(cache.Find(0, absl::StrCat("as_", 2 * kSamples - 1), &found));
  EXPECT_TRUE(MessageDifferencer::Equals(found, test_support::SampleAnswer(2 * kSamples - 1)));
}

TEST(AnswerCacheTest, ABudgetOfNothingKeepsNothing) {
  AnswerCache cache(0);
  cache.Keep(0, "as_1", Answer("as_1", "2026-11-09"));
  v1::GetRecommendationResponse found;
  EXPECT_FALSE(cache.Find(0, "as_1", &found));
  EXPECT_EQ(cache.stats().entries, 0);
}

}  // namespace
}  // namespace rung
