// RunBacktest over a real SQLite file: what it replays, what it reads of the
// climb tests, that it stores nothing, and how it refuses bad requests.
//
// act_1, weekly spend 600.00:
//   a1  Purchase 12, AddToCart 85 at W0-W2; then on AddToCart at W3-W5
//       (Purchase 15): follows the MOVE_DOWN of W2.
//   a2  the same counts, on Purchase at W0-W5: ignores it.
//   a3  AddToCart 85, InitiateCheckout 40 at W0-W4; W2 advises the climb,
//       a3_copy (InitiateCheckout, W3-W4) carries it out in a climb test
//       that the stored evaluation of W4 concluded.
// act_2: b1 on Purchase 45 at W0-W5.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rung/advisor.h"
#include "storage_test_util.h"
#include "support/status_assertions.h"

namespace rung {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr int64_t kMicros = 1'000'000;

class AdvisorBacktestTest : public AdvisorTest {
 protected:
  void SetUp() override {
    AdvisorTest::SetUp();
    const SteadyWeeks::Counts stuck = {{"Purchase", 12}, {"AddToCart", 85}};
    Ingest({"act_1", "a1", "Purchase", stuck, 600, 0, 2});
    Ingest({"act_1", "a1", "AddToCart", {{"Purchase", 15}, {"AddToCart", 85}}, 600, 3, 5});
    Ingest({"act_1", "a2", "Purchase", stuck, 600, 0, 5});
    Ingest({"act_1", "a3", "AddToCart", {{"AddToCart", 85}, {"InitiateCheckout", 40}}, 600, 0, 4});
    Ingest({"act_1",
            "a3_copy",
            "InitiateCheckout",
            {{"AddToCart", 60}, {"InitiateCheckout", 45}, {"Purchase", 10}},
            600,
            3,
            4});
    Ingest({"act_2", "b1", "Purchase", {{"Purchase", 45}}, 100, 0, 5});
    ASSERT_OK(advisor_->StartClimbTest("a3", "a3_copy", W(3).ToString()).status());
    EvaluationRequest evaluation;
    evaluation.as_of_week = W(4).ToString();
    ASSERT_OK(advisor_->EvaluateAdSets(evaluation).status());
  }

  void Ingest(const SteadyWeeks& weeks) {
    ASSERT_OK(advisor_->IngestWeeks(weeks.Rows(), "").status());
  }

  static BacktestRequest Request(std::vector<std::string> ad_set_ids = {}) {
    BacktestRequest request;
    request.account_id = "act_1";
    request.ad_set_ids = std::move(ad_set_ids);
    request.from_week = W(2).ToString();
    request.to_week = W(5).ToString();
    return request;
  }

  static const AdSetBacktest& Story(const BacktestResult& result, const std::string& ad_set_id) {
    for (const AdSetBacktest& story : result.ad_sets) {
      if (story.ad_set_id == ad_set_id) return story;
    }
    ADD_FAILURE() << "no story of " << ad_set_id;
    static const AdSetBacktest kNone;
    return kNone;
  }
};

TEST_F(AdvisorBacktestTest, TheAccountsTotalsSplitFollowedFromIgnoredAdvice) {
  ASSERT_OK_AND_ASSIGN(const BacktestResult result, advisor_->RunBacktest(Request()));

  EXPECT_EQ(result.from_week, W(2));
  EXPECT_EQ(result.to_week, W(5));
  EXPECT_FALSE(result.policy_version.empty());
  EXPECT_EQ(result.totals.ad_sets, 4);  // b1 is act_2's
  // a1, a2 and a3 at W2-W5; a3_copy from its first week, W3.
  EXPECT_EQ(result.totals.advice, 3 * 4 + 3);
  EXPECT_THAT(result.ad_sets, IsEmpty());  // an account's stories are not sent

  // a1 at W2 (followed), a2 at W2-W5: W2's window is stored and stayed on
  // Purchase; the later ones' is not over yet.
  const ActionTotals& moves = result.totals.by_action[static_cast<int>(Action::kMoveDown)];
  EXPECT_EQ(moves.given, 5);
  EXPECT_EQ(moves.followed, 1);
  EXPECT_EQ(moves.not_followed, 1);
  EXPECT_EQ(moves.unknown, 3);
  EXPECT_EQ(moves.when_followed.reached_threshold, 1);  // AddToCart 85 >= 50
  EXPECT_EQ(moves.when_not_followed.reached_threshold, 0);
  EXPECT_EQ(moves.when_followed.after.spend_micros, 1800 * kMicros);
  EXPECT_EQ(moves.when_followed.after.macro_conversions, 45);
  EXPECT_EQ(moves.when_not_followed.after.macro_conversions, 36);

  const ActionTotals& climbs =
      result.totals.by_action[static_cast<int>(Action::kDuplicateAndClimb)];
  EXPECT_EQ(climbs.given, 1);
  EXPECT_EQ(climbs.followed, 1);
  // Both sides of the test judged at W4, as the stored evaluation did.
  EXPECT_EQ(result.totals.by_action[static_cast<int>(Action::kPromoteDuplicate)].given +
                result.totals.by_action[static_cast<int>(Action::kKeepCurrent)].given,
            2);
}

TEST_F(AdvisorBacktestTest, NamedAdSetsComeWithTheirStoryWeekByWeek) {
  ASSERT_OK_AND_ASSIGN(const BacktestResult result, advisor_->RunBacktest(Request({"a3", "a1"})));

  ASSERT_THAT(result.ad_sets, SizeIs(2));
  EXPECT_EQ(result.ad_sets[0].ad_set_id, "a1");  // in id order
  EXPECT_EQ(result.totals.ad_sets, 2);
  const AdSetBacktest& a3 = Story(result, "a3");
  ASSERT_THAT(a3.weeks, SizeIs(4));
  EXPECT_EQ(a3.weeks[0].recommendation.action, Action::kDuplicateAndClimb);
  EXPECT_EQ(a3.weeks[0].following, Following::kFollowed);
  EXPECT_EQ(a3.weeks[0].followed_on_ad_set_id, "a3_copy");
  EXPECT_EQ(a3.weeks[1].recommendation.action, Action::kContinueTest);
  EXPECT_FALSE(a3.weeks[1].recommendation.climb_test_id.empty());
  EXPECT_EQ(a3.weeks[3].recommendation.action, Action::kInsufficientData);  // no W5 record
}

TEST_F(AdvisorBacktestTest, AProposedPolicyChangesTheAdviceAndNothingIsStored) {
  BacktestRequest request = Request({"a1"});
  StoredPolicy proposal;
  proposal.overrides.learning_threshold = 90;
  request.policy = proposal;
  ASSERT_OK_AND_ASSIGN(const int64_t version, store_->RecommendationsVersion());

  ASSERT_OK_AND_ASSIGN(const BacktestResult result, advisor_->RunBacktest(request));

  // AddToCart's 85 is below T = 90; ViewContent has no count, PageView none:
  // no rung below Purchase reaches 90, so the advice is to consolidate.
  const BacktestWeek& w2 = Story(result, "a1").weeks.at(0);
  EXPECT_EQ(w2.recommendation.action, Action::kConsolidate);
  EXPECT_EQ(w2.following, Following::kUnknown);
  EXPECT_EQ(w2.recommendation.learning_threshold, 90);
  ASSERT_OK_AND_ASSIGN(const BacktestResult stored_policy, advisor_->RunBacktest(Request({"a1"})));
  EXPECT_NE(result.policy_version, stored_policy.policy_version);

  ASSERT_OK_AND_ASSIGN(const int64_t after, store_->RecommendationsVersion());
  EXPECT_EQ(after, version);
  EXPECT_EQ(advisor_->GetRecommendation("a1", W(2).ToString()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(AdvisorBacktestTest, LaterWeeksNeverChangeEarlierAdvice) {
  BacktestRequest request = Request();
  request.to_week = W(3).ToString();
  request.ad_set_ids = {"a1", "a2", "a3", "a3_copy"};
  ASSERT_OK_AND_ASSIGN(const BacktestResult before, advisor_->RunBacktest(request));
  Ingest({"act_1", "a2", "AddToCart", {{"Purchase", 30}, {"AddToCart", 200}}, 900, 6, 8});
  Ingest({"act_1", "a1", "Purchase", {{"Purchase", 70}}, 900, 6, 8});

  ASSERT_OK_AND_ASSIGN(const BacktestResult after, advisor_->RunBacktest(request));

  ASSERT_EQ(after.ad_sets.size(), before.ad_sets.size());
  for (size_t i = 0; i < before.ad_sets.size(); ++i) {
    ASSERT_EQ(after.ad_sets[i].weeks.size(), before.ad_sets[i].weeks.size());
    for (size_t w = 0; w < before.ad_sets[i].weeks.size(); ++w) {
      EXPECT_TRUE(SameAdvice(after.ad_sets[i].weeks[w].recommendation,
                             before.ad_sets[i].weeks[w].recommendation))
          << before.ad_sets[i].ad_set_id << " week " << w;
    }
  }
}

// Ingest and a stored evaluation run to the end while a backtest is in the
// middle of its scan (here from inside it, so that nothing needs a thread),
// and the backtest still answers from the weeks as they were when it began.
TEST_F(AdvisorBacktestTest, ABacktestHoldsUpNeitherIngestNorEvaluation) {
  BacktestRequest request = Request();
  int visited = 0;
  request.check_cancelled = [&]() -> absl::Status {
    if (++visited != 1) return absl::OkStatus();
    const SteadyWeeks late{"act_1", "a3", "AddToCart", {{"AddToCart", 85}}, 600, 5, 5};
    RETURN_IF_ERROR(advisor_->IngestWeeks(late.Rows(), "").status());
    EvaluationRequest evaluation;
    evaluation.as_of_week = W(5).ToString();
    return advisor_->EvaluateAdSets(evaluation).status();
  };

  ASSERT_OK_AND_ASSIGN(const BacktestResult result, advisor_->RunBacktest(request));

  EXPECT_EQ(visited, 4);
  ASSERT_OK(advisor_->GetRecommendation("a3", W(5).ToString()).status());
  // a3 and its copy have no W5 in the backtest's snapshot, though a3 has
  // one now.
  EXPECT_EQ(result.totals.by_action[static_cast<int>(Action::kInsufficientData)].given, 2);
  ASSERT_OK_AND_ASSIGN(const BacktestResult later, advisor_->RunBacktest(Request()));
  EXPECT_EQ(later.totals.by_action[static_cast<int>(Action::kInsufficientData)].given, 1);
}

TEST_F(AdvisorBacktestTest, BadRequestsAreRefusedNamingTheField) {
  BacktestRequest request = Request();
  request.from_week.clear();
  EXPECT_TRUE(HasStatus(advisor_->RunBacktest(request).status(), absl::StatusCode::kInvalidArgument,
                        "from_week: required"));
  request = Request();
  request.to_week = W(1).ToString();
  EXPECT_TRUE(HasStatus(advisor_->RunBacktest(request).status(), absl::StatusCode::kInvalidArgument,
                        "to_week: "));
  request = Request();
  request.from_week = W(-200).ToString();
  EXPECT_TRUE(HasStatus(advisor_->RunBacktest(request).status(), absl::StatusCode::kInvalidArgument,
                        "at most 104"));
  request = Request();
  request.to_week = "2026-01-06";
  EXPECT_TRUE(HasStatus(advisor_->RunBacktest(request).status(), absl::StatusCode::kInvalidArgument,
                        "to_week: "));
  request = Request();
  request.account_id.clear();
  EXPECT_TRUE(HasStatus(advisor_->RunBacktest(request).status(), absl::StatusCode::kInvalidArgument,
                        "account_id, ad_set_ids"));
  EXPECT_TRUE(HasStatus(advisor_->RunBacktest(Request({"b1"})).status(),
                        absl::StatusCode::kInvalidArgument, "ad_set_ids: ad set \"b1\""));
  EXPECT_TRUE(HasStatus(advisor_->RunBacktest(Request({"nope"})).status(),
                        absl::StatusCode::kNotFound, "nope"));
}

}  // namespace
}  // namespace rung
