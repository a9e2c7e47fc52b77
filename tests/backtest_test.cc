// The backtest's replay of one ad set: advice at each week from that week's
// data alone, whether it was followed, and the outcome, against histories
// whose answers are worked out by hand from the ladder policy.

#include "rung/backtest.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rung/climb_test.h"
#include "support/decision_builder.h"

namespace rung {
namespace {

using ::rung::test_support::BuildHistory;
using ::rung::test_support::BuiltInLadders;
using ::rung::test_support::Counts;
using ::rung::test_support::kMicros;
using ::rung::test_support::Row;
using ::rung::test_support::WeekAt;

constexpr char kVC[] = "ViewContent";
constexpr char kATC[] = "AddToCart";
constexpr char kIC[] = "InitiateCheckout";
constexpr char kP[] = "Purchase";

Counts Funnel(int64_t vc, int64_t atc, int64_t ic, int64_t p) {
  return {{"PageView", 1500}, {kVC, vc}, {kATC, atc}, {kIC, ic}, {kP, p}};
}

// Scenario 1 of the policy for weeks 0-2 (MOVE_DOWN to AddToCart at week 2),
// then weeks 3-5 as `after_event`, each week 600 spent.
std::vector<Row> StuckOnPurchaseThen(const std::string& after_event, int64_t purchases_after) {
  std::vector<Row> rows;
  for (int w = 0; w <= 2; ++w) rows.push_back({w, kP, Funnel(340, 85, 28, 12), 600 * kMicros});
  for (int w = 3; w <= 5; ++w) {
    rows.push_back({w, after_event, Funnel(340, 85, 28, purchases_after), 600 * kMicros});
  }
  return rows;
}

// `history` without the weeks after `w`: what was stored at w.
AdSetHistory HistoryUpTo(const AdSetHistory& history, Week w) {
  AdSetHistory up_to;
  for (const AdSetWeek& record : history) {
    if (record.week <= w) up_to.push_back(record);
  }
  return up_to;
}

struct Replay {
  AdSetHistory history;
  std::vector<ClimbTest> tests;
  std::map<std::string, AdSetHistory> partners;
  Policy policy;

  AdSetBacktest Run(int from, int to) const {
    ReplayInput input;
    input.history = &history;
    input.tests = &tests;
    input.partners = &partners;
    input.policy = &policy;
    input.ladders = &BuiltInLadders();
    input.from = WeekAt(from);
    input.to = WeekAt(to);
    return ReplayAdSet(input);
  }
};

const BacktestWeek& At(const AdSetBacktest& replay, int week) {
  for (const BacktestWeek& replayed : replay.weeks) {
    if (replayed.recommendation.as_of_week == WeekAt(week)) return replayed;
  }
  ADD_FAILURE() << "no advice at week " << week;
  static const BacktestWeek kNone;
  return kNone;
}

TEST(BacktestTest, AMoveDownThatWasFollowedAndPaidOff) {
  Replay replay{BuildHistory(StuckOnPurchaseThen(kATC, 15)), {}, {}, Policy()};
  const AdSetBacktest result = replay.Run(2, 5);
  ASSERT_EQ(result.weeks.size(), 4u);

  const BacktestWeek& moved = At(result, 2);
  EXPECT_EQ(moved.recommendation.action, Action::kMoveDown);
  EXPECT_EQ(moved.recommendation.target_event, kATC);
  EXPECT_EQ(moved.following, Following::kFollowed);
  EXPECT_EQ(moved.followed_on_ad_set_id, "");
  EXPECT_EQ(moved.outcome.reached_threshold, true);  // AddToCart 85 >= 50
  EXPECT_EQ(moved.outcome.before.spend_micros, 1800 * kMicros);
  EXPECT_EQ(moved.outcome.before.macro_conversions, 36);
  EXPECT_EQ(moved.outcome.after.spend_micros, 1800 * kMicros);
  EXPECT_EQ(moved.outcome.after.macro_conversions, 45);
  EXPECT_DOUBLE_EQ(*moved.outcome.before.CostPerMacroMicros(), 50.0 * kMicros);
  EXPECT_DOUBLE_EQ(*moved.outcome.after.CostPerMacroMicros(), 40.0 * kMicros);

  // One week on AddToCart at 85: stabilize, and it stayed on AddToCart.
  EXPECT_EQ(At(result, 3).recommendation.action, Action::kStabilize);
  EXPECT_EQ(At(result, 3).following, Following::kFollowed);
  // Stable on AddToCart, InitiateCheckout 28 below the cutover of 30: hold.
  EXPECT_EQ(At(result, 4).recommendation.action, Action::kHold);
  EXPECT_EQ(At(result, 4).following, Following::kFollowed);
  // No week after the last one stored: nobody can tell yet.
  EXPECT_EQ(At(result, 5).following, Following::kUnknown);
  EXPECT_FALSE(At(result, 5).outcome.reached_threshold.has_value());
  EXPECT_EQ(At(result, 5).outcome.after.weeks, 0);
}

TEST(BacktestTest, AMoveDownThatWasIgnored) {
  Replay replay{BuildHistory(StuckOnPurchaseThen(kP, 12)), {}, {}, Policy()};
  const BacktestWeek& moved = At(replay.Run(2, 2), 2);
  EXPECT_EQ(moved.recommendation.action, Action::kMoveDown);
  // Weeks 3-5, the whole of climb_test_weeks + 1, stayed on Purchase.
  EXPECT_EQ(moved.following, Following::kNotFollowed);
  EXPECT_EQ(moved.outcome.reached_threshold, false);  // Purchase 12 < 50
  EXPECT_EQ(moved.outcome.after.macro_conversions, 36);
}

TEST(BacktestTest, AdviceTooRecentToJudgeIsUnknownNotIgnored) {
  std::vector<Row> rows = StuckOnPurchaseThen(kP, 12);
  rows.resize(4);  // weeks 0-3: one week of the three after the advice
  Replay replay{BuildHistory(rows), {}, {}, Policy()};
  const BacktestWeek& moved = At(replay.Run(2, 2), 2);
  EXPECT_EQ(moved.following, Following::kUnknown);
  EXPECT_EQ(moved.outcome.reached_threshold, false);
  EXPECT_EQ(moved.outcome.after.weeks, 1);
}

// Scenario 2 (DUPLICATE_AND_CLIMB to InitiateCheckout at week 2), then a
// copy on InitiateCheckout from week 3, judged PROMOTED at week 4.
Replay ClimbedThroughACopy() {
  std::vector<Row> original;
  const int64_t atc[] = {85, 88, 84, 86, 85};
  const int64_t ic[] = {40, 41, 39, 40, 40};
  for (int w = 0; w <= 4; ++w) {
    original.push_back({w, kATC, Funnel(340, atc[w], ic[w], 10), 500 * kMicros});
  }
  std::vector<Row> copy;
  for (int w = 3; w <= 4; ++w) copy.push_back({w, kIC, Funnel(200, 60, 45, 10), 500 * kMicros});
  ClimbTest test;
  test.climb_test_id = "ct_1";
  test.account_id = "act_1";
  test.original_ad_set_id = "as_1";
  test.duplicate_ad_set_id = "as_1_copy";
  test.from_event = kATC;
  test.to_event = kIC;
  test.start_week = WeekAt(3);
  test.state = ClimbTestState::kPromoted;
  test.concluded_week = WeekAt(4);
  test.original_cost_per_macro = 50;
  test.duplicate_cost_per_macro = 50;
  return Replay{
      BuildHistory(original), {test}, {{"as_1_copy", BuildHistory(copy, "as_1_copy")}}, Policy()};
}

TEST(BacktestTest, AClimbIsFollowedOnTheCopyAClimbTestLinks) {
  const AdSetBacktest result = ClimbedThroughACopy().Run(2, 4);
  const BacktestWeek& climb = At(result, 2);
  EXPECT_EQ(climb.recommendation.action, Action::kDuplicateAndClimb);
  EXPECT_EQ(climb.recommendation.target_event, kIC);
  EXPECT_EQ(climb.following, Following::kFollowed);
  EXPECT_EQ(climb.followed_on_ad_set_id, "as_1_copy");
  // Blended: the original's and the copy's weeks 3-4 together.
  EXPECT_EQ(climb.outcome.after.spend_micros, 2000 * kMicros);
  EXPECT_EQ(climb.outcome.after.macro_conversions, 40);
  EXPECT_EQ(climb.outcome.reached_threshold, true);  // the original's AddToCart

  // The test as it stood: running one week, then judged from its weeks.
  EXPECT_EQ(At(result, 3).recommendation.action, Action::kContinueTest);
  EXPECT_EQ(At(result, 4).recommendation.action, Action::kPromoteDuplicate);
  EXPECT_EQ(At(result, 4).recommendation.climb_test_id, "ct_1");
}

TEST(BacktestTest, TestsAsOfAWeekForgetWhatCameLater) {
  const ClimbTest stored = ClimbedThroughACopy().tests.front();
  EXPECT_TRUE(TestsAsOf({stored}, WeekAt(2)).empty());
  for (int w : {3, 4}) {
    const std::vector<ClimbTest> seen = TestsAsOf({stored}, WeekAt(w));
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].state, ClimbTestState::kRunning) << w;
    EXPECT_FALSE(seen[0].concluded_week.has_value()) << w;
    EXPECT_FALSE(seen[0].duplicate_cost_per_macro.has_value()) << w;
  }
  EXPECT_EQ(TestsAsOf({stored}, WeekAt(5))[0].state, ClimbTestState::kPromoted);

  ClimbTest cancelled = stored;
  cancelled.state = ClimbTestState::kCancelled;
  EXPECT_EQ(TestsAsOf({cancelled}, WeekAt(3))[0].state, ClimbTestState::kRunning);
  EXPECT_EQ(TestsAsOf({cancelled}, WeekAt(4))[0].state, ClimbTestState::kCancelled);
}

TEST(BacktestTest, AProposedThresholdChangesTheAdviceAsTheRulesSay) {
  Replay replay{BuildHistory(StuckOnPurchaseThen(kATC, 15)), {}, {}, Policy()};
  replay.policy.learning_threshold = 90;
  const BacktestWeek& moved = At(replay.Run(2, 2), 2);
  // AddToCart's 85 no longer reaches T = 90; ViewContent's 340 does.
  EXPECT_EQ(moved.recommendation.action, Action::kMoveDown);
  EXPECT_EQ(moved.recommendation.target_event, kVC);
  EXPECT_EQ(moved.following, Following::kNotFollowed);  // it went to AddToCart
  EXPECT_EQ(moved.outcome.reached_threshold, false);    // 85 < 90
}

TEST(BacktestTest, TotalsSplitFollowedFromIgnoredAdvice) {
  BacktestTotals totals;
  totals.Add(Replay{BuildHistory(StuckOnPurchaseThen(kATC, 15)), {}, {}, Policy()}.Run(2, 2));
  totals.Add(Replay{BuildHistory(StuckOnPurchaseThen(kP, 12), "as_2"), {}, {}, Policy()}.Run(2, 2));
  EXPECT_EQ(totals.ad_sets, 2);
  EXPECT_EQ(totals.advice, 2);
  const ActionTotals& moves = totals.by_action[static_cast<int>(Action::kMoveDown)];
  EXPECT_EQ(moves.given, 2);
  EXPECT_EQ(moves.followed, 1);
  EXPECT_EQ(moves.not_followed, 1);
  EXPECT_EQ(moves.when_followed.reached_threshold, 1);
  EXPECT_EQ(moves.when_not_followed.outcome_known, 1);
  EXPECT_EQ(moves.when_not_followed.reached_threshold, 0);
  EXPECT_DOUBLE_EQ(*moves.when_followed.after.CostPerMacroMicros(), 40.0 * kMicros);
  EXPECT_DOUBLE_EQ(*moves.when_not_followed.after.CostPerMacroMicros(), 50.0 * kMicros);
}

// Advice at W reads nothing after W: replaying a history cut at week k
// gives, for every week up to k, the advice the whole history gives.
TEST(BacktestTest, AppendingWeeksNeverChangesEarlierAdvice) {
  std::mt19937 random(20261207);
  const std::vector<std::string> events = {kVC, kATC, kIC, kP};
  for (int round = 0; round < 40; ++round) {
    Replay whole = round % 4 == 0 ? ClimbedThroughACopy() : Replay();
    if (round % 4 != 0) {
      std::vector<Row> rows;
      std::string event = events[random() % events.size()];
      for (int w = 0; w < 10; ++w) {
        if (random() % 10 == 0) continue;  // a data gap
        if (random() % 4 == 0) event = events[random() % events.size()];
        const auto level = [&](int64_t base) { return base / 2 + random() % base; };
        rows.push_back(
            {w, event, Funnel(level(400), level(100), level(50), level(30)),
             random() % 5 == 0 ? std::nullopt : std::optional<int64_t>(level(900) * kMicros)});
      }
      if (rows.empty()) continue;
      whole.history = BuildHistory(rows);
    }
    const AdSetBacktest full = whole.Run(0, 9);
    for (int k = 0; k < 9; ++k) {
      if (whole.history.front().week > WeekAt(k)) continue;
      Replay cut = whole;
      cut.history = HistoryUpTo(whole.history, WeekAt(k));
      cut.tests = TestsAsOf(whole.tests, WeekAt(k));
      for (auto& [id, partner] : cut.partners) partner = HistoryUpTo(partner, WeekAt(k));
      for (const BacktestWeek& early : cut.Run(0, k).weeks) {
        const Recommendation& later =
            At(full, static_cast<int>(early.recommendation.as_of_week.WeeksSince(WeekAt(0))))
                .recommendation;
        EXPECT_TRUE(SameAdvice(early.recommendation, later))
            << "round " << round << ", cut at " << k << ", advice of "
            << early.recommendation.as_of_week.ToString();
      }
    }
  }
}

}  // namespace
}  // namespace rung
